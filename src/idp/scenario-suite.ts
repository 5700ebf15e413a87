/**
 * The `scenarios` suite of `scimcheck run --suite scenarios --profile …`: one CheckResult per
 * scenario × profile, each a MUST that cites the scenario's clause and carries the redacted transcript.
 */
import type { CheckResult, TranscriptEntry } from '../scim/results.ts';
import { getProfile, PROFILE_NAMES } from './profiles/index.ts';
import { loadScenarios } from './scenario/load.ts';
import type { Scenario } from './scenario/model.ts';
import { runScenario, type ScenarioRun } from './scenario/runner.ts';
import { UsageError } from '../usage-error.ts';

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

export function scenarioSuite(opts: ScenarioSuiteOptions) {
  const profiles = resolveProfiles(opts.profiles);
  return {
    name: 'scenarios' as const,
    async run(env: ScenarioSuiteEnv): Promise<CheckResult[]> {
      const scenarios = await loadScenarios(opts.scenarios);
      const results: CheckResult[] = [];
      for (const [pi, p] of profiles.entries()) {
        for (const [si, sc] of scenarios.entries()) {
          const started = performance.now();
          if (env.signal?.aborted) {
            // Issue 11 #12: what a stopped run (deadline, Ctrl-C, SIGTERM) did not play is listed, with the reason.
            const reason: unknown = env.signal.reason;
            const message = reason instanceof Error && reason.name === 'RunStopped' ? reason.message : 'the run was interrupted';
            results.push({ id: `scenario.${p}.${sc.name}`, title: `${sc.title} (${p})`, suite: 'scenarios', area: 'scenarios', rfc: sc.rfc, level: 'MUST', status: 'skipped', durationMs: 0, message, transcript: [], profile: p });
            continue;
          }
          try {
            const run = await runScenario(sc, {
              profile: getProfile(p)!,
              baseUrl: env.baseUrl,
              authorization: env.authorization,
              fetch: env.fetch,
              timeoutMs: env.timeoutMs,
              // Each play gets its own prefix so plays never see each other's resources.
              prefix: `${env.prefix}-p${pi}s${si}`,
              deprovision: opts.deprovision,
              signal: env.signal,
            });
            const result = toCheckResult(sc, run);
            // A play the stop broke off (its requests aborted) is not the target's failure: skipped, saying where.
            if (env.signal?.aborted && result.status === 'failed') {
              const reason: unknown = env.signal.reason;
              const why = reason instanceof Error && reason.name === 'RunStopped' ? reason.message : 'the run was interrupted';
              results.push({ ...result, status: 'skipped', message: `${why} (cut off: ${result.message ?? ''})` });
            } else results.push(result);
          } catch (e) {
            // Only the harness itself breaking lands here (DESIGN.md: errored is never the target's fault).
            results.push({
              id: `scenario.${p}.${sc.name}`,
              title: `${sc.title} (${p})`,
              suite: 'scenarios',
              area: 'scenarios',
              rfc: sc.rfc,
              level: 'MUST',
              status: 'errored',
              durationMs: Math.round(performance.now() - started),
              message: `internal error: ${e instanceof Error ? e.message : String(e)}`,
              transcript: [],
              profile: p,
            });
          }
        }
      }
      return results;
    },
  };
}
