/**
 * Declared prerequisites (`Check.needs`) and run phases (`Check.phase`), as pure functions the runner schedules
 * by (issue 10 #4, #6, #11): which check sets are sound, which phase each check really runs in, and whether a
 * check may run once its prerequisites have a result.
 */
import type { Check, CheckResult } from './check.ts';

/** Run order: normal checks, then isolated ones (alone, cleaned up after each), then those sending bad credentials. */
export const PHASES = ['normal', 'isolated', 'bad-credentials'] as const;
export type PhaseName = (typeof PHASES)[number];

export function declaredPhase(check: Check): PhaseName {
  return check.phase ?? 'normal';
}

/**
 * What is wrong with the check set's `needs`: an id that is no check, and every cycle (a check can never run
 * before itself). Empty when sound. Problems read like checks/index.ts validateChecks's, for CheckSetError.
 */
export function needsProblems(checks: readonly Check[]): string[] {
  const problems: string[] = [];
  const byId = new Map(checks.map((c) => [c.id, c]));
  for (const c of checks) {
    for (const n of c.needs ?? []) if (!byId.has(n)) problems.push(`${c.id}: needs ${n}, which is not a check`);
  }
  // Depth-first search; a node met again while still on the path closes a cycle.
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    path.push(id);
    for (const n of byId.get(id)?.needs ?? []) {
      if (!byId.has(n)) continue;
      if (state.get(n) === 'open') problems.push(`${n}: its prerequisites form a cycle: ${[...path.slice(path.indexOf(n)), n].join(' -> ')}`);
      else if (!state.has(n)) visit(n);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const c of checks) if (!state.has(c.id)) visit(c.id);
  return problems;
}

/**
 * The phase each check runs in: its own, or the latest of its prerequisites' when that is later (a check cannot
 * run before what it needs; running later or alone is never less safe). Assumes `needsProblems` found nothing.
 */
export function effectivePhases(checks: readonly Check[]): Map<string, PhaseName> {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const out = new Map<string, PhaseName>();
  const rank = (p: PhaseName) => PHASES.indexOf(p);
  const phaseOf = (id: string): PhaseName => {
    const known = out.get(id);
    if (known) return known;
    const c = byId.get(id) as Check;
    let p = declaredPhase(c);
    for (const n of c.needs ?? []) {
      if (!byId.has(n)) continue;
      const q = phaseOf(n);
      if (rank(q) > rank(p)) p = q;
    }
    out.set(id, p);
    return p;
  };
  for (const c of checks) phaseOf(c.id);
  return out;
}

/** Why a check does not run given its prerequisites' results, or undefined when it runs. */
export interface PrerequisiteSkip {
  message: string;
  blockedBy?: string;
}

/**
 * The first prerequisite that stops `check`: one that failed or errored blocks it (the run fails on that root
 * alone); one that was skipped skips it with that reason. A prerequisite left out by --only/--exclude
 * (`leftOut`) does not block: the user chose not to run it, and the dependent still tests its own subject.
 */
export function prerequisiteSkip(check: Check, results: ReadonlyMap<string, CheckResult>, leftOut: (id: string) => boolean): PrerequisiteSkip | undefined {
  for (const n of check.needs ?? []) {
    if (leftOut(n)) continue;
    const r = results.get(n);
    if (!r) continue;
    if (r.status === 'failed' || r.status === 'errored') return { message: `blocked by ${n}`, blockedBy: n };
    // A prerequisite that was itself blocked passes its root on, so the root cause lists this check too.
    if (r.status === 'skipped') return { message: `needs ${n}, which was skipped: ${r.message ?? 'no reason given'}`, ...(r.blockedBy ? { blockedBy: r.blockedBy } : {}) };
  }
  return undefined;
}
