/** The self-test's verdicts, with a fake runner instead of real providers. */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Level, Status } from '../../src/harness/check.ts';
import { FAULT_CATCHES, judgeFault, runSelfTest, selfTestLine, selfTestMarkdown, type RunAgainst } from '../../src/harness/self-test.ts';

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
