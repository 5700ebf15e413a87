/**
 * Scoping a query to the run's own users with only the filter features the target supports (issue 10,
 * false-alarm class 1). Every check depends on what it tests, not on `sw`, `or` or parentheses it happens to
 * need for scoping. In order of preference (fewest requests first), a scope needs:
 *
 *   sw        `userName sw "<set prefix>" and (<clause>)`             sw, and (parentheses when the clause is an or)
 *   eq-any    `(userName eq "a" or userName eq "b" …) and (<clause>)` eq, or, and, parentheses
 *   eq-each   `userName eq "a" and (<clause>)`, once per user          eq, and (parentheses when the clause is an or)
 *   unscoped  `<clause>` alone, keeping only the set's users           nothing; bounded: ≤ UNSCOPED_LIMIT users, ≤ MAX_PAGES pages
 *
 * Lists that must hold exactly the set (paging, sorting, projection, /.search) select it with `userName sw`,
 * with `userName eq … or …`, or one user by `userName eq`; without any of those they read the unscoped list,
 * which only paging checks use with totals, and only in the isolated phase (docs/harness.md).
 */
import type { CheckContext, HttpResponse } from '../../check.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { attr } from './attributes.ts';
import {
  featureCheckId,
  featureLabel,
  filterFeatures,
  learnFilterSupport,
  supports,
  topLevelOr,
  unsupportedReason,
  type FilterFeature,
  type FilterSupport,
} from './filter-support.ts';
import { usersPath } from './http.ts';
import { expectIdOrder, expectIdSet, expectListResponse, idsOf, resourcesOf } from './lists.ts';
import { filterString } from './names.ts';

/** The most users an unscoped list may hold for a check to read it whole. */
export const UNSCOPED_LIMIT = 1000;
/** The most pages an unscoped read may take. */
export const MAX_PAGES = 20;

/** Users a check created, sharing a userName prefix no other user has (support/names.ts variantPrefix). */
export interface UserSet {
  prefix: string;
  users: { id: string; userName: string }[];
  /** id → readable key, for failure messages. */
  names?: Map<string, string>;
}

export type ScopeKind = 'sw' | 'eq-any' | 'eq-each' | 'unscoped';

/** A list request, GET with a query or POST /.search with a body (RFC 7644 §3.4.3: the same parameters). */
export type Lister = (params: Record<string, string | number | string[] | undefined>, what: string) => Promise<{ res: HttpResponse; json: any }>;

/** GET `path` with the parameters as query (attributes lists joined with commas, RFC 7644 §3.4.2.5). */
export function getLister(ctx: CheckContext, path: string = usersPath(ctx)): Lister {
  return async (params, what) => {
    const query: Record<string, string | number | undefined> = {};
    for (const [k, v] of Object.entries(params)) query[k] = Array.isArray(v) ? v.join(',') : v;
    const res = await ctx.http.send({ method: 'GET', path, query });
    return { res, json: expectListResponse(ctx, res, what) };
  };
}

/** POST `<path>/.search` with the parameters in a SearchRequest (RFC 7644 §3.4.3). */
export function searchLister(ctx: CheckContext, path: string): Lister {
  return async (params, what) => {
    const body: Record<string, unknown> = { schemas: [SCHEMA_URN.searchRequest] };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) body[k] = v;
    const res = await ctx.http.send({ method: 'POST', path, body });
    return { res, json: expectListResponse(ctx, res, what) };
  };
}

function describe(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join('&');
}

const eqAny = (users: UserSet['users']) => users.map((u) => `userName eq ${filterString(u.userName)}`).join(' or ');

/** Skips the check when its own filter uses a feature the target refuses (or could not be probed). */
export function skipUnlessUsable(ctx: CheckContext, support: FilterSupport, features: Iterable<FilterFeature>, whose = "this check's filter"): void {
  for (const f of features) {
    const reason = unsupportedReason(support, f);
    if (reason) ctx.skip(`${whose} uses ${featureLabel(f)}: ${reason}`);
  }
}

/** The scope a clause would be run with on this target (exported for tests and docs). */
export function chooseClauseScope(support: FilterSupport, clause: string): ScopeKind {
  const group: FilterFeature[] = topLevelOr(clause) ? ['parentheses'] : [];
  const all = (fs: FilterFeature[]) => fs.every((f) => supports(support, f));
  if (all(['sw', 'and', ...group])) return 'sw';
  if (all(['eq', 'or', 'and', 'parentheses'])) return 'eq-any';
  if (all(['eq', 'and', ...group])) return 'eq-each';
  return 'unscoped';
}

/**
 * Reads every user a list answers (bounded), de-duplicated by id. Consecutive pages overlap a little, so a user
 * another check deletes meanwhile (shifting the rest down) cannot make one of ours fall between two pages.
 * Skips the check when that would take more than UNSCOPED_LIMIT users or MAX_PAGES pages.
 */
export async function readWholeList(
  ctx: CheckContext,
  lister: Lister,
  params: Record<string, string | number | string[] | undefined>,
  why: string,
): Promise<any[]> {
  const pageSize = Math.min(ctx.target.limits.maxResults ?? UNSCOPED_LIMIT, UNSCOPED_LIMIT);
  const seen = new Map<string, any>();
  let start = 1;
  for (let page = 0; page < MAX_PAGES; page++) {
    const p = { ...params, startIndex: start, count: pageSize };
    const { json } = await lister(p, `list ${describe(p)}`);
    const resources = resourcesOf(json);
    const total = attr(json, 'totalResults') as number;
    const overlap = Math.min(3, Math.floor(resources.length / 4));
    const step = Math.max(1, resources.length - overlap);
    if (page === 0 && (total > UNSCOPED_LIMIT || Math.ceil(Math.max(0, total - resources.length) / step) + 1 > MAX_PAGES)) {
      ctx.skip(`${why}; the unscoped list holds ${total} users, more than this check reads (at most ${UNSCOPED_LIMIT} users in ${MAX_PAGES} pages)`);
    }
    for (const r of resources) {
      const id = attr(r, 'id');
      if (typeof id === 'string' && !seen.has(id)) seen.set(id, r);
    }
    if (resources.length === 0) break;
    start += step;
    if (start > total) break;
  }
  return [...seen.values()];
}

const NO_SCOPE =
  'no filter scope fits (the target supports neither sw with and, nor eq with or, and and parentheses, nor eq with and)';

/**
 * Runs `clause` over the set's users with the best scope the target supports, and requires exactly `expected`
 * (ids) among the set. Skips when the clause itself uses a feature the target refuses.
 */
export async function expectClause(ctx: CheckContext, set: UserSet, clause: string, expected: string[], what: string): Promise<void> {
  const support = await learnFilterSupport(ctx);
  skipUnlessUsable(ctx, support, filterFeatures(clause));
  const grouped = topLevelOr(clause) ? `(${clause})` : clause;
  const lister = getLister(ctx);
  const kind = chooseClauseScope(support, clause);
  if (kind === 'sw' || kind === 'eq-any') {
    const filter = kind === 'sw' ? `userName sw ${filterString(set.prefix)} and ${grouped}` : `(${eqAny(set.users)}) and ${grouped}`;
    const { json } = await lister({ filter }, `GET ${usersPath(ctx)}?filter=${filter}`);
    expectIdSet(ctx, resourcesOf(json), expected, `${what} (filter: ${filter})`, set.names);
    return;
  }
  if (kind === 'eq-each') {
    // One request per user: each answers that user when the clause matches it, else nothing.
    for (const u of set.users) {
      const filter = `userName eq ${filterString(u.userName)} and ${grouped}`;
      const { json } = await lister({ filter }, `GET ${usersPath(ctx)}?filter=${filter}`);
      expectIdSet(ctx, resourcesOf(json), expected.includes(u.id) ? [u.id] : [], `${what} (filter: ${filter})`, set.names);
    }
    return;
  }
  // The clause alone: other users may match too; only the set's own users are judged.
  const all = await readWholeList(ctx, lister, { filter: clause }, NO_SCOPE);
  const ours = new Set(set.users.map((u) => u.id));
  expectIdSet(ctx, all.filter((r) => ours.has(attr(r, 'id'))), expected, `${what} (filter: ${clause}, judged on the run's own users)`, set.names);
}

/**
 * Runs a filter that bounds itself (it names values unique to this run, e.g. `userName eq "<ours>"`) with no
 * scope, and requires exactly `expected` (ids): any other user in the answer is wrong too.
 */
export async function expectExactly(ctx: CheckContext, filter: string, expected: string[], what: string, names?: Map<string, string>): Promise<void> {
  skipUnlessUsable(ctx, await learnFilterSupport(ctx), filterFeatures(filter));
  const { json } = await getLister(ctx)({ filter }, `GET ${usersPath(ctx)}?filter=${filter}`);
  expectIdSet(ctx, resourcesOf(json), expected, `${what} (filter: ${filter})`, names);
}

/**
 * Why no filter selects a set of the run's users, for a skip: how the target answered the features a selection
 * uses (sw; eq and or), naming the check that reports each one answered wrongly.
 */
export async function selectionGap(ctx: CheckContext): Promise<string> {
  const support = await learnFilterSupport(ctx);
  const state = (f: FilterFeature) => {
    const s = support.features[f];
    if (s.state === 'supported') return `${f} works`;
    if (s.state === 'refused') return `${f} is refused`;
    if (s.state === 'unknown') return `${f} could not be probed`;
    return `${f} is answered wrongly (${featureCheckId(f)})`;
  };
  return `userName sw, or userName eq joined with or, would select them; on this target ${(['sw', 'eq', 'or'] as const).map(state).join(', ')}`;
}

/** A filter that selects exactly some of the set's users, and which. */
export interface Selection {
  filter: string;
  users: UserSet['users'];
}

/**
 * A filter selecting the whole set (`userName sw`, else `userName eq … or …`), or with `single` one user of it
 * (`userName eq`) when that is all the target supports. Undefined when no filter can.
 */
export async function selectSet(ctx: CheckContext, set: UserSet, opts: { single?: boolean } = {}): Promise<Selection | undefined> {
  const support = await learnFilterSupport(ctx);
  if (supports(support, 'sw')) return { filter: `userName sw ${filterString(set.prefix)}`, users: set.users };
  if (set.users.length > 1 && supports(support, 'eq') && supports(support, 'or')) return { filter: eqAny(set.users), users: set.users };
  if ((set.users.length === 1 || opts.single) && supports(support, 'eq')) return { filter: `userName eq ${filterString(set.users[0]!.userName)}`, users: set.users.slice(0, 1) };
  return undefined;
}

/**
 * The list entries of exactly the set's users, with `params` (attributes=, …) applied: one request with a
 * selection filter, else one `userName eq` request per user, else the unscoped list kept to the set.
 */
export async function listSet(ctx: CheckContext, set: UserSet, lister: Lister, params: Record<string, string | number | string[] | undefined>, what: string): Promise<any[]> {
  const selection = await selectSet(ctx, set);
  if (selection) return resourcesOf((await lister({ ...params, filter: selection.filter }, `${what} with filter=${selection.filter}`)).json);
  const support = await learnFilterSupport(ctx);
  if (supports(support, 'eq')) {
    const out: any[] = [];
    for (const u of set.users) {
      const filter = `userName eq ${filterString(u.userName)}`;
      out.push(...resourcesOf((await lister({ ...params, filter }, `${what} with filter=${filter}`)).json));
    }
    return out;
  }
  const ours = new Set(set.users.map((u) => u.id));
  return (await readWholeList(ctx, lister, params, `no filter selects these users (${await selectionGap(ctx)})`)).filter((r) => ours.has(attr(r, 'id')));
}

/**
 * The set's users in the order a sorted list returns them (sortBy/sortOrder in `params`). With a selection
 * filter, exactly the set; otherwise one unscoped page holding every user, keeping the set's own in their
 * relative order (one request: pages of a list others change could skip one). Skips when neither works.
 */
export async function sortedSet(ctx: CheckContext, set: UserSet, lister: Lister, params: Record<string, string | number | undefined>, what: string): Promise<any[]> {
  const selection = await selectSet(ctx, set);
  if (selection && selection.users.length === set.users.length) {
    return resourcesOf((await lister({ ...params, filter: selection.filter }, `${what} with filter=${selection.filter}`)).json);
  }
  const count = Math.min(ctx.target.limits.maxResults ?? UNSCOPED_LIMIT, UNSCOPED_LIMIT);
  const { json } = await lister({ ...params, count }, `${what} (unscoped, count=${count})`);
  const total = attr(json, 'totalResults');
  const resources = resourcesOf(json);
  if (typeof total === 'number' && total > resources.length) {
    ctx.skip(`no filter selects these users (${await selectionGap(ctx)}), and the unscoped sorted list holds ${total} users, more than one page of ${resources.length}`);
  }
  const ours = new Set(set.users.map((u) => u.id));
  return resources.filter((r) => ours.has(attr(r, 'id')));
}

/** `sortedSet` then the order check. */
export async function expectSortedSet(ctx: CheckContext, set: UserSet, lister: Lister, params: Record<string, string | number | undefined>, expected: string[], what: string): Promise<void> {
  expectIdOrder(ctx, await sortedSet(ctx, set, lister, params, what), expected, what, set.names);
}

/** What a paging check pages over: the set by a filter, or (isolated phase only) the whole unscoped list. */
export interface PagingScope {
  /** Parameters that select what is paged (a filter, or nothing). */
  params: Record<string, string | undefined>;
  /** How many results the paged list holds. */
  total: number;
  /** True when the list is the unscoped one (other users than the set's are on it). */
  unscoped: boolean;
}

/**
 * The list a paging check pages over. The set selected by a filter when the target can (then `total` is the
 * set's size); otherwise the unscoped list with the total the target reports, which is stable only because
 * paging checks run in the isolated phase (nothing else writes meanwhile). Skips when the unscoped list is larger
 * than UNSCOPED_LIMIT.
 */
export async function pagingScope(ctx: CheckContext, set: UserSet): Promise<PagingScope> {
  const selection = await selectSet(ctx, set);
  if (selection) return { params: { filter: selection.filter }, total: selection.users.length, unscoped: false };
  const { json } = await getLister(ctx)({ count: 1 }, `GET ${usersPath(ctx)}?count=1`);
  const total = attr(json, 'totalResults') as number;
  if (total > UNSCOPED_LIMIT) {
    ctx.skip(
      `a paging check needs a filter that selects several of the run's users (${await selectionGap(ctx)}), or an unscoped list of at most ${UNSCOPED_LIMIT} users (it holds ${total})`,
    );
  }
  return { params: {}, total, unscoped: true };
}

/** The ids of a list's resources (re-exported for checks that compare pages). */
export { idsOf };
