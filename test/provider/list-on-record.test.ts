/**
 * list.ts matches a filter on the stored record, without building the wire form, only when the filter reads
 * nothing but attributes the wire form copies verbatim (id, userName, externalId, displayName). Every other
 * filter must still see the wire form: derived `groups` (RFC 7643 §4.1.2), members' `display` (§4.2) and
 * `meta.location` (§3.1) exist only there. A table of filters with the resources each must find.
 */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/provider/core.ts';
import { readsOnlyVerbatim } from '../../src/provider/list.ts';
import { client } from './helpers.ts';

const CASES: [string, '/Users' | '/Groups', string, string[]][] = [
  ['the index, case-folded (RFC 7643 §4.1.1 userName caseExact false)', '/Users', 'userName eq "GUS"', ['gus']],
  ['record attributes combined', '/Users', 'userName eq "gus" or displayName eq "Hal"', ['gus', 'hal']],
  ['externalId present', '/Users', 'externalId pr', ['hal']],
  ['derived groups.display', '/Users', 'groups.display eq "Ops"', ['gus']],
  ['derived groups, negated', '/Users', 'not (groups pr)', ['hal']],
  ['a record attribute and a derived one', '/Users', 'userName sw "g" and groups.value pr', ['gus']],
  ['meta.location, made at read time', '/Users', 'meta.location co "/Users/"', ['gus', 'hal']],
  ['members.display, derived from the member', '/Groups', 'members.display eq "Gus"', ['Ops']],
  ['members.$ref, derived', '/Groups', 'members.$ref co "/Users/"', ['Ops']],
  ['Group displayName on the record', '/Groups', 'displayName eq "ops"', ['Ops']],
];

describe('list filters: on the record only when the wire form copies what they read', () => {
  it.each(CASES)('%s', async (_name, endpoint, filter, expected) => {
    const c = client();
    const gus = await c.createUser('gus', { displayName: 'Gus' });
    await c.createUser('hal', { displayName: 'Hal', externalId: 'x-1' });
    await c.createGroup('Ops', [gus.id]);
    await c.createGroup('Empty');
    const res = await c.get(`${endpoint}?filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(200);
    const names = (res.json.Resources ?? []).map((r: { userName?: string; displayName?: string }) => (endpoint === '/Users' ? r.userName : r.displayName));
    expect(names.sort()).toEqual(expected);
  });

  it('readsOnlyVerbatim: only top-level core attributes the wire form copies, in any combination', () => {
    const table: [string, 'User' | 'Group', boolean][] = [
      ['userName eq "a"', 'User', true],
      ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', 'User', true],
      ['USERNAME eq "a" and not (externalId pr or id eq "1")', 'User', true],
      ['displayName eq "a"', 'Group', true],
      ['userName eq "a" and groups.display eq "x"', 'User', false],
      ['name.givenName eq "a"', 'User', false],
      ['emails[type eq "work"]', 'User', false],
      ['meta.lastModified gt "2020-01-01T00:00:00Z"', 'User', false],
      ['schemas eq "x"', 'User', false],
      ['members.value eq "1"', 'Group', false],
      ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"', 'User', false],
      ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "a"', 'User', false],
    ];
    for (const [filter, kind, expected] of table) expect([filter, readsOnlyVerbatim(parseFilter(filter), kind)]).toEqual([filter, expected]);
  });
});
