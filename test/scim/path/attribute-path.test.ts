import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseAttrPath, parsePatchPath, printAttrPath, printPatchPath } from '../../../src/scim/attribute-path.ts';
import { isScimError } from '../../../src/scim/errors.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('parseAttrPath (RFC 7644 §3.10)', () => {
  it('parses plain, dotted and $ref names', () => {
    expect(parseAttrPath('userName')).toEqual({ attr: 'userName' });
    expect(parseAttrPath('name.givenName')).toEqual({ attr: 'name', subAttr: 'givenName' });
    expect(parseAttrPath('members.$ref')).toEqual({ attr: 'members', subAttr: '$ref' });
    expect(parseAttrPath('x509Certificates.value')).toEqual({ attr: 'x509Certificates', subAttr: 'value' });
  });

  it('splits a URN prefix at its last colon, keeping the "2.0" inside the URN', () => {
    expect(parseAttrPath(`${ENTERPRISE}:manager.value`)).toEqual({ schema: ENTERPRISE, attr: 'manager', subAttr: 'value' });
    expect(parseAttrPath(`${CORE_USER}:name.givenName`)).toEqual({ schema: CORE_USER, attr: 'name', subAttr: 'givenName' });
    expect(parseAttrPath(`${ENTERPRISE}:employeeNumber`)).toEqual({ schema: ENTERPRISE, attr: 'employeeNumber' });
  });

  it.each([
    ['', 'empty'],
    ['name.givenName.first', 'more than one sub-attribute'],
    ['1abc', 'not a valid attribute name'],
    ['user name', 'not a valid attribute name'],
    ['notaurn:userName', 'not a schema URN'],
    [`${ENTERPRISE}:`, 'no attribute'],
    ['name.', 'not a valid sub-attribute name'],
  ])('rejects %j with invalidPath (%s)', (text, why) => {
    const e = errorOf(() => parseAttrPath(text));
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidPath');
    expect(e.detail).toContain(why);
  });

  it('prints what it parses', () => {
    for (const s of ['userName', 'name.givenName', `${ENTERPRISE}:manager.value`, 'members.$ref']) {
      expect(printAttrPath(parseAttrPath(s))).toBe(s);
    }
  });
});

describe('parsePatchPath (RFC 7644 §3.5.2)', () => {
  it('parses the RFC examples', () => {
    expect(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toEqual({
      attrPath: { attr: 'members' },
      valueFilter: { op: 'eq', path: { attr: 'value' }, value: '2819c223-7f76-453a-919d-413861904646' },
    });
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      attrPath: { attr: 'emails' },
      valueFilter: { op: 'eq', path: { attr: 'type' }, value: 'work' },
      subAttr: 'value',
    });
    expect(parsePatchPath('addresses[type eq "work"].streetAddress')).toEqual({
      attrPath: { attr: 'addresses' },
      valueFilter: { op: 'eq', path: { attr: 'type' }, value: 'work' },
      subAttr: 'streetAddress',
    });
    expect(parsePatchPath(`${ENTERPRISE}:manager`)).toEqual({ attrPath: { schema: ENTERPRISE, attr: 'manager' } });
    expect(parsePatchPath('name.familyName')).toEqual({ attrPath: { attr: 'name', subAttr: 'familyName' } });
  });

  it('parses a compound value filter and a "]" inside a string value', () => {
    expect(parsePatchPath('emails[type eq "work" and value ew "]x"]')).toEqual({
      attrPath: { attr: 'emails' },
      valueFilter: {
        op: 'and',
        left: { op: 'eq', path: { attr: 'type' }, value: 'work' },
        right: { op: 'ew', path: { attr: 'value' }, value: ']x' },
      },
    });
  });

  it.each([
    ['emails[type eq "work"', 'invalidPath', "no closing ']'"],
    ['emails[type eq "work"]value', 'invalidPath', "'.subAttribute'"],
    ['emails[type eq "work"].', 'invalidPath', "'.subAttribute'"],
    ['name.familyName[value pr]', 'invalidPath', 'not to the sub-attribute'],
    ['emails]', 'invalidPath', "']' without '['"],
    ['a.b.c', 'invalidPath', 'more than one sub-attribute'],
    ['emails[type eq]', 'invalidFilter', 'expected a value'],
    ['emails[type xx "work"]', 'invalidFilter', 'expected an operator'],
    ['emails[]', 'invalidFilter', 'empty'],
  ])('rejects %j as %s', (text, scimType, why) => {
    const e = errorOf(() => parsePatchPath(text));
    expect(e.scimType).toBe(scimType);
    expect(e.detail).toContain(why);
  });

  it('reports filter error positions as offsets in the whole path', () => {
    const e = errorOf(() => parsePatchPath('emails[type eq work]'));
    expect(e.detail).toContain('at position 15');
  });

  it('round-trips through printPatchPath', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,6}$/);
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(name, name, name, value, fc.option(name, { nil: undefined }), (attr, inner, _x, v, sub) => {
        const path = {
          attrPath: { attr },
          valueFilter: { op: 'eq' as const, path: { attr: inner }, value: v },
          ...(sub === undefined ? {} : { subAttr: sub }),
        };
        expect(parsePatchPath(printPatchPath(path))).toEqual(path);
      }),
    );
  });
});
