/**
 * The proxy on a port: the forwarder (forward.ts) behind the same node:http edge as `scimcheck serve`
 * (src/provider/http-server.ts: a SCIM error body for requests refused before any handler runs).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createScimServer, type FetchHandler } from '../provider/http-server.ts';

export interface Listening {
  server: Server;
  /** http://HOST:PORT */
  origin: string;
  close(): Promise<void>;
}

export function listen(handler: FetchHandler, port: number, host: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = createScimServer(handler, { defaultHost: host });
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const info = server.address() as AddressInfo;
      const h = info.address.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        server,
        origin: `http://${h}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections of the IdP would hold the close open.
            server.closeAllConnections();
          }),
      });
    });
  });
}
