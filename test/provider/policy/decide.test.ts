import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy, decide } from '../../../src/provider/policy/decide.ts';
import type { Policy } from '../../../src/provider/policy/format.ts';
import { compileGroupList, splitGroupList } from '../../../src/provider/policy/group-pattern.ts';

const rules = (p: Partial<Policy>) => compilePolicy({ deprovision: 'disable', ...p });

describe('group lists (comma list, * wildcards)', () => {
  it('splits on commas, trims, drops empty entries', () => {
    expect(splitGroupList(' Eng , ,Sales*,')).toEqual(['Eng', 'Sales*']);
    expect(splitGroupList(undefined)).toEqual([]);
  });

  it('* matches any run of characters, none included; the rest must match whole', () => {
    const m = compileGroupList('Sales*, *-admins, a*b*c');
    expect(m('Sales')).toBe(true);
    expect(m('Sales EMEA')).toBe(true);
    expect(m('Presales')).toBe(false);
    expect(m('it-admins')).toBe(true);
    expect(m('it-admins-old')).toBe(false);
    expect(m('abc')).toBe(true);
    expect(m('aXXbYYc')).toBe(true);
    expect(m('acb')).toBe(false);
  });

  it('ignores case and the spaces around a name', () => {
    expect(compileGroupList('engineering')(' Engineering ')).toBe(true);
  });

  it('regex characters in names are literal', () => {
    const m = compileGroupList('R&D (EU), a.b, x+');
    expect(m('R&D (EU)')).toBe(true);
    expect(m('a.b')).toBe(true);
    expect(m('axb')).toBe(false);
    expect(m('xx')).toBe(false);
    expect(m('x+')).toBe(true);
  });

  it('an empty or absent list matches nothing, a lone * matches every name', () => {
    expect(compileGroupList('')('x')).toBe(false);
    expect(compileGroupList(' , ')('x')).toBe(false);
    expect(compileGroupList(undefined)('x')).toBe(false);
    expect(compileGroupList('*')('anything at all')).toBe(true);
  });
});

describe('decide', () => {
  it('without provisionGroups every user is provisioned, and nothing is granted by default', () => {
    expect(decide(rules({}), [])).toEqual({
      provisioned: true,
      siteAdmin: false,
      groupAdmin: false,
      localPassword: false,
      webdavPermission: false,
      ftpPermission: false,
      sftpPermission: false,
    });
  });

  it('with provisionGroups only members of a matching group are provisioned', () => {
    const r = rules({ provisionGroups: 'Eng*' });
    expect(decide(r, ['Engineering']).provisioned).toBe(true);
    expect(decide(r, ['Sales', 'eng-platform']).provisioned).toBe(true);
    expect(decide(r, ['Sales']).provisioned).toBe(false);
    expect(decide(r, []).provisioned).toBe(false);
  });

  it('an empty provisionGroups is the same as none', () => {
    expect(decide(rules({ provisionGroups: ' , ' }), []).provisioned).toBe(true);
  });

  it('exclusion beats inclusion, with or without provisionGroups', () => {
    expect(decide(rules({ provisionGroups: 'Eng*', excludeGroups: 'Contractors' }), ['Engineering', 'Contractors']).provisioned).toBe(false);
    expect(decide(rules({ excludeGroups: '*-external' }), ['sales-external']).provisioned).toBe(false);
    expect(decide(rules({ excludeGroups: '*-external' }), ['sales']).provisioned).toBe(true);
  });

  it('siteAdmin, groupAdmin and localPassword follow their groups', () => {
    const r = rules({ siteAdminGroups: 'IT-Admins', groupAdminGroups: '*-leads', localPasswordGroups: 'Break-glass' });
    expect(decide(r, ['it-admins'])).toMatchObject({ siteAdmin: true, groupAdmin: false, localPassword: false });
    expect(decide(r, ['sales-leads'])).toMatchObject({ siteAdmin: false, groupAdmin: true, localPassword: false });
    expect(decide(r, ['Break-glass', 'IT-Admins'])).toMatchObject({ siteAdmin: true, groupAdmin: false, localPassword: true });
  });

  it('protocol permissions are the policy defaults for provisioned users', () => {
    const r = rules({ permissions: { webdav: true, sftp: true, ftp: false } });
    expect(decide(r, [])).toMatchObject({ webdavPermission: true, ftpPermission: false, sftpPermission: true });
  });

  it('a user the policy does not provision gets no role and no permission', () => {
    const r = rules({ provisionGroups: 'Eng', excludeGroups: 'Banned', siteAdminGroups: 'Admins', groupAdminGroups: 'Admins', localPasswordGroups: 'Admins', permissions: { webdav: true, ftp: true, sftp: true } });
    expect(decide(r, ['Admins'])).toMatchObject({ provisioned: false, siteAdmin: false, groupAdmin: false, localPassword: false, webdavPermission: false, ftpPermission: false, sftpPermission: false });
    expect(decide(r, ['Eng', 'Admins', 'Banned']).siteAdmin).toBe(false);
    expect(decide(r, ['Eng', 'Admins'])).toMatchObject({ provisioned: true, siteAdmin: true, groupAdmin: true, localPassword: true, webdavPermission: true, ftpPermission: true, sftpPermission: true });
  });

  it('company and timeZone are shown when set, absent otherwise', () => {
    expect(decide(rules({ company: 'ACME', timeZone: 'Europe/Paris' }), [])).toMatchObject({ company: 'ACME', timeZone: 'Europe/Paris' });
    const none = decide(rules({}), []);
    expect('company' in none).toBe(false);
    expect('timeZone' in none).toBe(false);
  });

  it('property: a member of an excluded group is never provisioned, never an admin, never granted a protocol', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,11}$/);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 6 }), name, fc.array(name, { maxLength: 4 }), (groups, excluded, provision) => {
        const r = rules({ provisionGroups: provision.join(','), excludeGroups: excluded, siteAdminGroups: '*', permissions: { webdav: true, ftp: true, sftp: true } });
        const d = decide(r, [...groups, excluded]);
        expect(d).toMatchObject({ provisioned: false, siteAdmin: false, webdavPermission: false, ftpPermission: false, sftpPermission: false });
      }),
    );
  });

  it('property: with no lists set, decisions do not depend on the groups', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), (groups) => {
        expect(decide(rules({}), groups)).toEqual(decide(rules({}), []));
      }),
    );
  });
});
