/** PATCH bodies as Entra, Okta and OneLogin send them (src/idp/profiles), and where scim-patch differs. */
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../../src/scim/patch.ts';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { ENTERPRISE, PATCH_OP, fullUser, group } from '../validate/rfc-samples.ts';

const registry = SchemaRegistry.fromSpecs();
const users = { registry, resourceType: 'User' };
const groups = { registry, resourceType: 'Group' };
const body = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const BABS = '2819c223-7f76-453a-919d-413861904646';
const MANDY = '902c246b-6245-4190-8e05-00816be7344a';
type Items = Record<string, unknown>[];

describe('Entra shapes', () => {
  it('"Replace" with the string "False" deactivates (op case and boolean string coerced)', () => {
    const r = applyPatch(fullUser(), body({ op: 'Replace', path: 'active', value: 'False' }), users);
    expect(r.active).toBe(false);
    expect(applyPatch(r, body({ op: 'REPLACE', path: 'active', value: 'True' }), users).active).toBe(true);
  });

  it('"Remove" members with a value array removes exactly those members (leniency)', () => {
    const r = applyPatch(group(), body({ op: 'Remove', path: 'members', value: [{ value: BABS }, { value: 'not-a-member' }] }), groups);
    expect((r.members as Items).map((m) => m.value)).toEqual([MANDY]);
  });

  it('adds manager by the unqualified path "manager" with a one-element [{$ref, value}] array', () => {
    const { [ENTERPRISE]: _ext, ...u } = fullUser();
    void _ext;
    const r = applyPatch({ ...u, schemas: [u.schemas![0]] }, body({ op: 'Add', path: 'manager', value: [{ $ref: 'https://sp/Users/m1', value: 'm1' }] }), users);
    expect(r[ENTERPRISE]).toEqual({ manager: { value: 'm1', $ref: 'https://sp/Users/m1' } });
    expect(r.schemas).toContain(ENTERPRISE);
  });

  it('adds a manager by the URN-qualified path and replaces it', () => {
    const path = `${ENTERPRISE}:manager`;
    const r = applyPatch(fullUser(), body({ op: 'add', path, value: [{ value: 'm2' }] }), users);
    // add to a single-valued complex merges: $ref of the old manager stays unless replaced.
    expect((r[ENTERPRISE] as { manager: unknown }).manager).toMatchObject({ value: 'm2' });
    const r2 = applyPatch(r, body({ op: 'replace', path, value: { value: 'm3', $ref: '../Users/m3' } }), users);
    expect((r2[ENTERPRISE] as { manager: unknown }).manager).toEqual({ value: 'm3', $ref: '../Users/m3' });
  });

  it('aadOptscim062020: one pathless replace with dotted and URN-prefixed keys', () => {
    const r = applyPatch(
      fullUser(),
      body({ op: 'replace', value: { displayName: 'BJ', 'name.givenName': 'Barb', externalId: 'bj', [`${ENTERPRISE}:department`]: 'Rides', 'emails[type eq "work"].value': 'bj@example.com' } }),
      users,
    );
    expect(r).toMatchObject({ displayName: 'BJ', externalId: 'bj', name: { givenName: 'Barb', familyName: 'Jensen' } });
    expect((r[ENTERPRISE] as Record<string, unknown>).department).toBe('Rides');
    expect((r.emails as Items)[0]).toEqual({ value: 'bj@example.com', type: 'work', primary: true });
  });

  it('"Add" emails[type eq "work"].value when there is no work email creates one', () => {
    const u = { ...fullUser(), emails: [{ value: 'babs@jensen.org', type: 'home' }] };
    const r = applyPatch(u, body({ op: 'Add', path: 'emails[type eq "work"].value', value: 'w@example.com' }), users);
    expect(r.emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }, { value: 'w@example.com', type: 'work' }]);
  });

  it('"Replace" externalId and name.familyName with paths', () => {
    const r = applyPatch(fullUser(), body({ op: 'Replace', path: 'externalId', value: 'x1' }, { op: 'Replace', path: 'name.familyName', value: 'J' }), users);
    expect(r.externalId).toBe('x1');
    expect((r.name as Record<string, unknown>).familyName).toBe('J');
  });
});

describe('Okta shapes', () => {
  it('deactivates with {op:"replace", value:{active:false}}', () => {
    expect(applyPatch(fullUser(), body({ op: 'replace', value: { active: false } }), users).active).toBe(false);
  });

  it('renames a group with {op:"replace", value:{id, displayName}}: id is ignored, not an error', () => {
    const g = group();
    const r = applyPatch(g, body({ op: 'replace', value: { id: 'something-else', displayName: 'Guides' } }), groups);
    expect(r.id).toBe(g.id);
    expect(r.displayName).toBe('Guides');
  });

  it('adds members by path and removes them one op each with members[value eq "..."]', () => {
    const g = { ...group(), members: [] };
    const added = applyPatch(g, body({ op: 'add', path: 'members', value: [{ value: BABS, display: 'Babs' }, { value: MANDY }] }), groups);
    expect((added.members as Items).map((m) => m.value)).toEqual([BABS, MANDY]);
    const removed = applyPatch(added, body({ op: 'remove', path: `members[value eq "${BABS}"]` }, { op: 'remove', path: `members[value eq "${MANDY}"]` }), groups);
    expect(removed).not.toHaveProperty('members');
  });
});

describe('OneLogin shapes', () => {
  it('renames with a path and removes members with a value array', () => {
    const r = applyPatch(group(), body({ op: 'replace', path: 'displayName', value: 'New' }, { op: 'remove', path: 'members', value: [{ value: MANDY }] }), groups);
    expect(r.displayName).toBe('New');
    expect((r.members as Items).map((m) => m.value)).toEqual([BABS]);
  });
});

describe('where scim-patch differs', () => {
  it('paths are case-insensitive (RFC 7643 §2.1): NAME.GIVENNAME and EMAILS[TYPE eq "work"].VALUE', () => {
    const r = applyPatch(fullUser(), body({ op: 'replace', path: 'NAME.GIVENNAME', value: 'B' }, { op: 'replace', path: 'EMAILS[TYPE eq "work"].VALUE', value: 'w@x' }), users);
    expect(r.name).toMatchObject({ givenName: 'B' });
    expect(r.name).not.toHaveProperty('GIVENNAME');
    expect((r.emails as Items)[0].value).toBe('w@x');
  });

  it('Entra remove-with-value removes only the listed members, not all of them', () => {
    const r = applyPatch(group(), body({ op: 'remove', path: 'members', value: [{ value: MANDY }] }), groups);
    expect((r.members as Items).length).toBe(1);
  });

  it('booleans given as "True"/"False" strings are coerced to JSON booleans', () => {
    const r = applyPatch(fullUser(), body({ op: 'replace', path: 'active', value: 'false' }, { op: 'add', path: 'emails[type eq "home"].primary', value: 'True' }), users);
    expect(r.active).toBe(false);
    // and setting primary on home clears it on work (RFC 7644 §3.5.2).
    expect(r.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: false }, { value: 'babs@jensen.org', type: 'home', primary: true }]);
  });
});
