/**
 * The run: plan (which checks apply to this target and these flags), run checks in phases (normal ones with
 * bounded concurrency, each after the checks it `needs`; then 'isolated' ones alone, each cleaned up before the
 * next; then 'bad-credentials' ones), each with its own transcript and timeout, classify outcomes, run extra
 * suites (IdP scenarios, property suites) through one hook, and clean up whatever the checks created.
 */
import { CheckFailure, CheckSkipped, type Capability, type Check, type CheckResult, type RunReport, type Status, type TargetInfo, type TranscriptEntry } from './check.ts';
import { createCheckContext, type RunMemo } from './context.ts';
import { cleanupSummary, emptyCleanup, mergeCleanup, type CleanupOutcome, type FixtureRegistry } from './fixtures.ts';
import { TransportError, type RecordingHttpClient } from './http-client.ts';
import { effectivePhases, needsProblems, PHASES, prerequisiteSkip } from './prerequisites.ts';
import { CheckSetError } from './checks/index.ts';
import { matchesAny } from './glob.ts';
import { transcriptToCurl } from './curl.ts';
import { redactBody, redactHeaders, redactJson, redactSecrets, redactUrl, scrubResult, scrubSecrets } from './redact.ts';
import { formatCite } from '../scim/citations.ts';
import { findRootCauses, type FaultSignature } from './root-causes.ts';
import { DEADLINE_PASSED, formatDuration, RunStopped, stopAfter, stopReason, suiteShareMs } from './run-stop.ts';

/** What an extra suite gets: where the target is and how to authenticate (the IdP scenario suite's contract). */
export interface ExtraSuiteEnv {
  baseUrl: string;
  /** The Authorization header value to send, when the run has credentials. */
  authorization?: string;
  fetch?: typeof fetch;
  timeoutMs: number;
  prefix: string;
  signal?: AbortSignal;
  /** Whether --only/--exclude keep a result id; a suite may use it to skip work (the runner filters anyway). */
  selects?: (id: string) => boolean;
  /**
   * run --deadline: the time the suite should aim to finish in (ms, most of its share; `signal` aborts at the
   * share itself). A suite that can stop between units of work stops there, and cleans up before the abort.
   */
  budgetMs?: number;
}

export interface ExtraSuite {
  name: string;
  /** What every result id of the suite starts with, e.g. 'scenario.'; lets --only leave the whole suite out. */
  idPrefix?: string;
  run(env: ExtraSuiteEnv): Promise<CheckResult[]>;
}

/** Id prefixes of the known extra suites (scenario.<profile>.<scenario>, property.<name>). */
const SUITE_ID_PREFIX: Record<string, string> = { scenarios: 'scenario.', properties: 'property.' };

function suiteIdPrefix(suite: ExtraSuite): string | undefined {
  return suite.idPrefix ?? SUITE_ID_PREFIX[suite.name];
}

export interface PlannedCheck {
  check: Check;
  /** Set when the check will not run, with the reason the report shows. */
  skip?: string;
}

export interface PlanOptions {
  only?: readonly string[];
  exclude?: readonly string[];
  readOnly?: boolean;
}

/** Why a missing capability means "does not apply" (never "failed"): RFC 7643 §5 advertises features. */
export function missingCapabilityReason(cap: Capability, readOnly: boolean): string {
  if (cap === 'write') return readOnly ? 'left out by --read-only (the check writes to the target)' : 'the target does not accept writes';
  if (cap === 'groups') return 'target has no Group resource type (/ResourceTypes)';
  return `target does not advertise ${cap} (ServiceProviderConfig.${cap}.supported=false)`;
}

/** Why --only / --exclude leave this result id out, or undefined when it stays in. */
export function selectionSkip(id: string, opts: PlanOptions): string | undefined {
  if (opts.only && opts.only.length > 0 && !matchesAny(id, opts.only)) return 'left out by --only';
  if (opts.exclude && opts.exclude.length > 0 && matchesAny(id, opts.exclude)) return 'left out by --exclude';
  return undefined;
}

/** The literal start of a glob, before its first wildcard (the whole pattern when it has none). */
function literalHead(pattern: string): { head: string; wild: boolean } {
  const at = pattern.search(/[*?]/);
  return at < 0 ? { head: pattern, wild: false } : { head: pattern.slice(0, at), wild: true };
}

/**
 * Whether some id starting with `prefix` could match `pattern` (case-insensitive like matchesAny). Errs on
 * the side of "could": a suite is left out only when no id of it can be selected.
 */
export function patternCouldMatchPrefix(pattern: string, prefix: string): boolean {
  const { head, wild } = literalHead(pattern.toLowerCase());
  const p = prefix.toLowerCase();
  // A pattern without wildcards selects itself and its dotted children: 'scenario' selects 'scenario.*'.
  const h = wild ? head : `${head}.`;
  return h.startsWith(p) || p.startsWith(h);
}

/** Whether `pattern` surely matches every id starting with `prefix` (e.g. 'scenario', 'scenario.*', '*'). */
export function patternCoversPrefix(pattern: string, prefix: string): boolean {
  const { head, wild } = literalHead(pattern.toLowerCase());
  const p = prefix.toLowerCase();
  if (!wild) return `${head}.` === p;
  // Only a plain `head*` surely covers: any other wildcard may leave some ids out.
  return /^[^*?]*\*$/.test(pattern) && p.startsWith(head);
}

/** Why the selection leaves a whole suite out (its ids cannot be selected), or undefined to run it. */
export function suiteSelectionSkip(suite: ExtraSuite, opts: PlanOptions): string | undefined {
  const prefix = suiteIdPrefix(suite);
  if (prefix === undefined) return undefined;
  if (opts.only && opts.only.length > 0 && !opts.only.some((p) => patternCouldMatchPrefix(p, prefix))) return 'left out by --only';
  if (opts.exclude && opts.exclude.some((p) => patternCoversPrefix(p, prefix))) return 'left out by --exclude';
  return undefined;
}

export function planChecks(checks: readonly Check[], target: TargetInfo, opts: PlanOptions = {}): PlannedCheck[] {
  return checks.map((check) => {
    const left = selectionSkip(check.id, opts);
    if (left) return { check, skip: left };
    const missing = (check.requires ?? []).find((c) => !target.capabilities.has(c));
    if (missing) return { check, skip: missingCapabilityReason(missing, !!opts.readOnly) };
    return { check };
  });
}

export interface RunSuitesOptions extends PlanOptions {
  checks: readonly Check[];
  target: TargetInfo;
  /** The run's client; each check gets `http.forCheck(itsTranscript, itsSignal)`. */
  http: RecordingHttpClient;
  fixtures: FixtureRegistry;
  /** Run the conformance checks (false for `--suite scenarios` alone). Default true. */
  conformance?: boolean;
  concurrency?: number;
  /** Overall limit per check; a check still running then is `errored` (timed out). Default 120 s. */
  checkTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * run --deadline (issue 11 #12): when (Date.now() ms) the checks and suites must have stopped; `signal` aborts
   * then too. Each suite gets a share of what remains when it starts (src/harness/run-stop.ts).
   */
  deadlineAt?: number;
  /** Bounds cleanup (which `signal` does not stop): the run's hard deadline, after the time kept for cleanup. */
  cleanupSignal?: AbortSignal;
  extraSuites?: readonly ExtraSuite[];
  suiteEnv?: ExtraSuiteEnv;
  /** Literal secrets to scrub from anything extra suites hand back. */
  secrets?: readonly string[];
  onStart?(total: number): void;
  onResult?(result: CheckResult): void;
}

export interface SuitesOutcome {
  results: CheckResult[];
  /** At most one line: what cleanup left on the target (count, first ids, first reason). */
  cleanupWarnings: string[];
  /** Everything cleanup could not delete (isolated checks' scoped cleanups and the final one). */
  leftBehind: CleanupOutcome['leftBehind'];
  interrupted: boolean;
}

function baseResult(check: Check): Omit<CheckResult, 'status' | 'durationMs' | 'transcript'> {
  return { id: check.id, title: check.title, suite: 'conformance', area: check.area, rfc: formatCite(check.cite), level: check.level };
}

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms: the check did not finish (a slow or hung target)`);
    this.name = 'CheckTimeout';
  }
}

/**
 * Issue 10 #6, #12: no answer (a timeout; a refused, reset or unresolvable connection) says nothing about what
 * the target would have answered, so it is neither a failure nor a pass. A target that did answer, with a body
 * too large or broken mid-read, answered wrongly: that stays the check's failure.
 */
function isNoAnswer(err: unknown): err is TransportError | CheckTimeout {
  if (err instanceof CheckTimeout) return true;
  return err instanceof TransportError && (err.kind === 'timeout' || err.kind === 'network' || err.kind === 'aborted');
}

/** Runs one check to a result; never throws. */
export async function runOneCheck(
  check: Check,
  env: { target: TargetInfo; http: RecordingHttpClient; fixtures: FixtureRegistry; checkTimeoutMs: number; signal?: AbortSignal; secrets?: readonly string[]; memo?: RunMemo },
): Promise<CheckResult> {
  const transcript: TranscriptEntry[] = [];
  const controller = new AbortController();
  let stopNow: (() => void) | undefined;
  const onRunAbort = () => {
    controller.abort(env.signal?.reason);
    stopNow?.();
  };
  env.signal?.addEventListener('abort', onRunAbort, { once: true });
  const http = env.http.forCheck(transcript, controller.signal);
  const ctx = createCheckContext({ http, target: env.target, fixtures: env.fixtures.forCheck(http), signal: controller.signal, memo: env.memo });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let status: Status;
  let message: string | undefined;
  let expected: unknown;
  let actual: unknown;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new CheckTimeout(env.checkTimeoutMs);
        controller.abort(err);
        reject(err);
      }, env.checkTimeoutMs);
      // Issue 11 #12: a stopped run (deadline, Ctrl-C, SIGTERM) ends the check now, even one awaiting
      // something its signal does not reach.
      stopNow = () => reject(new TransportError('aborted', 'the run was aborted'));
    });
    timeout.catch(() => undefined);
    await Promise.race([check.run(ctx), timeout]);
    status = 'passed';
  } catch (err) {
    if (err instanceof CheckFailure) {
      // MUST violations fail; SHOULD/MAY violations warn (RFC 2119 levels mapped to result levels).
      status = check.level === 'MUST' ? 'failed' : 'warned';
      message = err.message;
      expected = err.expected;
      actual = err.actual;
    } else if (err instanceof CheckSkipped) {
      status = 'skipped';
      message = err.reason;
    } else if (err instanceof TransportError && err.kind === 'read-only') {
      status = 'skipped';
      message = `left out by --read-only (${err.message})`;
    } else if (err instanceof TransportError && err.kind === 'aborted' && env.signal?.aborted) {
      status = 'skipped';
      message = stopReason(env.signal);
    } else if (isNoAnswer(err)) {
      status = 'errored';
      message = err instanceof CheckTimeout || err.kind === 'timeout' ? err.message : `no answer from the target: ${err.message}`;
    } else if (err instanceof TransportError) {
      // An oversized or unreadable body: the target answered, wrongly.
      status = check.level === 'MUST' ? 'failed' : 'warned';
      message = err.message;
    } else {
      // Anything else means the harness (or the check's code) broke: never blamed on the target.
      status = 'errored';
      const e = err as Error;
      message = `harness error: ${e?.stack?.split('\n').slice(0, 4).join('\n') ?? String(err)}`;
    }
  } finally {
    clearTimeout(timer);
    env.signal?.removeEventListener('abort', onRunAbort);
  }
  const secrets = env.secrets ?? [];
  return {
    ...baseResult(check),
    status,
    durationMs: Math.round(performance.now() - started),
    ...(message !== undefined ? { message: redactSecrets(message, secrets) } : {}),
    ...(expected !== undefined ? { expected: redactJson(expected) } : {}),
    ...(actual !== undefined ? { actual: redactJson(actual) } : {}),
    ...(transcript.length > 0 ? { reproduce: transcriptToCurl(transcript) } : {}),
    transcript,
  };
}

/** Extra suites are other engineers' code: scrub what they return the same way our own transcripts are. */
export function sanitizeResult(r: CheckResult, suite: CheckResult['suite'], secrets: readonly string[]): CheckResult {
  const transcript = (r.transcript ?? []).map((t) => ({
    request: {
      method: t.request.method,
      url: redactUrl(t.request.url, secrets),
      headers: redactHeaders(t.request.headers ?? {}, secrets),
      ...(t.request.body !== undefined ? { body: redactBody(t.request.body, secrets) } : {}),
    },
    response:
      'error' in t.response
        ? { error: redactSecrets(t.response.error, secrets) }
        : {
            status: t.response.status,
            headers: redactHeaders(t.response.headers ?? {}, secrets),
            ...(t.response.body !== undefined ? { body: redactBody(t.response.body, secrets) } : {}),
          },
  }));
  return {
    ...r,
    suite: r.suite ?? suite,
    ...(r.message !== undefined ? { message: redactSecrets(r.message, secrets) } : {}),
    ...(r.expected !== undefined ? { expected: redactJson(r.expected) } : {}),
    ...(r.actual !== undefined ? { actual: redactJson(r.actual) } : {}),
    reproduce: transcript.length > 0 ? transcriptToCurl(transcript) : r.reproduce && redactSecrets(r.reproduce, secrets),
    transcript,
  };
}

/** A result the selection leaves out keeps its id and title, without what it sent or found. */
function leftOutResult(r: CheckResult, suite: CheckResult['suite'], reason: string): CheckResult {
  const { expected: _e, actual: _a, reproduce: _r, ...rest } = r;
  return { ...rest, suite: r.suite ?? suite, status: 'skipped', durationMs: 0, message: reason, transcript: [] };
}

/**
 * Runs `items` at most `concurrency` at a time, in order, each only once `ready(item)` holds (its prerequisites
 * have results). Items that can never become ready (not expected once needs are validated) are handed to `stuck`.
 */
async function schedule<T>(items: readonly T[], concurrency: number, ready: (item: T) => boolean, work: (item: T) => Promise<void>, stuck: (item: T) => void): Promise<void> {
  const pending = [...items];
  let running = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (running < concurrency) {
        const at = pending.findIndex(ready);
        if (at < 0) break;
        const [item] = pending.splice(at, 1) as [T];
        running++;
        void work(item).finally(() => {
          running--;
          pump();
        });
      }
      if (running === 0) {
        for (const item of pending.splice(0)) stuck(item);
        resolve();
      }
    };
    pump();
  });
}

export async function runSuites(opts: RunSuitesOptions): Promise<SuitesOutcome> {
  const conformance = opts.conformance !== false;
  if (conformance) {
    // The same load-time rule as ids and citations: a check set whose prerequisites cannot be ordered is our bug.
    const problems = needsProblems(opts.checks);
    if (problems.length > 0) throw new CheckSetError(problems);
  }
  const planned = conformance ? planChecks(opts.checks, opts.target, opts) : [];
  const secrets = opts.secrets ?? [];
  opts.onStart?.(planned.length);
  const results: (CheckResult | undefined)[] = new Array(planned.length);
  const byId = new Map<string, CheckResult>();
  const emit = (i: number, raw: CheckResult) => {
    // Issue 11 #11: the one place every conformance result passes (before the console sees it): every known
    // credential literal is scrubbed from every string and key, expected/actual and messages included.
    const r = scrubResult(raw, secrets);
    results[i] = r;
    byId.set(r.id, r);
    opts.onResult?.(r);
  };
  const indexed = planned.map((p, i) => ({ ...p, i }));
  // ctx.once: facts learned once per run (operator support, scoping), shared by every check of this run.
  const memo: RunMemo = new Map();
  for (const p of indexed) {
    if (p.skip) emit(p.i, { ...baseResult(p.check), status: 'skipped', durationMs: 0, message: p.skip, transcript: [] });
  }
  const leftOut = (id: string) => selectionSkip(id, opts) !== undefined;
  const phases = effectivePhases(opts.checks);
  // Cleanup uses a client the run's signal does not stop: after Ctrl-C it must still delete what checks made.
  // Issue 11 #12: bounded by the run's hard deadline (the time kept back for cleanup) when there is one.
  const cleanupHttp = () => (opts.cleanupSignal ? opts.http.detached([]).forCheck([], opts.cleanupSignal) : opts.http.detached([]));
  let cleanup = emptyCleanup();
  // run --deadline: each suite stops at its share of the time left (issue 11 #12); `stopped` marks a cut run.
  const suitesAhead = [...(conformance ? ['conformance'] : []), ...(opts.extraSuites ?? []).filter((x) => !suiteSelectionSkip(x, opts)).map((x) => x.name)];
  let stopped = false;
  let budgetMs: number | undefined;
  const share = (suite: string) => {
    if (opts.deadlineAt === undefined) return { signal: opts.signal, dispose() {} };
    const ms = suiteShareMs(opts.deadlineAt - Date.now(), suite, suitesAhead);
    suitesAhead.splice(suitesAhead.indexOf(suite), 1);
    // Four fifths of the share to work in: the rest lets a suite that stops on its own clean up in time.
    budgetMs = Math.max(1, Math.floor(ms * 0.8));
    return stopAfter(ms, new RunStopped('deadline', `${DEADLINE_PASSED} (the ${suite} suite's share of it, ${formatDuration(ms)}, was used up)`), opts.signal);
  };
  const conformanceStop = conformance ? share('conformance') : { signal: opts.signal, dispose() {} };
  const checkSignal = conformanceStop.signal;
  const run = async (p: (typeof indexed)[number], fixtures: FixtureRegistry) => {
    if (checkSignal?.aborted) {
      stopped = true;
      emit(p.i, { ...baseResult(p.check), status: 'skipped', durationMs: 0, message: stopReason(checkSignal), transcript: [] });
      return;
    }
    const blocked = prerequisiteSkip(p.check, byId, leftOut);
    if (blocked) {
      emit(p.i, { ...baseResult(p.check), status: 'skipped', durationMs: 0, message: blocked.message, ...(blocked.blockedBy ? { blockedBy: blocked.blockedBy } : {}), transcript: [] });
      return;
    }
    emit(p.i, await runOneCheck(p.check, { target: opts.target, http: opts.http, fixtures, checkTimeoutMs: opts.checkTimeoutMs ?? 120_000, signal: checkSignal, secrets, memo }));
  };
  const settled = (p: (typeof indexed)[number]) => (p.check.needs ?? []).every((n) => byId.has(n));
  const stuck = (p: (typeof indexed)[number]) =>
    emit(p.i, { ...baseResult(p.check), status: 'errored', durationMs: 0, message: `harness error: the prerequisites of ${p.check.id} never ran`, transcript: [] });
  for (const phase of PHASES) {
    const items = indexed.filter((p) => !p.skip && phases.get(p.check.id) === phase);
    if (phase === 'isolated' && items.length > 0) {
      // Isolated checks start from a target holding nothing of the normal checks but run-wide resources
      // (ctx.once's, still in use): an unscoped list then sees little besides the check's own.
      cleanup = mergeCleanup(cleanup, await opts.fixtures.cleanup(cleanupHttp(), { keepRunWide: true }));
    }
    if (phase === 'isolated') {
      // Alone, one at a time; what each made is deleted before the next starts, so an odd resource it left
      // (e.g. a User stored under the Group schema) cannot break another check.
      await schedule(items, 1, settled, async (p) => {
        const scope = opts.fixtures.scoped();
        try {
          await run(p, scope);
        } finally {
          cleanup = mergeCleanup(cleanup, await scope.cleanup(cleanupHttp()));
        }
      }, stuck);
    } else {
      await schedule(items, Math.max(1, opts.concurrency ?? 4), settled, (p) => run(p, opts.fixtures), stuck);
    }
  }
  if (checkSignal?.aborted) stopped = true;
  conformanceStop.dispose();
  // Cleanup runs even when checks failed or the run was interrupted (DESIGN.md).
  cleanup = mergeCleanup(cleanup, await opts.fixtures.cleanup(cleanupHttp()));
  const cleanupWarnings = cleanupSummary(cleanup);
  const all = results.filter((r): r is CheckResult => r !== undefined);
  const suiteResult = (suite: ExtraSuite, status: Status, message: string): CheckResult => ({
    id: `${suite.name}.suite`,
    title: `the ${suite.name} suite ran to completion`,
    suite: suite.name as CheckResult['suite'],
    area: suite.name,
    rfc: '',
    level: 'MUST',
    status,
    durationMs: 0,
    message: redactSecrets(message, secrets),
    transcript: [],
  });
  const add = (raw: CheckResult) => {
    const r = scrubResult(raw, secrets); // issue 11 #11, as in emit
    all.push(r);
    opts.onResult?.(r);
  };
  for (const suite of opts.extraSuites ?? []) {
    // --only/--exclude apply to every result id: a suite none of whose ids can be selected is not started.
    if (suiteSelectionSkip(suite, opts)) continue;
    if (opts.signal?.aborted) {
      stopped = true;
      add(suiteResult(suite, 'skipped', stopReason(opts.signal)));
      continue;
    }
    const env = opts.suiteEnv ?? { baseUrl: opts.target.baseUrl, timeoutMs: 10_000, prefix: opts.target.prefix };
    const stop = share(suite.name);
    try {
      const rs = await untilStopped(suite.run({ ...env, signal: stop.signal, selects: (id) => selectionSkip(id, opts) === undefined, ...(budgetMs !== undefined ? { budgetMs } : {}) }), stop.signal);
      if (stop.signal?.aborted) stopped = true;
      for (const r of rs) {
        const left = selectionSkip(r.id, opts);
        // What the stop broke off is not known to have failed: skipped with the reason, like unstarted checks.
        const cut = stop.signal?.aborted && r.status === 'errored' ? { ...r, status: 'skipped' as const, message: `${stopReason(stop.signal)} (${r.message ?? 'cut off'})` } : r;
        add(left ? leftOutResult(cut, suite.name as CheckResult['suite'], left) : sanitizeResult(cut, suite.name as CheckResult['suite'], secrets));
      }
    } catch (err) {
      if (err instanceof SuiteStopped) {
        stopped = true;
        add(suiteResult(suite, 'skipped', `${stopReason(stop.signal)}; the suite did not return its results within ${SUITE_GRACE_MS} ms of it`));
      } else if (stop.signal?.aborted) {
        // Its requests were aborted by the stop (e.g. during the suite's own discovery): cut off, not broken.
        stopped = true;
        add(suiteResult(suite, 'skipped', `${stopReason(stop.signal)} (cut off: ${(err as Error)?.message ?? String(err)})`));
      } else add(suiteResult(suite, 'errored', `harness error: the ${suite.name} suite threw: ${(err as Error)?.message ?? String(err)}`));
    } finally {
      stop.dispose();
    }
  }
  // A target can name what it made after the token (ids, locations): cleanup's words are scrubbed too.
  return { results: all, cleanupWarnings: scrubSecrets(cleanupWarnings, secrets), leftBehind: scrubSecrets(cleanup.leftBehind, secrets, { keys: false }), interrupted: !!opts.signal?.aborted || stopped };
}

/** How long a stopped suite may take to hand back what it has (its requests are aborted at once). */
const SUITE_GRACE_MS = 5000;

class SuiteStopped extends Error {}

/** The suite's results, or SuiteStopped when it has not returned SUITE_GRACE_MS after its signal aborted. */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const late = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => reject(new SuiteStopped()), SUITE_GRACE_MS);
      timer.unref?.();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  late.catch(() => undefined);
  return Promise.race([work, late]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}

export function summarize(results: readonly CheckResult[]): RunReport['summary'] {
  const s = { passed: 0, failed: 0, warned: 0, skipped: 0, errored: 0 };
  for (const r of results) s[r.status]++;
  return s;
}

/** `checks` (the run's, in check order) and `faults` (--self-test's signatures) sharpen the root causes. */
export function buildReport(parts: {
  version: string;
  target: string;
  startedAt: Date;
  seed: number;
  results: CheckResult[];
  checks?: readonly Check[];
  faults?: readonly FaultSignature[];
}): RunReport {
  return {
    tool: 'scimcheck',
    version: parts.version,
    target: parts.target,
    startedAt: parts.startedAt.toISOString(),
    durationMs: Date.now() - parts.startedAt.getTime(),
    seed: parts.seed,
    summary: summarize(parts.results),
    results: parts.results,
    rootCauses: findRootCauses(parts.results, { checks: parts.checks, faults: parts.faults }),
  };
}
