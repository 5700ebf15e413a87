/** The reference provider in-process, and a connection to it for the property engine. */
import { createProvider } from '../../../src/provider/index.ts';
import { discoverTarget, type PropertyTarget } from '../../../src/harness/properties/target.ts';
import { createHttpClient } from '../../../src/harness/http-client.ts';
import type { Connection } from '../../../src/harness/properties/session.ts';

export const BASE = 'http://localhost/scim/v2';
export const TOKEN = 'T';

export async function providerTarget(faults: string[] = []): Promise<{ conn: Connection; target: PropertyTarget; fetch: (r: Request) => Promise<Response> }> {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, faults });
  const conn: Connection = { baseUrl: BASE, auth: { kind: 'bearer', token: TOKEN }, fetch: (r) => provider.fetch(r), timeoutMs: 10_000 };
  const target = await discoverTarget(createHttpClient(conn));
  return { conn, target, fetch: (r) => provider.fetch(r) };
}
