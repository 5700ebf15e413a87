/**
 * The filter faults (faults.ts): ways real servers evaluate RFC 7644 §3.4.2.2 filters wrongly. The operator and
 * logic mix-ups rewrite the parsed filter (`rewriteForFaults`), which the strict evaluator then runs as written,
 * index lookups included; the case and regex faults build a matcher from the same parsed filter the strict
 * evaluator gets (`faultyMatcher`; `undefined` means "no filter fault applies, use the strict one").
 */
import { SchemaRegistry } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type FilterNode, type ScimResource } from '../scim/types.ts';
import { compileFilter, getPathValues } from './core.ts';
import type { FaultSet } from './faults.ts';
import type { ResourceKind } from './store.ts';

type Matcher = (resource: ScimResource) => boolean;

interface FaultFilterContext {
  registry: SchemaRegistry;
  faults: FaultSet;
  resourceType: ResourceKind;
}

/** A copy of a registry where string attributes chosen by `pick` compare case-exactly (for the case faults). */
export function withCaseExact(registry: SchemaRegistry, pick: (schemaUrn: string, attrName: string) => boolean): SchemaRegistry {
  const schemas = registry.schemas().map((s) => ({
    ...s,
    attributes: s.attributes.map((a) => ({
      ...a,
      caseExact: pick(s.id, a.name) ? true : a.caseExact,
      subAttributes: a.subAttributes?.map((sa) => ({ ...sa, caseExact: pick(s.id, `${a.name}.${sa.name}`) ? true : sa.caseExact })),
    })),
  }));
  return new SchemaRegistry(schemas, registry.resourceTypes());
}

/** The matcher a filter fault would use for this filter, or undefined when none applies. */
export function faultyMatcher(filter: FilterNode, ctx: FaultFilterContext): Matcher | undefined {
  const strict = { registry: ctx.registry, resourceType: ctx.resourceType };
  if (ctx.faults.has('bare-lookup-case-sensitive') && isBareUserNameLookup(filter, ctx.resourceType)) {
    // The IdP's pre-create lookup goes straight to a case-sensitive column; wrapped in and/or it does not.
    return compileFilter(filter, { ...strict, registry: withCaseExact(ctx.registry, (urn, name) => urn === SCHEMA_URN.user && name === 'userName') });
  }
  if (ctx.faults.has('case-insensitive-eq-only')) {
    const exact = { ...strict, registry: withCaseExact(ctx.registry, () => true) };
    return combine(filter, (leaf) => compileFilter(leaf, leaf.op === 'eq' ? strict : exact));
  }
  if (ctx.faults.has('filter-values-as-regex')) {
    return combine(filter, (leaf) => regexLeaf(leaf) ?? compileFilter(leaf, strict));
  }
  return undefined;
}

/**
 * One node as a server with an operator or logic fault understands it (RFC 7644 §3.4.2.2 Tables 3–5 say what
 * each means): the slip a hand-written evaluator makes when it maps SCIM operators onto its store's.
 */
const REWRITES: [fault: string, rewrite: (node: FilterNode) => FilterNode][] = [
  // gt / lt mapped onto the store's >= / <=, and the mirror slip for ge / le.
  ['ordering-inclusive', (n) => (n.op === 'gt' ? { ...n, op: 'ge' } : n.op === 'lt' ? { ...n, op: 'le' } : n)],
  ['ordering-exclusive', (n) => (n.op === 'ge' ? { ...n, op: 'gt' } : n.op === 'le' ? { ...n, op: 'lt' } : n)],
  // A switch that falls through from ne into eq.
  ['ne-as-eq', (n) => (n.op === 'ne' ? { ...n, op: 'eq' } : n)],
  // "present" tested as "is null".
  ['pr-inverted', (n) => (n.op === 'pr' ? { op: 'not', filter: n } : n)],
  ['and-as-or', (n) => (n.op === 'and' ? { ...n, op: 'or' } : n)],
  ['or-as-and', (n) => (n.op === 'or' ? { ...n, op: 'and' } : n)],
  // The negation dropped by a parser that reads `not (…)` as a plain group.
  ['not-ignored', (n) => (n.op === 'not' ? n.filter : n)],
  // `emails[value eq "x"]` read as "has any emails": the bracketed filter ignored.
  ['value-path-ignored', (n) => (n.op === 'valuePath' ? { op: 'pr', path: n.path } : n)],
];

/** The filter as the faulty server evaluates it (the same object when no operator or logic fault is on). */
export function rewriteForFaults(filter: FilterNode, faults: FaultSet): FilterNode {
  const active = REWRITES.filter(([fault]) => faults.has(fault as Parameters<FaultSet['has']>[0]));
  if (active.length === 0) return filter;
  const walk = (node: FilterNode): FilterNode => {
    let n = node;
    // Children first, so a rewrite never sees (or re-rewrites) what another produced above it.
    if (n.op === 'and' || n.op === 'or') n = { ...n, left: walk(n.left), right: walk(n.right) };
    else if (n.op === 'not') n = { ...n, filter: walk(n.filter) };
    for (const [, rewrite] of active) n = rewrite(n);
    return n;
  };
  return walk(filter);
}

/**
 * The filter text as a parser that ignores grouping reads it (fault `parentheses-ignored`): every `(` `)` outside
 * a quoted string is dropped, except those right after `not` (the grammar requires them there), so the default
 * precedence (RFC 7644 §3.4.2.2: `and` before `or`) decides where the client's grouping should have.
 */
export function dropGroupingParentheses(filter: string): string {
  let out = '';
  const kept: boolean[] = [];
  let inString = false;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += filter[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === '(') {
      const keep = /(^|[\s(])not\s*$/i.test(out);
      kept.push(keep);
      if (keep) out += c;
      continue;
    }
    if (c === ')') {
      if (kept.pop() ?? true) out += c;
      continue;
    }
    out += c;
  }
  return out;
}

/** `userName eq "X"` and nothing else: the lookup every IdP sends before a create. */
function isBareUserNameLookup(filter: FilterNode, kind: ResourceKind): boolean {
  if (kind !== 'User' || filter.op !== 'eq' || typeof filter.value !== 'string') return false;
  const { schema, attr, subAttr } = filter.path;
  return subAttr === undefined && attr.toLowerCase() === 'username' && (schema === undefined || schema.toLowerCase() === SCHEMA_URN.user.toLowerCase());
}

/** Keeps and / or / not, and builds every other node (comparisons, pr, value paths) with `leaf`. */
function combine(node: FilterNode, leaf: (n: FilterNode) => Matcher): Matcher {
  switch (node.op) {
    case 'and': {
      const [l, r] = [combine(node.left, leaf), combine(node.right, leaf)];
      return (x) => l(x) && r(x);
    }
    case 'or': {
      const [l, r] = [combine(node.left, leaf), combine(node.right, leaf)];
      return (x) => l(x) || r(x);
    }
    case 'not': {
      const inner = combine(node.filter, leaf);
      return (x) => !inner(x);
    }
    default:
      return leaf(node);
  }
}

/**
 * A string comparison as the buggy server runs it: the compValue pasted into a regular expression, so `.*`
 * matches anything and `+` / `(` change the meaning. An invalid pattern throws, as it did there (a 500).
 */
function regexLeaf(node: FilterNode): Matcher | undefined {
  if (!('value' in node) || typeof node.value !== 'string' || !['eq', 'ne', 'co', 'sw', 'ew'].includes(node.op)) return undefined;
  const v = node.value;
  const source = node.op === 'co' ? v : node.op === 'sw' ? `^${v}` : node.op === 'ew' ? `${v}$` : `^${v}$`;
  const re = new RegExp(source, 'i');
  const path = node.path;
  const negate = node.op === 'ne';
  return (resource) => {
    // A multi-valued complex attribute compares its "value" (RFC 7643 §2.4), as the strict evaluator does.
    const values = getPathValues(resource, path).flatMap((x) => (typeof x === 'object' && x !== null ? getPathValues(x, { attr: 'value' }) : [x]));
    const hit = values.some((x) => typeof x === 'string' && re.test(x));
    return negate ? !hit : hit;
  };
}
