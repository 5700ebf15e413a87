/**
 * report.html from hand-made reports: everything a target controls is escaped, the embedded data
 * survives intact, secrets never reach the page, and the page needs nothing from the network.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunReport } from '../../src/harness/check.ts';
import { renderHtml } from '../../src/harness/reporters/html.ts';
import { reportView, type ReportView } from '../../src/harness/reporters/html/view-model.ts';
import { jsonForScript } from '../../src/harness/reporters/html/escape.ts';

const EVIL = `</script><script>alert("x")</script><img src=x onerror=alert(1)><!--`;

function result(over: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'users.create.returns-201',
    title: 'POST /Users answers 201',
    suite: 'conformance',
    area: 'users',
    rfc: 'RFC7644 §3.3',
    level: 'MUST',
    status: 'failed',
    durationMs: 12,
    message: 'expected 201, got 200',
    expected: { status: 201 },
    actual: { status: 200, body: '{"id":"1","userName":"bob"}' },
    reproduce: `curl -sS -i -H "Authorization: Bearer \${SCIMCHECK_TOKEN}" 'http://t/Users'`,
    transcript: [
      {
        request: { method: 'POST', url: 'http://t/Users', headers: { authorization: 'Bearer [REDACTED]' }, body: '{"userName":"bob"}' },
        response: { status: 200, headers: { 'content-type': 'application/scim+json' }, body: '{"id":"1","userName":"bob"}' },
      },
    ],
    ...over,
  };
}

function report(results: CheckResult[], over: Partial<RunReport> = {}): RunReport {
  const summary = { passed: 0, failed: 0, warned: 0, skipped: 0, errored: 0 };
  for (const r of results) summary[r.status]++;
  return { tool: 'scimcheck', version: '0.0.0-test', target: 'http://t/scim/v2', startedAt: '2026-01-02T03:04:05.000Z', durationMs: 1500, seed: 7, summary, results, ...over };
}

/** The data the page embeds, read back the way its script reads it. */
function embedded(html: string): ReportView {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded data');
  return JSON.parse(m[1] as string) as ReportView;
}

describe('renderHtml', () => {
  it('escapes markup from the target everywhere and keeps it intact as data', () => {
    const r = result({
      id: 'users.create.returns-201',
      title: `title ${EVIL}`,
      message: `message ${EVIL}`,
      actual: { body: EVIL },
      profile: `okta${EVIL}`,
      suite: 'scenarios',
      transcript: [{ request: { method: 'GET', url: `http://t/Users?x=${encodeURIComponent(EVIL)}`, headers: {} }, response: { status: 200, headers: { 'x-evil': EVIL }, body: EVIL } }],
    });
    const html = renderHtml(report([r], { target: `http://t/${EVIL}` }));
    // Exactly two script elements: the JSON data and the page's own script. No injected element at all.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<!--');
    expect(html).toContain('http://t/&lt;/script&gt;');
    const data = embedded(html);
    expect(data.target).toBe(`http://t/${EVIL}`);
    expect(data.results[0]?.title).toBe(`title ${EVIL}`);
    expect(data.results[0]?.transcript[0]?.response).toMatchObject({ body: EVIL, headers: { 'x-evil': EVIL } });
  });

  it('embeds JSON with no "<" so nothing in it can close the script element', () => {
    const text = jsonForScript({ a: EVIL, b: '\u2028' });
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual({ a: EVIL, b: '\u2028' });
  });

  it('is self-contained: no external script, stylesheet, image or font, and a CSP that forbids loading any', () => {
    const html = renderHtml(report([result()]));
    expect(html).not.toMatch(/<link\b|<script[^>]*\ssrc=|<img\b|@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'`);
    // Links to the RFC are fine (a reader clicks them); nothing is fetched to render the page.
    expect(html).toMatch(/rfc-editor\.org\/rfc\/rfc7644#section-3\.3/);
  });

  it('never shows an Authorization credential, even when the report.json it renders holds one', () => {
    const secret = 'live-token-0c5b1e9f7a';
    const basic = Buffer.from('admin:hunter2-password').toString('base64');
    const r = result({
      reproduce: `curl -H 'Authorization: Bearer ${secret}' -u 'admin:hunter2-password' 'http://t/Users'`,
      transcript: [
        { request: { method: 'GET', url: 'http://t/Users', headers: { Authorization: `Bearer ${secret}`, 'x-api-key': secret } }, response: { status: 200, headers: { 'set-cookie': `s=${secret}` } } },
        { request: { method: 'GET', url: 'http://t/Users', headers: { authorization: `Basic ${basic}` } }, response: { error: 'timeout' } },
      ],
    });
    const html = renderHtml(report([r]));
    expect(html).not.toContain(secret);
    expect(html).not.toContain(basic);
    expect(html).not.toContain('hunter2');
    const t = embedded(html).results[0]!.transcript;
    expect(t[0]?.request.headers.Authorization).toBe('Bearer [REDACTED]');
    expect(t[1]?.request.headers.authorization).toBe('Basic [REDACTED]');
  });

  it("keeps the harness's own deliberately wrong credentials readable (they are the point of auth checks)", () => {
    const wrong = 'Bearer scimcheck-wrong-1234';
    const wrongBasic = `Basic ${Buffer.from('scimcheck-nobody:scimcheck-wrong-9').toString('base64')}`;
    const r = result({
      transcript: [
        { request: { method: 'GET', url: 'http://t/Users', headers: { authorization: wrong } }, response: { status: 401, headers: {} } },
        { request: { method: 'GET', url: 'http://t/Users', headers: { authorization: wrongBasic } }, response: { status: 401, headers: {} } },
        { request: { method: 'GET', url: 'http://t/Users', headers: { authorization: 'Bearer ' } }, response: { status: 401, headers: {} } },
      ],
    });
    const t = embedded(renderHtml(report([r]))).results[0]!.transcript;
    expect(t.map((e) => e.request.headers.authorization)).toEqual([wrong, wrongBasic, 'Bearer ']);
  });

  it('shows the verdict, the counts, the area bars and the baseline lists', () => {
    const results = [
      result({ id: 'patch.a', area: 'patch', status: 'failed' }),
      result({ id: 'patch.b', area: 'patch', status: 'passed' }),
      result({ id: 'sort.a', area: 'sort', status: 'skipped' }),
      result({ id: 'scenario.okta.x', suite: 'scenarios', area: 'scenarios', profile: 'okta', status: 'passed' }),
      result({ id: 'property.p', suite: 'properties', area: 'patch', status: 'warned' }),
    ];
    const html = renderHtml(report(results, { baseline: { regressions: ['patch.a'], fixed: ['patch.z'], expectedFailures: [] } }));
    expect(html).toContain('1 regression against the baseline');
    expect(html).toMatch(/<a class="area" href="#area=patch"[^>]*><span class="name">patch<\/span>.*?1\/2 · 50%/);
    expect(html).toContain('<span class="name">scenarios · okta</span>');
    expect(html).toContain('<span class="name">properties</span>');
    expect(html).toContain('href="#q=patch.a&amp;open=patch.a"');
    expect(html).toContain('href="#q=patch.z&amp;open=patch.z"');
    const data = embedded(html);
    expect(data.results.find((r) => r.id === 'patch.a')?.baseline).toBe('regression');
    // Profile filter offered only because a scenario result names one.
    expect(html).toContain('<option value="okta">okta</option>');
  });
});

describe('root causes on the page (issue 10 #4)', () => {
  /** The page as text with its scripts removed: what a reader sees without JavaScript. */
  function withoutScript(html: string): string {
    return html
      .replace(/<script[\s\S]*?<\/script>/g, '')
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');
  }
  const plain = 'HTTP 401 body is not a SCIM error (schemas must contain urn:ietf:params:scim:api:messages:2.0:Error)';
  const results = [
    result({ id: 'auth.missing.list-users', area: 'auth', rfc: 'RFC7644 §2', title: 'no credentials: 401', message: plain }),
    result({ id: 'errors.body.detail-present', area: 'errors', message: plain.replace('401', '400') }),
    result({ id: 'users.get.unknown-404', area: 'users', message: `${plain.replace('401', '404')} ${EVIL}` }),
    result({ id: 'users.delete.then-get-404', area: 'users', status: 'skipped', message: 'blocked by auth.missing.list-users', blockedBy: 'auth.missing.list-users' }),
    result({ id: 'users.ok', status: 'passed', message: undefined }),
  ];
  const causes = [
    {
      id: 'auth.missing.list-users',
      checks: ['auth.missing.list-users', 'errors.body.detail-present', 'users.get.unknown-404'],
      likely: `errors-plain-text: error bodies are text/plain ${EVIL}`,
      blocked: ['users.delete.then-get-404'],
    },
  ];

  it('lists them first, readable without JavaScript: headline, root with clause and message, likely cause, dependents, blocked, cleanup', () => {
    const html = renderHtml(report(results, { rootCauses: causes, leftBehind: { users: ['u-1'], groups: ['g-1', 'g-2'] } }));
    const text = withoutScript(html);
    expect(html).toContain('<div class="verdict bad">✗ 3 failing checks, 1 root cause</div>');
    expect(text).toContain('3 failing checks, 1 root cause ✗ failed auth.missing.list-users · RFC7644 §2 · MUST no credentials: 401 HTTP 401 body is not a SCIM error');
    expect(text).toContain(`likely: errors-plain-text: error bodies are text/plain ${EVIL}`);
    expect(text).toContain('2 more failing checks with this cause errors.body.detail-present HTTP 400 body is not a SCIM error');
    expect(text).toContain('1 blocked (skipped, not counted) users.delete.then-get-404');
    expect(text).toContain('Cleanup 3 resources left behind on the target: user u-1; groups g-1, g-2');
    // Before the counts, the area bars and the table; each id opens its row; nothing the target said became markup.
    expect(text.indexOf('3 failing checks, 1 root cause ✗')).toBeLessThan(text.indexOf('Pass rate by area'));
    expect(html).toContain('href="#q=errors.body.detail-present&amp;open=errors.body.detail-present"');
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html).not.toMatch(/<img/i);
    // The table's rows name their root cause too.
    const data = embedded(html);
    expect(Object.fromEntries(data.results.map((r) => [r.id, r.rootCause]))).toEqual({
      'auth.missing.list-users': undefined,
      'errors.body.detail-present': 'auth.missing.list-users',
      'users.get.unknown-404': 'auth.missing.list-users',
      'users.delete.then-get-404': 'auth.missing.list-users',
      'users.ok': undefined,
    });
  });

  it('a report.json from before root causes gets them computed; a passing run shows no section', () => {
    // (The third failure's message carries extra text, so it is its own cause here.)
    expect(withoutScript(renderHtml(report(results)))).toContain('3 failing checks, 2 root causes ✗ failed auth.missing.list-users · RFC7644 §2 · MUST no credentials: 401 HTTP 401 body is not a SCIM error (schemas must contain urn:ietf:params:scim:api:messages:2.0:Error) 1 more failing check with this cause errors.body.detail-present');
    const passing = renderHtml(report([result({ status: 'passed' })]));
    expect(passing).not.toContain('aria-labelledby="rc"');
    expect(passing).toContain('✓ every required check passed');
    expect(passing).not.toContain('aria-labelledby="lb"');
  });
});

describe('reportView', () => {
  it('carries the cited section title, link and quote, and a diff of the pretty-printed JSON', () => {
    const v = reportView(report([result()]), { quoteOf: (id) => (id === 'users.create.returns-201' ? 'the server SHALL return 201' : undefined) });
    const r = v.results[0]!;
    expect(r.cite).toEqual({ url: 'https://www.rfc-editor.org/rfc/rfc7644#section-3.3', title: expect.stringMatching(/Creating Resources/i), quote: 'the server SHALL return 201' });
    // The JSON string in actual.body is shown as JSON, so the diff is line by line.
    expect(r.actual).toContain('"userName": "bob"');
    expect(r.diff?.filter((l) => l.op === 'del').map((l) => l.text.trim())).toContain('"status": 201');
    expect(r.diff?.filter((l) => l.op === 'add').map((l) => l.text.trim())).toContain('"status": 200');
  });

  it('splits a property failure into its headline and the shrunk counterexample', () => {
    const message = 'final list differs\n1 run, seed 5\nreplay: --seed 5 --replay x\nshrunk counterexample (2 steps):\n  1. createUser()\n  2. deleteUser()';
    const v = reportView(report([result({ suite: 'properties', id: 'property.users-model', message })]));
    expect(v.results[0]?.message).toBe('final list differs');
    expect(v.results[0]?.shrunk).toContain('shrunk counterexample (2 steps):\n  1. createUser()');
    expect(v.results[0]?.bucket).toBe('properties');
  });

  it('orders the areas as a reader meets them, scenarios per profile, properties last', () => {
    const v = reportView(
      report([
        result({ id: 'p', suite: 'properties', area: 'users' }),
        result({ id: 's2', suite: 'scenarios', area: 'scenarios', profile: 'okta' }),
        result({ id: 's1', suite: 'scenarios', area: 'scenarios', profile: 'entra' }),
        result({ id: 'b', area: 'bulk' }),
        result({ id: 'd', area: 'discovery' }),
      ]),
    );
    expect(v.areas.map((a) => a.name)).toEqual(['discovery', 'bulk', 'scenarios · entra', 'scenarios · okta', 'properties']);
  });
});
