/**
 * How filter compValues are compared (RFC 7644 §3.4.2.2): literally, never as patterns; and by the attribute's
 * caseExact for every operator, also in the bare `userName eq "X"` lookup every IdP sends before a create.
 *
 * Each check depends only on the operator it examines: its values carry the run's unique names, so only the
 * check's own users can match and no scoping clause is needed (`ne`, which matches almost everything, is the one
 * exception: it is narrowed with `userName eq … and`). The operators used are declared in `needs`, so a refused
 * or broken operator is reported once, by filter.operator.* (support/filter-support.ts). A control query in the
 * exact case still comes first, for runs that leave those checks out: when the target refuses the operator
 * (400/501, RFC 7644 §3.12 lets it) the check is skipped; when the operator itself is broken, it is skipped too.
 */
import type { Check, CheckContext } from '../check.ts';
import { attr } from './support/attributes.ts';
import { usersPath } from './support/http.ts';
import { expectListResponse, idsOf, resourcesOf } from './support/lists.ts';
import { filterString, nameVariant, swapCase } from './support/names.ts';
import { postUser, userBodyWith } from './support/resources.ts';
import { filterCite } from './support/cites.ts';
import { declared } from './support/user-schema.ts';
import { pickWritableString } from './support/writable.ts';

// The SHALL that makes a filter's result set normative, with the definition of the eq match (RFC 7644 §3.4.2.2).
const EQ_CITE = filterCite('eq: The attribute and operator values must be identical for a match.');
const CASE_QUOTE = 'the case sensitivity for String type attributes SHALL be determined by the attribute\'s "caseExact" characteristic';

type Found = { ids: string[] } | { refused: string };

/** GET /Users?filter=…: a 400/501 refusal comes back as its reason; anything else must be a ListResponse. */
async function find(ctx: CheckContext, filter: string): Promise<Found> {
  const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter } });
  if (res.status === 400 || res.status === 501) {
    const scimType = attr(res.json, 'scimType');
    return { refused: `the target answers ${res.status}${typeof scimType === 'string' ? ` ${scimType}` : ''} to filter=${filter}` };
  }
  return { ids: idsOf(resourcesOf(expectListResponse(ctx, res, `GET ${usersPath(ctx)}?filter=${filter}`))) };
}

function sameIds(got: string[], want: string[]): boolean {
  return got.length === want.length && want.every((id) => got.includes(id));
}

/**
 * The control: the filter the operator must answer in the exact case. Skips when the target refuses it (an
 * unsupported operator, RFC 7644 §3.12) or answers it wrongly (the operator's own check reports that).
 */
async function control(ctx: CheckContext, filter: string, want: string[], operator: string): Promise<void> {
  const found = await find(ctx, filter);
  if ('refused' in found) ctx.skip(`${operator} is not supported: ${found.refused} (RFC 7644 §3.12 allows refusing unsupported operators)`);
  if (!sameIds(found.ids, want)) {
    ctx.skip(`${operator} does not select the check's own user even in the exact case (filter=${filter}); the filter operator checks report that`);
  }
}

/** Fails unless the filter returns exactly `want` (a refusal of this valid filter fails too). */
async function expectFound(ctx: CheckContext, filter: string, want: string[], names: Map<string, string>, what: string): Promise<void> {
  const found = await find(ctx, filter);
  if ('refused' in found) ctx.fail(`${what}: ${found.refused}, but the same operator was answered for a plain value`, { expected: 'a ListResponse', actual: found.refused });
  if (!sameIds(found.ids, want)) {
    const label = (ids: string[]) => ids.map((id) => names.get(id) ?? `another user (${id})`).sort();
    ctx.fail(`${what} (filter: ${filter})`, { expected: label(want), actual: label(found.ids) });
  }
}

/** The base userName of this check: the fixture's, so the target's userName shape (e.g. an email) is kept. */
function baseName(ctx: CheckContext): string {
  return String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('v'));
}

/** Creates a user named `userName`; skips when the target refuses the name itself (its own userName rules). */
async function createNamed(ctx: CheckContext, userName: string, extra: (body: Record<string, unknown>) => Record<string, unknown> = (b) => b): Promise<string> {
  const res = await postUser(ctx, extra(userBodyWith(ctx, { userName }) as Record<string, unknown>));
  if (res.status === 400) ctx.skip(`the target refuses the userName ${JSON.stringify(userName)} (400): its own userName rules, not a filter question`);
  const id = attr(res.json, 'id');
  if (res.status !== 201 || typeof id !== 'string') ctx.fail(`precondition: could not create the user ${userName}`, { expected: 201, actual: { status: res.status, body: res.text.slice(0, 600) } });
  return id;
}

/** A userName shaped like an e-mail address (as IdPs send), whatever the target's base name looks like. */
function emailShaped(base: string, local: string): string {
  return base.includes('@') ? nameVariant(base, local) : `${base}-${local}@example.com`;
}

/**
 * A value with regular-expression metacharacters, and a decoy the value would match read as a pattern. The
 * user named `special` (when given) must be found by `eq`; the decoy must not come back.
 */
interface LiteralCase {
  key: string;
  title: string;
  /** Builds the userNames from the check's base name. */
  names(base: string): { special?: string; decoy: string; query: string };
}

const LITERAL_CASES: LiteralCase[] = [
  {
    key: 'dot',
    title: 'eq with "." in the value matches only that character (not any character)',
    names: (b) => ({ special: nameVariant(b, 'p.q'), decoy: nameVariant(b, 'pxq'), query: nameVariant(b, 'p.q') }),
  },
  {
    key: 'plus',
    title: 'eq with "+" in the value matches it literally (not "one or more")',
    names: (b) => ({ special: nameVariant(b, 'r+s'), decoy: nameVariant(b, 'rrs'), query: nameVariant(b, 'r+s') }),
  },
  {
    key: 'parentheses',
    title: 'eq with "(" and ")" in the value matches them literally (not a group)',
    names: (b) => ({ special: nameVariant(b, 't(u)v'), decoy: nameVariant(b, 'tuv'), query: nameVariant(b, 't(u)v') }),
  },
  {
    key: 'wildcard',
    title: 'eq with ".*" in the value matches no user whose name merely fits the pattern',
    names: (b) => ({ decoy: nameVariant(b, 'w1'), query: nameVariant(b, '.*') }),
  },
  {
    key: 'email',
    title: 'eq on an e-mail shaped userName with ".", "+" and "@" finds exactly that user',
    names: (b) => ({ special: emailShaped(b, 'x.y+z'), decoy: emailShaped(b, 'xqyyz'), query: emailShaped(b, 'x.y+z') }),
  },
];

/** RFC 7644 §3.4.2.2: a compValue is a literal; `eq` matches identical values only, whatever characters they hold. */
function literalCheck(c: LiteralCase): Check {
  return {
    id: `filter.value.literal-${c.key}`,
    title: c.title,
    area: 'filter',
    // One root cause when they fail together: the target reads compValues as patterns.
    topic: 'filter.value-literal',
    cite: EQ_CITE,
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: ['filter.operator.eq'],
    async run(ctx) {
      const n = c.names(baseName(ctx));
      const decoy = await createNamed(ctx, n.decoy);
      const special = n.special !== undefined ? await createNamed(ctx, n.special) : undefined;
      const names = new Map([[decoy, n.decoy], ...(special ? [[special, n.special!] as [string, string]] : [])]);
      await control(ctx, `userName eq ${filterString(n.decoy)}`, [decoy], 'eq');
      await expectFound(ctx, `userName eq ${filterString(n.query)}`, special ? [special] : [], names, 'the value is not compared literally');
    },
  };
}

/** An operator whose case-folding is checked on a caseExact=false attribute, with the filters that show it. */
interface FoldCase {
  op: 'sw' | 'co' | 'ew' | 'ne';
  title: string;
  /** The filter features the filters use: their own checks report a refusal or a wrong answer, once. */
  needs: string[];
  /** The exact-case control and the case-flipped filter, with what each must return (`self` = the check's user). */
  filters(path: string, value: string, userName: string): { control: string; controlWants: 'self' | 'none'; flipped: string; flippedWants: 'self' | 'none' };
}

const FOLD_CASES: FoldCase[] = [
  {
    op: 'sw',
    title: 'sw ignores case on an attribute with caseExact false',
    needs: ['filter.operator.sw'],
    filters: (p, v) => ({ control: `${p} sw ${filterString(v.slice(0, -5))}`, controlWants: 'self', flipped: `${p} sw ${filterString(swapCase(v.slice(0, -5)))}`, flippedWants: 'self' }),
  },
  {
    op: 'co',
    title: 'co ignores case on an attribute with caseExact false',
    needs: ['filter.operator.co'],
    filters: (p, v) => ({ control: `${p} co ${filterString(v.slice(5, -5))}`, controlWants: 'self', flipped: `${p} co ${filterString(swapCase(v.slice(5, -5)))}`, flippedWants: 'self' }),
  },
  {
    op: 'ew',
    title: 'ew ignores case on an attribute with caseExact false',
    needs: ['filter.operator.ew'],
    filters: (p, v) => ({ control: `${p} ew ${filterString(v.slice(5))}`, controlWants: 'self', flipped: `${p} ew ${filterString(swapCase(v.slice(5)))}`, flippedWants: 'self' }),
  },
  {
    // ne matches nearly every user, so it is narrowed to the check's own user with `userName eq … and`.
    op: 'ne',
    title: 'ne treats a value differing only in case as equal on an attribute with caseExact false',
    needs: ['filter.operator.ne', 'filter.operator.eq', 'filter.logical.and'],
    filters: (p, v, u) => ({
      control: `userName eq ${filterString(u)} and ${p} ne ${filterString(`${v}-other`)}`,
      controlWants: 'self',
      flipped: `userName eq ${filterString(u)} and ${p} ne ${filterString(swapCase(v))}`,
      flippedWants: 'none',
    }),
  },
];

/** RFC 7644 §3.4.2.2: caseExact decides case sensitivity for every string comparison, not only eq. */
function foldCheck(c: FoldCase): Check {
  return {
    id: `filter.case-folding.${c.op}`,
    title: c.title,
    area: 'filter',
    topic: 'filter.case-folding',
    cite: { rfc: 7644, section: '3.4.2.2', quote: CASE_QUOTE },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: c.needs,
    async run(ctx) {
      const slot = pickWritableString(ctx, { caseExact: false });
      // Mixed case around the run's unique name: only this check's user can hold it, in any case.
      const value = `Fold-${ctx.fixtures.uniqueName('fold')}-Case`;
      const userName = nameVariant(baseName(ctx), 'fold');
      const id = await createNamed(ctx, userName, (body) => slot.set(body, value));
      const f = c.filters(slot.path, value, userName);
      const want = (w: 'self' | 'none') => (w === 'self' ? [id] : []);
      await control(ctx, f.control, want(f.controlWants), c.op);
      await expectFound(ctx, f.flipped, want(f.flippedWants), new Map([[id, userName]]), `${c.op} on ${slot.path} (caseExact false) compared case-sensitively`);
    },
  };
}

export const checks: Check[] = [
  ...LITERAL_CASES.map(literalCheck),
  {
    id: 'filter.eq.bare-lookup-case-insensitive',
    title: 'the bare lookup `filter=userName eq "X"` finds the user when X differs in case',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: CASE_QUOTE },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: ['filter.operator.eq'],
    async run(ctx) {
      // RFC 7643 §4.1.1 makes userName caseExact false; a target declaring otherwise is judged by its own schema.
      if (declared(ctx, 'userName')?.caseExact === true) ctx.skip("the target's User schema declares userName caseExact true");
      const userName = nameVariant(baseName(ctx), 'BareLookup');
      const id = await createNamed(ctx, userName);
      // Alone, as IdPs send it before every create: no scope, no and/or around it.
      await control(ctx, `userName eq ${filterString(userName)}`, [id], 'eq');
      await expectFound(ctx, `userName eq ${filterString(swapCase(userName))}`, [id], new Map([[id, userName]]), 'the bare userName lookup compared case-sensitively');
    },
  },
  ...FOLD_CASES.map(foldCheck),
];
