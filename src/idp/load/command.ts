/**
 * `scimcheck load`: an IdP-scale sync with a read-back verdict. Thin: flags → settings → (embedded
 * provider without --target) → LoadRun with live progress → summary table, JSON, HTML → exit code.
 * Exit codes (DESIGN.md): 0 nothing lost or duplicated and cleanup complete, 1 the verdict failed or the run
 * was interrupted (Ctrl-C, SIGTERM) or cut short by --deadline, 2 bad usage, 3 the target could not be reached
 * or refused the credentials.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { durationFlag, parseFlags } from '../../cli-args.ts';
import { namedSecrets, shortSecretWarnings } from '../../harness/redact.ts';
import { DEFAULT_DEADLINE_MS, formatDuration, stopOnSignals } from '../../harness/run-stop.ts';
import { stopBounds } from '../../harness/stop-bounds.ts';
import { UsageError } from '../../usage-error.ts';
import { getProfile, PROFILE_NAMES } from '../profiles/index.ts';
import { renderHtml } from './html.ts';
import { renderLocustfile } from './locust.ts';
import { createProgress } from './progress.ts';
import { LoadRun, type LoadReport } from './run.ts';
import { DEFAULTS, type LoadSettings } from './settings.ts';
import { renderSummary } from './summary.ts';

export const LOAD_USAGE = `usage: scimcheck load [--profile P] [--users N] [--groups G] [--members-per-group M] [--concurrency C] [--target URL] [flags]

Plays an IdP's initial sync at scale (match-before-create lookups, creates, group creates, membership PATCHes
in the profile's batches), then an incremental cycle (renames, attribute updates, deactivations, member moves),
reads everything back and deletes what it created. Without --target it starts the embedded reference provider.

  --profile P              entra (default), entra-2020, okta, okta-aiw, onelogin, pingfederate, or a profile
                           file (./acme-idp.yaml; docs/idp.md "Your own IdP as a file")
  --users N                users to provision (default ${DEFAULTS.users})
  --groups G               groups to push (default ${DEFAULTS.groups})
  --members-per-group M    members of each group, drawn from the users (default ${DEFAULTS.membersPerGroup})
  --concurrency C          parallel IdP workers (default ${DEFAULTS.concurrency})
  --target URL             SCIM base URL, e.g. https://sp.example/scim/v2
  --auth-bearer TOKEN      bearer token (or env SCIMCHECK_TOKEN)
  --auth-basic USER:PASS   basic credentials (or env SCIMCHECK_BASIC)
  --rate R                 at most R requests per second (all workers together)
  --ramp S                 start the workers spread over S seconds
  --duration S             start no new work after S seconds of sync (the read-back checks what was sent)
  --deadline DURATION      bound the whole run (default 15m), e.g. 90s, 10m: when it passes, work stops (requests in
                           flight are cut off), the read-back is skipped, cleanup gets the last tenth (at most 1m)
                           and the report of what ran is written; exit 1. Ctrl-C and SIGTERM do the same, cleanup
                           then gets at most 10s more
  --incremental SHARE      share of users (and memberships) changed in the incremental cycle (default ${DEFAULTS.incremental})
  --deprovision MODE       the target's policy: disable (default) or delete (leavers are deleted by profiles that delete)
  --seed N                 seed of the directory and of the changes (default random)
  --prefix P               prefix of every userName and group name (default scimload-<random>)
  --timeout MS             per-request timeout (default ${DEFAULTS.timeoutMs})
  --state FILE             embedded provider only: its --state snapshot file (the cost of durability)
  --json FILE              write the result as JSON
  --html FILE              write the result as a self-contained HTML page
  --no-cleanup             leave what was created in the target
  --quiet                  no live progress
  --export locust FILE     write a Locust locustfile with the same traffic shape instead of running
                           (then: SCIMCHECK_TOKEN=... locust -f FILE --headless -u 4 -r 4 -t 30s --host URL)

exit codes: 0 nothing lost or duplicated, 1 the read-back verdict failed (or cleanup left resources, or the run was
stopped: deadline, Ctrl-C, SIGTERM), 2 bad usage, 3 target unreachable or credentials rejected`;

/** A reference provider the CLI started for a run without --target (src/commands/load-embedded.ts). */
export interface EmbeddedTarget {
  baseUrl: string;
  token: string;
  stop(): Promise<void>;
}

export interface EmbeddedTargetOptions {
  faults?: string[];
  statePath?: string;
}

export interface LoadCommandIO {
  out: (line: string) => void;
  /** Where live progress goes (defaults to process.stderr); its isTTY picks the style. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** Install the SIGINT and SIGTERM handlers (the CLI does; tests do not). */
  signals?: boolean;
  /** Stops the run as Ctrl-C would (tests). */
  signal?: AbortSignal;
  /** Where the warnings and the stop notices go (default stderr). */
  err?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Starts the embedded reference provider when there is no --target. Given by the CLI layer
   * (src/commands/load.ts): this module never imports the provider, so the IdP cannot tell whose target it is.
   */
  startEmbedded?: (opts: EmbeddedTargetOptions) => Promise<EmbeddedTarget>;
}

interface Parsed {
  settings: Omit<LoadSettings, 'target'> & { target?: string };
  json?: string;
  html?: string;
  quiet: boolean;
  statePath?: string;
  exportLocust?: string;
  /** --deadline: the whole run, cleanup and report included (issue 11 #12). */
  deadlineMs: number;
  /** The credentials by name, for the short-secret warning. */
  auth: { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string } | { kind: 'none' };
}

function num(name: string, raw: string | undefined, opts: { min: number; max?: number; int?: boolean }): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || n < opts.min || (opts.max !== undefined && n > opts.max)) {
    throw new UsageError(`--${name} must be ${opts.int ? 'a whole number' : 'a number'} from ${opts.min}${opts.max !== undefined ? ` to ${opts.max}` : ' up'}, got '${raw}'`);
  }
  return n;
}

export function parseLoadFlags(argv: string[], env: Record<string, string | undefined>): Parsed | 'help' {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        users: { type: 'string' },
        groups: { type: 'string' },
        'members-per-group': { type: 'string' },
        concurrency: { type: 'string' },
        target: { type: 'string' },
        'auth-bearer': { type: 'string' },
        'auth-basic': { type: 'string' },
        rate: { type: 'string' },
        ramp: { type: 'string' },
        duration: { type: 'string' },
        deadline: { type: 'string' },
        incremental: { type: 'string' },
        deprovision: { type: 'string' },
        seed: { type: 'string' },
        prefix: { type: 'string' },
        timeout: { type: 'string' },
        state: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        'no-cleanup': { type: 'boolean' },
        quiet: { type: 'boolean' },
        export: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${LOAD_USAGE}`);
  }
  if (values.help) return 'help';
  let exportLocust: string | undefined;
  if (values.export !== undefined) {
    if (values.export !== 'locust') throw new UsageError(`--export knows one format, locust (got '${values.export}')`);
    if (positionals.length !== 1) throw new UsageError('--export locust needs the file to write: --export locust FILE');
    exportLocust = positionals[0];
  } else if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);

  const profile = (values.profile as string | undefined) ?? 'entra';
  if (!getProfile(profile)) throw new UsageError(`unknown profile '${profile}' (known: ${PROFILE_NAMES.join(', ')}, or a profile file such as ./my-idp.yaml)`);
  let target = values.target as string | undefined;
  if (target !== undefined) {
    if (!/^https?:\/\/[^/]/i.test(target)) throw new UsageError(`--target must be an http(s) URL, got '${target}'`);
    target = target.replace(/\/+$/, '');
  }
  if (values.state && target) throw new UsageError('--state is for the embedded provider; leave out --target to use it');
  if (values['auth-bearer'] && values['auth-basic']) throw new UsageError('give either --auth-bearer or --auth-basic, not both');
  const bearer = (values['auth-bearer'] as string | undefined) ?? (values['auth-basic'] ? undefined : env.SCIMCHECK_TOKEN);
  const basic = (values['auth-basic'] as string | undefined) ?? (bearer ? undefined : env.SCIMCHECK_BASIC);
  if (basic !== undefined && !basic.includes(':')) throw new UsageError('--auth-basic / SCIMCHECK_BASIC must be USER:PASS');
  const authorization = bearer ? `Bearer ${bearer}` : basic ? `Basic ${Buffer.from(basic).toString('base64')}` : undefined;

  const users = num('users', values.users as string, { min: 1, max: 10_000_000, int: true }) ?? DEFAULTS.users;
  const groups = num('groups', values.groups as string, { min: 0, max: 1_000_000, int: true }) ?? DEFAULTS.groups;
  const membersPerGroup = num('members-per-group', values['members-per-group'] as string, { min: 0, max: 10_000_000, int: true }) ?? Math.min(DEFAULTS.membersPerGroup, users);
  if (membersPerGroup > users) throw new UsageError(`--members-per-group (${membersPerGroup}) cannot exceed --users (${users})`);
  const deprovision = (values.deprovision as string | undefined) ?? 'disable';
  if (deprovision !== 'disable' && deprovision !== 'delete') throw new UsageError(`--deprovision must be disable or delete, got '${deprovision}'`);
  const prefix = (values.prefix as string | undefined) ?? `scimload-${randomBytes(3).toString('hex')}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(prefix)) throw new UsageError(`--prefix may hold letters, digits, '.', '_' and '-' only`);

  return {
    settings: {
      profile,
      target,
      authorization,
      users,
      groups,
      membersPerGroup,
      concurrency: num('concurrency', values.concurrency as string, { min: 1, max: 1024, int: true }) ?? DEFAULTS.concurrency,
      rate: num('rate', values.rate as string, { min: 0.01 }),
      rampSeconds: num('ramp', values.ramp as string, { min: 0 }),
      durationSeconds: num('duration', values.duration as string, { min: 0.001 }),
      incremental: num('incremental', values.incremental as string, { min: 0, max: 1 }) ?? DEFAULTS.incremental,
      seed: num('seed', values.seed as string, { min: 0, max: 2 ** 32 - 1, int: true }) ?? randomInt(0, 2 ** 31),
      prefix,
      timeoutMs: num('timeout', values.timeout as string, { min: 1, max: 3_600_000, int: true }) ?? DEFAULTS.timeoutMs,
      deprovision,
      cleanup: !values['no-cleanup'],
    },
    json: values.json as string | undefined,
    html: values.html as string | undefined,
    quiet: !!values.quiet,
    statePath: values.state as string | undefined,
    exportLocust,
    deadlineMs: durationFlag('deadline', values.deadline as string | undefined) ?? DEFAULT_DEADLINE_MS,
    auth: bearer ? { kind: 'bearer', token: bearer } : basic ? { kind: 'basic', user: basic.slice(0, basic.indexOf(':')), password: basic.slice(basic.indexOf(':') + 1) } : { kind: 'none' },
  };
}

export async function runLoadCommand(argv: string[], io: Partial<LoadCommandIO> = {}): Promise<{ code: number; report?: LoadReport }> {
  const out = io.out ?? ((l: string) => console.log(l));
  const parsed = parseLoadFlags(argv, io.env ?? process.env);
  if (parsed === 'help') {
    out(LOAD_USAGE);
    return { code: 0 };
  }
  const s = parsed.settings;
  if (parsed.exportLocust) {
    const text = renderLocustfile({ profile: getProfile(s.profile)!, host: s.target, users: s.users, groups: s.groups, membersPerGroup: s.membersPerGroup, incremental: s.incremental, deprovision: s.deprovision });
    writeFileSync(parsed.exportLocust, text);
    out(`wrote ${parsed.exportLocust} (profile ${s.profile})`);
    out(`run it: SCIMCHECK_TOKEN=... locust -f ${parsed.exportLocust} --headless -u ${s.concurrency} -r ${s.concurrency} -t 60s --stop-timeout 30 --host ${s.target ?? 'URL'}`);
    return { code: 0 };
  }
  const env = io.env ?? process.env;
  const say = io.err ?? ((l: string) => console.error(l));
  // Issue 11 #11: a credential of 1-3 characters is not scrubbed from reports (it would shred them): said once.
  for (const w of shortSecretWarnings(namedSecrets(parsed.auth))) say(w);
  // Issue 11 #12 (stop-bounds.ts): Ctrl-C, SIGTERM and --deadline stop new work and cut off requests in flight;
  // the read-back is skipped, cleanup is still attempted until the deadline (a short grace after a signal), and the
  // report of what ran is written. A second signal quits at once.
  const sig = io.signals ? stopOnSignals('scimcheck load', (l) => out(l.replace(/^\n|\n$/g, ''))) : undefined;
  const interrupt = io.signal && sig ? AbortSignal.any([io.signal, sig.signal]) : (io.signal ?? sig?.signal);
  const bounds = stopBounds(parsed.deadlineMs, { interrupt, onDeadline: () => say(`scimcheck load: the run's deadline (${formatDuration(parsed.deadlineMs)}) passed; cleaning up, then the report of what ran`) });
  let embedded: EmbeddedTarget | undefined;
  const progressOut = io.progress ?? process.stderr;
  const progress = parsed.quiet ? undefined : createProgress(progressOut);
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    if (!s.target) {
      if (!io.startEmbedded) throw new UsageError('--target is required here (no embedded provider to start)');
      const faults = (env.SCIMCHECK_EMBEDDED_FAULTS ?? '').split(',').map((x) => x.trim()).filter(Boolean);
      embedded = await io.startEmbedded({ faults, statePath: parsed.statePath });
      out(`embedded reference provider at ${embedded.baseUrl}${parsed.statePath ? ` (state file ${parsed.statePath})` : ''}`);
    }
    const settings: LoadSettings = embedded ? { ...s, target: embedded.baseUrl, authorization: `Bearer ${embedded.token}` } : { ...s, target: s.target! };
    if (!embedded && !settings.authorization) out('note: no credentials given (--auth-bearer / --auth-basic / SCIMCHECK_TOKEN)');
    const run = new LoadRun(settings, { fetch: io.fetch, signal: bounds.signal, cleanupSignal: bounds.cleanupSignal, sleep: io.sleep, onPhase: (snap) => progress?.tick(snap, true) });
    out(`${settings.profile}: ${run.overallTotal} objects (${s.users} users, ${s.groups} groups × ${s.membersPerGroup}, ${run.plan.changes.length} incremental changes), concurrency ${s.concurrency}, prefix ${s.prefix}, seed ${s.seed}`);
    if (progress) timer = setInterval(() => progress.tick(run.snapshot()), 250);
    const report = await run.run();
    if (timer) clearInterval(timer);
    progress?.tick({ ...run.snapshot(), phase: 'done' }, true);
    progress?.stop();
    for (const line of renderSummary(report)) out(line);
    if (parsed.json) writeFileSync(parsed.json, `${JSON.stringify(report, null, 2)}\n`);
    if (parsed.html) writeFileSync(parsed.html, renderHtml(report));
    const written = [parsed.json, parsed.html].filter(Boolean);
    if (written.length) out(`wrote ${written.join(', ')}`);
    return { code: report.exitCode, report };
  } finally {
    if (timer) clearInterval(timer);
    bounds.dispose();
    sig?.dispose();
    await embedded?.stop();
  }
}
