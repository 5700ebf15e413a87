/**
 * Which filter features the target supports, learned ONCE per run (ctx.once) by probing three users of the
 * run's own (issue 10, false-alarm class 1). RFC 7644 §3.4.2.2 lets a provider support a subset of the
 * filter language and refuse the rest with 400 invalidFilter (§3.12: "the specified attribute and filter
 * comparison combination is not supported"), so checks must not depend on an operator they are not testing.
 *
 * Every probe depends on as little as possible: an operator is probed on userName (REQUIRED, RFC 7643 §4.1.1)
 * with values unique to this run, alone where its answer is bounded by itself (eq, sw, ew, co, or, grouping,
 * value paths), else narrowed with `userName eq "<one of ours>" and …` (ne, pr, not, gt, ge, lt, le). A probe
 * whose helper feature is missing is `unknown` with that reason, never a failure.
 */
import { CheckFailure, type CheckContext, type HttpResponse } from '../../check.ts';
import type { FilterNode } from '../../../scim/types.ts';
import { parseFilter, tokenize } from '../../../scim/filter/index.ts';
import { attr, isObject, multi } from './attributes.ts';
import { brief, usersPath } from './http.ts';
import { idsOf, resourcesOf } from './lists.ts';
import { emailToken, filterString, nameVariant } from './names.ts';
import { userBodyWith } from './resources.ts';
import { conformUserBody, declaredIn, userSchemaView } from './user-schema.ts';

/** Filter features reported one by one: RFC 7644 §3.4.2.2 Table 3 operators, Table 4 logic, Table 5 grouping. */
export const FILTER_FEATURES = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'and', 'or', 'not', 'parentheses', 'value-path'] as const;
export type FilterFeature = (typeof FILTER_FEATURES)[number];

/** What the probe learned about one feature. */
export type FeatureSupport =
  | { state: 'supported' }
  /** Refused properly (400, or 501): the target does not offer it. */
  | { state: 'refused'; filter: string; status: number; scimType?: string }
  /** Accepted but answered with the wrong resources. */
  | { state: 'wrong'; filter: string; expected: string[]; actual: string[] }
  /** Neither a ListResponse nor a refusal (5xx, 404, a 200 that is not a list…). */
  | { state: 'error'; filter: string; status: number; body: string }
  /** Could not be probed (a helper feature is missing, or the probe users could not be made). */
  | { state: 'unknown'; reason: string };

export interface FilterSupport {
  features: Record<FilterFeature, FeatureSupport>;
  /** The probe users, by key; absent when they could not be created. */
  people?: ProbePerson[];
}

export interface ProbePerson {
  key: 'alpha' | 'bravo' | 'charlie';
  id: string;
  userName: string;
  /** An email value the target stored, when its schema has emails (for the value-path probe). */
  email?: string;
}

/** The per-run memo key (ctx.once). */
const MEMO_KEY = 'support.filter-features';

/** The features a filter string uses: its operators, logic, grouping parentheses and value paths. */
export function filterFeatures(filter: string): Set<FilterFeature> {
  const out = new Set<FilterFeature>();
  const walk = (n: FilterNode): void => {
    switch (n.op) {
      case 'and':
      case 'or':
        out.add(n.op);
        walk(n.left);
        walk(n.right);
        return;
      case 'not':
        out.add('not');
        walk(n.filter);
        return;
      case 'valuePath':
        out.add('value-path');
        walk(n.filter);
        return;
      default:
        out.add(n.op);
    }
  };
  walk(parseFilter(filter));
  // `(` right after `not` belongs to the negation (RFC 7644 §3.4.2.2 ABNF "not" [SP] "(" valFilter ")").
  const tokens = tokenize(filter);
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    if (t.kind === '(' && !(prev?.kind === 'word' && prev.text.toLowerCase() === 'not')) out.add('parentheses');
  });
  return out;
}

/** True when the filter's top level is an `or`, so it needs parentheses to be and-ed with a scope. */
export function topLevelOr(filter: string): boolean {
  return parseFilter(filter).op === 'or';
}

interface ProbeCase {
  filter: string;
  expected: ProbePerson['key'][];
  /** Features this case needs beyond the probe's `uses`: it is left out (not the whole probe) when one is not supported. */
  uses?: FilterFeature[];
}

interface FeatureProbe {
  feature: FilterFeature;
  /** Features the probe's own filters use besides the one probed. */
  uses: FilterFeature[];
  /** The filters and the probe users each must return, or why the probe cannot be built. */
  cases(p: Record<ProbePerson['key'], ProbePerson>): ProbeCase[] | string;
}

const q = filterString;

/** In dependency order: eq first, `and` before the probes narrowed with it. */
const PROBES: FeatureProbe[] = [
  { feature: 'eq', uses: [], cases: (p) => [{ filter: `userName eq ${q(p.alpha.userName)}`, expected: ['alpha'] }] },
  {
    feature: 'sw',
    uses: [],
    cases: (p) => [
      { filter: `userName sw ${q(commonPrefix(p))}`, expected: ['alpha', 'bravo', 'charlie'] },
      // A substring that does not start the value: sw must not behave like co.
      { filter: `userName sw ${q(p.alpha.userName.slice(1))}`, expected: [] },
    ],
  },
  {
    feature: 'ew',
    uses: [],
    cases: (p) => [
      { filter: `userName ew ${q(p.alpha.userName.slice(1))}`, expected: ['alpha'] },
      { filter: `userName ew ${q(p.alpha.userName.slice(0, -1))}`, expected: [] },
    ],
  },
  { feature: 'co', uses: [], cases: (p) => [{ filter: `userName co ${q(p.alpha.userName.slice(1, -1))}`, expected: ['alpha'] }] },
  {
    feature: 'and',
    uses: ['eq'],
    cases: (p) => [
      { filter: `userName eq ${q(p.alpha.userName)} and userName eq ${q(p.alpha.userName)}`, expected: ['alpha'] },
      { filter: `userName eq ${q(p.alpha.userName)} and userName eq ${q(p.bravo.userName)}`, expected: [] },
    ],
  },
  { feature: 'or', uses: ['eq'], cases: (p) => [{ filter: `userName eq ${q(p.alpha.userName)} or userName eq ${q(p.bravo.userName)}`, expected: ['alpha', 'bravo'] }] },
  {
    feature: 'parentheses',
    uses: ['eq'],
    cases: (p) => [
      { filter: `(userName eq ${q(p.alpha.userName)})`, expected: ['alpha'] },
      // RFC 7644 §3.4.2.2: grouping comes first; without it `and` binds tighter and alpha would match too.
      // Only where the target supports both: otherwise grouping is judged on the first case alone.
      {
        filter: `(userName eq ${q(p.alpha.userName)} or userName eq ${q(p.bravo.userName)}) and userName eq ${q(p.bravo.userName)}`,
        expected: ['bravo'],
        uses: ['and', 'or'],
      },
    ],
  },
  {
    feature: 'not',
    uses: ['eq', 'and'],
    cases: (p) => [
      { filter: `userName eq ${q(p.alpha.userName)} and not (userName eq ${q(p.bravo.userName)})`, expected: ['alpha'] },
      { filter: `userName eq ${q(p.alpha.userName)} and not (userName eq ${q(p.alpha.userName)})`, expected: [] },
    ],
  },
  {
    feature: 'ne',
    uses: ['eq', 'and'],
    cases: (p) => [
      { filter: `userName eq ${q(p.alpha.userName)} and userName ne ${q(p.bravo.userName)}`, expected: ['alpha'] },
      { filter: `userName eq ${q(p.alpha.userName)} and userName ne ${q(p.alpha.userName)}`, expected: [] },
    ],
  },
  { feature: 'pr', uses: ['eq', 'and'], cases: (p) => [{ filter: `userName eq ${q(p.alpha.userName)} and userName pr`, expected: ['alpha'] }] },
  // String order is lexicographic (RFC 7644 §3.4.2.2): the three names differ only in …alpha < …bravo < …charlie.
  {
    feature: 'gt',
    uses: ['eq', 'and'],
    cases: (p) => [
      { filter: `userName eq ${q(p.bravo.userName)} and userName gt ${q(p.alpha.userName)}`, expected: ['bravo'] },
      { filter: `userName eq ${q(p.alpha.userName)} and userName gt ${q(p.alpha.userName)}`, expected: [] },
    ],
  },
  {
    feature: 'ge',
    uses: ['eq', 'and'],
    cases: (p) => [
      { filter: `userName eq ${q(p.alpha.userName)} and userName ge ${q(p.alpha.userName)}`, expected: ['alpha'] },
      { filter: `userName eq ${q(p.alpha.userName)} and userName ge ${q(p.bravo.userName)}`, expected: [] },
    ],
  },
  {
    feature: 'lt',
    uses: ['eq', 'and'],
    cases: (p) => [
      { filter: `userName eq ${q(p.alpha.userName)} and userName lt ${q(p.bravo.userName)}`, expected: ['alpha'] },
      { filter: `userName eq ${q(p.bravo.userName)} and userName lt ${q(p.bravo.userName)}`, expected: [] },
    ],
  },
  {
    feature: 'le',
    uses: ['eq', 'and'],
    cases: (p) => [
      { filter: `userName eq ${q(p.bravo.userName)} and userName le ${q(p.bravo.userName)}`, expected: ['bravo'] },
      { filter: `userName eq ${q(p.charlie.userName)} and userName le ${q(p.bravo.userName)}`, expected: [] },
    ],
  },
  {
    feature: 'value-path',
    uses: ['eq'],
    cases: (p) =>
      p.alpha.email === undefined
        ? "probing value paths needs a multi-valued attribute with values: the target's User schema declares no emails, or the target did not keep them"
        : [{ filter: `emails[value eq ${q(p.alpha.email)}]`, expected: ['alpha'] }],
  },
];

/** The longest prefix the three probe userNames share (they differ only in their suffix). */
function commonPrefix(p: Record<ProbePerson['key'], ProbePerson>): string {
  const names = [p.alpha.userName, p.bravo.userName, p.charlie.userName];
  let i = 0;
  while (names.every((n) => i < n.length && n[i] === names[0]![i])) i++;
  return names[0]!.slice(0, i);
}

/** Every feature unknown, for the same reason. */
function allUnknown(reason: string): Record<FilterFeature, FeatureSupport> {
  return Object.fromEntries(FILTER_FEATURES.map((f) => [f, { state: 'unknown', reason }])) as Record<FilterFeature, FeatureSupport>;
}

/** Creates the three probe users (only attributes the target declares); a reason string when it cannot. */
async function createProbePeople(ctx: CheckContext): Promise<ProbePerson[] | string> {
  const view = userSchemaView(ctx.target);
  const base = String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('probe'));
  const withEmails = declaredIn(view, 'emails.value') !== undefined;
  const people: ProbePerson[] = [];
  for (const key of ['alpha', 'bravo', 'charlie'] as const) {
    const userName = nameVariant(base, key);
    const email = `${key}.${emailToken(base)}@example.com`;
    const body = conformUserBody(view, userBodyWith(ctx, { userName, ...(withEmails ? { emails: [{ value: email, type: 'work', primary: true }] } : {}) }));
    try {
      const user = await ctx.fixtures.createUser(body);
      const stored = multi(user, 'emails')
        .map((e) => attr(e, 'value'))
        .find((v): v is string => typeof v === 'string' && v.toLowerCase() === email.toLowerCase());
      people.push({ key, id: user.id, userName, ...(stored ? { email: stored } : {}) });
    } catch (err) {
      // The target refused the user (the users checks report why); anything else (a transport error) is no
      // verdict on filters and propagates, so the checks that wait on the probe are errored, not skipped.
      if (!(err instanceof CheckFailure)) throw err;
      return `the probe users for filter support could not be created: ${err.message}`;
    }
  }
  return people;
}

type CaseResult = { ok: true } | { ok: false; support: Exclude<FeatureSupport, { state: 'supported' } | { state: 'unknown' }> };

/** Sends one probe filter and compares the answer with the probe users it must return. */
export async function sendProbeCase(ctx: CheckContext, people: ProbePerson[], c: ProbeCase): Promise<CaseResult> {
  const res: HttpResponse = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: c.filter } });
  // RFC 7644 §3.4.2.2 / §3.12: an unsupported operator or combination is refused with 400 invalidFilter.
  // 501 ("Service provider does not support the request operation") is read as a refusal too.
  if (res.status === 400 || res.status === 501) {
    const scimType = attr(res.json, 'scimType');
    return { ok: false, support: { state: 'refused', filter: c.filter, status: res.status, ...(typeof scimType === 'string' ? { scimType } : {}) } };
  }
  const isList = res.status === 200 && isObject(res.json) && (Array.isArray(attr(res.json, 'Resources')) || typeof attr(res.json, 'totalResults') === 'number');
  if (!isList) {
    const b = brief(res);
    return { ok: false, support: { state: 'error', filter: c.filter, status: b.status, body: b.body } };
  }
  const byId = new Map(people.map((p) => [p.id, p.key as string]));
  const got = idsOf(resourcesOf(res.json)).map((id) => byId.get(id) ?? `another user (${id})`);
  const expected = [...c.expected].sort();
  const actual = [...got].sort();
  if (actual.length === expected.length && actual.every((k, i) => k === expected[i])) return { ok: true };
  return { ok: false, support: { state: 'wrong', filter: c.filter, expected, actual } };
}

/** The probe's filters for one feature, or why it cannot be probed given what is already known. */
export function probeCasesFor(feature: FilterFeature, people: ProbePerson[], known: Partial<Record<FilterFeature, FeatureSupport>>): ProbeCase[] | string {
  const probe = PROBES.find((p) => p.feature === feature)!;
  for (const u of probe.uses) {
    const state = known[u]?.state;
    if (state === 'supported') continue;
    const why = state === 'wrong' || state === 'error' ? `answers ${featureLabel(u)} wrongly` : `does not support ${featureLabel(u)}`;
    return `probing ${featureLabel(feature)} needs ${featureLabel(u)} in the same filter, and the target ${why} (see ${featureCheckId(u)})`;
  }
  const by = Object.fromEntries(people.map((p) => [p.key, p])) as Record<ProbePerson['key'], ProbePerson>;
  const cases = probe.cases(by);
  return typeof cases === 'string' ? cases : cases.filter((c) => (c.uses ?? []).every((u) => known[u]?.state === 'supported'));
}

async function probe(ctx: CheckContext): Promise<FilterSupport> {
  if (!ctx.target.capabilities.has('filter')) return { features: allUnknown('the target does not advertise filter (ServiceProviderConfig.filter.supported=false)') };
  if (!ctx.target.capabilities.has('write')) return { features: allUnknown('filter support is probed on users of the run, and this run may not write (--read-only)') };
  const people = await createProbePeople(ctx);
  if (typeof people === 'string') return { features: allUnknown(people) };
  const known: Partial<Record<FilterFeature, FeatureSupport>> = {};
  for (const p of PROBES) {
    const cases = probeCasesFor(p.feature, people, known);
    if (typeof cases === 'string') {
      known[p.feature] = { state: 'unknown', reason: cases };
      continue;
    }
    let outcome: FeatureSupport = { state: 'supported' };
    for (const c of cases) {
      const r = await sendProbeCase(ctx, people, c);
      if (!r.ok) {
        outcome = r.support;
        break;
      }
    }
    known[p.feature] = outcome;
  }
  return { features: known as Record<FilterFeature, FeatureSupport>, people };
}

/**
 * The target's filter support, probed once per run and shared by every check (ctx.once). The probe runs in the
 * first caller's context, so its requests appear in that check's transcript. It never throws a CheckFailure:
 * what it could not learn is `unknown` with the reason.
 */
export function learnFilterSupport(ctx: CheckContext): Promise<FilterSupport> {
  return ctx.once(MEMO_KEY, () => probe(ctx));
}

/** The slug of the check that reports a feature: `operator.eq`, `logical.and`, `grouping.parentheses`, `value-path`. */
export function featureCheckSuffix(f: FilterFeature): string {
  if (f === 'and' || f === 'or' || f === 'not') return `logical.${f}`;
  if (f === 'parentheses') return 'grouping.parentheses';
  if (f === 'value-path') return 'value-path';
  return `operator.${f}`;
}

/** The id of the check that reports a feature (stable: baselines refer to it). */
export function featureCheckId(f: FilterFeature): string {
  return `filter.${featureCheckSuffix(f)}`;
}

/** How a feature shows in messages: `the co operator`, `"or"`, `grouping parentheses`, `value paths (attr[filter])`. */
export function featureLabel(f: FilterFeature): string {
  if (f === 'and' || f === 'or' || f === 'not') return `"${f}"`;
  if (f === 'parentheses') return 'grouping parentheses';
  if (f === 'value-path') return 'value paths (attr[filter])';
  return `the ${f} operator`;
}

/** Why a feature is not usable, for a skip, or undefined when the target supports it (or answers it wrongly). */
export function unsupportedReason(support: FilterSupport, f: FilterFeature): string | undefined {
  const s = support.features[f];
  if (s.state === 'refused') {
    const answer = `${s.status}${s.scimType ? ` ${s.scimType}` : ''}`;
    return `not supported: the target answers ${answer} to filter=${s.filter} (RFC 7644 §3.12 allows refusing unsupported combinations)`;
  }
  if (s.state === 'unknown') return `support for ${featureLabel(f)} is unknown: ${s.reason}`;
  return undefined;
}

/** True when the target answered the feature's probe correctly. */
export function supports(support: FilterSupport, f: FilterFeature): boolean {
  return support.features[f].state === 'supported';
}
