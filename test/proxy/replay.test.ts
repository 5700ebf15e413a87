/**
 * Issue 14: a recorded Entra sync (through the proxy, `--record`'s lines) replays clean against a fresh provider,
 * with the new target's ids mapped in, and reports divergences in kind against a faulty one; `--to-scenario`'s
 * draft of a recording validates and plays with every profile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getProfile } from '../../src/idp/profiles/index.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { runScenario } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';
import { listen, type Listening } from '../../src/proxy/listen.ts';
import { recordedExchange, type RecordedExchange } from '../../src/proxy/record.ts';
import { parseRecording, replay } from '../../src/proxy/replay.ts';
import { scenarioFromRecording, scenarioYaml } from '../../src/proxy/to-scenario.ts';
import { parseScenario } from '../../src/idp/scenario/load.ts';
import { PROFILE_NAMES } from '../../src/idp/profiles/index.ts';
import { auth, rig, TOKEN } from './support.ts';

const scenarios = await loadScenarios(['all']);
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** The recording of one Entra scenario through the proxy, as `--record` writes it (and read back as the file would be). */
async function record(scenario: string): Promise<RecordedExchange[]> {
  const r = await rig();
  closers.push(() => r.close());
  const sc = scenarios.find((s) => s.name === scenario)!;
  const run = await runScenario(sc, { profile: getProfile('entra')!, baseUrl: r.base, authorization: auth.authorization, timeoutMs: 10_000, prefix: 'rec', deprovision: 'delete', sleep: async () => {} });
  expect(run.failure).toBeUndefined();
  const text = r.entries.map((e) => JSON.stringify(recordedExchange(e, r.session.secrets()))).join('\n');
  expect(text).not.toContain(TOKEN);
  return parseRecording(text);
}

async function target(faults: string[] = []): Promise<string> {
  const p = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'replay-token-2' }] }, faults });
  const l: Listening = await listen((req) => p.fetch(req), 0, '127.0.0.1');
  closers.push(async () => {
    await l.close();
    await p.close();
  });
  return `${l.origin}/scim/v2`;
}

describe('replay FILE --target URL2', () => {
  it('a recorded Entra sync replays clean against a fresh provider, its ids mapped to the new ones', { timeout: 60_000 }, async () => {
    const lines = await record('disable-vs-delete');
    expect(lines.length).toBeGreaterThan(5);
    const { steps, divergences } = await replay(lines, { target: await target(), authorization: 'Bearer replay-token-2' });
    expect(divergences).toEqual([]);
    expect(steps).toHaveLength(lines.length);
    // The new provider issued new ids, and later requests used them (no 404 on a recorded id).
    const recordedIds = new Set(lines.flatMap((l) => ('body' in l.response && (l.response.body as { id?: string })?.id ? [(l.response.body as { id: string }).id] : [])));
    const replayedPaths = steps.map((s) => s.exchange.request.path);
    expect(replayedPaths.some((p) => [...recordedIds].some((id) => p.includes(id)))).toBe(false);
  });

  it('against a provider whose DELETE does not delete, the read after the delete diverges in status class', { timeout: 60_000 }, async () => {
    const lines = await record('disable-vs-delete');
    const { divergences } = await replay(lines, { target: await target(['delete-not-deleting']), authorization: 'Bearer replay-token-2' });
    expect(divergences.find((d) => d.kind === 'status-class')).toMatchObject({ recorded: 'HTTP 404', now: 'HTTP 200' });
  });

  it('against a provider that ignores filters, a lookup that found nothing now finds something', { timeout: 60_000 }, async () => {
    const lines = await record('rename-user');
    const { divergences } = await replay(lines, { target: await target(['filter-ignored']), authorization: 'Bearer replay-token-2' });
    expect(divergences.map((d) => d.kind)).toContain('list-size');
  });

  it('--to-scenario: the draft of a recorded sync validates and every profile plays it against a fresh provider', { timeout: 120_000 }, async () => {
    const lines = [...(await record('rename-user')), ...(await record('disable-vs-delete'))];
    const yaml = scenarioYaml(scenarioFromRecording(lines, 'recorded-sync'));
    const scenario = parseScenario(yaml, 'recorded-sync.yaml');
    const kinds = scenario.steps.map((st) => st.action.kind);
    expect(kinds).toEqual(expect.arrayContaining(['assign', 'createGroup', 'update', 'deactivate', 'reactivate', 'expect']));
    for (const profile of PROFILE_NAMES) {
      const base = await target();
      const run = await runScenario(scenario, { profile: getProfile(profile)!, baseUrl: base, authorization: 'Bearer replay-token-2', timeoutMs: 10_000, prefix: `draft-${profile}`, deprovision: 'delete', sleep: async () => {} });
      expect(run.failure, `${profile}: ${run.failure}`).toBeUndefined();
    }
  });

  it('a line that is no exchange is refused with its number', () => {
    expect(() => parseRecording('{"seq":1}\n')).toThrow(/line 1 is not a recorded exchange/);
  });
});
