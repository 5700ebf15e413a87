/**
 * The filter faults (faults.ts): three ways real servers evaluate RFC 7644 §3.4.2.2 filters wrongly. Each builds
 * a matcher from the same parsed filter the strict evaluator gets; `undefined` means "no filter fault applies,
 * use the strict one", so the strict path stays untouched.
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
  if (ctx.faults.has('ordering-inclusive')) {
    // The off-by-one of a server that maps gt/lt onto its store's >=/<= operators.
    const inclusive = { gt: 'ge', lt: 'le' } as const;
    return combine(filter, (leaf) => compileFilter(leaf.op === 'gt' || leaf.op === 'lt' ? ({ ...leaf, op: inclusive[leaf.op] } as FilterNode) : leaf, strict));
  }
  if (ctx.faults.has('filter-values-as-regex')) {
    return combine(filter, (leaf) => regexLeaf(leaf) ?? compileFilter(leaf, strict));
  }
  return undefined;
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
