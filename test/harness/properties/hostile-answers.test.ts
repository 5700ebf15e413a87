/**
 * Issue 11 #16 for the property suites: a target's wrong answer (any status, headers, body: HTML 200s, truncated
 * JSON, wrong types in a ListResponse) ends as that property's failure with a message, never as an exception in
 * the harness (`errored`). Every property runs against scripted hostile targets, and a fast-check property samples
 * the answers. In-process (a fetch handler): no port, no traffic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySuite } from '../../../src/harness/properties/suite.ts';
import { anyAnswer, hostileFetch, hostileScripts, HOSTILE_TOKEN, type Answer } from '../hostile-target.ts';

const BASE = 'http://127.0.0.1:9/scim/v2';

/** Every property against a fresh hostile target, a few runs each: the results' ids, statuses and messages. */
async function suiteAgainst(answers: readonly Answer[], seed = 1): Promise<{ id: string; status: string; message?: string }[]> {
  const target = hostileFetch(answers);
  try {
    const results = await propertySuite({ seed, numRuns: 3 }).run({ baseUrl: BASE, authorization: `Bearer ${HOSTILE_TOKEN}`, fetch: target.fetch, timeoutMs: 5000, prefix: `hostile-${seed}` });
    return results.map((r) => ({ id: r.id, status: r.status, message: r.message?.split('\n')[0] }));
  } finally {
    await target.close();
  }
}

describe('hostile answers never make a property error', () => {
  it.each(Object.entries(hostileScripts()))('every property against "%s": none errored', async (_name, answers) => {
    const results = await suiteAgainst(answers);
    expect(results.filter((r) => r.status === 'errored')).toEqual([]);
    // The hostile answers reached the properties: some failed on them, each with a message.
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) expect(r.message).toBeTruthy();
  }, 240_000);

  it('arbitrary answers: none errored (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyAnswer, { minLength: 1, maxLength: 10 }), fc.nat({ max: 1000 }), async (answers, seed) => {
        const errored = (await suiteAgainst(answers, seed)).filter((r) => r.status === 'errored');
        expect(errored).toEqual([]);
      }),
      { numRuns: Number(process.env.SCIMCHECK_FUZZ_RUNS ?? 25), seed: Number(process.env.SCIMCHECK_FUZZ_SEED ?? 11_16), endOnFailure: true },
    );
  }, 600_000);
});
