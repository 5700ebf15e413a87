/** An in-process reference provider as a fetch function, and load settings for small runs against it. */
import { createProvider, type Provider } from '../../../src/provider/index.ts';
import type { LoadSettings } from '../../../src/idp/load/settings.ts';

export const BASE = 'http://127.0.0.1/scim/v2';

export function referenceProvider(faults: string[] = []): { provider: Provider; fetch: typeof fetch } {
  const provider = createProvider({ auth: { tokens: [{ token: 'load-token' }] }, faults });
  const f = ((input: RequestInfo | URL, init?: RequestInit) => provider.fetch(new Request(input, init))) as typeof fetch;
  return { provider, fetch: f };
}

export function settings(over: Partial<LoadSettings> = {}): LoadSettings {
  return {
    profile: 'entra',
    target: BASE,
    authorization: 'Bearer load-token',
    users: 200,
    groups: 5,
    membersPerGroup: 20,
    concurrency: 4,
    incremental: 0.1,
    seed: 7,
    prefix: 'ldtest',
    timeoutMs: 20_000,
    deprovision: 'disable',
    cleanup: true,
    ...over,
  };
}

/** Every User and Group in the provider's store whose name starts with the prefix. */
export async function leftovers(provider: Provider, prefix: string): Promise<number> {
  const h = { authorization: 'Bearer load-token' };
  let n = 0;
  for (const [ep, attr] of [['Users', 'userName'], ['Groups', 'displayName']]) {
    const res = await provider.fetch(new Request(`${BASE}/${ep}?filter=${encodeURIComponent(`${attr} sw "${prefix}"`)}&count=1`, { headers: h }));
    n += ((await res.json()) as { totalResults: number }).totalResults;
  }
  return n;
}

/** A clock that only moves when someone sleeps on it: waits are instant and still measured. */
export function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}
