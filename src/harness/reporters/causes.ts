/**
 * Root causes and what cleanup left behind, shaped once for every reporter (console, summary.md, report.html,
 * junit.xml): each cause with its root result, the dependent failing results (grouped by their failure, so 149
 * identical precondition failures read as one line and a list of ids), and the blocked checks.
 */
import type { CheckResult, RootCause, RunReport } from '../check.ts';
import { normaliseMessage, rootCauseHeadline, rootCausesOf } from '../root-causes.ts';

export interface DependentGroup {
  /** The first message of this failure (the others differ only in ids, names and numbers). */
  message: string;
  /** True when it is the root's own failure, seen again. */
  sameAsRoot: boolean;
  results: CheckResult[];
}

export interface CauseView {
  cause: RootCause;
  root: CheckResult;
  dependents: CheckResult[];
  /** `dependents`, grouped by their normalised message, in order of first appearance. */
  byFailure: DependentGroup[];
  blocked: string[];
}

export interface CausesView {
  /** "93 failing checks, 31 root causes" */
  headline: string;
  causes: CauseView[];
  /** Check id -> the root it is grouped under (dependents and blocked checks only). */
  rootOf: Map<string, string>;
}

export function causesView(report: Pick<RunReport, 'results' | 'rootCauses'>): CausesView {
  const byId = new Map<string, CheckResult>();
  for (const r of report.results) if (!byId.has(r.id)) byId.set(r.id, r);
  const causes = rootCausesOf(report);
  const rootOf = new Map<string, string>();
  const views: CauseView[] = [];
  for (const cause of causes) {
    const root = byId.get(cause.id);
    if (!root) continue;
    const dependents = cause.checks.slice(1).map((id) => byId.get(id)).filter((r): r is CheckResult => r !== undefined);
    const rootKey = normaliseMessage(root.message ?? '');
    const groups = new Map<string, DependentGroup>();
    for (const d of dependents) {
      const key = normaliseMessage(d.message ?? '');
      const g = groups.get(key) ?? { message: (d.message ?? '').split('\n')[0] ?? '', sameAsRoot: key === rootKey, results: [] };
      g.results.push(d);
      groups.set(key, g);
    }
    for (const id of [...cause.checks.slice(1), ...(cause.blocked ?? [])]) rootOf.set(id, cause.id);
    views.push({ cause, root, dependents, byFailure: [...groups.values()], blocked: cause.blocked ?? [] });
  }
  return { headline: rootCauseHeadline(causes), causes: views, rootOf };
}

/** "3 resources left behind on the target: users u1, u2; group g1", or undefined when cleanup removed everything. */
export function leftBehindText(left: RunReport['leftBehind']): string | undefined {
  if (!left) return undefined;
  const n = left.users.length + left.groups.length;
  if (n === 0) return undefined;
  const part = (kind: string, ids: string[]) => (ids.length === 0 ? [] : [`${kind}${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`]);
  return `${n} resource${n === 1 ? '' : 's'} left behind on the target: ${[...part('user', left.users), ...part('group', left.groups)].join('; ')}`;
}
