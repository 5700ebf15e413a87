/**
 * `scimcheck proxy --target URL` (issue 14): listens where an IdP (Okta, Entra, …) is told the SCIM base URL is,
 * forwards every request to the real target, and grades both sides of each exchange as it passes. On Ctrl-C,
 * SIGTERM or --duration it writes report.json, junit.xml, summary.md and report.html (suite `proxy`) and exits
 * as `run` does: 0 nothing failed, 1 a MUST finding, 2 bad usage, 3 the target never answered.
 */
import { parseFlags } from '../cli-args.ts';
import { UsageError } from '../usage-error.ts';
import { version } from '../version.ts';
import { buildReport } from '../harness/runner.ts';
import { exitCodeFor } from '../harness/baseline.ts';
import { redactSecrets, scrubResult } from '../harness/redact.ts';
import { createConsoleReporter } from '../harness/reporters/console.ts';
import { visibleLine } from '../harness/reporters/visible.ts';
import { writeReports } from '../harness/reporters/write.ts';
import { createForwarder } from '../proxy/forward.ts';
import { listen } from '../proxy/listen.ts';
import { openRecording } from '../proxy/record.ts';
import { createProxySession, type ClientGrader, type SessionEntry } from '../proxy/session.ts';
import { createProxyConsole } from '../proxy/console.ts';

export const PROXY_HELP = `usage: scimcheck proxy --target URL [flags]

Listens on a loopback port, forwards every SCIM request to the target unchanged (credentials included) and
grades both sides of each exchange: the client's request (RFC 7643/7644 client rules) and the target's answer
(the passive subset of the conformance checks). Point the IdP's SCIM base URL at the printed address.

  --target URL          the real SCIM base URL, e.g. https://sp.example/scim/v2
  --port N              port to listen on (default 8080; 0 picks a free one)
  --host H              address to bind (default 127.0.0.1)
  --public-url URL      the origin clients reach the proxy at, when a tunnel sits in front (URLs in answers
                        are rewritten to it; default: the Host the client sent)
  --out DIR             report directory (default reports/proxy): report.json, junit.xml, summary.md, report.html
  --record FILE         write every exchange as a JSON line (Authorization headers and passwords never written)
  --duration D          stop after D (e.g. 30s, 10m); otherwise Ctrl-C or SIGTERM stops and writes the reports
  --deprovision P       the target's policy on DELETE: delete (default; a deleted resource must answer 404
                        afterwards, RFC 7644 §3.6) or disable (the record stays)
  --timeout MS          per exchange, the body included (default 30000)
  --ui                  the live console at /ui: exchanges and their findings as they pass
  --ui-token T          the console's token (default: a random one, printed)
  --quiet               print only the verdict at the end

exit codes: 0 no MUST finding, 1 a MUST finding, 2 bad usage, 3 the target never answered`;

export interface ProxySettings {
  target: string;
  port: number;
  host: string;
  publicOrigin?: string;
  out: string;
  record?: string;
  durationMs?: number;
  deprovision: 'delete' | 'disable';
  timeoutMs: number;
  ui: boolean;
  uiToken?: string;
  quiet: boolean;
}

function durationOf(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--duration must be like 30s, 10m, 1h or 500ms, got '${raw}'`);
  const ms = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  if (ms < 1) throw new UsageError(`--duration must be at least 1ms, got '${raw}'`);
  return Math.round(ms);
}

function httpUrl(flag: string, raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--${flag} must be an http(s) URL, got '${raw}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--${flag} must be an http(s) URL, got '${raw}'`);
  if (u.search || u.hash) throw new UsageError(`--${flag} must not carry a query string or fragment`);
  if (u.username || u.password) throw new UsageError(`--${flag} must not carry credentials: the client's own pass through`);
  return u;
}

export function parseProxyFlags(argv: string[]): ProxySettings | 'help' {
  const { values: v } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      target: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      out: { type: 'string' },
      record: { type: 'string' },
      duration: { type: 'string' },
      deprovision: { type: 'string' },
      timeout: { type: 'string' },
      ui: { type: 'boolean' },
      'ui-token': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) return 'help';
  if (!v.target) throw new UsageError('--target URL is required (the real SCIM base URL the IdP should reach)');
  const target = httpUrl('target', v.target);
  const portText = v.port ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got '${portText}'`);
  const deprovision = v.deprovision ?? 'delete';
  if (deprovision !== 'delete' && deprovision !== 'disable') throw new UsageError(`--deprovision must be delete or disable, got '${deprovision}'`);
  const timeoutText = v.timeout ?? '30000';
  if (!/^\d+$/.test(timeoutText) || Number(timeoutText) < 1 || Number(timeoutText) > 3_600_000) throw new UsageError(`--timeout must be a whole number of milliseconds from 1 to 3600000, got '${timeoutText}'`);
  if (v['ui-token'] !== undefined && v['ui-token'].trim() === '') throw new UsageError('--ui-token must not be empty');
  return {
    target: target.toString().replace(/\/+$/, ''),
    port: Number(portText),
    host: v.host ?? '127.0.0.1',
    ...(v['public-url'] ? { publicOrigin: httpUrl('public-url', v['public-url']).origin } : {}),
    out: v.out ?? 'reports/proxy',
    ...(v.record ? { record: v.record } : {}),
    ...(v.duration ? { durationMs: durationOf(v.duration) } : {}),
    deprovision,
    timeoutMs: Number(timeoutText),
    ui: !!v.ui || v['ui-token'] !== undefined,
    ...(v['ui-token'] ? { uiToken: v['ui-token'] } : {}),
    quiet: !!v.quiet,
  };
}

/** One line per exchange that drew a finding, the findings under it (a clean exchange prints nothing). */
export function printEntry(e: SessionEntry, secrets: readonly string[] = []): void {
  if (e.findings.length === 0) return;
  const ex = e.exchange;
  // Issue 11 #11 / #15: credentials the traffic carried never reach the terminal, and what the client and the
  // target chose (paths, values quoted in messages) shows its control characters instead of acting on them.
  const show = (text: string) => visibleLine(redactSecrets(text, secrets));
  console.log(show(`${ex.request.method} ${ex.request.path} -> ${ex.status}`));
  for (const f of e.findings) console.log(`  ${f.level.padEnd(6)} ${f.side} ${f.id} (${f.rfc}): ${show(f.message)}`);
}

/** Waits for Ctrl-C, SIGTERM or the duration; resolves with what stopped it. */
function stopSignal(durationMs?: number): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      clearTimeout(timer);
      resolve(why);
    };
    const onInt = done('Ctrl-C');
    const onTerm = done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const timer = durationMs !== undefined ? setTimeout(done('--duration'), durationMs) : undefined;
  });
}

export async function runProxy(s: ProxySettings, hooks: { gradeClient?: ClientGrader; stopped?: Promise<string> } = {}): Promise<number> {
  const startedAt = new Date();
  const record = s.record ? openRecording(s.record) : undefined;
  const ui = s.ui ? createProxyConsole({ basePath: new URL(s.target).pathname.replace(/\/+$/, '') || '/', uiToken: s.uiToken }) : undefined;
  const session = createProxySession({
    deprovision: s.deprovision,
    ...(hooks.gradeClient ? { gradeClient: hooks.gradeClient } : {}),
    onEntry: (e) => {
      if (!s.quiet) printEntry(e, session.secrets());
      record?.(e, session.secrets());
      ui?.add(e);
    },
  });
  const forward = createForwarder({ target: s.target, timeoutMs: s.timeoutMs, ...(s.publicOrigin ? { publicOrigin: s.publicOrigin } : {}), onExchange: (ex) => session.record(ex) });
  let server;
  try {
    server = await listen(ui ? ui.wrap(forward) : forward, s.port, s.host);
  } catch (err) {
    throw new UsageError(`cannot listen on ${s.host}:${s.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const basePath = new URL(s.target).pathname.replace(/\/+$/, '');
  console.log(`listening on ${server.origin}${basePath}`);
  console.log(`forwarding to ${s.target}`);
  if (ui) console.log(`console at ${server.origin}/ui?token=${ui.token}`);
  const why = await (hooks.stopped ?? stopSignal(s.durationMs));
  ui?.close();
  await server.close();

  const stats = session.stats();
  const secrets = session.secrets();
  const results = session.results().map((r) => scrubResult(r, secrets));
  const report = buildReport({ version, target: s.target, startedAt, seed: 0, results });
  const written = writeReports(report, s.out);
  const reporter = createConsoleReporter({ quiet: s.quiet });
  reporter.info(`stopped (${why}): ${stats.exchanges} exchange${stats.exchanges === 1 ? '' : 's'}, ${stats.findings} finding${stats.findings === 1 ? '' : 's'}${s.record ? `; recorded to ${s.record}` : ''}`);
  const client = session.client();
  if (client && stats.exchanges > 0) reporter.info(`client: ${client.label}${client.evidence.length ? ` (${client.evidence.join('; ')})` : ''}`);
  reporter.finish(report, { written });
  if (stats.answered === 0 && stats.unanswered > 0) {
    console.error(`scimcheck proxy: the target never answered (${stats.unanswered} request${stats.unanswered === 1 ? '' : 's'} failed to reach ${s.target})`);
    return 3;
  }
  return exitCodeFor(report);
}

export async function proxyCommand(argv: string[]): Promise<number> {
  const settings = parseProxyFlags(argv);
  if (settings === 'help') {
    console.log(PROXY_HELP);
    return 0;
  }
  return runProxy(settings);
}
