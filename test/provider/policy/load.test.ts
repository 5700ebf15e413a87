import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePolicyText, readPolicyFile, validatePolicy } from '../../../src/provider/policy/load.ts';
import { parseServeFlags } from '../../../src/provider/serve-flags.ts';
import { UsageError } from '../../../src/usage-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'scimcheck-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The one-line UsageError a bad policy gives. */
function usageErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

describe('policy files', () => {
  it('reads YAML with every option', () => {
    const p = file(
      'full.yaml',
      [
        'deprovision: disable',
        'provisionGroups: "Engineering, Sales*"',
        'excludeGroups: Contractors',
        'siteAdminGroups: IT-Admins',
        'groupAdminGroups: "*-leads"',
        'localPasswordGroups: Break-glass',
        'defaultGroups: [Everyone, Files users]',
        'company: ACME Corp.',
        'timeZone: Eastern Time (US & Canada)',
        'permissions: { webdav: true, ftp: false, sftp: true }',
      ].join('\n'),
    );
    expect(readPolicyFile(p)).toEqual({
      deprovision: 'disable',
      provisionGroups: 'Engineering, Sales*',
      excludeGroups: 'Contractors',
      siteAdminGroups: 'IT-Admins',
      groupAdminGroups: '*-leads',
      localPasswordGroups: 'Break-glass',
      defaultGroups: ['Everyone', 'Files users'],
      company: 'ACME Corp.',
      timeZone: 'Eastern Time (US & Canada)',
      permissions: { webdav: true, ftp: false, sftp: true },
    });
  });

  it('reads JSON by its .json name', () => {
    const p = file('p.json', JSON.stringify({ deprovision: 'delete', company: 'X' }));
    expect(readPolicyFile(p)).toEqual({ deprovision: 'delete', company: 'X' });
  });

  it.each([
    [{}, /missing option 'deprovision'/],
    [{ deprovision: 'suspend' }, /deprovision must be one of disable, delete/],
    [{ deprovision: 'disable', deprovison: 'x' }, /unknown option 'deprovison'/],
    [{ deprovision: 'disable', permissions: { webdav: 'yes' } }, /permissions\.webdav must be boolean/],
    [{ deprovision: 'disable', permissions: { smb: true } }, /permissions: unknown option 'smb'/],
    [{ deprovision: 'disable', provisionGroups: ['a', 'b'] }, /provisionGroups must be string/],
    [{ deprovision: 'disable', defaultGroups: 'Everyone' }, /defaultGroups must be array/],
    [{ deprovision: 'disable', defaultGroups: ['Eng*'] }, /defaultGroups names groups exactly, 'Eng\*' has a wildcard/],
    [{ deprovision: 'disable', defaultGroups: ['  '] }, /defaultGroups has a blank name/],
    [{ deprovision: 'disable', timeZone: '' }, /timeZone must NOT have fewer than 1 characters/],
    [['disable'], /\(top level\) must be object/],
    [null, /\(top level\) must be object/],
  ])('a bad policy is a one-line UsageError naming the problem: %j', (raw, message) => {
    expect(usageErrorOf(() => validatePolicy(raw, 'p.yaml'))).toMatch(message);
  });

  it('names the file, and says which syntax did not parse', () => {
    expect(usageErrorOf(() => parsePolicyText('{"deprovision": ', 'bad.json'))).toMatch(/^policy bad\.json: not valid JSON: /);
    expect(usageErrorOf(() => parsePolicyText('deprovision: [disable', 'bad.yaml'))).toMatch(/^policy bad\.yaml: not valid YAML: /);
    expect(usageErrorOf(() => readPolicyFile(join(dir, 'absent.yaml')))).toMatch(/absent\.yaml: cannot read the file \(ENOENT\)/);
  });

  it('the returned policy is a copy: changing the parsed input later changes nothing', () => {
    const raw = { deprovision: 'disable', defaultGroups: ['A'] };
    const policy = validatePolicy(raw, 'p.json');
    raw.defaultGroups.push('B');
    expect(policy.defaultGroups).toEqual(['A']);
  });
});

describe('scimcheck serve --policy', () => {
  it('reads and validates the file while parsing flags', () => {
    const p = file('serve.yaml', 'deprovision: disable\nsiteAdminGroups: Admins\n');
    expect(parseServeFlags(['--policy', p]).policy).toEqual({ deprovision: 'disable', siteAdminGroups: 'Admins' });
    expect(parseServeFlags([]).policy).toBeUndefined();
  });

  it('a bad policy file is a UsageError (exit 2) before anything listens', () => {
    const p = file('bad-serve.yaml', 'deprovision: never\n');
    expect(usageErrorOf(() => parseServeFlags(['--policy', p]))).toMatch(/deprovision must be one of disable, delete/);
  });
});
