import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Check, CheckResult, RunReport } from '../../src/harness/check.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { discover } from '../../src/harness/discovery.ts';
import { createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { buildReport, runSuites } from '../../src/harness/runner.ts';
import { writeReports } from '../../src/harness/reporters/write.ts';
import { renderJunit } from '../../src/harness/reporters/junit.ts';
import { renderMarkdown } from '../../src/harness/reporters/markdown.ts';
import { renderJson } from '../../src/harness/reporters/json.ts';
import { toCurl } from '../../src/harness/curl.ts';
import { redactBody, redactUrl } from '../../src/harness/redact.ts';
import { compareToBaseline } from '../../src/harness/baseline.ts';
import { fakeTarget } from './fake-target.ts';

const TOKEN = 'report-secret-token-9f8e7d';
const PASSWORD = 'Pa55-word-never-shown';

/** A run whose target echoes passwords and whose checks send them in every shape. */
async function leakyRun(): Promise<RunReport> {
  const fake = fakeTarget({ token: TOKEN, echoPassword: true });
  const baseUrl = 'http://target.test/scim/v2';
  const http = createHttpClient({ baseUrl, auth: { kind: 'bearer', token: TOKEN }, fetch: fake.fetch });
  const target = await discover(http, { baseUrl, prefix: 'scimcheck-000001' });
  const cite = { rfc: 7643 as const, section: '4.1.1' };
  const checks: Check[] = [
    {
      id: 'security.password.not-returned',
      title: 'password is never returned',
      area: 'security',
      cite,
      level: 'MUST',
      run: async (ctx) => {
        const u = await ctx.fixtures.createUser({ password: PASSWORD });
        await ctx.http.send({ method: 'PATCH', path: `/Users/${u.id}`, body: { Operations: [{ op: 'replace', path: 'password', value: PASSWORD }, { op: 'replace', value: { password: PASSWORD } }] } });
        await ctx.http.send({ method: 'GET', path: '/Users', query: { filter: `password eq "${PASSWORD}"`, password: PASSWORD } });
        const res = await ctx.http.send({ method: 'GET', path: `/Users/${u.id}` });
        ctx.expectTrue(res.json?.password === undefined, 'password must not be returned', { expected: undefined, actual: res.json });
      },
    },
    { id: 'security.token.in-message', title: 'x', area: 'security', cite, level: 'SHOULD', run: async (ctx) => ctx.fail(`saw ${TOKEN}`, { actual: { password: PASSWORD } }) },
  ];
  const out = await runSuites({ checks, target, http, fixtures: createFixtureRegistry(target), secrets: [TOKEN] });
  return buildReport({ version: '0.0.0-test', target: baseUrl, startedAt: new Date(), seed: 1, results: out.results });
}

describe('redaction across every output', () => {
  it('no token or password survives in report.json, junit.xml, summary.md, report.html or curl', async () => {
    const report = await leakyRun();
    expect(report.results.map((r) => r.status)).toEqual(['failed', 'warned']);
    report.baseline = compareToBaseline(report.results, { checks: {} });
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-redact-'));
    const written = writeReports(report, dir);
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'summary.md']);
    for (const f of written) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toContain(TOKEN);
      expect(text, f).not.toContain(PASSWORD);
      expect(text, f).not.toContain(encodeURIComponent(PASSWORD));
    }
    // The evidence is still there, only the secret is gone.
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toContain('[REDACTED]');
    expect(report.results[0]?.reproduce).toContain('Bearer ${SCIMCHECK_TOKEN}');
  });

  it('redacts passwords in nested JSON, PATCH values, filters and query strings', () => {
    const body = JSON.stringify({ a: { b: [{ password: 'x1' }] }, Operations: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:password', value: 'x2' }] });
    const out = redactBody(body);
    expect(out).not.toMatch(/x1|x2/);
    expect(redactUrl('http://h/Users?filter=password%20eq%20%22x3%22&access_token=x4')).not.toMatch(/x3|x4/);
    expect(redactBody('password=x5&user=bob')).not.toContain('x5');
  });
});

describe('curl', () => {
  it('quotes single quotes and uses env vars for credentials', () => {
    const cmd = toCurl({
      request: { method: 'POST', url: "http://h/Users?filter=userName eq \"o'brien\"", headers: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/scim+json' }, body: `{"userName":"o'brien"}` },
      response: { status: 201, headers: {} },
    });
    expect(cmd).toBe(
      `curl -sS -i -X POST -H "Authorization: Bearer \${SCIMCHECK_TOKEN}" -H 'content-type: application/scim+json' --data-binary '{"userName":"o'\\''brien"}' 'http://h/Users?filter=userName eq "o'\\''brien"'`,
    );
  });
});

/** A small XML well-formedness walk: tags balance, attributes are quoted, entities are known. */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; children: unknown[]; text: string }[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? [];
  type Node = { name: string; attrs: Record<string, string>; children: Node[]; text: string };
  const root: Node = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  for (const t of tokens) {
    if (t.startsWith('</')) {
      const name = t.slice(2, -1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`mismatched </${name}>, open <${open?.name}>`);
    } else if (t.startsWith('<')) {
      const m = /^<([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(t);
      if (!m) throw new Error(`bad tag ${t.slice(0, 80)}`);
      const attrs: Record<string, string> = {};
      for (const a of (m[2] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1] as string] = a[2] as string;
      const node: Node = { name: m[1] as string, attrs, children: [], text: '' };
      (stack[stack.length - 1] as Node).children.push(node);
      if (m[3] !== '/') stack.push(node);
    } else {
      for (const e of t.matchAll(/&([^;\s]*);?/g)) if (!/^(amp|lt|gt|quot|apos)$/.test(e[1] as string) || !e[0].endsWith(';')) throw new Error(`bad entity ${e[0]}`);
      (stack[stack.length - 1] as Node).text += t;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  return root.children as never;
}

describe('junit.xml', () => {
  it('is well-formed: testsuites > testsuite per area > testcase, with failure/skipped/error and system-out', async () => {
    const report = await leakyRun();
    report.results.push(
      { id: 'users.skip.one', title: 'needs <sort> & "quotes"', suite: 'conformance', area: 'users', rfc: 'RFC7644 §3.4.2.3', level: 'MUST', status: 'skipped', durationMs: 0, message: 'target does not advertise sort', transcript: [] },
      { id: 'users.err.one', title: 'broken', suite: 'conformance', area: 'users', rfc: 'RFC7644 §3.3', level: 'MUST', status: 'errored', durationMs: 3, message: 'harness error: \u0001bad\u0000', transcript: [] },
    );
    report.summary = { passed: 0, failed: 1, warned: 1, skipped: 1, errored: 1 };
    const xml = renderJunit(report);
    const [suites, ...rest] = parseXml(xml);
    expect(rest).toHaveLength(0);
    expect(suites?.name).toBe('testsuites');
    expect(suites?.attrs).toMatchObject({ tests: '4', failures: '1', errors: '1', skipped: '1' });
    const children = suites?.children as ReturnType<typeof parseXml>;
    expect(children.map((c) => c.name)).toEqual(['testsuite', 'testsuite']);
    // The report-wide groups in reading order (users before security), as the console and report.html list them.
    expect(children.map((c) => c.attrs.name)).toEqual(['conformance.users', 'conformance.security']);
    // The security suite's cases (the failure, the warning), then the users suite's (skipped, errored).
    const cases = [children[1], children[0]].flatMap((c) => c?.children as ReturnType<typeof parseXml>);
    expect(cases.every((c) => c.name === 'testcase' && c.attrs.classname && c.attrs.name && c.attrs.time)).toBe(true);
    const kinds = cases.map((c) => (c.children as ReturnType<typeof parseXml>).map((k) => k.name).join(','));
    expect(kinds).toEqual(['failure,system-out', 'system-out', 'skipped', 'error']);
    const failure = (cases[0]?.children as ReturnType<typeof parseXml>)[0];
    expect(failure?.attrs.type).toBe('MUST RFC7643 §4.1.1');
    expect(failure?.text).toContain('actual:');
  });

  it('turns failures the baseline expects into skipped, so only regressions are red', async () => {
    const report = await leakyRun();
    report.baseline = compareToBaseline(report.results, { checks: { 'security.password.not-returned': 'known' } });
    const xml = renderJunit(report, { 'security.password.not-returned': 'known' });
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('expected failure (baseline): known');
  });
});

describe('summary.md', () => {
  it('has a counts table and links failures to the RFC section', async () => {
    const md = renderMarkdown(await leakyRun());
    expect(md).toContain('| passed | failed | warned | skipped | errored |');
    expect(md).toContain('[RFC7643 §4.1.1](https://www.rfc-editor.org/rfc/rfc7643#section-4.1.1)');
    expect(md).toContain('### 1 failing check, 1 root cause');
    expect(md).toContain('### Warnings');
  });
});

/** A run with one defect behind three failures (a plain-text 401), a create that answers 200, and a blocked check. */
function causedReport(): RunReport {
  const base = { suite: 'conformance' as const, level: 'MUST' as const, durationMs: 1, transcript: [] };
  const plain = (code: number) => `HTTP ${code} body is not a SCIM error (schemas must contain urn:ietf:params:scim:api:messages:2.0:Error)`;
  const results: CheckResult[] = [
    { ...base, id: 'auth.missing.list-users', title: 'no credentials: 401', area: 'auth', rfc: 'RFC7644 §2', status: 'failed', message: plain(401) },
    { ...base, id: 'users.create.returns-201', title: 'POST answers 201', area: 'users', rfc: 'RFC7644 §3.3', status: 'failed', message: 'POST /Users: expected HTTP 201, got 200' },
    { ...base, id: 'users.get.unknown-404', title: 'unknown user: 404', area: 'users', rfc: 'RFC7644 §3.12', status: 'failed', message: plain(404) },
    { ...base, id: 'patch.add.single-valued', title: 'add', area: 'patch', rfc: 'RFC7644 §3.5.2.1', status: 'failed', message: 'precondition: could not create a user: POST /Users returned 200' },
    { ...base, id: 'users.delete.then-get-404', title: 'deleted', area: 'users', rfc: 'RFC7644 §3.6', status: 'skipped', message: 'blocked by users.create.returns-201', blockedBy: 'users.create.returns-201' },
    { ...base, id: 'errors.body.detail-present', title: 'detail', area: 'errors', rfc: 'RFC7644 §3.12', status: 'failed', message: plain(400) },
    { ...base, id: 'users.get.ok', title: 'GET', area: 'users', rfc: 'RFC7644 §3.4.1', status: 'passed' },
  ];
  const report = buildReport({
    version: '0.0.0-test',
    target: 'http://t/scim/v2',
    startedAt: new Date('2026-01-02T03:04:05Z'),
    seed: 1,
    results,
    faults: [{ name: 'errors-plain-text', description: 'error bodies are text/plain', checks: ['users.get.unknown-404', 'errors.body.detail-present'] }],
  });
  report.leftBehind = { users: ['u-1', 'u-2'], groups: ['g-9'] };
  return report;
}

describe('root causes in every report (issue 10 #4)', () => {
  it('buildReport groups the failures: 5 failing checks, 2 root causes, the blocked check under its root', () => {
    expect(causedReport().rootCauses).toEqual([
      { id: 'auth.missing.list-users', checks: ['auth.missing.list-users', 'users.get.unknown-404', 'errors.body.detail-present'], likely: 'errors-plain-text: error bodies are text/plain' },
      { id: 'users.create.returns-201', checks: ['users.create.returns-201', 'patch.add.single-valued'], blocked: ['users.delete.then-get-404'] },
    ]);
  });

  it('report.json carries rootCauses, leftBehind and each blocked result\'s blockedBy, and reads back', () => {
    const report = causedReport();
    const json = JSON.parse(renderJson(report)) as RunReport;
    expect(json.rootCauses).toEqual(report.rootCauses);
    expect(json.leftBehind).toEqual({ users: ['u-1', 'u-2'], groups: ['g-9'] });
    expect(json.results.find((r) => r.id === 'users.delete.then-get-404')?.blockedBy).toBe('users.create.returns-201');
    // An older report.json without rootCauses gets them computed when rendered again (no fault names then).
    const { rootCauses: _drop, ...old } = json;
    expect((JSON.parse(renderJson(old as RunReport)) as RunReport).rootCauses?.map((c) => c.id)).toEqual(['auth.missing.list-users', 'users.create.returns-201']);
  });

  it('summary.md leads with the headline and a row per root cause, keeps every failing check, and says what was left behind', () => {
    const md = renderMarkdown(causedReport());
    expect(md).toContain('### 5 failing checks, 2 root causes');
    expect(md.indexOf('### 5 failing checks')).toBeLessThan(md.indexOf('<details><summary>All 5 failing checks</summary>'));
    expect(md).toMatch(/\| `auth\.missing\.list-users` \| \[RFC7644 §2\]\([^)]+\) \| MUST \| HTTP 401 body is not a SCIM error[^|]*<br>_likely: errors-plain-text: error bodies are text\/plain_ \| 2: `users\.get\.unknown-404`, `errors\.body\.detail-present` \| {2}\|/);
    expect(md).toMatch(/\| `users\.create\.returns-201` \|[^\n]*\| 1: `patch\.add\.single-valued` \| 1 \|/);
    expect(md).toContain('| `patch.add.single-valued` | [RFC7644 §3.5.2.1]');
    expect(md).toContain('_(root cause: `users.create.returns-201`)_');
    expect(md).toContain('**Cleanup:** 3 resources left behind on the target: users u-1, u-2; group g-9.');
  });

  it('junit.xml keeps one testcase per check and names the root in each dependent failure, and lists what was left behind', () => {
    const xml = renderJunit(causedReport());
    const [suites] = parseXml(xml);
    const cases = (suites?.children as ReturnType<typeof parseXml>).flatMap((s) => s.children as ReturnType<typeof parseXml>).filter((c) => c.name === 'testcase');
    expect(cases).toHaveLength(7);
    const failureOf = (id: string) => (cases.find((c) => c.attrs.name?.startsWith(`${id}:`))?.children as ReturnType<typeof parseXml>)[0]?.attrs.message;
    expect(failureOf('patch.add.single-valued')).toBe('precondition: could not create a user: POST /Users returned 200 [root cause: users.create.returns-201]');
    expect(failureOf('users.get.unknown-404')).toMatch(/\[root cause: auth\.missing\.list-users\]$/);
    expect(failureOf('auth.missing.list-users')).not.toContain('root cause');
    expect(xml).toMatch(/<testsuite name="scimcheck\.cleanup" tests="0"[^>]*><system-out>3 resources left behind on the target: users u-1, u-2; group g-9<\/system-out><\/testsuite>/);
    expect(suites?.attrs.tests).toBe('7');
  });
});
