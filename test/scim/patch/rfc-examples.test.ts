/** Every PATCH example of RFC 7644 §3.5.2.1–§3.5.2.3, applied to the RFC 7643 §8 sample resources. */
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../../src/scim/patch.ts';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import type { ScimResource } from '../../../src/scim/types.ts';
import { PATCH_OP, fullUser, group } from '../validate/rfc-samples.ts';

const registry = SchemaRegistry.fromSpecs();
const users = { registry, resourceType: 'User' };
const groups = { registry, resourceType: 'Group' };
const body = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const BABS = '2819c223-7f76-453a-919d-413861904646';
const MANDY = '902c246b-6245-4190-8e05-00816be7344a';
const member = (value: string, display?: string) => ({ value, $ref: `https://example.com/v2/Users/${value}`, ...(display ? { display } : {}) });
type Items = Record<string, unknown>[];

describe('RFC 7644 §3.5.2.1 add', () => {
  it('adds a member to a group (path "members")', () => {
    const g = { ...group(), members: [member(MANDY, 'Mandy Pepperidge')] };
    const r = applyPatch(g, body({ op: 'add', path: 'members', value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${BABS}`, value: BABS }] }), groups);
    expect(r.members).toEqual([member(MANDY, 'Mandy Pepperidge'), member(BABS, 'Babs Jensen')]);
  });

  it('adding a member that is already there changes nothing (SHOULD NOT add twice)', () => {
    const g = group();
    const r = applyPatch(g, body({ op: 'add', path: 'members', value: [structuredClone((g.members as Items)[0])] }), groups);
    expect(r.members).toEqual(g.members);
  });

  it('adds emails and a nickname without a path ("nickname" in the RFC spelling)', () => {
    const u = fullUser();
    const r = applyPatch(u, body({ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }, { value: 'b@x.org', type: 'other' }], nickname: 'Babs2' } }), users);
    // babs@jensen.org/home is already there: only the new one is appended.
    expect(r.emails).toEqual([...(u.emails as Items), { value: 'b@x.org', type: 'other' }]);
    expect(r.nickName).toBe('Babs2');
    expect(r).not.toHaveProperty('nickname');
  });

  it('adds an attribute that had no value and replaces a single-valued one', () => {
    const { title, ...u } = fullUser();
    void title;
    const r = applyPatch(u, body({ op: 'add', path: 'title', value: 'Ranger' }, { op: 'add', path: 'displayName', value: 'B' }), users);
    expect(r.title).toBe('Ranger');
    expect(r.displayName).toBe('B');
  });

  it('adds a sub-attribute of a complex attribute and an extension attribute by URN path', () => {
    const r = applyPatch(
      fullUser(),
      body(
        { op: 'add', path: 'name.middleName', value: 'J.' },
        { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', value: '9' },
      ),
      users,
    );
    expect(r.name).toMatchObject({ middleName: 'J.', givenName: 'Barbara' });
    expect((r['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] as Record<string, unknown>).costCenter).toBe('9');
  });
});

describe('RFC 7644 §3.5.2.2 remove', () => {
  it('removes one member by a value filter', () => {
    const r = applyPatch(group(), body({ op: 'remove', path: `members[value eq "${BABS}"]` }), groups);
    expect((r.members as Items).map((m) => m.value)).toEqual([MANDY]);
  });

  it('removes all members (the attribute becomes unassigned)', () => {
    const r = applyPatch(group(), body({ op: 'remove', path: 'members' }), groups);
    expect(r).not.toHaveProperty('members');
  });

  it('removes all members and adds new ones in one request', () => {
    const r = applyPatch(group(), body({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [member('a1'), member('a2')] }), groups);
    expect(r.members).toEqual([member('a1'), member('a2')]);
  });

  it('removes emails[type eq "work" and value ew "example.com"]', () => {
    const r = applyPatch(fullUser(), body({ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }), users);
    expect(r.emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('removes x509certificates[value eq "..."] (lower-case name as in the RFC)', () => {
    const u = fullUser();
    const cert = (u.x509Certificates as Items)[0].value;
    const r = applyPatch(u, body({ op: 'remove', path: `x509certificates[value eq "${cert}"]` }), users);
    expect(r).not.toHaveProperty('x509Certificates');
  });

  it('removes a single-valued attribute and a sub-attribute', () => {
    const r = applyPatch(fullUser(), body({ op: 'remove', path: 'title' }, { op: 'remove', path: 'name.middleName' }), users);
    expect(r).not.toHaveProperty('title');
    expect(r.name).not.toHaveProperty('middleName');
    expect(r.name).toHaveProperty('givenName', 'Barbara');
  });

  it('removes a sub-attribute from the values a filter selects', () => {
    const r = applyPatch(fullUser(), body({ op: 'remove', path: 'addresses[type eq "work"].formatted' }), users);
    expect((r.addresses as Items)[0]).not.toHaveProperty('formatted');
    expect((r.addresses as Items)[1]).toHaveProperty('formatted');
  });

  it('removing an unassigned attribute is a no-op', () => {
    const { title, ...u } = fullUser();
    void title;
    expect(applyPatch(u, body({ op: 'remove', path: 'title' }), users)).not.toHaveProperty('title');
  });
});

describe('RFC 7644 §3.5.2.3 replace', () => {
  it('replaces all members', () => {
    const r = applyPatch(group(), body({ op: 'replace', path: 'members', value: [member('9', 'James Smith'), member('8', 'John Smith')] }), groups);
    expect(r.members).toEqual([member('9', 'James Smith'), member('8', 'John Smith')]);
  });

  it('replaces the work address (whole value selected by a filter)', () => {
    const work = { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US', formatted: '911 Universal City Plaza\nHollywood, CA 91608 US', primary: true };
    const u = fullUser();
    const r = applyPatch(u, body({ op: 'replace', path: 'addresses[type eq "work"]', value: work }), users);
    expect(r.addresses).toEqual([{ formatted: work.formatted, streetAddress: work.streetAddress, locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US', type: 'work', primary: true }, (u.addresses as Items)[1]]);
  });

  it('replaces addresses[type eq "work"].streetAddress only', () => {
    const u = fullUser();
    const r = applyPatch(u, body({ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }), users);
    expect(r.addresses).toEqual([{ ...(u.addresses as Items)[0], streetAddress: '1010 Broadway Ave' }, (u.addresses as Items)[1]]);
  });

  it('replaces emails[type eq "work"] and emails[type eq "work"].value', () => {
    const r1 = applyPatch(fullUser(), body({ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'new@example.com', type: 'work' } }), users);
    expect(r1.emails).toEqual([{ value: 'new@example.com', type: 'work' }, { value: 'babs@jensen.org', type: 'home' }]);
    const r2 = applyPatch(fullUser(), body({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }), users);
    expect(r2.emails).toEqual([{ value: 'new@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }]);
  });

  it('replaces without a path: emails and nickname', () => {
    const emails = [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }];
    const r = applyPatch({ ...fullUser(), emails: [{ value: 'old@x', type: 'other' }] }, body({ op: 'replace', value: { emails, nickname: 'Babs' } }), users);
    expect(r.emails).toEqual(emails);
    expect(r.nickName).toBe('Babs');
  });

  it('replace of an attribute that has no value adds it; replace on a complex attribute keeps unnamed sub-attributes', () => {
    const { title, ...u } = fullUser();
    void title;
    const r = applyPatch(u, body({ op: 'replace', path: 'title', value: 'Ranger' }, { op: 'replace', path: 'name', value: { givenName: 'Barb' } }), users);
    expect(r.title).toBe('Ranger');
    expect(r.name).toMatchObject({ givenName: 'Barb', familyName: 'Jensen' });
  });
});
