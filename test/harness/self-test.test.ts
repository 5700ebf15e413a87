/** The self-test's verdicts, with a fake runner instead of real providers. */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Level, Status } from '../../src/harness/check.ts';
import { FAULT_CATCHES, judgeFault, judgeVariant, runSelfTest, selfTestLine, selfTestMarkdown, variantLine, type RunAgainst, type VariantSpec } from '../../src/harness/self-test.ts';

function r(id: string, status: Status, level: Level = 'MUST'): CheckResult {
  return { id, title: id, suite: 'conformance', area: id.split('.')[0] as string, rfc: 'RFC7644 §3.3', level, status, durationMs: 1, transcript: [] };
}

describe('judgeFault', () => {
  const e = { only: ['users.create'], mustFail: ['users.create.location-header', 'users.create.should-thing'] };

  it('is ok when every listed check fails at its level', () => {
    const row = judgeFault('location-missing', e, [
      r('users.create.location-header', 'failed'),
      r('users.create.should-thing', 'warned', 'SHOULD'),
      r('users.create.other', 'failed'),
      r('users.create.fine', 'passed'),
    ]);
    expect(row).toMatchObject({ ok: true, missing: [], caught: ['users.create.location-header', 'users.create.should-thing', 'users.create.other'] });
  });

  it('is not ok when a listed check passed, was skipped, is absent, or failed at the wrong level', () => {
    expect(judgeFault('f', e, [r('users.create.location-header', 'passed'), r('users.create.should-thing', 'warned', 'SHOULD')]).missing).toEqual([
      'users.create.location-header',
    ]);
    expect(judgeFault('f', e, [r('users.create.location-header', 'skipped'), r('users.create.should-thing', 'warned', 'SHOULD')]).ok).toBe(false);
    expect(judgeFault('f', e, [r('users.create.location-header', 'failed')]).missing).toEqual(['users.create.should-thing']);
    // A MUST check can only be failed, never merely warned.
    expect(judgeFault('f', e, [r('users.create.location-header', 'warned'), r('users.create.should-thing', 'warned', 'SHOULD')]).ok).toBe(false);
  });

  it('is not ok when the harness itself broke during the run', () => {
    const row = judgeFault('f', e, [r('users.create.location-header', 'failed'), r('users.create.should-thing', 'warned', 'SHOULD'), r('users.x', 'errored')]);
    expect(row.ok).toBe(false);
    expect(row.errored).toEqual(['users.x']);
    expect(row.note).toContain('harness errors: users.x');
  });

  it('without a table entry, any failing check counts, and the row says so', () => {
    expect(judgeFault('new-fault', undefined, [r('a.b', 'failed')])).toMatchObject({ ok: true, expected: [], only: [] });
    expect(judgeFault('new-fault', undefined, [r('a.b', 'passed')]).ok).toBe(false);
    expect(judgeFault('new-fault', undefined, []).note).toContain('no entry in FAULT_CATCHES');
  });
});

describe('runSelfTest', () => {
  /** A fake: the clean run passes; a fault fails its listed checks unless it is in `blind`. */
  function fakeRunner(blind: string[] = [], cleanFails = false) {
    const calls: { faults: string[]; only: string[] }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const runAgainst: RunAgainst = async (faults, only) => {
      calls.push({ faults, only });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (faults.length === 0) return [r('users.ok', cleanFails ? 'warned' : 'passed', 'SHOULD')];
      const e = FAULT_CATCHES[faults[0] as string];
      return (e?.mustFail ?? []).map((id) => r(id, blind.includes(faults[0] as string) ? 'passed' : 'failed'));
    };
    return { runAgainst, calls, maxInFlight: () => maxInFlight };
  }

  it('runs the clean provider and each fault with its --only, a bounded number at a time, rows in order', async () => {
    const fake = fakeRunner();
    const faults = ['location-missing', 'put-merges', 'id-from-body', 'patch-not-atomic'];
    const outcome = await runSelfTest({ faults, runAgainst: fake.runAgainst, parallel: 2 });
    expect(outcome.ok).toBe(true);
    expect(outcome.rows.map((x) => x.fault)).toEqual(faults);
    expect(fake.calls).toContainEqual({ faults: [], only: [] });
    expect(fake.calls).toContainEqual({ faults: ['put-merges'], only: ['users.put'] });
    expect(fake.maxInFlight()).toBe(2);
  });

  it('fails when one fault is not caught, and names it', async () => {
    const outcome = await runSelfTest({ faults: ['location-missing', 'put-merges'], runAgainst: fakeRunner(['put-merges']).runAgainst });
    expect(outcome.ok).toBe(false);
    const missed = outcome.rows.find((x) => x.fault === 'put-merges');
    expect(missed).toMatchObject({ ok: false, missing: ['users.put.replaces-omitted-attribute'] });
    expect(selfTestLine(missed!)).toMatch(/^MISSED\s+put-merges .*did not fail: users\.put\.replaces-omitted-attribute/);
    expect(selfTestMarkdown(outcome)).toContain('| `put-merges` | **no** (did not fail: `users.put.replaces-omitted-attribute`)');
  });

  it('fails when the clean provider does not pass every check (a warning counts)', async () => {
    const outcome = await runSelfTest({ faults: ['location-missing'], runAgainst: fakeRunner([], true).runAgainst });
    expect(outcome.ok).toBe(false);
    expect(outcome.clean).toEqual({ ok: false, notPassing: [{ id: 'users.ok', status: 'warned' }] });
    expect(selfTestMarkdown(outcome)).toContain('**1 check(s) did not pass**');
  });

  it('stops starting runs once the signal is aborted, and does not pass', async () => {
    const controller = new AbortController();
    controller.abort();
    const fake = fakeRunner();
    const outcome = await runSelfTest({ faults: ['location-missing'], runAgainst: fake.runAgainst, signal: controller.signal });
    expect(fake.calls).toEqual([]);
    expect(outcome.ok).toBe(false);
  });
});

describe('legal variants: false alarms (must be none)', () => {
  const variants: VariantSpec[] = [
    { name: 'patch-204', description: 'PATCH answers 204' },
    { name: 'disable-on-delete', description: 'DELETE disables the user', config: { deprovision: 'disable' } },
    { name: 'eq-only-filters', description: 'only eq | and' },
  ];

  /** A fake: the clean run and faults pass as listed; eq-only-filters draws two false alarms and a warning. */
  function runner() {
    const calls: { faults: string[]; only: string[]; variant?: VariantSpec }[] = [];
    const runAgainst: RunAgainst = async (faults, only, variant) => {
      calls.push({ faults, only, ...(variant ? { variant } : {}) });
      if (variant?.name === 'eq-only-filters') {
        return [r('filter.sw.scope', 'failed'), r('paging.walk.complete', 'errored'), r('filter.co.title', 'warned', 'SHOULD'), r('users.ok', 'passed')];
      }
      if (variant) return [r('users.ok', 'passed'), r('etag.weak', 'warned', 'SHOULD')];
      if (faults.length === 0) return [r('users.ok', 'passed')];
      return (FAULT_CATCHES[faults[0] as string]?.mustFail ?? []).map((id) => r(id, 'failed'));
    };
    return { runAgainst, calls };
  }

  it('runs the whole conformance suite once per variant, with the variant and its harness settings handed to the runner', async () => {
    const fake = runner();
    const outcome = await runSelfTest({ faults: ['put-merges'], variants, runAgainst: fake.runAgainst });
    expect(fake.calls.filter((c) => c.variant)).toEqual(variants.map((variant) => ({ faults: [], only: [], variant })));
    expect(outcome.variants.map((v) => [v.variant, v.ok, v.falseAlarms.map((a) => `${a.id}:${a.status}`), v.warned])).toEqual([
      ['patch-204', true, [], 1],
      ['disable-on-delete', true, [], 1],
      ['eq-only-filters', false, ['filter.sw.scope:failed', 'paging.walk.complete:errored'], 1],
    ]);
    // One false alarm fails the self-test, though every fault is caught and the clean provider passes.
    expect(outcome.rows.every((x) => x.ok) && outcome.clean.ok).toBe(true);
    expect(outcome.ok).toBe(false);
  });

  it('passes when no variant draws a failure (warnings are the RFC\'s SHOULDs, allowed)', async () => {
    const outcome = await runSelfTest({ faults: ['put-merges'], variants: variants.slice(0, 2), runAgainst: runner().runAgainst });
    expect(outcome.ok).toBe(true);
    expect(outcome.variants).toHaveLength(2);
  });

  it('without variants the outcome has an empty variant table', async () => {
    expect((await runSelfTest({ faults: ['put-merges'], runAgainst: runner().runAgainst })).variants).toEqual([]);
  });

  it('prints a line per variant and writes the second table to self-test.md', async () => {
    const outcome = await runSelfTest({ faults: ['put-merges'], variants, runAgainst: runner().runAgainst });
    const seen: string[] = [];
    await runSelfTest({ faults: [], variants: variants.slice(2), runAgainst: runner().runAgainst, onVariant: (row) => seen.push(variantLine(row)) });
    expect(seen).toEqual([expect.stringMatching(/^FALSE\s+eq-only-filters\s+2 false alarms: filter\.sw\.scope \(failed\); paging\.walk\.complete \(errored\) \(1 warned\)$/)]);
    expect(variantLine(outcome.variants[0]!)).toMatch(/^clean\s+patch-204\s+no false alarms \(1 warned\)$/);
    const md = selfTestMarkdown(outcome);
    expect(md).toContain('## Legal variants: false alarms (must be none)');
    expect(md).toContain('| `patch-204` | PATCH answers 204 | none | 1 |');
    expect(md).toContain('| `eq-only-filters` | only eq \\| and | **2**: `filter.sw.scope` (failed)<br>`paging.walk.complete` (errored) | 1 |');
  });

  it('judgeVariant keeps each false alarm\'s message', () => {
    const row = judgeVariant({ name: 'v', description: 'd' }, [{ ...r('a.b', 'failed'), message: 'expected 200, got 204' }]);
    expect(row.falseAlarms).toEqual([{ id: 'a.b', status: 'failed', message: 'expected 200, got 204' }]);
  });
});
