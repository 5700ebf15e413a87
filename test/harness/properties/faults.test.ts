/**
 * Each semantic fault of the reference provider is caught by the property that covers it, and the
 * shrunk counterexample is short (at most 5 steps, the final read-back included).
 */
import { describe, expect, test } from 'vitest';
import { runProperty } from '../../../src/harness/properties/engine.ts';
import { PROPERTIES } from '../../../src/harness/properties/suite.ts';
import { providerTarget } from './helpers.ts';

const CASES: [fault: string, property: string][] = [
  ['patch-ignored', 'patch-model'],
  ['patch-ignored', 'users-model'],
  ['member-removal-ignored', 'groups-model'],
  ['filter-case-sensitive', 'filter-equivalence'],
  ['filter-ignored', 'filter-equivalence'],
  ['start-index-ignored', 'paging'],
  ['delete-not-deleting', 'users-model'],
];

describe('properties catch the provider faults', () => {
  test.each(CASES)('fault %s fails property %s with a counterexample of at most 5 steps', async (fault, name) => {
    const { conn, target } = await providerTarget([fault]);
    const def = PROPERTIES.find((p) => p.name === name)!;
    const o = await runProperty(def, conn, target, { seed: 20240601, numRuns: 200, prefix: 'scimcheck-fault' });
    expect(o.status, o.message).toBe('failed');
    expect(o.steps.length).toBeGreaterThan(0);
    expect(o.steps.length, o.steps.map((s) => s.command).join('\n')).toBeLessThanOrEqual(5);
    // The failure carries what a reader needs: the replay token, a transcript and the model's expectation.
    expect(o.replay).toMatch(new RegExp(`^${name}@[0-9:]+`));
    expect(o.transcript.length).toBeGreaterThan(0);
    expect(o.steps.some((s) => s.expected !== undefined)).toBe(true);
  }, 120_000);

  test('the same properties pass when the fault is absent (the failures above are the faults)', async () => {
    const { conn, target } = await providerTarget([]);
    for (const name of new Set(CASES.map((c) => c[1]))) {
      const def = PROPERTIES.find((p) => p.name === name)!;
      const o = await runProperty(def, conn, target, { seed: 20240601, numRuns: 30, prefix: 'scimcheck-nofault' });
      expect(o.status, `${name}: ${o.message}`).toBe('passed');
    }
  }, 120_000);
});
