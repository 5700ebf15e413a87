/**
 * `scimcheck run --suite properties`: every property of the suite run against the target with
 * fast-check, one CheckResult each (id `property.<name>`), through the runner's extraSuites hook.
 */
import { randomInt } from 'node:crypto';
import type { CheckResult, TranscriptEntry } from '../check.ts';
import { createHttpClient } from '../http-client.ts';
import { formatCite } from '../../scim/citations.ts';
import { badInputFuzz } from './defs/bad-input.ts';
import { filterEquivalence, paging } from './defs/filter.ts';
import { groupsModel, usersModel } from './defs/models.ts';
import { patchAtomic, patchIdempotent, patchModel } from './defs/patch.ts';
import { parseReplay, runProperty, type PropertyDef, type PropertyOutcome } from './engine.ts';
import { reproduceScript } from './reproduce.ts';
import { authFromHeader, type Connection } from './session.ts';
import { discoverTarget } from './target.ts';
import { UsageError } from '../../usage-error.ts';
import { stopReason } from '../run-stop.ts';

export { runProperty, parseReplay, type PropertyOutcome } from './engine.ts';

/** Every property, in report order. */
export const PROPERTIES: readonly PropertyDef<any>[] = [usersModel, groupsModel, filterEquivalence, paging, patchModel, patchIdempotent, patchAtomic, badInputFuzz];

export interface PropertySuiteOptions {
  numRuns?: number;
  seed?: number;
  /** `name@path[@replayPath]` from a failure's message: replays that one counterexample. */
  replay?: string;
  /** Wall-clock budget for the whole suite, shared equally by the properties that run. */
  timeBudgetMs?: number;
  /** Only these properties (names without `property.`); default all. */
  only?: readonly string[];
  /** What the target does on DELETE /Users/{id}, from the run's config (default 'delete', RFC 7644 §3.6). */
  deprovision?: 'delete' | 'disable';
}

export interface PropertySuiteEnv {
  baseUrl: string;
  authorization?: string;
  fetch?: typeof fetch;
  timeoutMs: number;
  prefix: string;
  signal?: AbortSignal;
  /** run --deadline: most of this suite's share (issue 11 #12); bounds the suite like --time-budget, whichever is less. */
  budgetMs?: number;
}

export const DEFAULT_NUM_RUNS = 100;

function describeSteps(o: PropertyOutcome): string {
  return o.steps
    .map((s, i) => {
      const answers = o.transcript.slice(s.from, Math.max(s.to, s.from)).map((t) => ('error' in t.response ? `no answer (${t.response.error})` : `HTTP ${t.response.status}`));
      const expected = s.expected === undefined ? '' : `\n     model expects: ${JSON.stringify(s.expected)}`;
      return `  ${i + 1}. ${s.command}${expected}\n     target answered: ${answers.join(', ') || '(no request)'}`;
    })
    .join('\n');
}

function toResult(def: PropertyDef<unknown>, o: PropertyOutcome, baseUrl: string): CheckResult {
  const base = { id: `property.${def.name}`, title: def.title, suite: 'properties' as const, area: def.area, rfc: formatCite(def.cite), level: 'MUST' as const, durationMs: o.durationMs };
  const runs = `${o.runs} run${o.runs === 1 ? '' : 's'}${o.interrupted ? ' (time budget reached)' : ''}, seed ${o.seed}`;
  // A pass says what it could not compare (legal choices of the target), so a pass is never vacuous in silence.
  const caveats = o.caveats.length ? `; ${o.caveats.join('; ')}` : '';
  if (o.status === 'passed') return { ...base, status: 'passed', message: `${runs}: every answer matched the model${caveats}`, transcript: [] };
  const replay = o.replay ? `\nreplay: --seed ${o.seed} --replay '${o.replay}'` : '';
  const message = `${o.status === 'errored' ? 'harness error: ' : ''}${o.message}\n${runs}, path ${o.path ?? '?'}${replay}\nshrunk counterexample (${o.steps.length} steps):\n${describeSteps(o)}`;
  return {
    ...base,
    status: o.status,
    message,
    ...(o.expected !== undefined ? { expected: o.expected } : {}),
    ...(o.actual !== undefined ? { actual: o.actual } : {}),
    reproduce: reproduceScript(o.transcript, { baseUrl, title: `property.${def.name}: seed ${o.seed}, replay '${o.replay ?? ''}'` }),
    transcript: o.transcript,
  };
}

function skipped(def: PropertyDef<unknown>, reason: string): CheckResult {
  return { id: `property.${def.name}`, title: def.title, suite: 'properties', area: def.area, rfc: formatCite(def.cite), level: 'MUST', status: 'skipped', durationMs: 0, message: reason, transcript: [] };
}

export function propertySuite(opts: PropertySuiteOptions = {}) {
  return {
    name: 'properties' as const,
    async run(env: PropertySuiteEnv): Promise<CheckResult[]> {
      const suiteStarted = performance.now();
      const { auth, headers } = authFromHeader(env.authorization);
      const conn: Connection = { baseUrl: env.baseUrl, auth, ...(headers ? { headers } : {}), ...(env.fetch ? { fetch: env.fetch } : {}), timeoutMs: env.timeoutMs, ...(env.signal ? { signal: env.signal } : {}) };
      const discoveryLog: TranscriptEntry[] = [];
      const target = await discoverTarget(createHttpClient({ ...conn }, discoveryLog, env.signal), opts.deprovision ?? 'delete');
      const seed = opts.seed ?? randomInt(0, 2 ** 31 - 1);
      const replay = opts.replay ? parseReplay(opts.replay) : undefined;
      if (opts.replay && !replay) throw new UsageError(`--replay '${opts.replay}' is not a replay token (name@path[@replayPath])`);
      if (replay && !PROPERTIES.some((p) => p.name === replay.name)) throw new UsageError(`--replay names an unknown property '${replay.name}'`);
      const wanted = PROPERTIES.filter((p) => (replay ? p.name === replay.name : !opts.only || opts.only.includes(p.name)));
      const applicable = wanted.filter((p) => !p.notApplicable(target));
      // fast-check stops between runs when the budget is used, so each run's resources are cleaned up before the
      // deadline's abort would cut the cleanup off (a slow target is not left holding property users).
      const total = Math.min(opts.timeBudgetMs ?? Infinity, env.budgetMs !== undefined ? env.budgetMs - (performance.now() - suiteStarted) : Infinity);
      const budget = Number.isFinite(total) && applicable.length > 0 ? Math.max(1, Math.floor(total / applicable.length)) : undefined;
      const results: CheckResult[] = [];
      for (const def of PROPERTIES) {
        if (!wanted.includes(def)) {
          results.push(skipped(def, replay ? `left out by --replay (replaying ${replay.name})` : 'left out by the property selection'));
          continue;
        }
        const why = def.notApplicable(target);
        if (why) {
          results.push(skipped(def, why));
          continue;
        }
        if (env.signal?.aborted) {
          // Issue 11 #12: the run's deadline (or this suite's share of it), Ctrl-C or SIGTERM, in its words.
          results.push(skipped(def, stopReason(env.signal)));
          continue;
        }
        const outcome = await runProperty(def, conn, target, {
          seed,
          numRuns: replay ? 1 : (opts.numRuns ?? DEFAULT_NUM_RUNS),
          prefix: env.prefix,
          ...(replay ? { path: replay.path, ...(replay.replayPath ? { replayPath: replay.replayPath } : {}) } : {}),
          ...(budget ? { timeBudgetMs: budget } : {}),
        });
        // A budget used up before the first run tested nothing: skipped, saying so (a pass would be vacuous).
        if (outcome.runs === 0 && outcome.interrupted) results.push(skipped(def, `the time budget (${budget ?? '?'} ms for this property) ran out before its first run`));
        else results.push(toResult(def, outcome, env.baseUrl));
      }
      return results;
    },
  };
}
