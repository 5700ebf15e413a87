/**
 * Runs one property with fast-check against a target: seeded, bounded by runs and time, shrinking any
 * failure, and keeping the shrunk run's steps and transcript so the report shows exactly what diverged.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Cite } from '../check.ts';
import { TransportError } from '../http-client.ts';
import type { Real } from './commands.ts';
import { PropertyMismatch, Session, type Connection, type Step } from './session.ts';
import type { PropertyTarget } from './target.ts';
import type { TranscriptEntry } from '../check.ts';

export interface PropertyDef<T> {
  /** Slug after `property.`, e.g. 'users-model'. */
  name: string;
  title: string;
  area: string;
  cite: Cite;
  /** Why the property does not apply to this target (a feature it does not advertise), else undefined. */
  notApplicable(target: PropertyTarget): string | undefined;
  /** `replayPath` restores fast-check's record of which generated commands ran (fc.commands). */
  arbitrary(target: PropertyTarget, replayPath?: string): fc.Arbitrary<T>;
  run(value: T, real: Real): Promise<void>;
}

export interface RunOptions {
  seed: number;
  numRuns: number;
  /** fast-check counterexample path to replay (with the same seed). */
  path?: string;
  replayPath?: string;
  timeBudgetMs?: number;
  /** The run prefix; each fast-check run adds its own suffix. */
  prefix: string;
}

export interface PropertyOutcome {
  name: string;
  status: 'passed' | 'failed' | 'errored';
  seed: number;
  /** Runs fast-check completed (fewer than asked when the time budget ran out). */
  runs: number;
  interrupted: boolean;
  path?: string;
  /** `--replay` token: name@path[@replayPath]. */
  replay?: string;
  /** The shrunk counterexample as the steps its run took (the commands, then the final read-back). */
  steps: Step[];
  transcript: TranscriptEntry[];
  message?: string;
  expected?: unknown;
  actual?: unknown;
  durationMs: number;
  /** What the runs left uncompared because the target legally does not support it (Session.note). */
  caveats: string[];
}

/** A replay token names the property, the fast-check path and (for command suites) the replay path. */
export function formatReplay(name: string, path: string, replayPath?: string): string {
  return replayPath ? `${name}@${path}@${replayPath}` : `${name}@${path}`;
}

export function parseReplay(token: string): { name: string; path: string; replayPath?: string } | undefined {
  const m = /^([a-z0-9-]+)@([0-9:]+)(?:@(.+))?$/.exec(token.trim());
  return m ? { name: m[1]!, path: m[2]!, ...(m[3] ? { replayPath: m[3] } : {}) } : undefined;
}

/** The target misbehaved (wrong answer, or no answer in time) as opposed to the harness breaking. */
function isTargetFailure(e: unknown): boolean {
  return e instanceof PropertyMismatch || (e instanceof TransportError && e.kind !== 'aborted' && e.kind !== 'read-only');
}

function replayPathOf(counterexample: unknown): string | undefined {
  // fast-check prints a command list as `cmd1,cmd2 /*replayPath="..."*/`.
  // fc.stringify, not String(): a counterexample holding an object without a prototype (fc.jsonValue makes them:
  // the bad-input property's bodies) has no toString, and String() threw — an `errored` property whenever a
  // target's wrong answer failed such a run (issue 11 #16).
  const m = /replayPath="([^"]*)"/.exec(fc.stringify(counterexample));
  return m ? m[1] : undefined;
}

export async function runProperty<T>(def: PropertyDef<T>, conn: Connection, target: PropertyTarget, opts: RunOptions): Promise<PropertyOutcome> {
  const started = performance.now();
  // Random, not seeded: names must differ between a run and its replay; generation never reads it.
  const nonce = randomBytes(3).toString('hex');
  let runNo = 0;
  let lastFailure: { session: Session; error: unknown } | undefined;
  const caveats = new Set<string>();
  const property = fc.asyncProperty(def.arbitrary(target, opts.replayPath), async (value) => {
    const session = new Session(conn, `${opts.prefix}-${nonce}r${runNo++}-`);
    try {
      await def.run(value, { session, target });
    } catch (e) {
      lastFailure = { session, error: e };
      throw e;
    } finally {
      for (const c of session.caveats) caveats.add(c);
      await session.cleanup(target.endpoints);
    }
  });
  const details = await fc.check(property, {
    seed: opts.seed,
    numRuns: opts.numRuns,
    ...(opts.path ? { path: opts.path, endOnFailure: true } : {}),
    ...(opts.timeBudgetMs ? { interruptAfterTimeLimit: opts.timeBudgetMs, markInterruptAsFailure: false } : {}),
  });
  const base = { name: def.name, seed: opts.seed, runs: details.numRuns, interrupted: details.interrupted, durationMs: Math.round(performance.now() - started), caveats: [...caveats] };
  if (!details.failed) return { ...base, status: 'passed', steps: [], transcript: [] };
  // fast-check calls a check whose time budget ran out before its first run "failed", with no error and no
  // counterexample: nothing was tested, which the suite reports as skipped (runs: 0), never as a harness error.
  if (details.interrupted && details.counterexample == null && details.errorInstance == null && !lastFailure) {
    return { ...base, runs: 0, status: 'passed', steps: [], transcript: [] };
  }
  const path = details.counterexamplePath ?? undefined;
  const replayPath = opts.replayPath ?? replayPathOf(details.counterexample?.[0]);
  const failure = lastFailure;
  const error = failure?.error ?? details.errorInstance;
  const e = error as { message?: string; expected?: unknown; actual?: unknown };
  return {
    ...base,
    status: isTargetFailure(error) ? 'failed' : 'errored',
    ...(path ? { path, replay: formatReplay(def.name, path, replayPath) } : {}),
    steps: failure?.session.steps ?? [],
    transcript: failure?.session.transcript ?? [],
    message: e?.message ?? String(error),
    ...(e instanceof PropertyMismatch ? { expected: e.expected, actual: e.actual } : {}),
  };
}
