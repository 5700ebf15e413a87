/**
 * The `scenarios` suite of `scimcheck run --suite scenarios --profile …`: one CheckResult per
 * scenario × profile, each a MUST that cites the scenario's clause and carries the redacted transcript.
 */
import type { CheckResult, TranscriptEntry } from '../scim/results.ts';
import { getProfile, PROFILE_NAMES } from './profiles/index.ts';
import { loadScenarios } from './scenario/load.ts';
import type { Scenario } from './scenario/model.ts';
import { runScenario, type RunOptions, type ScenarioRun } from './scenario/runner.ts';
import { UsageError } from '../usage-error.ts';
import { graceAfter } from '../harness/stop-bounds.ts';

export interface ScenarioSuiteEnv {
  baseUrl: string;
  authorization?: string;
  fetch?: typeof fetch;
  timeoutMs: number;
  prefix: string;
  signal?: AbortSignal;
}

export interface ScenarioSuiteOptions {
  profiles: string[];
  scenarios?: string[];
  deprovision: 'delete' | 'disable';
}

/** How long a play the run's stop cut off may still spend deleting what it created. */
const STOPPED_CLEANUP_MS = 4000;

/** Transcripts of the 1,000-member push run to thousands of exchanges; reports keep the ends. */
const KEEP_HEAD = 100;
const KEEP_TAIL = 400;

export function trimTranscript(t: TranscriptEntry[]): { transcript: TranscriptEntry[]; note?: string } {
  if (t.length <= KEEP_HEAD + KEEP_TAIL) return { transcript: t };
  return {
    transcript: [...t.slice(0, KEEP_HEAD), ...t.slice(-KEEP_TAIL)],
    note: ` (transcript trimmed: first ${KEEP_HEAD} and last ${KEEP_TAIL} of ${t.length} exchanges kept)`,
  };
}

export function toCheckResult(sc: Scenario, run: ScenarioRun): CheckResult {
  const { transcript, note } = trimTranscript(run.transcript);
  const cleanup = run.cleanupProblems.length ? ` Cleanup left problems: ${run.cleanupProblems.slice(0, 3).join('; ')}.` : '';
  return {
    id: `scenario.${run.profile}.${sc.name}`,
    title: `${sc.title} (${run.profile})`,
    suite: 'scenarios',
    area: 'scenarios',
    rfc: sc.rfc,
    level: 'MUST',
    // A scenario whose premise the target cannot have, or whose IdP habit it legally refuses, is skipped (never failed).
    status: !run.ok ? 'failed' : run.skipped ? 'skipped' : 'passed',
    durationMs: run.durationMs,
    message: (!run.ok ? run.failure : run.skipped ?? `all ${run.steps.length} steps passed`) + (run.ok && run.caveats ? `; ${run.caveats}` : '') + cleanup + (note ?? ''),
    transcript,
    profile: run.profile,
  };
}

export function resolveProfiles(names: string[]): string[] {
  const list = names.length ? names : PROFILE_NAMES;
  for (const n of list) if (!getProfile(n)) throw new UsageError(`unknown profile '${n}' (available: ${PROFILE_NAMES.join(', ')})`);
  return list;
}

/** Why a stopped signal left work out, in the report's words ("the run's deadline passed", "interrupted (SIGTERM)"). */
function whyStopped(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error && reason.name === 'RunStopped' ? reason.message : 'the run was interrupted';
}

/** A play the stop (deadline, Ctrl-C, SIGTERM) never reached: listed, skipped with the reason (issue 11 #12). */
export function notReached(sc: Scenario, profile: string, why: string): CheckResult {
  return { id: `scenario.${profile}.${sc.name}`, title: `${sc.title} (${profile})`, suite: 'scenarios', area: 'scenarios', rfc: sc.rfc, level: 'MUST', status: 'skipped', durationMs: 0, message: why, transcript: [], profile };
}

/** One play's outcome: its result, the run when it ran, and whether the run's stop cut it short. */
export interface Played {
  result: CheckResult;
  run?: ScenarioRun;
  /** The stop broke the play off (its requests aborted): skipped, never the target's failure. */
  cutOff?: boolean;
}

/**
 * Plays one scenario for one profile as `run --suite scenarios` and `scimcheck idp` both do: not started once the
 * stop came, skipped (saying where) when the stop broke it off, `errored` only when the harness itself broke
 * (DESIGN.md: errored is never the target's fault).
 */
export async function playScenario(sc: Scenario, opts: RunOptions): Promise<Played> {
  const profile = opts.profile.id;
  if (opts.signal?.aborted) return { result: notReached(sc, profile, whyStopped(opts.signal)) };
  const started = performance.now();
  try {
    const run = await runScenario(sc, opts);
    const result = toCheckResult(sc, run);
    if (opts.signal?.aborted && result.status === 'failed') {
      const last = run.steps.at(-1);
      const at = last && !last.ok ? `at step ${last.index} (${last.label})` : 'before its first step';
      const from = last && !last.ok ? last.index + 1 : 1;
      const rest = from <= sc.steps.length ? `; ${from === sc.steps.length ? `step ${from}` : `steps ${from}-${sc.steps.length}`} not reached` : '';
      return { result: { ...result, status: 'skipped', message: `${whyStopped(opts.signal)} (cut off ${at}${rest})` }, run, cutOff: true };
    }
    return { result, run };
  } catch (e) {
    return {
      result: {
        ...notReached(sc, profile, ''),
        status: 'errored',
        durationMs: Math.round(performance.now() - started),
        message: `internal error: ${e instanceof Error ? e.message : String(e)}`,
      },
    };
  }
}

export function scenarioSuite(opts: ScenarioSuiteOptions) {
  const profiles = resolveProfiles(opts.profiles);
  return {
    name: 'scenarios' as const,
    async run(env: ScenarioSuiteEnv): Promise<CheckResult[]> {
      const scenarios = await loadScenarios(opts.scenarios);
      const results: CheckResult[] = [];
      // Issue 11 #12: a play the run's stop cuts off still deletes what it created, within the grace the runner
      // gives a stopped suite to hand back its results (src/harness/runner.ts SUITE_GRACE_MS, 5 s).
      const cleanup = graceAfter(env.signal, STOPPED_CLEANUP_MS);
      try {
        for (const [pi, p] of profiles.entries()) {
          for (const [si, sc] of scenarios.entries()) {
            const played = await playScenario(sc, {
              profile: getProfile(p)!,
              baseUrl: env.baseUrl,
              authorization: env.authorization,
              fetch: env.fetch,
              timeoutMs: env.timeoutMs,
              // Each play gets its own prefix so plays never see each other's resources.
              prefix: `${env.prefix}-p${pi}s${si}`,
              deprovision: opts.deprovision,
              signal: env.signal,
              cleanupSignal: cleanup.signal,
            });
            results.push(played.result);
          }
        }
      } finally {
        cleanup.dispose();
      }
      return results;
    },
  };
}
