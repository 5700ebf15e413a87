/**
 * `scimcheck idp --profile P --scenario NAME|all --target URL`: replays one or more IdP profiles' traffic for
 * the lifecycle scenarios. By default it prints one progress line per scenario (its verdict) and the summary
 * once; `--verbose` adds each step's verdict and every request and response (one run of every scenario and
 * profile sends about 12,000 requests: issue 12), `--quiet` keeps only failures and the summary.
 * Exit codes (DESIGN.md): 0 every step passed, 1 a step failed, 2 bad usage, 3 target unreachable or 401.
 */
import { writeFile } from 'node:fs/promises';
import { durationFlag, parseFlags } from '../cli-args.ts';
import type { TranscriptEntry } from '../scim/results.ts';
import { UsageError } from '../usage-error.ts';
import { DEFAULT_DEPROVISION } from '../scim/deprovision.ts';
import { getProfile } from './profiles/index.ts';
import { parseHeaderFlag, withCustomHeaders } from './profiles/custom-headers.ts';
import { playScenario, resolveProfiles } from './scenario-suite.ts';
import { loadScenarios } from './scenario/load.ts';
import type { StepVerdict } from './scenario/runner.ts';
import type { CheckResult } from '../scim/results.ts';
import { visible } from '../harness/reporters/visible.ts';
import { namedSecrets, redactSecrets, scrubResult, scrubSecrets, shortSecretWarnings } from '../harness/redact.ts';
import { secretsOf, type AuthConfig } from '../harness/http-client.ts';
import { DEFAULT_DEADLINE_MS, formatDuration, RunStopped, stopOnSignals } from '../harness/run-stop.ts';
import { stopBounds } from '../harness/stop-bounds.ts';

const USAGE = `usage: scimcheck idp --profile okta|okta-aiw|entra|entra-2020|onelogin|pingfederate|FILE --scenario NAME|all --target URL [flags]

  --profile P[,P]        IdP profile(s) to play (default: all): built-in names and/or profile files
                         (./acme-idp.yaml: a value with '/' or ending .yaml/.yml/.json; docs/idp.md)
  --scenario NAME[,…]    scenario name(s) from scenarios/, a path to a .yaml file, or all (default: all)
  --target URL           the SCIM base URL, e.g. https://sp.example/scim/v2
  --auth-bearer TOKEN    bearer token (or SCIMCHECK_TOKEN)
  --auth-basic USER:PASS basic credentials (or SCIMCHECK_BASIC)
  --deprovision MODE     the target's policy on DELETE: delete (default; RFC 7644 §3.6) or disable (keeps the
                         record with active false); the same default as \`scimcheck run\` (config "deprovision")
  --timeout MS           per-request timeout (default 15000)
  --deadline DURATION    bound the whole run (default 15m), e.g. 30s, 2m: when it passes the play in progress
                         stops, cleanup gets the last tenth (at most 1m), and what ran is printed and written to
                         --json, the rest skipped ("the run's deadline passed"); exit 1. Ctrl-C and SIGTERM do
                         the same ("interrupted"), cleanup then gets at most 10s more
  --header 'NAME: VALUE' a custom header on every IdP request (repeatable), for profiles whose IdP has such a
                         field (onelogin: "Custom Headers"); values of key/token/secret-like names are redacted
  --prefix P             prefix of every name the run creates (default: scimcheck-idp-<random>)
  --verbose              print every step's verdict and every request and response
  --quiet                print only failures and the summary
  --json FILE            write the results as report.json

by default: one line per scenario (PASS, FAIL with the failing step, SKIP with the reason), then the summary
exit codes: 0 every scenario passed, 1 one failed (or the run was stopped: deadline, Ctrl-C, SIGTERM), 2 bad usage,
3 target unreachable or credentials rejected (or stopped before any step ran)`;

export interface IdpCommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** Ctrl-C and SIGTERM stop the run and write what ran (the CLI installs the handlers; tests pass a signal). */
  signals?: boolean;
  /** Stops the run as Ctrl-C would (tests). */
  signal?: AbortSignal;
}

function printExchange(out: (l: string) => void, e: TranscriptEntry, purpose?: string): void {
  const cut = (s?: string) => (s && s.length > 1500 ? `${s.slice(0, 1500)}… (${s.length} chars)` : s);
  out(`  → ${e.request.method} ${e.request.url}${purpose ? `   [${purpose}]` : ''}`);
  if (e.request.body) out(`    ${cut(e.request.body)}`);
  if ('error' in e.response) out(`  ← ${e.response.error}`);
  else {
    out(`  ← ${e.response.status}`);
    if (e.response.body) out(`    ${cut(e.response.body)}`);
  }
}

/** A scenario's one line: PASS (with caveats), FAIL with the failing step, or SKIP with the reason. */
function verdictLine(profile: string, scenario: string, run: { ok: boolean; failure?: string; skipped?: string; caveats?: string }): string {
  if (!run.ok) return `FAIL ${profile} · ${scenario}: ${run.failure}`;
  if (run.skipped) return `SKIP ${profile} · ${scenario}: ${run.skipped}`;
  return `PASS ${profile} · ${scenario}${run.caveats ? ` (${run.caveats})` : ''}`;
}

export async function idpCommand(argv: string[], io: Partial<IdpCommandIO> = {}): Promise<number> {
  const print = io.out ?? ((l: string) => console.log(l));
  // Issue 11 #15: step details and --verbose exchanges carry the target's text; escape sequences in it are
  // shown, never executed by the terminal.
  // Issue 11 #11: nor the credentials, when a target echoes them into a detail (known once flags are read).
  let secrets: string[] = [];
  const out = (l: string) => print(visible(redactSecrets(l, secrets)));
  const env = io.env ?? process.env;
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseFlags({
      args: argv,
      strict: true,
      options: {
        profile: { type: 'string' },
        scenario: { type: 'string' },
        target: { type: 'string' },
        'auth-bearer': { type: 'string' },
        'auth-basic': { type: 'string' },
        deprovision: { type: 'string' },
        timeout: { type: 'string' },
        deadline: { type: 'string' },
        prefix: { type: 'string' },
        header: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        quiet: { type: 'boolean' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const target = values.target as string | undefined;
  if (!target) throw new UsageError(`--target URL is required\n${USAGE}`);
  if (!/^https?:\/\/[^/]/i.test(target)) throw new UsageError(`--target must be an http(s) URL, got '${target}'`);
  const profiles = resolveProfiles(((values.profile as string | undefined) ?? '').split(',').filter(Boolean));
  // One default with `scimcheck run` (its config's deprovision, DEFAULT_DEPROVISION): a scenario that passes
  // under one command passes under the other (issue 12). RFC 7644 §3.6: a deleted resource answers 404 after.
  const deprovision = (values.deprovision as string | undefined) ?? DEFAULT_DEPROVISION;
  if (deprovision !== 'disable' && deprovision !== 'delete') throw new UsageError(`--deprovision must be disable or delete, got '${deprovision}'`);
  const timeoutMs = values.timeout === undefined ? 15000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got '${values.timeout}'`);
  // The same parser and default as `run --deadline` (issue 11 #12): no target holds the command past it.
  const deadlineMs = durationFlag('deadline', values.deadline as string | undefined) ?? DEFAULT_DEADLINE_MS;
  const bearer = (values['auth-bearer'] as string | undefined) ?? (values['auth-basic'] ? undefined : env.SCIMCHECK_TOKEN);
  const basic = (values['auth-basic'] as string | undefined) ?? (bearer ? undefined : env.SCIMCHECK_BASIC);
  if (values['auth-bearer'] && values['auth-basic']) throw new UsageError('give either --auth-bearer or --auth-basic, not both');
  if (basic !== undefined && !basic.includes(':')) throw new UsageError('--auth-basic must be USER:PASS');
  const authorization = bearer ? `Bearer ${bearer}` : basic ? `Basic ${Buffer.from(basic).toString('base64')}` : undefined;
  const auth: AuthConfig = bearer ? { kind: 'bearer', token: bearer } : basic ? { kind: 'basic', user: basic.slice(0, basic.indexOf(':')), password: basic.slice(basic.indexOf(':') + 1) } : { kind: 'none' };
  // OneLogin's "Custom Headers" field as `--header 'Name: value'` (curl's form), repeatable.
  const customHeaders: Record<string, string> = {};
  for (const raw of (values.header as string[] | undefined) ?? []) {
    try {
      const [name, value] = parseHeaderFlag(raw);
      customHeaders[name] = value;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const hasCustomHeaders = Object.keys(customHeaders).length > 0;
  // Issue 11 #11: a custom header named like a key, token or secret is a credential too.
  secrets = secretsOf(auth, customHeaders);
  const scenarios = await loadScenarios(((values.scenario as string | undefined) ?? 'all').split(',').filter(Boolean));
  const verbose = Boolean(values.verbose);
  const quiet = Boolean(values.quiet);
  if (verbose && quiet) throw new UsageError('give either --verbose or --quiet, not both');
  const prefix = (values.prefix as string | undefined) ?? `scimcheck-idp-${Math.random().toString(36).slice(2, 8)}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(prefix)) throw new UsageError(`--prefix may hold letters, digits, '.', '_' and '-' only`);

  const say = io.err ?? ((l: string) => console.error(l));
  // Issue 11 #11: a credential of 1-3 characters is not scrubbed (it would shred the reports): said once, here.
  for (const w of shortSecretWarnings(namedSecrets(auth, customHeaders))) say(w);

  const startedAt = new Date();
  // Issue 11 #12, as `run` does (stop-bounds.ts): plays stop at the deadline less a tenth kept for cleanup, cleanup
  // at the deadline; Ctrl-C / SIGTERM stop the plays at once and leave cleanup a short grace (a second one quits).
  const sig = io.signals ? stopOnSignals('scimcheck idp') : undefined;
  const interrupt = io.signal && sig ? AbortSignal.any([io.signal, sig.signal]) : (io.signal ?? sig?.signal);
  const bounds = stopBounds(deadlineMs, { interrupt, onDeadline: () => say(`scimcheck idp: the run's deadline (${formatDuration(deadlineMs)}) passed; cleaning up, then what ran is shown`) });
  const results: CheckResult[] = [];
  let failed = 0;
  let unreachable = false;
  let stepsRun = 0;
  try {
    for (const [pi, p] of profiles.entries()) {
      const listed = getProfile(p)!;
      const profile = hasCustomHeaders && listed.customHeaders ? withCustomHeaders(listed, customHeaders) : listed;
      if (hasCustomHeaders && !listed.customHeaders && !bounds.signal.aborted) out(`note: ${listed.title} has no custom headers field; --header is not sent for it`);
      if (authorization && !profile.auth.includes(authorization.startsWith('Basic') ? 'basic' : 'bearer') && !bounds.signal.aborted) {
        out(`note: ${profile.title} does not offer ${authorization.split(' ')[0]} authentication; sending it anyway`);
      }
      for (const [si, sc] of scenarios.entries()) {
        const position = `[${pi * scenarios.length + si + 1}/${profiles.length * scenarios.length}]`;
        // After a stop, or once the target is lost, every play not reached is listed with the reason.
        const stopped = bounds.signal.aborted;
        if (verbose && !stopped && !unreachable) out(`\n== ${profile.id} · ${sc.name}: ${sc.title}`);
        const played = unreachable
          ? undefined
          : await playScenario(sc, {
              profile,
              baseUrl: target,
              authorization,
              fetch: io.fetch,
              timeoutMs,
              prefix: profiles.length * scenarios.length > 1 ? `${prefix}-p${pi}s${si}` : prefix,
              deprovision,
              signal: bounds.signal,
              cleanupSignal: bounds.cleanupSignal,
              onExchange: verbose ? (e, purpose) => printExchange(out, e, purpose) : undefined,
              onStep: verbose
                ? (v: StepVerdict) => {
                    // A step the stop broke off is no verdict on the target.
                    if (!v.ok && bounds.signal.aborted) out(`– step ${v.index} ${v.label}: cut off (${stopWords(bounds.signal)})`);
                    else out(`${v.notApplicable ? '–' : v.ok ? '✔' : '✘'} step ${v.index} ${v.label}: ${v.detail}`);
                  }
                : undefined,
            });
        if (!played) continue;
        const { result, run } = played;
        stepsRun += run?.steps.filter((v) => v.ok || !played.cutOff).length ?? 0;
        results.push(result);
        if (stopped) continue;
        const line = run && !played.cutOff ? verdictLine(profile.id, sc.name, run) : `${result.status === 'errored' ? 'ERROR' : 'SKIP'} ${profile.id} · ${sc.name}: ${result.message}`;
        if (!quiet || result.status !== 'passed') out(`${verbose ? '' : `${position} `}${line}`);
        if (run?.cleanupProblems.length) out(`  cleanup: ${run.cleanupProblems.join('; ')}`);
        if (result.status === 'failed') failed++;
        if (run?.unreachable && !played.cutOff) unreachable = true;
      }
    }
  } finally {
    bounds.dispose();
    sig?.dispose();
  }
  const stop = bounds.signal.aborted ? stopWords(bounds.signal) : undefined;
  const count = (status: string) => results.filter((r) => r.status === status).length;
  const summary = { passed: count('passed'), failed, warned: 0, skipped: count('skipped'), errored: count('errored') };
  const notRun = stop ? results.filter((r) => r.status === 'skipped' && r.message?.startsWith(stop)).length : 0;
  out(
    `${verbose ? '\n' : ''}${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}${summary.errored ? `, ${summary.errored} errored` : ''}` +
      (stop ? ` (stopped: ${stop}; ${notRun} play${notRun === 1 ? '' : 's'} cut off or not reached)` : ''),
  );
  if (values.json) {
    const { version } = await import('../version.ts');
    const report = { tool: 'scimcheck', version, target, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), seed: 0, summary, results };
    await writeFile(values.json as string, `${JSON.stringify({ ...scrubSecrets(report, secrets, { keys: false }), results: results.map((r) => scrubResult(r, secrets)) }, null, 2)}\n`);
  }
  if (stop) {
    // As `run` (DESIGN.md): a stopped run never passes; stopped before any step answered, nothing was checked.
    if (stepsRun === 0) {
      say(`scimcheck idp: ${stop} before any step ran: nothing was checked`);
      return 3;
    }
    return 1;
  }
  if (unreachable) return 3;
  return failed || summary.errored ? 1 : 0;
}

/** The stop's reason in the report's words. */
function stopWords(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof RunStopped ? reason.message : 'interrupted';
}

/** The CLI's `scimcheck idp`: Ctrl-C and SIGTERM write what ran. */
export function idpCli(argv: string[]): Promise<number> {
  return idpCommand(argv, { signals: true });
}
