/**
 * `scimcheck run`: flags → settings → (embedded provider when no --target) → discovery → checks and suites →
 * reports → exit code (DESIGN.md: 0 pass, 1 a check failed, 2 bad usage, 3 target unreachable/unauthenticated).
 *
 * This CLI layer is the only place that may start the reference provider and hand its URL and token to the
 * harness; src/harness/** never imports src/provider.
 */
import { durationFlag, parseFlags } from '../cli-args.ts';
import { DEFAULT_DEPROVISION } from '../scim/deprovision.ts';
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../usage-error.ts';
import { version } from '../version.ts';
import type { CheckResult, RunReport } from '../harness/check.ts';
import { faultSignatures, runSelfTest, selfTestLine, selfTestMarkdown, variantLine, type VariantSpec } from '../harness/self-test.ts';
import { FAULTS } from '../provider/faults.ts';
import { isVariantName, unknownVariantError, VARIANTS, type Variant, type VariantName } from '../provider/variants.ts';
import { startEmbedded, type Embedded } from './embedded-provider.ts';
import { allChecks } from '../harness/checks/index.ts';
import { applyPreset, loadConfig, type HarnessConfig } from '../harness/config.ts';
import { discover, TargetUnavailable } from '../harness/discovery.ts';
import { createFixtureRegistry, runPrefix } from '../harness/fixtures.ts';
import { authorizationHeader, createHttpClient, secretsOf, type AuthConfig } from '../harness/http-client.ts';
import { buildReport, runSuites, type ExtraSuite } from '../harness/runner.ts';
import { namedSecrets, shortSecretWarnings } from '../harness/redact.ts';
import { retainTranscripts, TRANSCRIPT_MODES, type TranscriptMode } from '../harness/transcript-retention.ts';
import { cleanupReserveMs, DEADLINE_PASSED, DEFAULT_DEADLINE_MS, formatDuration, RunStopped, stopAfter, stoppedByDeadline, stopOnSignals, stopReason } from '../harness/run-stop.ts';
import { splitPatterns } from '../harness/glob.ts';
import { baselineFrom, compareToBaseline, exitCodeFor, readBaseline, writeBaseline, type Baseline } from '../harness/baseline.ts';
import { createConsoleReporter, type ConsoleReporter } from '../harness/reporters/console.ts';
import { writeReports } from '../harness/reporters/write.ts';
import { propertySuite } from '../harness/properties/suite.ts';
import { scenarioSuite } from '../idp/scenario-suite.ts';
import { getProfile, PROFILE_NAMES } from '../idp/profiles/index.ts';

const SUITES = ['conformance', 'scenarios', 'properties'] as const;
type SuiteName = (typeof SUITES)[number];

const HELP = `usage: scimcheck run [--target URL] [flags]

Without --target, starts the embedded reference provider on 127.0.0.1 and runs every suite against it.

target and auth
  --target URL            SCIM base URL, e.g. https://sp.example/scim/v2
  --auth-bearer TOKEN     bearer token (or env SCIMCHECK_TOKEN)
  --auth-basic USER:PASS  basic credentials (or env SCIMCHECK_BASIC)
  --config FILE           scimcheck.config.json (default: ./scimcheck.config.json when present); its
                          "deprovision" is the target's policy on DELETE: delete (default; RFC 7644 §3.6) or
                          disable (the record stays, active false), the same default as \`scimcheck idp\`
  --preset NAME           target preset: files-com
  --read-only             no writes to the target: discovery and GET checks only
selection
  --suite LIST            conformance,scenarios,properties (default: conformance + every available suite)
  --profile LIST          IdP profiles for scenarios: okta,okta-aiw,entra,entra-2020,onelogin,pingfederate or
                          profile files (./acme-idp.yaml), mixed freely (default: all built-ins)
  --only GLOB             only check ids matching (repeatable, comma-separated; 'users' = 'users.*')
  --exclude GLOB          leave out check ids matching
output
  --out DIR               report directory (default reports/latest)
  --json FILE --junit FILE --html FILE   extra copies of report.json / junit.xml / report.html
  --baseline FILE         known failures: { "checks": { "<id>": "reason" } }
  --update-baseline       write the current failures into --baseline FILE
  --quiet                 print only the verdict line
  --transcripts WHICH     failing (default): only results that did not pass keep their requests and responses
                          in the reports; all: every result keeps them (reports grow ~20x)
execution
  --seed N                seed for names and property suites (default random)
  --num-runs N            property suite runs per property
  --replay TOKEN          replay one property counterexample (name@path, printed with a failure; use with --seed)
  --deadline DURATION     bound the whole run (default 15m): each suite gets a share of what remains, and when
                          it passes the report of what ran is written, the rest skipped ("the run's deadline
                          passed"); Ctrl-C and SIGTERM do the same ("interrupted")
  --time-budget DURATION  bound the property suites' time, e.g. 30s, 2m, 500ms
  --timeout MS            per-request timeout, the body included (default 10000)
  --concurrency N         checks run in parallel (default 4; 8 against the embedded provider)
  --self-test             run the suite against every embedded provider fault (which checks catch it) and every
                          legal variant (false alarms: must be none)
  --self-test-faults LIST with --self-test: prove only these faults (comma-separated)
  --self-test-variants LIST with --self-test: prove only these legal variants free of false alarms (default: all)

exit codes: 0 pass, 1 a check failed (beyond the baseline), 2 bad usage, 3 target unreachable or credentials rejected`;

const OPTIONS = {
  target: { type: 'string' },
  'auth-bearer': { type: 'string' },
  'auth-basic': { type: 'string' },
  suite: { type: 'string' },
  profile: { type: 'string' },
  only: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  out: { type: 'string' },
  json: { type: 'string' },
  junit: { type: 'string' },
  html: { type: 'string' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  seed: { type: 'string' },
  'num-runs': { type: 'string' },
  replay: { type: 'string' },
  'time-budget': { type: 'string' },
  deadline: { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  'read-only': { type: 'boolean' },
  config: { type: 'string' },
  preset: { type: 'string' },
  quiet: { type: 'boolean' },
  transcripts: { type: 'string' },
  'self-test': { type: 'boolean' },
  'self-test-faults': { type: 'string' },
  'self-test-variants': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunSettings {
  /** Undefined: the embedded provider. */
  target?: string;
  auth: AuthConfig;
  config: HarnessConfig;
  suites: SuiteName[];
  /** True when --suite named the suites (missing ones are then an error, not silently left out). */
  suitesExplicit: boolean;
  profiles: string[];
  only: string[];
  exclude: string[];
  out: string;
  json?: string;
  junit?: string;
  html?: string;
  baseline?: string;
  updateBaseline: boolean;
  seed: number;
  numRuns?: number;
  replay?: string;
  timeBudgetMs?: number;
  /** run --deadline (issue 11 #12): the whole run, cleanup and report included. */
  deadlineMs: number;
  timeoutMs: number;
  concurrency: number;
  readOnly: boolean;
  quiet: boolean;
  /** run --transcripts (issue 12): which results keep their transcripts in the reports (default 'failing'). */
  transcripts?: TranscriptMode;
  selfTest: boolean;
  /** With --self-test: the faults to prove (default: all). */
  selfTestFaults?: string[];
  /** With --self-test: the legal variants to prove free of false alarms (default: all). */
  selfTestVariants?: string[];
}

function intFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return Number(raw);
}

function transcriptMode(raw: string | undefined): TranscriptMode {
  if (raw === undefined) return 'failing';
  if (!(TRANSCRIPT_MODES as readonly string[]).includes(raw)) throw new UsageError(`--transcripts must be ${TRANSCRIPT_MODES.join(' or ')}, got '${raw}'`);
  return raw as TranscriptMode;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function resolveAuth(values: { 'auth-bearer'?: string; 'auth-basic'?: string }, env: NodeJS.ProcessEnv): AuthConfig {
  const bearer = values['auth-bearer'] ?? (values['auth-basic'] === undefined ? env.SCIMCHECK_TOKEN : undefined);
  const basic = values['auth-basic'] ?? (values['auth-bearer'] === undefined ? env.SCIMCHECK_BASIC : undefined);
  if (values['auth-bearer'] !== undefined && values['auth-basic'] !== undefined) {
    throw new UsageError('give either --auth-bearer or --auth-basic, not both');
  }
  if (bearer !== undefined && basic !== undefined && bearer !== '' && basic !== '') {
    throw new UsageError('both SCIMCHECK_TOKEN and SCIMCHECK_BASIC are set: choose one with --auth-bearer or --auth-basic');
  }
  if (bearer) return { kind: 'bearer', token: bearer };
  if (basic) {
    const at = basic.indexOf(':');
    if (at <= 0) throw new UsageError('--auth-basic / SCIMCHECK_BASIC must be USER:PASS');
    return { kind: 'basic', user: basic.slice(0, at), password: basic.slice(at + 1) };
  }
  return { kind: 'none' };
}

/** --self-test-faults / --self-test-variants: a non-empty list, only with --self-test. */
function selfTestNames(flag: string, raw: string | undefined, selfTest: boolean): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!selfTest) throw new UsageError(`--${flag} needs --self-test`);
  const names = list(raw);
  if (names.length === 0) throw new UsageError(`--${flag} needs at least one name`);
  return names;
}

export async function parseRunFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunSettings | 'help'> {
  let parsed;
  try {
    parsed = parseFlags({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad flags');
  }
  const v = parsed.values;
  if (v.help) return 'help';

  let target = v.target;
  if (target !== undefined) {
    let u: URL;
    try {
      u = new URL(target);
    } catch {
      throw new UsageError(`--target must be an http(s) URL, got '${target}'`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--target must be an http(s) URL, got '${target}'`);
    if (u.search || u.hash) throw new UsageError('--target must not carry a query string or fragment');
    target = target.replace(/\/+$/, '');
  }
  const fileConfig = loadConfig(v.config);
  const preset = applyPreset(v.preset, target, fileConfig);

  const suites = list(v.suite);
  for (const s of suites) if (!SUITES.includes(s as SuiteName)) throw new UsageError(`unknown suite '${s}' (known: ${SUITES.join(', ')})`);
  const known = PROFILE_NAMES;
  const profiles = list(v.profile);
  // A profile file (a value with '/' or ending .yaml/.yml/.json) is read and validated here: a bad one exits 2.
  for (const p of profiles) if (!getProfile(p)) throw new UsageError(`unknown profile '${p}' (known: ${known.join(', ')}, or a profile file such as ./my-idp.yaml)`);
  if (v['update-baseline'] && !v.baseline) throw new UsageError('--update-baseline needs --baseline FILE to write to');

  return {
    target: preset.target,
    auth: resolveAuth(v, env),
    config: preset.config,
    suites: (suites.length > 0 ? suites : [...SUITES]) as SuiteName[],
    suitesExplicit: suites.length > 0,
    profiles: profiles.length > 0 ? profiles : known,
    only: splitPatterns(v.only),
    exclude: splitPatterns(v.exclude),
    out: v.out ?? 'reports/latest',
    json: v.json,
    junit: v.junit,
    html: v.html,
    baseline: v.baseline,
    updateBaseline: !!v['update-baseline'],
    seed: intFlag('seed', v.seed, 0, 2 ** 32 - 1) ?? randomInt(0, 2 ** 31),
    numRuns: intFlag('num-runs', v['num-runs'], 1, 1_000_000),
    replay: v.replay,
    timeBudgetMs: durationFlag('time-budget', v['time-budget']),
    deadlineMs: durationFlag('deadline', v.deadline) ?? DEFAULT_DEADLINE_MS,
    timeoutMs: intFlag('timeout', v.timeout, 1, 3_600_000) ?? 10_000,
    // A remote target gets 4 checks at a time; the embedded provider (its own thread, on loopback) takes 8.
    concurrency: intFlag('concurrency', v.concurrency, 1, 64) ?? (preset.target === undefined ? 8 : 4),
    readOnly: !!v['read-only'],
    quiet: !!v.quiet,
    transcripts: transcriptMode(v.transcripts),
    selfTest: !!v['self-test'],
    selfTestFaults: selfTestNames('self-test-faults', v['self-test-faults'], !!v['self-test']),
    selfTestVariants: selfTestNames('self-test-variants', v['self-test-variants'], !!v['self-test']),
  };
}

async function loadExtraSuites(s: RunSettings, info: (line: string) => void): Promise<ExtraSuite[]> {
  const out: ExtraSuite[] = [];
  const wanted = s.suites.filter((x): x is 'scenarios' | 'properties' => x !== 'conformance');
  for (const name of wanted) {
    if (s.readOnly) {
      // Scenarios and property suites create and change resources; --read-only promises no writes.
      if (s.suitesExplicit) throw new UsageError(`suite ${name} writes to the target and cannot run with --read-only`);
      info(`suite ${name} left out by --read-only`);
      continue;
    }
    const suite =
      name === 'scenarios'
        ? scenarioSuite({ profiles: s.profiles, deprovision: s.config.deprovision ?? DEFAULT_DEPROVISION })
        : propertySuite({ seed: s.seed, numRuns: s.numRuns, replay: s.replay, timeBudgetMs: s.timeBudgetMs, deprovision: s.config.deprovision ?? DEFAULT_DEPROVISION });
    out.push(suite as ExtraSuite);
  }
  return out;
}

export interface RunOutcome {
  report: RunReport;
  exitCode: number;
  written: string[];
}

/** One run against a reachable base URL. Throws TargetUnavailable (exit 3) when discovery cannot proceed. */
export async function executeRun(
  s: RunSettings,
  where: { baseUrl: string; auth: AuthConfig },
  reporter: ConsoleReporter,
  signal: AbortSignal,
  opts: { writeReports: boolean; extraSuites: ExtraSuite[] },
): Promise<RunOutcome> {
  const startedAt = new Date();
  const prefix = runPrefix(s.seed);
  // Issue 11 #12: checks and suites stop at the deadline less the time kept back for cleanup and the report;
  // cleanup stops at the deadline itself (Ctrl-C does not stop cleanup: a second Ctrl-C quits).
  const reserve = cleanupReserveMs(s.deadlineMs);
  const soft = stopAfter(s.deadlineMs - reserve, new RunStopped('deadline', DEADLINE_PASSED), signal);
  const hard = stopAfter(s.deadlineMs, new RunStopped('deadline', DEADLINE_PASSED));
  soft.signal.addEventListener('abort', () => {
    if (stoppedByDeadline(soft.signal)) reporter.info(`scimcheck: the run's deadline (${formatDuration(s.deadlineMs)}) passed; the report shows what ran`);
  }, { once: true });
  try {
    return await executeBounded(s, where, reporter, { signal: soft.signal, cleanupSignal: hard.signal, deadlineAt: Date.now() + s.deadlineMs - reserve }, opts, startedAt, prefix);
  } finally {
    soft.dispose();
    hard.dispose();
  }
}

async function executeBounded(
  s: RunSettings,
  where: { baseUrl: string; auth: AuthConfig },
  reporter: ConsoleReporter,
  bounds: { signal: AbortSignal; cleanupSignal: AbortSignal; deadlineAt: number },
  opts: { writeReports: boolean; extraSuites: ExtraSuite[] },
  startedAt: Date,
  prefix: string,
): Promise<RunOutcome> {
  const { signal } = bounds;
  // Retry-After is honoured within one budget for the whole run (issue 11 #12), shared by every check's client.
  const http = createHttpClient({ baseUrl: where.baseUrl, auth: where.auth, timeoutMs: s.timeoutMs, headers: s.config.headers, readOnly: s.readOnly }, [], signal);
  let target: Awaited<ReturnType<typeof discover>>;
  try {
    target = await discover(http, { baseUrl: where.baseUrl, config: s.config, readOnly: s.readOnly, prefix });
  } catch (err) {
    // Stopped before anything was checked: say why in the one line of exit 3, not "cannot reach the target".
    if (err instanceof TargetUnavailable && signal.aborted) throw new TargetUnavailable(`${stopReason(signal)} during discovery: nothing was checked`);
    throw err;
  }
  const checks = allChecks();
  const fixtures = createFixtureRegistry(target, s.config);
  const secrets = secretsOf(where.auth, s.config.headers);
  const authorization = authorizationHeader(where.auth);
  const outcome = await runSuites({
    checks,
    target,
    http,
    fixtures,
    conformance: s.suites.includes('conformance'),
    only: s.only,
    exclude: s.exclude,
    readOnly: s.readOnly,
    concurrency: s.concurrency,
    checkTimeoutMs: Math.max(60_000, s.timeoutMs * 12),
    signal,
    deadlineAt: bounds.deadlineAt,
    cleanupSignal: bounds.cleanupSignal,
    extraSuites: opts.extraSuites,
    suiteEnv: { baseUrl: where.baseUrl, ...(authorization ? { authorization } : {}), timeoutMs: s.timeoutMs, prefix },
    secrets,
    onStart: (n) => reporter.onStart(n),
    onResult: (r) => reporter.onResult(r),
  });
  // Root causes name a likely fault from --self-test's signatures; FAULTS describes them (the CLI may read the provider).
  const report = buildReport({ version, target: where.baseUrl, startedAt, seed: s.seed, results: retainTranscripts(outcome.results, s.transcripts ?? 'failing'), checks, faults: faultSignatures(FAULTS) });
  // Issue 10 #8: what cleanup could not delete is part of the result (every report shows it), not a log line each.
  if (outcome.leftBehind.users.length + outcome.leftBehind.groups.length > 0) report.leftBehind = outcome.leftBehind;

  let baseline: Baseline | undefined;
  if (s.baseline) {
    if (s.updateBaseline) {
      baseline = baselineFrom(report.results, tryReadBaseline(s.baseline));
      writeBaseline(s.baseline, baseline);
    } else {
      baseline = readBaseline(s.baseline);
    }
    report.baseline = compareToBaseline(report.results, baseline);
  }
  const written = opts.writeReports
    ? writeReports(report, s.out, { json: s.json, junit: s.junit, html: s.html }, baseline?.checks)
    : [];
  if (s.updateBaseline && s.baseline) written.push(s.baseline);
  reporter.finish(report, { written, warnings: outcome.cleanupWarnings });
  // A run cut short by Ctrl-C never passes: not every check ran.
  const exitCode = outcome.interrupted ? 1 : exitCodeFor(report);
  return { report, exitCode, written };
}

function tryReadBaseline(file: string): Baseline | undefined {
  try {
    return readBaseline(file);
  } catch {
    return undefined;
  }
}

/** Ctrl-C and SIGTERM abort the run; the runner still cleans up what the checks created and writes the report (DESIGN.md). */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  return stopOnSignals('scimcheck');
}

function embeddedFaults(env: NodeJS.ProcessEnv): string[] {
  return list(env.SCIMCHECK_EMBEDDED_FAULTS);
}

export async function runCommand(argv: string[]): Promise<number> {
  const settings = await parseRunFlags(argv);
  if (settings === 'help') {
    console.log(HELP);
    return 0;
  }
  // A bad baseline file is a usage error before the run, not after it.
  if (settings.baseline && !settings.updateBaseline) readBaseline(settings.baseline);
  if (settings.selfTest) return selfTest(settings);
  const reporter = createConsoleReporter({ quiet: settings.quiet });
  const extraSuites = await loadExtraSuites(settings, (l) => reporter.info(l));
  const { signal, dispose } = interruptible();
  let embedded: Embedded | undefined;
  try {
    if (!settings.target) {
      embedded = await startEmbedded({ faults: embeddedFaults(process.env), variants: list(process.env.SCIMCHECK_EMBEDDED_VARIANTS) });
      reporter.info(`embedded reference provider at ${embedded.baseUrl}`);
    }
    const where = embedded ? { baseUrl: embedded.baseUrl, auth: { kind: 'bearer', token: embedded.token } as AuthConfig } : { baseUrl: settings.target as string, auth: settings.auth };
    if (!embedded && where.auth.kind === 'none') reporter.info('note: no credentials given (--auth-bearer / --auth-basic / SCIMCHECK_TOKEN)');
    // Issue 11 #11: a 1-3 character credential is not scrubbed from the reports (it would shred them); said once,
    // on stderr, also with --quiet.
    for (const w of shortSecretWarnings(namedSecrets(where.auth, settings.config.headers))) console.error(w);
    const { exitCode } = await executeRun(settings, where, reporter, signal, { writeReports: true, extraSuites });
    return exitCode;
  } catch (err) {
    if (err instanceof TargetUnavailable) {
      console.error(`scimcheck run: ${err.message}`);
      return 3;
    }
    throw err;
  } finally {
    dispose();
    await embedded?.stop();
  }
}

/** A reporter that prints nothing (self-test runs print their own table). */
const silent: ConsoleReporter = { onStart() {}, onResult() {}, finish() {}, info() {} };

/** The provider's legal variants as the self-test needs them: name, what it does, the harness settings it names. */
function variantSpecs(names: readonly string[]): VariantSpec[] {
  const unknown = names.filter((n) => !isVariantName(n));
  if (unknown.length > 0) throw unknownVariantError(unknown);
  return names.map((name) => {
    const v: Variant = VARIANTS[name as VariantName];
    return { name, description: v.summary, ...(v.harness ? { config: v.harness } : {}) };
  });
}

/**
 * --self-test (src/harness/self-test.ts): the clean provider must pass every check, each fault must make the
 * checks listed for it fail, and each legal variant must draw no failure at all (a false alarm). Each run gets
 * its own embedded provider, two runs at a time.
 */
async function selfTest(s: RunSettings): Promise<number> {
  const faults = s.selfTestFaults ?? Object.keys(FAULTS);
  const unknown = faults.filter((f) => !Object.prototype.hasOwnProperty.call(FAULTS, f));
  if (unknown.length > 0) throw new UsageError(`unknown fault '${unknown.join("', '")}' (valid: ${Object.keys(FAULTS).join(', ')})`);
  const variants = variantSpecs(s.selfTestVariants ?? Object.keys(VARIANTS));
  const { signal, dispose } = interruptible();
  const runAgainst = async (withFaults: string[], only: string[], variant?: VariantSpec): Promise<CheckResult[]> => {
    const config = variant?.config ? { ...s.config, ...variant.config } : s.config;
    const settings: RunSettings = { ...s, config, suites: ['conformance'], only, exclude: [], baseline: undefined, updateBaseline: false };
    const embedded = await startEmbedded({ faults: withFaults, variants: variant ? [variant.name] : [] });
    try {
      const where = { baseUrl: embedded.baseUrl, auth: { kind: 'bearer', token: embedded.token } as AuthConfig };
      const { report } = await executeRun(settings, where, silent, signal, { writeReports: false, extraSuites: [] });
      return report.results;
    } finally {
      await embedded.stop();
    }
  };
  try {
    let variantHeading = false;
    const outcome = await runSelfTest({
      faults,
      variants,
      runAgainst,
      parallel: 2,
      signal,
      onClean: (c) =>
        console.log(`clean provider: ${c.ok ? 'all checks pass' : `${c.notPassing.length} check(s) did not pass: ${c.notPassing.map((r) => `${r.id} (${r.status})`).join(', ')}`}`),
      onRow: (row) => {
        if (!s.quiet || !row.ok) console.log(selfTestLine(row));
      },
      // The second table: variant -> false alarms (issue 10: legal variants).
      onVariant: (row) => {
        if (s.quiet && row.ok) return;
        if (!variantHeading) console.log('legal variants (every failure is a false alarm):');
        variantHeading = true;
        console.log(variantLine(row));
      },
    });
    mkdirSync(s.out, { recursive: true });
    writeFileSync(join(s.out, 'self-test.md'), selfTestMarkdown(outcome));
    writeFileSync(join(s.out, 'self-test.json'), `${JSON.stringify(outcome, null, 2)}\n`);
    const missed = outcome.rows.filter((r) => !r.ok);
    const alarmed = outcome.variants.filter((r) => !r.ok);
    const alarms = alarmed.reduce((n, r) => n + r.falseAlarms.length, 0);
    console.log(
      `self-test: ${outcome.rows.length - missed.length}/${faults.length} faults caught${missed.length ? `; missed: ${missed.map((r) => r.fault).join(', ')}` : ''}; ` +
        `${alarms} false alarm${alarms === 1 ? '' : 's'} on ${variants.length} legal variant${variants.length === 1 ? '' : 's'}${alarmed.length ? ` (${alarmed.map((r) => r.variant).join(', ')})` : ''}; ` +
        `clean provider ${outcome.clean.ok ? 'passes' : 'FAILS'} (wrote ${join(s.out, 'self-test.md')})`,
    );
    return outcome.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof TargetUnavailable) {
      console.error(`scimcheck run --self-test: ${err.message}`);
      return 3;
    }
    throw err;
  } finally {
    dispose();
  }
}
