import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { isXsdDateTime, normalizeResource, readOnlyAttributesPresent } from '../../../src/scim/validate-resource.ts';
import { ENTERPRISE, GROUP, USER, fullUser, group, scimErrorOf } from './rfc-samples.ts';

const registry = SchemaRegistry.fromSpecs();
const users = { registry, resourceType: 'User', mode: 'create' as const };
const groups = { registry, resourceType: 'Group', mode: 'create' as const };

describe('normalizeResource: body and schemas (RFC 7643 §3)', () => {
  it('refuses a body that is not a JSON object', () => {
    for (const body of [null, 'x', 42, [{ schemas: [USER], userName: 'a' }]]) {
      expect(scimErrorOf(() => normalizeResource(body, users))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    }
  });

  it('refuses schemas that are missing, not an array, or without the core schema', () => {
    for (const schemas of [undefined, USER, [GROUP], [ENTERPRISE], [1]]) {
      const e = scimErrorOf(() => normalizeResource({ schemas, userName: 'a' }, users));
      expect(e).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    }
  });

  it('matches the core schema URN and the schemas key case-insensitively', () => {
    const r = normalizeResource({ SCHEMAS: [USER.toUpperCase()], userName: 'a' }, users);
    expect(r).toEqual({ schemas: [USER], userName: 'a' });
  });

  it('lists an extension in schemas when the resource carries its attributes, and only then', () => {
    expect(normalizeResource({ schemas: [USER, ENTERPRISE], userName: 'a' }, users).schemas).toEqual([USER]);
    // Leniency: extension data whose URN is missing from "schemas" is kept and the URN added.
    const r = normalizeResource({ schemas: [USER], userName: 'a', [ENTERPRISE.toLowerCase()]: { DEPARTMENT: 'x' } }, users);
    expect(r).toEqual({ schemas: [USER, ENTERPRISE], userName: 'a', [ENTERPRISE]: { department: 'x' } });
  });
});

describe('normalizeResource: names and unknown attributes (RFC 7643 §2.1, RFC 7644 §3.3)', () => {
  it('rewrites names to the schema spelling, including sub-attributes', () => {
    const r = normalizeResource({ schemas: [USER], USERNAME: 'a', Name: { GivenName: 'B' }, EMAILS: [{ VALUE: 'a@x', Primary: true }] }, users);
    expect(r).toEqual({ schemas: [USER], userName: 'a', name: { givenName: 'B' }, emails: [{ value: 'a@x', primary: true }] });
  });

  it('drops unknown attributes, unknown sub-attributes and unknown extension keys', () => {
    const r = normalizeResource(
      { schemas: [USER, 'urn:example:unknown'], userName: 'a', shoeSize: 42, name: { planet: 'x', givenName: 'B' }, 'urn:example:unknown': { a: 1 } },
      users,
    );
    expect(r).toEqual({ schemas: [USER], userName: 'a', name: { givenName: 'B' } });
  });

  it('accepts fully qualified attribute names (RFC 7644 §3.10)', () => {
    const r = normalizeResource({ schemas: [USER], [`${USER}:userName`]: 'a', [`${ENTERPRISE}:department`]: 'd' }, users);
    expect(r).toEqual({ schemas: [USER, ENTERPRISE], userName: 'a', [ENTERPRISE]: { department: 'd' } });
  });

  it('refuses the same attribute given twice in different case', () => {
    expect(scimErrorOf(() => normalizeResource({ schemas: [USER], userName: 'a', username: 'b' }, users))).toMatchObject({ scimType: 'invalidValue' });
  });

  it('normalises the RFC 7643 §8.2 full User without losing writable data', () => {
    const input = fullUser();
    const before = structuredClone(input);
    const r = normalizeResource(input, users);
    expect(input).toEqual(before);
    const { id, meta, groups, ...writable } = before;
    void id, meta, groups;
    const { displayName, ...manager } = (writable[ENTERPRISE] as { manager: Record<string, unknown> }).manager;
    void displayName;
    expect(r).toEqual({ ...writable, [ENTERPRISE]: { ...(writable[ENTERPRISE] as object), manager } });
  });
});

describe('normalizeResource: value types (RFC 7643 §2.3)', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['string for boolean', { active: 'yes' }],
    ['number for string', { displayName: 42 }],
    ['object for a simple string', { displayName: { x: 1 } }],
    ['array for a single-valued string', { displayName: ['a'] }],
    ['array of two for a single-valued complex', { name: [{ givenName: 'a' }, { givenName: 'b' }] }],
    ['string for a complex', { name: 'Barbara' }],
    ['string for multi-valued complex', { emails: 'a@x' }],
    ['non-object element of a multi-valued complex', { emails: ['a@x'] }],
    ['null element of a multi-valued complex', { emails: [null] }],
    ['a number for userType', { userType: 1 }],
    ['non-base64 binary', { x509Certificates: [{ value: 'not base64 !!' }] }],
    ['string for a reference', { profileUrl: 12 }],
  ];
  for (const [title, extra] of bad) {
    it(`refuses ${title} with invalidValue naming the attribute`, () => {
      const e = scimErrorOf(() => normalizeResource({ schemas: [USER], userName: 'a', ...extra }, users));
      expect(e).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(e.detail).toContain(Object.keys(extra)[0]);
    });
  }

  it('refuses a non-ISO dateTime, a string integer and a fractional integer', () => {
    const def = (name: string, type: 'dateTime' | 'integer' | 'decimal') =>
      ({ name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' }) as const;
    const reg = new SchemaRegistry(
      [{ id: 'urn:example:Thing', attributes: [def('since', 'dateTime'), def('count', 'integer'), def('ratio', 'decimal')] }],
      [{ id: 'Thing', name: 'Thing', endpoint: '/Things', schema: 'urn:example:Thing' }],
    );
    const ctx = { registry: reg, resourceType: 'Thing', mode: 'create' as const };
    const s = ['urn:example:Thing'];
    expect(normalizeResource({ schemas: s, since: '2008-01-23T04:56:22Z', count: 3, ratio: 0.5 }, ctx)).toEqual({ schemas: s, since: '2008-01-23T04:56:22Z', count: 3, ratio: 0.5 });
    for (const bad of [{ since: '23/01/2008' }, { count: '3' }, { count: 1.5 }, { ratio: '0.5' }]) {
      const e = scimErrorOf(() => normalizeResource({ schemas: s, ...bad }, ctx));
      expect(e).toMatchObject({ scimType: 'invalidValue' });
      expect(e.detail).toContain(Object.keys(bad)[0]);
    }
  });

  it('checks dateTime values as xsd:dateTime', () => {
    for (const ok of ['2008-01-23T04:56:22Z', '2011-05-13T04:42:34.123+02:00', '2024-02-29T00:00:00Z', '2008-01-23T04:56:22']) {
      expect(isXsdDateTime(ok), ok).toBe(true);
    }
    for (const no of ['2008-01-23', '2008-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2008-01-23 04:56:22Z', 'yesterday', '2008-01-23T25:00:00Z']) {
      expect(isXsdDateTime(no), no).toBe(false);
    }
  });

  it('leniency (Entra): "True"/"False" in any case become booleans, also for primary', () => {
    const r = normalizeResource({ schemas: [USER], userName: 'a', active: 'False', emails: [{ value: 'a@x', primary: 'TRUE' }] }, users);
    expect(r.active).toBe(false);
    expect(r.emails).toEqual([{ value: 'a@x', primary: true }]);
  });

  it('leniency (OneLogin): one object for a multi-valued complex attribute becomes a one-element array', () => {
    const r = normalizeResource({ schemas: [USER], userName: 'a', emails: { value: 'a@x', type: 'work' } }, users);
    expect(r.emails).toEqual([{ value: 'a@x', type: 'work' }]);
  });

  it('leniency (Entra): a one-element array for the single-valued complex manager is unwrapped', () => {
    const r = normalizeResource({ schemas: [USER, ENTERPRISE], userName: 'a', [ENTERPRISE]: { manager: [{ value: 'm1' }] } }, users);
    expect(r[ENTERPRISE]).toEqual({ manager: { value: 'm1' } });
  });

  it('treats null, [] and {} as unassigned (RFC 7643 §2.5)', () => {
    const r = normalizeResource({ schemas: [USER], userName: 'a', displayName: null, emails: [], name: {}, [ENTERPRISE]: null }, users);
    expect(r).toEqual({ schemas: [USER], userName: 'a' });
  });

  it('keeps integers, decimals and writeOnly values (password)', () => {
    const r = normalizeResource({ schemas: [USER], userName: 'a', password: 's3cret' }, users);
    expect(r.password).toBe('s3cret');
  });

  it('does not enforce canonical values of type (RFC 7643 §2.3.x: MAY)', () => {
    const r = normalizeResource({ schemas: [USER], userName: 'a', emails: [{ value: 'a@x', type: 'galactic' }] }, users);
    expect(r.emails).toEqual([{ value: 'a@x', type: 'galactic' }]);
  });
});

describe('normalizeResource: required, primary, readOnly, immutable', () => {
  it('refuses a missing or empty userName (User) and displayName (Group)', () => {
    for (const userName of [undefined, null, '', '  ']) {
      expect(scimErrorOf(() => normalizeResource({ schemas: [USER], userName }, users))).toMatchObject({ scimType: 'invalidValue' });
    }
    expect(scimErrorOf(() => normalizeResource({ schemas: [GROUP] }, groups)).detail).toContain('displayName');
  });

  it('refuses a Group member without value (members.value is required)', () => {
    const e = scimErrorOf(() => normalizeResource({ schemas: [GROUP], displayName: 'g', members: [{ display: 'x' }] }, groups));
    expect(e).toMatchObject({ scimType: 'invalidValue' });
    expect(e.detail).toContain('members');
  });

  it('refuses two primary values (RFC 7643 §2.4), counting coerced "True"', () => {
    const e = scimErrorOf(() =>
      normalizeResource({ schemas: [USER], userName: 'a', emails: [{ value: 'a', primary: true }, { value: 'b', primary: 'True' }] }, users),
    );
    expect(e).toMatchObject({ scimType: 'invalidValue' });
    expect(e.detail).toContain('emails');
  });

  it('ignores readOnly attributes on create (id, meta, groups, manager.displayName)', () => {
    const body = { schemas: [USER, ENTERPRISE], id: 'mine', meta: { created: 'x' }, userName: 'a', groups: [{ value: 'g' }], [ENTERPRISE]: { manager: { value: 'm', displayName: 'M' } } };
    expect(normalizeResource(body, users)).toEqual({ schemas: [USER, ENTERPRISE], userName: 'a', [ENTERPRISE]: { manager: { value: 'm' } } });
    expect(readOnlyAttributesPresent(body, { registry, resourceType: 'User' })).toEqual(['id', 'meta', 'groups', `${ENTERPRISE}:manager.displayName`]);
    expect(readOnlyAttributesPresent({ schemas: [USER], userName: 'a', groups: null }, { registry, resourceType: 'User' })).toEqual([]);
    // Okta's PUT carries "groups": [] — unassigned (RFC 7643 §2.5), so not a write of groups.
    expect(readOnlyAttributesPresent({ schemas: [USER], userName: 'a', groups: [], meta: {} }, { registry, resourceType: 'User' })).toEqual([]);
    expect(readOnlyAttributesPresent('nope', { registry, resourceType: 'User' })).toEqual([]);
  });

  it('on replace keeps the stored readOnly values (RFC 7644 §3.5.1)', () => {
    const existing = fullUser();
    const r = normalizeResource({ schemas: [USER], id: 'other', userName: 'new', groups: [] }, { ...users, mode: 'replace', existing });
    expect(r).toEqual({ schemas: [USER], id: existing.id, userName: 'new', groups: existing.groups, meta: existing.meta });
  });

  it('on replace refuses a changed immutable value and keeps an omitted one (RFC 7644 §3.5.1)', () => {
    const registryWithImmutable = new SchemaRegistry(
      [{ id: 'urn:example:Thing', attributes: [{ name: 'serial', type: 'string', multiValued: false, required: false, caseExact: true, mutability: 'immutable', returned: 'default', uniqueness: 'none' }] }],
      [{ id: 'Thing', name: 'Thing', endpoint: '/Things', schema: 'urn:example:Thing' }],
    );
    const ctx = { registry: registryWithImmutable, resourceType: 'Thing', mode: 'replace' as const, existing: { schemas: ['urn:example:Thing'], id: '1', serial: 'A' } };
    expect(scimErrorOf(() => normalizeResource({ schemas: ['urn:example:Thing'], serial: 'B' }, ctx))).toMatchObject({ status: 400, scimType: 'mutability' });
    expect(normalizeResource({ schemas: ['urn:example:Thing'] }, ctx)).toEqual({ schemas: ['urn:example:Thing'], id: '1', serial: 'A' });
    expect(normalizeResource({ schemas: ['urn:example:Thing'], serial: 'A' }, ctx).serial).toBe('A');
    // Nothing stored yet: the first value may be set (RFC 7643 §2.2 immutable).
    expect(normalizeResource({ schemas: ['urn:example:Thing'], serial: 'B' }, { ...ctx, existing: { schemas: ['urn:example:Thing'], id: '1' } }).serial).toBe('B');
  });
});
