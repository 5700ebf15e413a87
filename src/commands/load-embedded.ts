/**
 * `scimcheck load` without --target: the reference provider on a free loopback port, started the way
 * `scimcheck run` does (src/commands/run.ts). CLI edge wiring (DESIGN.md: the IdP never knows whether its
 * target is ours): src/commands/load.ts hands this to the load command, which only ever talks HTTP.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { EmbeddedTarget, EmbeddedTargetOptions } from '../idp/load/command.ts';

export async function startEmbedded(opts: EmbeddedTargetOptions = {}): Promise<EmbeddedTarget> {
  const [{ createProvider }, { serve }] = await Promise.all([import('../provider/index.ts'), import('@hono/node-server')]);
  const token = randomBytes(24).toString('hex');
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token }] }, faults: opts.faults ?? [], statePath: opts.statePath });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: provider.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/scim/v2`,
    token,
    async stop() {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.close();
    },
  };
}
