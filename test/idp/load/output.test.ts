/** Live progress (TTY vs plain), the HTML page's escaping, and the verdict line. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from '../../../src/idp/load/html.ts';
import { createProgress } from '../../../src/idp/load/progress.ts';
import type { LoadReport, Snapshot } from '../../../src/idp/load/run.ts';
import { renderSummary, verdictLine } from '../../../src/idp/load/summary.ts';

function sink(tty: boolean) {
  const s = Object.assign(new PassThrough(), { isTTY: tty });
  let text = '';
  s.on('data', (b: Buffer) => (text += b.toString()));
  return { s, text: () => text };
}

const snap = (elapsedMs: number, requests: number): Snapshot => ({ phase: 'users', done: 5, total: 10, overallDone: 6, overallTotal: 20, requests, errors: 1, elapsedMs });

describe('progress', () => {
  it('rewrites one line on a TTY and clears it at the end', async () => {
    const out = sink(true);
    const p = createProgress(out.s);
    p.tick(snap(1000, 100));
    p.tick(snap(1250, 150));
    p.stop();
    await new Promise((r) => setImmediate(r));
    expect(out.text()).toBe('\r\x1b[2Kusers 5/10 · objects 6/20 · 100 req/s · 100 requests · 1 errors\r\x1b[2Kusers 5/10 · objects 6/20 · 200 req/s · 150 requests · 1 errors\r\x1b[2K');
  });

  it('prints a plain line at most every 2 s otherwise, or when forced', async () => {
    const out = sink(false);
    const p = createProgress(out.s);
    p.tick(snap(1000, 100));
    p.tick(snap(1500, 120));
    p.tick(snap(1600, 130), true);
    p.tick(snap(3700, 200));
    await new Promise((r) => setImmediate(r));
    expect(out.text().trim().split('\n')).toHaveLength(3);
    expect(out.text()).not.toContain('\x1b');
  });
});

function report(over: Partial<LoadReport> = {}): LoadReport {
  return {
    tool: 'scimcheck',
    command: 'load',
    version: '0.0.0',
    target: 'http://t/scim/v2',
    profile: 'entra',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    settings: { profile: 'entra', users: 2, groups: 1, membersPerGroup: 1, concurrency: 1, incremental: 0, seed: 1, prefix: 'p<b>', timeoutMs: 1, deprovision: 'disable', cleanup: true },
    phases: [{ name: 'users', items: 2, done: 2, failed: 0, durationMs: 10 }],
    syncMs: 1000,
    throughput: 4,
    requests: { total: 4, byKind: [{ kind: 'user create', count: 2, errors: 0, p50: 1, p95: 2, p99: 2, max: 2 }], statuses: { '201': 2, '429': 2 }, throttle: { count429: 2, withRetryAfter: 2, honoured: 1, notHonoured: 1, gaveUp: 0, maxWaitMs: 1000 }, retries: 2, networkErrors: 0, timeline: { intervalMs: 100, points: [] } },
    readBackRequests: 1,
    cleanupRequests: 2,
    failures: { count: 0, first: [] },
    verdict: {
      ok: false,
      mode: 'list',
      users: { expected: 2, present: 1, missing: 1, duplicated: 0, wrong: 0, deletedStillThere: 0, unexpected: 0 },
      groups: { expected: 1, present: 1, missing: 0, duplicated: 0, wrong: 0, unexpected: 0 },
      memberships: { expected: 1, present: 1, missing: 0, extra: 0, duplicated: 0 },
      problems: ['user <script>alert(1)</script>: lost'],
      problemCount: 1,
    },
    cleanup: { deleted: 3, leftBehind: 0, problems: [] },
    interrupted: false,
    exitCode: 1,
    ...over,
  };
}

describe('summary and HTML', () => {
  it('the verdict line counts what was lost', () => {
    expect(verdictLine(report())).toBe('VERDICT: FAIL — 1 lost, 0 duplicated, 0 wrong (1/2 users, 1/1 groups, 1/1 memberships)');
    expect(verdictLine(report({ verdict: undefined, verdictError: 'interrupted: no read-back' }))).toBe('VERDICT: none — interrupted: no read-back');
  });

  it('the summary reports 429s and how Retry-After was honoured', () => {
    const text = renderSummary(report()).join('\n');
    expect(text).toContain('429 Too Many Requests: 2 (2 with Retry-After; honoured 1, not honoured 1; longest wait 1000 ms; gave up 0); retries: 2');
    expect(text).toContain('read-back found 1 problem(s)');
  });

  it('escapes everything it shows and loads nothing from elsewhere', () => {
    const html = renderHtml(report());
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('p&lt;b&gt;');
    expect(html).toContain('class="verdict fail"');
    expect(html).not.toMatch(/(src|href)=/);
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });
});
