/**
 * Issue 11 #16 for the mock IdP: a target's wrong answer (any status, headers, body: HTML 200s, truncated JSON,
 * wrong types in a ListResponse) ends as that scenario step's failure with a message, never as an exception in the
 * harness (`errored`). Every scenario and profile is played against scripted hostile targets, and a fast-check
 * property samples scenario, profile and answers. In-process (a fetch handler): no port, no traffic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getProfile, PROFILE_NAMES } from '../../src/idp/profiles/index.ts';
import { playScenario } from '../../src/idp/scenario-suite.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import type { Scenario } from '../../src/idp/scenario/model.ts';
import { anyAnswer, hostileFetch, hostileScripts, HOSTILE_TOKEN, type Answer } from '../harness/hostile-target.ts';

const BASE = 'http://127.0.0.1:9/scim/v2';
const scenarios = await loadScenarios(['all']);
/** The 1,000-member push is the same code at a larger count; the sweep keeps to the rest. */
const swept = scenarios.filter((s) => !s.steps.some((st) => (st.action as { kind: string }).kind === 'assignMany'));

/** One play against a fresh hostile target: its status and message. */
async function play(sc: Scenario, profile: string, answers: readonly Answer[], i = 0): Promise<{ status: string; message?: string }> {
  const target = hostileFetch(answers);
  try {
    const { result } = await playScenario(sc, {
      profile: getProfile(profile)!,
      baseUrl: BASE,
      authorization: `Bearer ${HOSTILE_TOKEN}`,
      fetch: target.fetch,
      timeoutMs: 5000,
      prefix: `hostile-${i}`,
      deprovision: 'delete',
      // Retries of 429 / 5xx wait no real time.
      sleep: async () => undefined,
    });
    return { status: result.status, message: result.message };
  } finally {
    await target.close();
  }
}

describe('hostile answers never make a scenario error', () => {
  it.each(Object.entries(hostileScripts()))('every scenario and profile against "%s": none errored', async (_name, answers) => {
    const statuses: Record<string, number> = {};
    const errored: string[] = [];
    for (const profile of PROFILE_NAMES) {
      for (const sc of swept) {
        const r = await play(sc, profile, answers);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 'errored') errored.push(`${profile} · ${sc.name}: ${r.message}`);
      }
    }
    expect(errored).toEqual([]);
    // The hostile answers reached the steps: some plays failed on them, so this is no vacuous pass.
    expect(statuses.failed ?? 0).toBeGreaterThan(0);
  }, 240_000);

  it('sampled scenario, profile and arbitrary answers: none errored, every failure says which step (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyAnswer, { minLength: 1, maxLength: 10 }), fc.constantFrom(...swept), fc.constantFrom(...PROFILE_NAMES), async (answers, sc, profile) => {
        const r = await play(sc, profile, answers);
        expect(r.status, r.message).not.toBe('errored');
        if (r.status === 'failed') expect(r.message).toMatch(/^(step \d+ \(|discovery: )/);
      }),
      { numRuns: Number(process.env.SCIMCHECK_FUZZ_RUNS ?? 150), seed: Number(process.env.SCIMCHECK_FUZZ_SEED ?? 11_16), endOnFailure: true },
    );
  }, 600_000);
});
