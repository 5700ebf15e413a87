/** PATCH errors (RFC 7644 §3.5.2, §3.12 Table 9), mutability, primary, atomicity and properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, parsePatchRequest } from '../../../src/scim/patch.ts';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { ENTERPRISE, PATCH_OP, fullUser, group, scimErrorOf } from '../validate/rfc-samples.ts';

const registry = SchemaRegistry.fromSpecs();
const users = { registry, resourceType: 'User' };
const groups = { registry, resourceType: 'Group' };
const body = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
type Items = Record<string, unknown>[];

describe('parsePatchRequest (RFC 7644 §3.5.2)', () => {
  it('reads ops in any case and keeps their order', () => {
    expect(parsePatchRequest({ SCHEMAS: [PATCH_OP.toUpperCase()], operations: [{ Op: 'Add', Path: 'title', Value: 'x' }, { op: 'REMOVE', path: 'title' }] })).toEqual([
      { op: 'add', path: 'title', value: 'x' },
      { op: 'remove', path: 'title' },
    ]);
  });

  const invalidSyntax: [string, unknown][] = [
    ['a body that is not an object', [1]],
    ['missing schemas', { Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['the wrong schema', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['missing Operations', { schemas: [PATCH_OP] }],
    ['empty Operations', { schemas: [PATCH_OP], Operations: [] }],
    ['an operation that is not an object', body('add')],
    ['an unknown op', body({ op: 'move', path: 'title', value: 'x' })],
    ['a missing op', body({ path: 'title', value: 'x' })],
  ];
  for (const [title, b] of invalidSyntax) {
    it(`refuses ${title} with invalidSyntax`, () => {
      expect(scimErrorOf(() => parsePatchRequest(b))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    });
  }

  it('refuses remove without path (noTarget) and add/replace without value (invalidValue)', () => {
    expect(scimErrorOf(() => parsePatchRequest(body({ op: 'remove' })))).toMatchObject({ scimType: 'noTarget' });
    expect(scimErrorOf(() => parsePatchRequest(body({ op: 'add', path: 'title' })))).toMatchObject({ scimType: 'invalidValue' });
    expect(scimErrorOf(() => parsePatchRequest(body({ op: 'replace', path: 42, value: 'x' })))).toMatchObject({ scimType: 'invalidPath' });
  });
});

describe('applyPatch errors', () => {
  const cases: [string, 'User' | 'Group', unknown[], string][] = [
    ['an unknown attribute in path', 'User', [{ op: 'replace', path: 'shoeSize', value: 1 }], 'invalidPath'],
    ['an unknown sub-attribute in path', 'User', [{ op: 'replace', path: 'name.planet', value: 1 }], 'invalidPath'],
    ['a malformed path', 'User', [{ op: 'replace', path: 'name..givenName', value: 1 }], 'invalidPath'],
    ['a filter on a single-valued attribute', 'User', [{ op: 'replace', path: 'name[givenName eq "B"]', value: {} }], 'invalidPath'],
    ['a malformed value filter', 'User', [{ op: 'remove', path: 'emails[type eq]' }], 'invalidFilter'],
    ['a readOnly attribute by path (id)', 'User', [{ op: 'replace', path: 'id', value: 'x' }], 'mutability'],
    ['a readOnly sub-attribute by path (meta.created)', 'User', [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }], 'mutability'],
    ['User.groups by path', 'User', [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }], 'mutability'],
    ['User.groups in a pathless value', 'User', [{ op: 'add', value: { groups: [{ value: 'g' }] } }], 'mutability'],
    ['a readOnly extension sub-attribute', 'User', [{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'x' }], 'mutability'],
    ['removing the required userName', 'User', [{ op: 'remove', path: 'userName' }], 'mutability'],
    ['removing the required displayName of a Group', 'Group', [{ op: 'remove', path: 'displayName' }], 'mutability'],
    ['changing an immutable member value', 'Group', [{ op: 'replace', path: 'members[value eq "902c246b-6245-4190-8e05-00816be7344a"].value', value: 'x' }], 'mutability'],
    ['removing the required members.value', 'Group', [{ op: 'remove', path: 'members[value eq "902c246b-6245-4190-8e05-00816be7344a"].value' }], 'mutability'],
    ['replace with a filter matching nothing', 'User', [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x' }], 'noTarget'],
    ['remove with a filter matching nothing', 'Group', [{ op: 'remove', path: 'members[value eq "nobody"]' }], 'noTarget'],
    ['add with a filter that describes no value', 'User', [{ op: 'add', path: 'emails[type co "x"].value', value: 'x' }], 'noTarget'],
    ['a string for a boolean', 'User', [{ op: 'replace', path: 'active', value: 'yes' }], 'invalidValue'],
    ['an object for a string', 'User', [{ op: 'replace', value: { displayName: { a: 1 } } }], 'invalidValue'],
    ['a pathless value that is not an object', 'User', [{ op: 'replace', value: 'x' }], 'invalidValue'],
    ['a malformed value-filter key in a pathless value', 'User', [{ op: 'replace', value: { 'emails[type eq': 'x' } }], 'invalidPath'],
    ['a bad filter inside a pathless value key', 'User', [{ op: 'replace', value: { 'emails[type zz "work"].value': 'x' } }], 'invalidFilter'],
    ['replace userName with null', 'User', [{ op: 'replace', path: 'userName', value: null }], 'mutability'],
    ['replace userName with ""', 'User', [{ op: 'replace', value: { userName: '' } }], 'invalidValue'],
    ['two primary emails after a whole replace', 'User', [{ op: 'replace', path: 'emails', value: [{ value: 'a', primary: true }, { value: 'b', primary: 'true' }] }], 'invalidValue'],
  ];
  for (const [title, rt, ops, scimType] of cases) {
    it(`${title} -> 400 ${scimType}`, () => {
      const resource = rt === 'User' ? fullUser() : group();
      const before = structuredClone(resource);
      const e = scimErrorOf(() => applyPatch(resource, body(...ops), rt === 'User' ? users : groups));
      expect(e).toMatchObject({ status: 400, scimType });
      expect(e.detail).toMatch(/^(Operations\[0\]|the patched resource)/);
      expect(resource).toEqual(before);
    });
  }

  it('ignores id, meta and schemas inside a pathless value, and unknown attributes there', () => {
    const u = fullUser();
    const r = applyPatch(u, body({ op: 'replace', value: { id: 'x', meta: { version: 'v' }, schemas: ['x'], shoeSize: 9, 'shoe size': 9, 'name.shoe': 1, title: 'T' } }), users);
    expect(r).toEqual({ ...u, title: 'T', password: u.password });
  });

  it('add with primary true clears primary on the other values (RFC 7644 §3.5.2)', () => {
    const r = applyPatch(fullUser(), body({ op: 'add', path: 'emails', value: [{ value: 'n@x', type: 'other', primary: true }] }), users);
    expect((r.emails as Items).filter((e) => e.primary === true).map((e) => e.value)).toEqual(['n@x']);
    expect((r.emails as Items)[0].primary).toBe(false);
  });

  it('replace of a filtered value with primary true clears the others', () => {
    const r = applyPatch(fullUser(), body({ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'h@x', type: 'home', primary: 'True' } }), users);
    expect(r.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: false }, { value: 'h@x', type: 'home', primary: true }]);
  });

  it('removes and adds a whole extension by its URN path', () => {
    const removed = applyPatch(fullUser(), body({ op: 'remove', path: ENTERPRISE }), users);
    expect(removed).not.toHaveProperty(ENTERPRISE);
    expect(removed.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
    const added = applyPatch(removed, body({ op: 'add', path: ENTERPRISE, value: { department: 'D', Division: 'V' } }), users);
    expect(added[ENTERPRISE]).toEqual({ division: 'V', department: 'D' });
  });

  it('keeps password (writeOnly) and the readOnly values of the stored resource', () => {
    const u = fullUser();
    const r = applyPatch(u, body({ op: 'replace', path: 'password', value: 'n3w' }), users);
    expect(r.password).toBe('n3w');
    expect(r.groups).toEqual(u.groups);
    expect(r.meta).toEqual(u.meta);
    expect(r.id).toBe(u.id);
  });
});

describe('atomicity (RFC 7644 §3.5.2)', () => {
  it('a failing last op leaves the input deep-equal to before and returns nothing', () => {
    const u = fullUser();
    const before = structuredClone(u);
    scimErrorOf(() =>
      applyPatch(u, body({ op: 'replace', path: 'title', value: 'changed' }, { op: 'remove', path: 'emails' }, { op: 'remove', path: 'userName' }), users),
    );
    expect(u).toEqual(before);
  });

  const validOps = [
    { op: 'replace', path: 'title', value: 'T' },
    { op: 'add', path: 'emails', value: [{ value: 'z@x' }] },
    { op: 'remove', path: 'nickName' },
    { op: 'Replace', path: 'active', value: 'False' },
    { op: 'replace', value: { displayName: 'D', 'name.givenName': 'G' } },
    { op: 'remove', path: 'emails[type eq "home"]' },
    { op: 'add', path: `${ENTERPRISE}:department`, value: 'X' },
  ];
  const invalidOps = [
    { op: 'remove', path: 'userName' },
    { op: 'replace', path: 'id', value: 'x' },
    { op: 'replace', path: 'nope', value: 1 },
    { op: 'replace', path: 'phoneNumbers[type eq "pager"].value', value: '1' },
    { op: 'replace', path: 'active', value: 3 },
    { op: 'jump', path: 'title', value: 1 },
  ];

  it('an op list with one invalid op throws and leaves the input unchanged (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...validOps), { maxLength: 6 }),
        fc.constantFrom(...invalidOps),
        fc.nat(),
        (valid, invalid, at) => {
          const ops: unknown[] = [...valid];
          ops.splice(at % (ops.length + 1), 0, invalid);
          const u = fullUser();
          const before = structuredClone(u);
          const e = scimErrorOf(() => applyPatch(u, body(...ops), users));
          expect(e.status).toBe(400);
          expect(u).toEqual(before);
        },
      ),
    );
  });

  it('replace, then the same replace again, changes nothing more (property)', () => {
    const replaceOp = fc.oneof(
      fc.record({ op: fc.constant('replace'), path: fc.constantFrom('title', 'nickName', 'displayName', 'name.givenName', 'emails[type eq "work"].value', `${ENTERPRISE}:department`), value: fc.string({ minLength: 1, maxLength: 8 }) }),
      fc.record({ op: fc.constantFrom('replace', 'Replace'), path: fc.constant('active'), value: fc.constantFrom(true, false, 'True', 'False', 'TRUE') }),
      fc.record({ op: fc.constant('replace'), path: fc.constant('emails'), value: fc.array(fc.record({ value: fc.string({ minLength: 1, maxLength: 5 }), type: fc.constantFrom('work', 'home') }), { minLength: 1, maxLength: 3 }) }),
      fc.record({ op: fc.constant('replace'), value: fc.record({ title: fc.string({ minLength: 1, maxLength: 5 }), 'name.familyName': fc.string({ minLength: 1, maxLength: 5 }) }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...validOps), replaceOp, (setup, op) => {
        // From a varied starting point, one replace applied twice equals it applied once.
        const start = applyPatch(fullUser(), body(setup), users);
        const once = applyPatch(start, body(op), users);
        const twice = applyPatch(once, body(op), users);
        expect(twice).toEqual(once);
      }),
    );
  });
});
