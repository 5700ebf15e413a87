/** A reference provider and a proxy in front of it, both on loopback port 0, for the proxy tests. */
import { createProvider } from '../../src/provider/index.ts';
import { createForwarder } from '../../src/proxy/forward.ts';
import { listen, type Listening } from '../../src/proxy/listen.ts';
import { createProxySession, type ClientGrader, type ProxySession, type SessionEntry } from '../../src/proxy/session.ts';

export const TOKEN = 'proxy-test-token-8c1f';

export interface Rig {
  /** The proxy's SCIM base URL (what an IdP is told). */
  base: string;
  /** The provider's own base URL. */
  targetBase: string;
  session: ProxySession;
  entries: SessionEntry[];
  close(): Promise<void>;
}

export async function rig(opts: { faults?: string[]; variants?: string[]; gradeClient?: ClientGrader; deprovision?: 'delete' | 'disable' } = {}): Promise<Rig> {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, faults: opts.faults ?? [], variants: opts.variants ?? [], ...(opts.deprovision ? { policy: { deprovision: opts.deprovision } } : {}) });
  const target: Listening = await listen((r) => provider.fetch(r), 0, '127.0.0.1');
  const entries: SessionEntry[] = [];
  const session = createProxySession({ deprovision: opts.deprovision, ...(opts.gradeClient ? { gradeClient: opts.gradeClient } : {}), onEntry: (e) => entries.push(e) });
  const targetBase = `${target.origin}/scim/v2`;
  const proxy = await listen(createForwarder({ target: targetBase, onExchange: (ex) => session.record(ex) }), 0, '127.0.0.1');
  return {
    base: `${proxy.origin}/scim/v2`,
    targetBase,
    session,
    entries,
    async close() {
      await proxy.close();
      await target.close();
      await provider.close();
    },
  };
}

export const auth = { authorization: `Bearer ${TOKEN}` };
