/**
 * Sorting list results (RFC 7644 §3.4.2.3). Pure and stable: resources with equal sort values keep
 * their incoming order, so paging over a sorted list is repeatable.
 */
import { compareValues } from './compare.ts';
import { containerOf, flattenValues, getMember, isPlainObject, resolvePath, type ResourceContext } from './resource-access.ts';
import type { AttrPath, AttributeDef, ScimResource } from './types.ts';

export type SortOrder = 'ascending' | 'descending';

/** The single value a resource is sorted by, and the definition that says how to compare it. */
function sortKey(resource: ScimResource, sortBy: AttrPath, ctx: ResourceContext): unknown {
  const raw = getMember(containerOf(resource, sortBy, ctx), sortBy.attr);
  const resolved = resolvePath(sortBy, ctx);
  let picked: unknown = raw;
  if (resolved?.attr.multiValued || Array.isArray(raw)) {
    const values = flattenValues(raw);
    // RFC 7644 §3.4.2.3: multi-valued attributes sort "by the value of the primary attribute, if any,
    // or else the first value in the list, if any".
    picked = values.find((v) => isPlainObject(v) && getMember(v, 'primary') === true) ?? values[0];
  }
  if (sortBy.subAttr === undefined) return picked;
  return isPlainObject(picked) ? getMember(picked, sortBy.subAttr) : undefined;
}

function definitionOf(sortBy: AttrPath, ctx: ResourceContext): AttributeDef | undefined {
  const resolved = resolvePath(sortBy, ctx);
  return resolved?.sub ?? resolved?.attr;
}

/**
 * Returns a new array sorted by `sortBy`. RFC 7644 §3.4.2.3: the order defaults to ascending; strings
 * follow the attribute's caseExact; resources without a value "are ordered last if ascending and
 * first if descending".
 */
export function sortResources<T extends ScimResource>(
  list: readonly T[],
  sortBy: AttrPath,
  order: SortOrder | undefined,
  ctx: ResourceContext,
): T[] {
  const def = definitionOf(sortBy, ctx);
  const direction = order === 'descending' ? -1 : 1;
  const keyed = list.map((resource, index) => ({ resource, index, key: sortKey(resource, sortBy, ctx) }));
  keyed.sort((a, b) => {
    // compareValues puts missing values last; negating for descending puts them first, as the RFC says.
    const c = direction * compareValues(a.key, b.key, def);
    return c !== 0 ? c : a.index - b.index;
  });
  return keyed.map((k) => k.resource);
}
