/**
 * Issue 11 #11: a credential of 1-3 characters is not scrubbed from reports (as "abc", "GET" or "id" it also spells
 * methods, keys and words of every report, so scrubbing it would wreck them); instead run, idp and load each say
 * so once at start, naming which credential. Nothing is sent anywhere: the target is a closed loopback port.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.ts';
import { namedSecrets, REDACTED, redactSecrets, scrubSecrets, shortSecretWarnings } from '../../src/harness/redact.ts';
import { idpCommand } from '../../src/idp/commands.ts';
import { runLoadCommand } from '../../src/idp/load/command.ts';

const CLOSED = 'http://127.0.0.1:9/scim/v2';
const BASIC_WARNINGS = [
  'warning: the Basic user is 3 characters: too short to scrub from reports safely',
  'warning: the Basic password is 3 characters: too short to scrub from reports safely',
];

afterEach(() => vi.restoreAllMocks());

describe('short credentials', () => {
  it.each([
    [{ kind: 'basic', user: 'bob', password: 'abc' }, {}, BASIC_WARNINGS],
    [{ kind: 'basic', user: 'robert', password: 'x' }, {}, ['warning: the Basic password is 1 character: too short to scrub from reports safely']],
    [{ kind: 'basic', user: 'robert', password: '' }, {}, []],
    [{ kind: 'bearer', token: 'ab' }, {}, ['warning: the bearer token is 2 characters: too short to scrub from reports safely']],
    [{ kind: 'bearer', token: 'abcd' }, { 'X-Api-Key': 'k1', 'X-Tenant': 'ab' }, ['warning: the value of header X-Api-Key is 2 characters: too short to scrub from reports safely']],
    [{ kind: 'none' }, {}, []],
  ] as const)('%j %j -> one warning per short credential', (auth, headers, expected) => {
    expect(shortSecretWarnings(namedSecrets(auth, headers))).toEqual(expected);
  });

  it('the rule the warning states: 4 characters and up are scrubbed, shorter ones left as they are', () => {
    expect(redactSecrets('GET /Users abc abcd', ['abc', 'abcd'])).toBe(`GET /Users abc ${REDACTED}`);
    expect(scrubSecrets({ method: 'GET', detail: 'GET' }, ['GET'])).toEqual({ method: 'GET', detail: 'GET' });
  });

  it('run prints the warnings on stderr, also with --quiet', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['run', '--target', CLOSED, '--auth-basic', 'bob:abc', '--suite', 'conformance', '--quiet', '--out', mkdtempSync(join(tmpdir(), 'short-secret-'))]);
    expect(code).toBe(3);
    const lines = err.mock.calls.map((c) => String(c[0]));
    expect(lines.filter((l) => l.startsWith('warning:'))).toEqual(BASIC_WARNINGS);
  });

  it('idp and load print them once at start', async () => {
    const idpErr: string[] = [];
    expect(await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', CLOSED, '--auth-basic', 'bob:abc', '--timeout', '500'], { out: () => undefined, err: (l) => void idpErr.push(l), env: {} })).toBe(3);
    expect(idpErr.filter((l) => l.startsWith('warning:'))).toEqual(BASIC_WARNINGS);
    const loadErr: string[] = [];
    const { code } = await runLoadCommand(['--target', CLOSED, '--auth-basic', 'bob:abc', '--users', '1', '--groups', '0', '--quiet', '--timeout', '500'], { out: () => undefined, err: (l) => void loadErr.push(l), env: {} });
    expect(code).toBe(3);
    expect(loadErr.filter((l) => l.startsWith('warning:'))).toEqual(BASIC_WARNINGS);
  });
});
