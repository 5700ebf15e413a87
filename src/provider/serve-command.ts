/**
 * `scimcheck serve`: the reference provider on a port. Thin: parse flags, build the provider, hand its
 * core handler to the node:http mount (http-server.ts), print where it listens, close cleanly on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../usage-error.ts';
import { createProvider } from './create-provider.ts';
import { createScimServer } from './http-server.ts';
import { HELP, parseServeFlags } from './serve-flags.ts';
import { CONSOLE_PATH, createConsole } from './ui/console.ts';
import type { CheckResult } from '../scim/results.ts';
import { createClientGradingSession, providerRegistry, type ClientGradingSession } from './grade-clients.ts';
import { withRequestLog } from './ui/capture.ts';
import { RequestLog } from './ui/request-log.ts';

/**
 * What the CLI layer wires in (src/commands/serve.ts): the provider never imports the harness, so the report
 * writer of `--grade-clients` comes from outside. Returns the files written and the exit code, as `run`'s.
 */
export interface ServeHooks {
  writeClientReport?(results: CheckResult[], info: { target: string; startedAt: Date; out: string }): { files: string[]; exitCode: number };
}

export async function serveCommand(argv: string[], hooks: ServeHooks = {}): Promise<number> {
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
  // --grade-clients: the provider's own /Schemas (asked in-process, with the API's credentials) drive the grader.
  const grading = flags.gradeClients ? await clientGrading(provider, tokens, flags.basic, flags.out) : undefined;
  const startedAt = new Date();
  /** Where clients reach the provider, once listening: the report's target. */
  let listeningAt = provider.basePath;
  // --ui: the console wraps the provider (logging its traffic) and answers /ui itself.
  const ui = flags.ui ? createConsole({ provider, auth: { api: { tokens: tokens.map((token) => ({ token })), basic: flags.basic }, uiToken: flags.uiToken }, grade: grading?.grade }) : undefined;
  // Without the console, node:http talks to the provider's core handler directly (no WHATWG Request/Response).
  const handler = ui ? ui.fetch : provider;

  // Grading without the console: the same capture, with a log that keeps nothing.
  const served = grading && !ui ? withRequestLog((req) => provider.fetch(req), new RequestLog(0), undefined, grading.grade) : handler;

  return new Promise<number>((resolve, reject) => {
    // The HTTP edge: refusals made before the handler (parser errors, a bad Host) still answer a SCIM error.
    const server = createScimServer(served, { defaultHost: flags.host });
    server.listen(flags.port, flags.host, () => {
      const info = server.address() as AddressInfo;
      const host = info.address.includes(':') ? `[${info.address}]` : info.address;
      listeningAt = `http://${host}:${info.port}${provider.basePath}`;
      console.log(`listening on ${listeningAt}`);
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
        () => {
          try {
            resolve(grading ? writeGradingReport(grading, hooks, { target: `${listeningAt} (scimcheck serve --grade-clients)`, startedAt, out: flags.out }) : 0);
          } catch (err) {
            reject(err);
          }
        },
        (err) => reject(err),
      );
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function clientGrading(provider: ReturnType<typeof createProvider>, tokens: string[], basic: { user: string; password: string }[], out: string): Promise<ClientGradingSession> {
  // The report is written on stop: an --out that cannot be a directory is said now, before anything is served.
  try {
    mkdirSync(out, { recursive: true });
  } catch (err) {
    await provider.close();
    throw new UsageError(`--out ${out} cannot be created: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const authorization = tokens[0] !== undefined ? `Bearer ${tokens[0]}` : `Basic ${Buffer.from(`${basic[0]!.user}:${basic[0]!.password}`).toString('base64')}`;
  const registry = await providerRegistry((req) => provider.fetch(req), provider.basePath, authorization);
  console.log('grading clients: findings per request in the console (--ui), MUST and SHOULD findings printed here, a report on stop');
  return createClientGradingSession({
    basePath: provider.basePath,
    registry,
    onFindings: (exchange, findings) => {
      // Notes (INFO) and MAY stay in the console and the report; what fails or warns is said as it happens.
      for (const f of findings) if (f.level === 'MUST' || f.level === 'SHOULD') console.log(`client ${f.level} ${f.id} on ${exchange.method} ${exchange.logged.path}: ${f.message} (${f.rfc})`);
    },
    onError: (err, exchange) => console.error(`internal error grading ${exchange.method} ${exchange.logged.path}: ${err instanceof Error ? err.stack : String(err)}`),
  });
}

/** On stop: the report through the CLI's writer; the exit code as `run`'s (1 when a client broke a MUST). */
function writeGradingReport(grading: ClientGradingSession, hooks: ServeHooks, info: { target: string; startedAt: Date; out: string }): number {
  const results = grading.results();
  const { graded } = grading.stats();
  const recognised = grading.recognition();
  console.log(`graded ${graded} client request${graded === 1 ? '' : 's'}${recognised ? `; the client looks like ${recognised.label}` : ''}`);
  if (!hooks.writeClientReport) {
    console.error('no report writer wired in (run through the scimcheck CLI): the client grading report was not written');
    return results.some((r) => r.status === 'failed') ? 1 : 0;
  }
  const { files, exitCode } = hooks.writeClientReport(results, info);
  console.log(`client grading report: ${files.join(', ')}`);
  return exitCode;
}
