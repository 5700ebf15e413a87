/** The seed and path a failure reports replay the same counterexample (engine and suite level). */
import { describe, expect, test } from 'vitest';
import { parseReplay, runProperty } from '../../../src/harness/properties/engine.ts';
import { PROPERTIES, propertySuite } from '../../../src/harness/properties/suite.ts';
import { createProvider } from '../../../src/provider/index.ts';
import { BASE, TOKEN, providerTarget } from './helpers.ts';

describe('replay', () => {
  test.each([
    ['delete-not-deleting', 'users-model'],
    ['patch-ignored', 'patch-model'],
    ['member-removal-ignored', 'groups-model'],
  ])('fault %s: --seed and --replay of the %s failure reproduce the same shrunk commands', async (fault, name) => {
    const { conn, target } = await providerTarget([fault]);
    const def = PROPERTIES.find((p) => p.name === name)!;
    const first = await runProperty(def, conn, target, { seed: 99, numRuns: 200, prefix: 'scimcheck-replay' });
    expect(first.status).toBe('failed');
    const token = parseReplay(first.replay!)!;
    expect(token.name).toBe(name);
    const again = await runProperty(def, conn, target, { seed: first.seed, numRuns: 1, prefix: 'scimcheck-replay', path: token.path, ...(token.replayPath ? { replayPath: token.replayPath } : {}) });
    expect(again.status).toBe('failed');
    expect(again.runs).toBe(1);
    expect(again.steps.map((s) => s.command)).toEqual(first.steps.map((s) => s.command));
    expect(again.message!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID')).toBe(first.message!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID'));
  }, 120_000);

  test('propertySuite({ seed, replay }) replays one property and leaves the others out', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, faults: ['delete-not-deleting'] });
    const env = { baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: (r: Request) => provider.fetch(r), timeoutMs: 10_000, prefix: 'scimcheck-suite-replay' };
    const first = await propertySuite({ seed: 5, numRuns: 100, only: ['users-model'] }).run(env as never);
    const failed = first.find((r) => r.id === 'property.users-model')!;
    expect(failed.status).toBe('failed');
    const replay = /--seed (\d+) --replay '([^']+)'/.exec(failed.message!)!;
    expect(replay).not.toBeNull();
    const again = await propertySuite({ seed: Number(replay[1]), replay: replay[2] }).run(env as never);
    const replayed = again.find((r) => r.id === 'property.users-model')!;
    expect(replayed.status).toBe('failed');
    const commands = (m: string) => m.split('\n').filter((l) => /^\s+\d+\. /.test(l));
    expect(commands(replayed.message!)).toEqual(commands(failed.message!));
    for (const r of again.filter((x) => x.id !== 'property.users-model')) expect(r).toMatchObject({ status: 'skipped', message: expect.stringContaining('--replay') });
  }, 120_000);

  test('a malformed replay token is a usage error', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });
    const env = { baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: (r: Request) => provider.fetch(r), timeoutMs: 10_000, prefix: 'x' };
    await expect(propertySuite({ replay: 'not a token' }).run(env as never)).rejects.toThrow(/replay token/);
    await expect(propertySuite({ replay: 'no-such-property@1:2' }).run(env as never)).rejects.toThrow(/unknown property/);
  });
});
