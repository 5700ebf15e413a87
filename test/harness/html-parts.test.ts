/** The pieces of the HTML report that are plain functions: the line diff, the run comparison, `report --compare`. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffLines, foldUnchanged } from '../../src/harness/reporters/html/line-diff.ts';
import { compareRuns, comparisonText } from '../../src/harness/reporters/html/compare.ts';
import { guardAuthorization, guardCurl } from '../../src/harness/reporters/html/redact-guard.ts';
import { reportCommand } from '../../src/harness/commands.ts';
import { UsageError } from '../../src/usage-error.ts';
import type { CheckResult, RunReport, Status } from '../../src/harness/check.ts';

afterEach(() => vi.restoreAllMocks());

describe('diffLines', () => {
  it('marks the changed line of a JSON document and keeps the rest', () => {
    const a = ['{', '  "active": true,', '  "userName": "bob"', '}'];
    const b = ['{', '  "active": false,', '  "userName": "bob"', '}'];
    expect(diffLines(a, b)).toEqual([
      { op: 'same', text: '{' },
      { op: 'del', text: '  "active": true,' },
      { op: 'add', text: '  "active": false,' },
      { op: 'same', text: '  "userName": "bob"' },
      { op: 'same', text: '}' },
    ]);
  });

  it('always rebuilds both sides, and keeps a longest common subsequence as unchanged', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', '{', '}'), { maxLength: 14 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const d = diffLines(a, b);
        expect(d.filter((l) => l.op !== 'add').map((l) => l.text)).toEqual(a);
        expect(d.filter((l) => l.op !== 'del').map((l) => l.text)).toEqual(b);
        expect(d.filter((l) => l.op === 'same').length).toBe(lcsLength(a, b));
      }),
    );
  });

  it('folds long unchanged runs, keeping three lines of context', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const b = a.map((l, i) => (i === 10 ? 'changed' : l));
    const folded = foldUnchanged(diffLines(a, b));
    expect(folded.map((l) => l.op)).toEqual(['fold', 'same', 'same', 'same', 'del', 'add', 'same', 'same', 'same', 'fold']);
    expect(folded[0]?.text).toBe('7 unchanged lines');
    expect(folded.at(-1)?.text).toBe('6 unchanged lines');
  });
});

function lcsLength(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}

function run(statuses: Record<string, Status>, startedAt = '2026-01-01T00:00:00.000Z'): RunReport {
  const results: CheckResult[] = Object.entries(statuses).map(([id, status]) => ({ id, title: id, suite: 'conformance', area: id.split('.')[0]!, rfc: 'RFC7644 §3.3', level: 'MUST', status, durationMs: 1, transcript: [] }));
  const summary = { passed: 0, failed: 0, warned: 0, skipped: 0, errored: 0 };
  for (const r of results) summary[r.status]++;
  return { tool: 'scimcheck', version: '0.0.0-test', target: 'http://t/scim/v2', startedAt, durationMs: 10, seed: 1, summary, results };
}

describe('compareRuns', () => {
  it('sorts checks into newly failing, new, fixed, still failing and not run now', () => {
    const before = run({ 'a.keeps': 'failed', 'b.fixed': 'failed', 'c.breaks': 'passed', 'd.skipped-now': 'errored', 'e.gone': 'failed', 'f.fine': 'passed', 'h.warned-now': 'failed' });
    const now = run({ 'a.keeps': 'errored', 'b.fixed': 'passed', 'c.breaks': 'failed', 'd.skipped-now': 'skipped', 'f.fine': 'passed', 'g.new': 'failed', 'h.warned-now': 'warned', 'i.new-passing': 'passed' });
    const c = compareRuns(now, before);
    // A check absent from the earlier run is new, not newly failing (issue 10 #9).
    expect(c.newlyFailing).toEqual(['c.breaks']);
    expect(c.newChecks).toEqual(['g.new']);
    expect(c.changes['g.new']).toBe('new');
    expect(c.changes['i.new-passing']).toBeUndefined();
    expect(c.fixed).toEqual(['b.fixed', 'h.warned-now']);
    expect(c.stillFailing).toEqual(['a.keeps']);
    expect(c.notRun).toEqual(['d.skipped-now', 'e.gone']);
    expect(c.changes['f.fine']).toBeUndefined();
    const text = comparisonText(c);
    expect(text).toMatch(/1 newly failing, 1 new and failing, 2 fixed, 1 still failing, 2 failing before and not run now/);
    expect(text).toMatch(/\nnewly failing:\n {2}c\.breaks\n\nnew \(not in the earlier run\), failing:\n {2}g\.new\n/);
  });

  it('a check skipped or warned before and failing now is newly failing (it existed)', () => {
    const c = compareRuns(run({ 'a.x': 'failed', 'b.y': 'failed' }), run({ 'a.x': 'skipped', 'b.y': 'warned' }));
    expect(c).toMatchObject({ newlyFailing: ['a.x', 'b.y'], newChecks: [] });
  });
});

describe('scimcheck report --compare', () => {
  it('prints the changes and writes compare.html next to the report, with the changes marked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-compare-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify(run({ 'users.x': 'failed', 'users.y': 'passed' })));
    writeFileSync(join(dir, 'new.json'), JSON.stringify(run({ 'users.x': 'passed', 'users.y': 'failed', 'users.z': 'failed' }, '2026-02-01T00:00:00.000Z')));
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
    expect(await reportCommand([join(dir, 'new.json'), '--compare', join(dir, 'old.json')])).toBe(0);
    expect(out.join('\n')).toMatch(/1 newly failing, 1 new and failing, 1 fixed, 0 still failing/);
    const html = readFileSync(join(dir, 'compare.html'), 'utf8');
    expect(html).toContain('Compared with the run of 2026-01-01 00:00:00 UTC');
    expect(html).toContain('<option value="newly-failing">newly failing</option>');
    expect(html).toContain('<option value="new">new</option>');
    expect(html).toContain('✗ New checks (not in the earlier run), failing</a> (1)</h3>');
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as { results: { id: string; change?: string }[] };
    expect(Object.fromEntries(data.results.map((r) => [r.id, r.change]))).toEqual({ 'users.x': 'fixed', 'users.y': 'newly-failing', 'users.z': 'new' });
  });

  it('writes where --html says, and refuses a file that is not a report (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-compare-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(run({ 'users.x': 'failed' })));
    writeFileSync(join(dir, 'junk.json'), '{"tool":"other"}');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await reportCommand([join(dir, 'a.json'), '--compare', join(dir, 'a.json'), '--html', join(dir, 'sub', 'c.html')])).toBe(0);
    expect(readFileSync(join(dir, 'sub', 'c.html'), 'utf8')).toContain('<!doctype html>');
    await expect(reportCommand([join(dir, 'a.json'), '--compare', join(dir, 'junk.json')])).rejects.toBeInstanceOf(UsageError);
    await expect(reportCommand([join(dir, 'a.json'), '--compare', join(dir, 'missing.json')])).rejects.toBeInstanceOf(UsageError);
  });
});

describe('redaction guard', () => {
  it('redacts real credentials and keeps redacted, empty and harness-fake ones', () => {
    expect(guardAuthorization('Bearer abc.def.ghi')).toBe('Bearer [REDACTED]');
    expect(guardAuthorization('SSWS 00abcdef')).toBe('SSWS [REDACTED]');
    expect(guardAuthorization('rawapikey123')).toBe('[REDACTED]');
    expect(guardAuthorization('Bearer [REDACTED]')).toBe('Bearer [REDACTED]');
    expect(guardAuthorization('Bearer ')).toBe('Bearer ');
    expect(guardAuthorization('')).toBe('');
    expect(guardAuthorization('Bearer scimcheck-wrong-1')).toBe('Bearer scimcheck-wrong-1');
  });

  it('leaves curl lines that use the environment alone and redacts literal credentials', () => {
    const env = `curl -H "Authorization: Bearer \${SCIMCHECK_TOKEN}" -u "\${SCIMCHECK_BASIC}" 'http://t/Users'`;
    expect(guardCurl(env)).toBe(env);
    expect(guardCurl(`curl -H 'Authorization: Bearer s3cr3t-tok' 'http://t'`)).toBe(`curl -H 'Authorization: Bearer [REDACTED]' 'http://t'`);
    expect(guardCurl(`curl -u 'me:pw' 'http://t'`)).toBe(`curl -u '[REDACTED]' 'http://t'`);
  });
});
