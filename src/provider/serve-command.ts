/**
 * `scimcheck serve`: the reference provider on a port. Thin: parse flags, build the provider, hand its
 * core handler to the node:http mount (http-server.ts), print where it listens, close cleanly on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../usage-error.ts';
import { createProvider } from './create-provider.ts';
import { createScimServer } from './http-server.ts';
import { HELP, parseServeFlags } from './serve-flags.ts';
import { CONSOLE_PATH, createConsole } from './ui/console.ts';

export async function serveCommand(argv: string[]): Promise<number> {
  const flags = parseServeFlags(argv);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const tokens = [...flags.tokens];
  if (tokens.length === 0 && flags.basic.length === 0) {
    // DESIGN.md: never serve without authentication; make a token and say it.
    const generated = randomBytes(24).toString('base64url');
    tokens.push(generated);
    console.log(`bearer token: ${generated}`);
  }
  const provider = createProvider({
    basePath: flags.basePath,
    auth: { tokens: tokens.map((token) => ({ token })), basic: flags.basic },
    publicDiscovery: flags.publicDiscovery,
    statePath: flags.statePath,
    // A lock taken over, stale files removed, a --state-recover: said once each before "listening on".
    stateRecover: flags.stateRecover,
    onNotice: (line) => console.log(line),
    faults: flags.faults,
    variants: flags.variants,
    policy: flags.policy,
    onInternalError: (err, req) => console.error(`internal error on ${req.method} ${new URL(req.url).pathname}: ${err instanceof Error ? err.stack : String(err)}`),
  });
  if (flags.faults.length > 0) console.log(`faults enabled: ${flags.faults.join(', ')}`);
  if (flags.variants.length > 0) console.log(`variants enabled: ${flags.variants.join(', ')}`);
  if (flags.policy) console.log(`policy: deprovision by ${flags.policy.deprovision}`);
  // --ui: the console wraps the provider (logging its traffic) and answers /ui itself.
  const ui = flags.ui ? createConsole({ provider, auth: { api: { tokens: tokens.map((token) => ({ token })), basic: flags.basic }, uiToken: flags.uiToken } }) : undefined;
  // Without the console, node:http talks to the provider's core handler directly (no WHATWG Request/Response).
  const handler = ui ? ui.fetch : provider;

  return new Promise<number>((resolve, reject) => {
    // The HTTP edge: refusals made before the handler (parser errors, a bad Host) still answer a SCIM error.
    const server = createScimServer(handler, { defaultHost: flags.host });
    server.listen(flags.port, flags.host, () => {
      const info = server.address() as AddressInfo;
      const host = info.address.includes(':') ? `[${info.address}]` : info.address;
      console.log(`listening on http://${host}:${info.port}${provider.basePath}`);
      if (ui) console.log(`console at http://${host}:${info.port}${CONSOLE_PATH}${flags.uiToken ? ' (open with ?token=<the --ui-token>)' : ' (open with ?token=<an API token>, or Basic sign-in)'}`);
    });
    server.on('error', (err: NodeJS.ErrnoException) => {
      // Closing the provider releases the --state lock, so the next start needs no takeover.
      const refused = new UsageError(`cannot listen on ${flags.host}:${flags.port}: ${err.code ?? err.message}`);
      provider.close().then(
        () => reject(refused),
        () => reject(refused),
      );
    });
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ui?.close();
      server.close();
      // Pending --state writes finish before the process exits.
      provider.close().then(
        () => resolve(0),
        (err) => reject(err),
      );
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
