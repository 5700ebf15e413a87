/**
 * Root causes (issue 10 #4): one server defect shows up in many checks (a plain-text 401 body fails a dozen; a
 * POST /Users that answers 200 fails every check that creates a user). This groups every failed or errored
 * result under the first failure that explains it, so a report can say "93 failing checks, 31 root causes".
 *
 * Pure: results in, groups out. Three relations join two failing results into one group, and groups are the
 * connected sets (so a chain of relations is one cause):
 *   (a) the checks declare the same `topic` (they examine one behaviour from several areas), unless one failed
 *       on a precondition (it never reached that behaviour);
 *   (b) a `precondition:` failure creating a user or group joins the check that tests that very operation,
 *       when that check failed too (the create was the defect, not the dependent check);
 *   (c) the same wire fact: the same message once ids, names and numbers are stripped.
 * A group's root is the operation check of (b) when present, else its first member in check order that is not
 * a precondition failure, else its first member. Results `skipped` because a prerequisite failed (`blockedBy`)
 * are not failures: they are listed under the root of their prerequisite as `blocked`.
 */
import type { Check, CheckResult, RootCause } from './check.ts';

/** A known fault and the checks it breaks (--self-test's FAULT_CATCHES), with a line saying what it is. */
export interface FaultSignature {
  name: string;
  description: string;
  checks: readonly string[];
}

export interface RootCauseOptions {
  /** The checks of the run, in check order: their `topic`s, and the order that decides which failure is first. */
  checks?: readonly Pick<Check, 'id' | 'topic'>[];
  /** Known fault signatures: a group they explain gets `likely`. */
  faults?: readonly FaultSignature[];
}

const PRECONDITION = /^precondition:/;

/** (b): the fixture's precondition message -> the checks that test that operation, first preferred. */
const PRECONDITION_OPERATIONS: readonly { message: RegExp; checks: readonly string[] }[] = [
  { message: /^precondition:.*(\b(?:a|the) user\b|POST \/Users\b(?!\/))/, checks: ['users.create.returns-201'] },
  { message: /^precondition:.*(\b(?:a|the) group\b|POST \/Groups\b(?!\/))/, checks: ['groups.create.empty', 'groups.create.with-members'] },
];

/**
 * Messages of the harness's generic status assertions do not say which request they are about ("expected a SCIM
 * error with HTTP 400, got 200" fits an accepted bad filter and an accepted bad PATCH alike): for them the wire
 * fact includes the request's method and path shape, so two different accepted requests stay two causes.
 */
const REQUEST_BLIND = [/^expected a SCIM error with HTTP\b/, /^response: expected HTTP\b/];

export function isFailing(r: Pick<CheckResult, 'status'>): boolean {
  return r.status === 'failed' || r.status === 'errored';
}

/** The message with every token that carries a digit (ids, run-prefixed names, numbers, statuses) as '#'. */
export function normaliseMessage(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/[\w.@+:%-]*\d[\w.@+:%-]*/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The method and path of the last request, with digit-carrying path segments (ids) as '#'. */
function requestShape(r: CheckResult): string {
  const last = r.transcript?.[r.transcript.length - 1];
  if (!last) return '';
  let path = last.request.url;
  try {
    path = new URL(last.request.url).pathname;
  } catch {
    path = path.split('?')[0] ?? path;
  }
  return `${last.request.method} ${path.split('/').map((seg) => (/\d/.test(seg) ? '#' : seg)).join('/')}`;
}

/** (c): the key two results share when their failures are the same wire fact; undefined without a message. */
export function wireFact(r: CheckResult): string | undefined {
  if (!r.message?.trim()) return undefined;
  const msg = normaliseMessage(r.message);
  const key = `${r.status}|${msg}`;
  return REQUEST_BLIND.some((re) => re.test(r.message!)) ? `${key}|${requestShape(r)}` : key;
}

/** Disjoint sets over result indexes. */
function unionFind(n: number) {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  return { find, union: (a: number, b: number) => void (parent[find(a)] = find(b)) };
}

/**
 * Which known fault most likely explains a group: the fault whose signature holds most (more than half) of the
 * group's evidence, at least two checks of it, or the only one. `evidence` is the group's checks without the
 * precondition failures (collateral: signatures leave those out, and a signature that lists many checks would
 * otherwise match them by chance). A tie (a check several faults break) names none, rather than guess. Holding
 * the root alone is not enough: a check fails under several faults, each its own way (auth.missing.list-users
 * fails when auth is not enforced and when the 401 body is plain text).
 */
export function likelyFault(evidence: readonly string[], faults: readonly FaultSignature[]): FaultSignature | undefined {
  const [best, next] = faults
    .map((f) => {
      const sig = new Set(f.checks);
      return { f, covered: evidence.filter((id) => sig.has(id)).length };
    })
    .filter((s) => s.covered * 2 > evidence.length && (s.covered >= 2 || evidence.length === 1))
    .sort((a, b) => b.covered - a.covered);
  return !best || (next && next.covered === best.covered) ? undefined : best.f;
}

/**
 * The faults this run looks like it has: more than half of the signature checks that ran did not pass (failed,
 * warned, errored, or skipped because a prerequisite failed). A fault breaks every check of its signature
 * (--self-test proves it), so a fault whose signature mostly passed is not there, whatever one check says: a
 * PATCH that is ignored fails uniqueness.username.patch-rename-409, but the run does not look like conflict-as-500.
 */
export function plausibleFaults(results: readonly CheckResult[], faults: readonly FaultSignature[]): FaultSignature[] {
  const status = new Map(results.map((r) => [r.id, r]));
  return faults.filter((f) => {
    const ran = f.checks.map((id) => status.get(id)).filter((r): r is CheckResult => r !== undefined && (r.status !== 'skipped' || !!r.blockedBy));
    const broken = ran.filter((r) => r.status !== 'passed').length;
    return broken * 2 > ran.length;
  });
}

export function findRootCauses(results: readonly CheckResult[], opts: RootCauseOptions = {}): RootCause[] {
  const order = new Map<string, number>();
  opts.checks?.forEach((c, i) => order.set(c.id, i));
  const topicOf = new Map((opts.checks ?? []).filter((c) => c.topic).map((c) => [c.id, c.topic as string]));

  // One entry per failing check id (a repeated id is one check), in check order; results of checks the
  // metadata does not know (scenarios, properties) keep their report order after the known ones.
  const seen = new Set<string>();
  const failing = results
    .map((r, i) => ({ r, rank: order.get(r.id) ?? order.size + i }))
    .filter(({ r }) => isFailing(r) && !seen.has(r.id) && seen.add(r.id))
    .sort((a, b) => a.rank - b.rank)
    .map(({ r }) => r);
  const index = new Map(failing.map((r, i) => [r.id, i]));
  const sets = unionFind(failing.length);

  const joinBy = (key: (r: CheckResult, i: number) => string | undefined) => {
    const first = new Map<string, number>();
    failing.forEach((r, i) => {
      const k = key(r, i);
      if (k === undefined) return;
      const j = first.get(k);
      if (j === undefined) first.set(k, i);
      else sets.union(i, j);
    });
  };
  // (a) a shared topic. A precondition failure never reached the behaviour its topic names, so it takes no part.
  joinBy((r) => (PRECONDITION.test(r.message ?? '') ? undefined : topicOf.get(r.id)));
  // (b) a precondition failure joins the failed operation check.
  const operationRoots = new Set<number>();
  failing.forEach((r, i) => {
    const rule = PRECONDITION_OPERATIONS.find((p) => p.message.test(r.message ?? ''));
    const op = rule?.checks.map((id) => index.get(id)).find((j) => j !== undefined && !PRECONDITION.test(failing[j]!.message ?? ''));
    if (op === undefined) return;
    sets.union(i, op);
    operationRoots.add(op);
  });
  // (c) the same wire fact.
  joinBy((r) => wireFact(r));

  const groups = new Map<number, number[]>();
  failing.forEach((_, i) => {
    const g = sets.find(i);
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const rootOf = (members: number[]): number =>
    members.find((i) => operationRoots.has(i)) ?? members.find((i) => !PRECONDITION.test(failing[i]!.message ?? '')) ?? members[0]!;

  const causes = [...groups.values()]
    .map((members) => {
      const root = rootOf(members);
      return { root, ids: [failing[root]!.id, ...members.filter((i) => i !== root).map((i) => failing[i]!.id)] };
    })
    .sort((a, b) => a.root - b.root);

  // Blocked results, under the root of the failing prerequisite (followed through blocked prerequisites).
  const byId = new Map(results.map((r) => [r.id, r]));
  const causeOfCheck = new Map<string, (typeof causes)[number]>();
  for (const c of causes) for (const id of c.ids) causeOfCheck.set(id, c);
  const blocked = new Map<(typeof causes)[number], string[]>();
  for (const r of results) {
    if (r.status !== 'skipped' || !r.blockedBy) continue;
    let at: string | undefined = r.blockedBy;
    const visited = new Set<string>();
    while (at !== undefined && !causeOfCheck.has(at) && !visited.has(at)) {
      visited.add(at);
      at = byId.get(at)?.blockedBy;
    }
    const cause = at === undefined ? undefined : causeOfCheck.get(at);
    if (cause) blocked.set(cause, [...(blocked.get(cause) ?? []), r.id]);
  }

  const plausible = opts.faults ? plausibleFaults(results, opts.faults) : [];
  return causes.map((c) => {
    const evidence = c.ids.filter((id) => !PRECONDITION.test(failing[index.get(id)!]!.message ?? ''));
    const likely = plausible.length > 0 ? likelyFault(evidence, plausible) : undefined;
    const b = blocked.get(c);
    return { id: c.ids[0]!, checks: c.ids, ...(likely ? { likely: `${likely.name}: ${likely.description}` } : {}), ...(b ? { blocked: b } : {}) };
  });
}

/** The report's root causes, or (an older report.json without them) computed from its results alone. */
export function rootCausesOf(report: { results: readonly CheckResult[]; rootCauses?: RootCause[] }): RootCause[] {
  return report.rootCauses ?? findRootCauses(report.results);
}

/** "93 failing checks, 31 root causes" */
export function rootCauseHeadline(causes: readonly RootCause[]): string {
  const checks = causes.reduce((n, c) => n + c.checks.length, 0);
  return `${checks} failing check${checks === 1 ? '' : 's'}, ${causes.length} root cause${causes.length === 1 ? '' : 's'}`;
}
