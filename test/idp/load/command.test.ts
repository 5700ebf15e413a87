/** `scimcheck load` flags, outputs and exit codes (in-process target through an injected fetch). */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseLoadFlags, runLoadCommand } from '../../../src/idp/load/command.ts';
import { renderLocustfile } from '../../../src/idp/load/locust.ts';
import { getProfile } from '../../../src/idp/profiles/index.ts';
import { UsageError } from '../../../src/usage-error.ts';
import { BASE, referenceProvider } from './helpers.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'scimcheck-load-'));

describe('load flags', () => {
  it('reads every flag and the environment credentials', () => {
    const p = parseLoadFlags(
      ['--profile', 'okta', '--users', '50', '--groups', '2', '--members-per-group', '10', '--concurrency', '3', '--target', `${BASE}/`, '--rate', '25', '--ramp', '2', '--duration', '60', '--incremental', '0.2', '--seed', '9', '--prefix', 'pfx', '--no-cleanup', '--deprovision', 'delete'],
      { SCIMCHECK_TOKEN: 'tok' },
    );
    expect(p).not.toBe('help');
    if (p === 'help') return;
    expect(p.settings).toMatchObject({ profile: 'okta', users: 50, groups: 2, membersPerGroup: 10, concurrency: 3, target: BASE, rate: 25, rampSeconds: 2, durationSeconds: 60, incremental: 0.2, seed: 9, prefix: 'pfx', cleanup: false, deprovision: 'delete', authorization: 'Bearer tok' });
    const basic = parseLoadFlags(['--auth-basic', 'u:p'], {});
    expect(basic !== 'help' && basic.settings.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it.each([
    [['--profile', 'azure'], /unknown profile/],
    [['--users', '0'], /--users must be/],
    [['--users', '10', '--members-per-group', '11'], /cannot exceed/],
    [['--incremental', '1.5'], /--incremental must be/],
    [['--target', 'ftp://x'], /http\(s\) URL/],
    [['--export', 'k6', 'f.js'], /one format, locust/],
    [['--export', 'locust'], /needs the file/],
    [['stray'], /unexpected argument/],
    [['--target', BASE, '--state', 'x.json'], /embedded provider/],
    [['--auth-bearer', 'a', '--auth-basic', 'b:c'], /not both/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadFlags(argv as string[], {})).toThrow(UsageError);
    expect(() => parseLoadFlags(argv as string[], {})).toThrow(message);
  });
});

describe('scimcheck load command', () => {
  it('prints progress and a summary, writes JSON and HTML, exits 0 when nothing is lost', { timeout: 120_000 }, async () => {
    const { fetch } = referenceProvider();
    const d = dir();
    const lines: string[] = [];
    const progress = Object.assign(new PassThrough(), { isTTY: false });
    let progressText = '';
    progress.on('data', (b: Buffer) => (progressText += b.toString()));
    const { code } = await runLoadCommand(
      ['--target', BASE, '--users', '40', '--groups', '2', '--members-per-group', '10', '--seed', '1', '--prefix', 'ldcmd', '--json', join(d, 'load.json'), '--html', join(d, 'load.html')],
      { out: (l) => lines.push(l), env: { SCIMCHECK_TOKEN: 'load-token' }, fetch, progress },
    );
    const text = lines.join('\n');
    expect(code).toBe(0);
    expect(text).toMatch(/requests by kind +count +errors +p50 ms +p95 ms +p99 ms +max ms/);
    expect(text).toMatch(/user lookup +40 +0/);
    expect(text).toMatch(/status codes: 200×\d+, 201×\d+/);
    expect(text).toMatch(/429 Too Many Requests: none/);
    expect(text).toContain('VERDICT: PASS — nothing lost, nothing duplicated (40/40 users, 2/2 groups, 20/20 memberships');
    expect(progressText).toMatch(/^users \d+\/40 · objects \d+\/\d+ · \d+ req\/s/m);
    const json = JSON.parse(readFileSync(join(d, 'load.json'), 'utf8'));
    expect(json).toMatchObject({ tool: 'scimcheck', command: 'load', profile: 'entra', exitCode: 0, verdict: { ok: true } });
    expect(JSON.stringify(json)).not.toContain('load-token');
    const html = readFileSync(join(d, 'load.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('class="verdict pass"');
    expect(html).not.toMatch(/<script|<link /);
  });

  it('exits 1 when the verdict fails and 3 when the credentials are refused', { timeout: 120_000 }, async () => {
    const bad = referenceProvider(['member-removal-ignored']);
    const quiet = { out: () => {}, progress: Object.assign(new PassThrough(), { isTTY: false }) };
    const args = ['--target', BASE, '--users', '40', '--groups', '3', '--members-per-group', '20', '--incremental', '0.5', '--quiet'];
    expect((await runLoadCommand(args, { ...quiet, env: { SCIMCHECK_TOKEN: 'load-token' }, fetch: bad.fetch })).code).toBe(1);
    expect((await runLoadCommand(args, { ...quiet, env: { SCIMCHECK_TOKEN: 'nope' }, fetch: referenceProvider().fetch })).code).toBe(3);
  });

  it('--export locust writes a locustfile built from the profile, and runs nothing', async () => {
    const d = dir();
    const lines: string[] = [];
    const { code } = await runLoadCommand(['--profile', 'okta', '--target', BASE, '--export', 'locust', join(d, 'f.py')], { out: (l) => lines.push(l), env: {} });
    expect(code).toBe(0);
    const py = readFileSync(join(d, 'f.py'), 'utf8');
    expect(py).toContain('from locust import HttpUser');
    expect(py).toContain(`host = "${BASE}"`);
    expect(py).toContain('Okta SCIM Client 1.0.0');
    expect(lines.join('\n')).toMatch(/locust -f .*f\.py --headless/);
  });
});

describe('locustfile templates', () => {
  it('carry each profile its own wire shapes (placeholders, not copies)', () => {
    const entra = renderLocustfile({ profile: getProfile('entra')!, users: 100, groups: 2, membersPerGroup: 10, incremental: 0.1 });
    const t = JSON.parse(JSON.parse(/^T = json\.loads\((".*")\)$/m.exec(entra)![1]!));
    // Entra: filter-only lookup, "Replace" ops with a string "False" on deactivation, members value [{$ref:null, value}].
    expect(t.lookup).toEqual({ kind: 'user lookup', method: 'GET', path: '/Users', query: { filter: 'userName eq "__LOCAL__@__DOMAIN__"' } });
    expect(t.deactivate[0].body.Operations).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(t.addMembers.body.Operations[0].value).toEqual([{ $ref: null, value: '__MEMBER_ID__' }]);
    expect(t.batchSize).toBe(50);
    expect(t.groupLookup.query.excludedAttributes).toBe('members');
    const okta = JSON.parse(JSON.parse(/^T = json\.loads\((".*")\)$/m.exec(renderLocustfile({ profile: getProfile('okta')!, users: 100, groups: 2, membersPerGroup: 10, incremental: 0.1 }))![1]!));
    expect(okta.readFirst).toBe(true);
    expect(okta.update[0].method).toBe('PUT');
    expect(okta.create.body.password).toBe('__PASSWORD__');
    expect(okta.removeMembers.body.Operations).toEqual([{ op: 'remove', path: 'members[value eq "__MEMBER_ID__"]' }]);
    // Okta checks a group exists (filter=displayName eq "…") before creating it.
    expect(okta.groupLookup.query).toEqual({ filter: 'displayName eq "__GROUP_NAME__"', startIndex: '1', count: '100' });
    // Okta GETs the user and PUTs it back as read with its profile on top: the template says how to merge.
    expect(okta.update[0].merge).toMatchObject({ others: true, deep: true });
  });
});
