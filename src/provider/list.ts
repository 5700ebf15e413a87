/**
 * RFC 7644 §3.4.2 / §3.4.3: listing and searching resources — filter, sort, page, project — with the
 * store's case-folded indexes used for the equality lookups IdPs send before every create.
 */
import { scimError, isScimError } from '../scim/errors.ts';
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type FilterNode, type ListQuery, type ListResponse, type ScimResource, type AttrPath } from '../scim/types.ts';
import { compileFilter, normalizePaging, pageOf, projectResource, sortResources, validateFilter } from './core.ts';
import type { FaultSet } from './faults.ts';
import type { VariantSet } from './variants.ts';
import { faultyMatcher, rewriteForFaults } from './fault-filters.ts';
import type { IndexedAttr, ResourceKind, ResourceStore } from './store.ts';
import type { Stored } from './resources.ts';

const INDEXED_ATTRS: Record<ResourceKind, IndexedAttr[]> = {
  User: ['userName', 'externalId'],
  Group: ['displayName', 'externalId'],
};
const CORE_URN: Record<ResourceKind, string> = { User: SCHEMA_URN.user, Group: SCHEMA_URN.group };

/**
 * A top-level `attr eq "v"` on an indexed attribute, or one inside an `and` (which can only narrow it):
 * the index then yields every candidate, and the full filter still decides.
 */
export function indexableEquality(node: FilterNode, kind: ResourceKind): { attr: IndexedAttr; value: string } | undefined {
  if (node.op === 'and') return indexableEquality(node.left, kind) ?? indexableEquality(node.right, kind);
  if (node.op !== 'eq' || typeof node.value !== 'string' || node.path.subAttr !== undefined) return undefined;
  if (node.path.schema !== undefined && node.path.schema.toLowerCase() !== CORE_URN[kind].toLowerCase()) return undefined;
  const attr = INDEXED_ATTRS[kind].find((a) => a.toLowerCase() === node.path.attr.toLowerCase());
  return attr ? { attr, value: node.value } : undefined;
}

// The case faults' registry copy lives with the other filter faults; re-exported for create-provider.
export { withCaseExact } from './fault-filters.ts';

export interface ListContext {
  registry: SchemaRegistry;
  /** The registry filters are evaluated with: the strict one, or a case-exact copy under a case fault. */
  filterRegistry: SchemaRegistry;
  store: ResourceStore;
  faults: FaultSet;
  /** eq-only-filters and empty-list-no-resources change what a list accepts and answers. */
  variants?: VariantSet;
  maxResults: number;
  present(kind: ResourceKind, stored: Stored): Promise<ScimResource>;
  /**
   * The JSON text of a resource's default answer (no attributes / excludedAttributes, RFC 7644 §3.9), as a GET
   * of it would send it, from the render cache (render-cache.ts); `view` is its wire form when the filter
   * already built it. Given only while the cache is on; listResponseText then builds the envelope around it.
   */
  resourceText?(kind: ResourceKind, stored: Stored, view: ScimResource | undefined): Promise<string>;
}

interface Candidate {
  kind: ResourceKind;
  stored: Stored;
  /** The wire form, built only when a filter, a sort or the page needs it (a plain page of 100k stays cheap). */
  view?: ScimResource;
}

async function viewOf(c: Candidate, ctx: ListContext): Promise<ScimResource> {
  if (!c.view) c.view = await ctx.present(c.kind, c.stored);
  return c.view;
}

/**
 * Attributes whose wire value is the stored value itself: present() copies the record and changes only
 * password, meta, groups and members (and a policy adds its extension and `schemas`), so a filter that reads
 * nothing but these matches the stored record exactly as it matches the wire form, without building it.
 */
const VERBATIM: Record<ResourceKind, ReadonlySet<string>> = {
  User: new Set(['id', 'username', 'externalid', 'displayname']),
  Group: new Set(['id', 'displayname', 'externalid']),
};

/** True when every path of the filter is a top-level core attribute in VERBATIM (no sub-attribute, no value path). */
export function readsOnlyVerbatim(node: FilterNode, kind: ResourceKind): boolean {
  switch (node.op) {
    case 'and':
    case 'or':
      return readsOnlyVerbatim(node.left, kind) && readsOnlyVerbatim(node.right, kind);
    case 'not':
      return readsOnlyVerbatim(node.filter, kind);
    case 'valuePath':
      return false;
    default:
      return (
        node.path.subAttr === undefined &&
        (node.path.schema === undefined || node.path.schema.toLowerCase() === CORE_URN[kind].toLowerCase()) &&
        VERBATIM[kind].has(node.path.attr.toLowerCase())
      );
  }
}

async function candidatesOf(kind: ResourceKind, filter: FilterNode | undefined, ctx: ListContext): Promise<Candidate[]> {
  // Under filter-values-as-regex a value is a pattern, so no index lookup can find its candidates.
  const eq = filter && !ctx.faults.has('filter-values-as-regex') ? indexableEquality(filter, kind) : undefined;
  let stored: ScimResource[];
  if (eq) {
    const ids = await ctx.store.lookup(kind, eq.attr, eq.value);
    if (ids) {
      stored = [];
      for (const id of ids) {
        const r = await ctx.store.get(kind, id);
        if (r) stored.push(r);
      }
    } else stored = await ctx.store.list(kind);
  } else stored = await ctx.store.list(kind);
  return stored.map((r) => ({ kind, stored: r as Stored }));
}

/**
 * eq-only-filters variant: the filter may compare only with `eq` and combine only with `and` (grouping
 * parentheses are fine: they leave no trace in the tree). RFC 7644 §3.12 invalidFilter covers a "filter
 * comparison combination [that] is not supported"; Group PATCH paths like members[value eq "x"] are not list
 * filters and stay supported.
 */
export function refuseBeyondEqAnd(node: FilterNode): void {
  switch (node.op) {
    case 'and':
      refuseBeyondEqAnd(node.left);
      refuseBeyondEqAnd(node.right);
      return;
    case 'eq':
      return;
    case 'valuePath':
      throw scimError.invalidFilter('value paths (attr[...]) are not supported in filters here: this provider filters only with "eq" and "and"');
    default:
      throw scimError.invalidFilter(`the operator "${node.op}" is not supported: this provider filters only with "eq" and "and"`);
  }
}

/**
 * Lists `kinds` (one for /Users or /Groups, all for the root /.search, RFC 7644 §3.4.3).
 * For several kinds a filter only has to be valid for one of them; kinds it does not fit are skipped.
 */
export async function listResources(kinds: ResourceKind[], query: ListQuery, ctx: ListContext): Promise<ListResponse> {
  const { page, paging, total } = await selectPage(kinds, query, ctx);
  const excluded: AttrPath[] | undefined = ctx.faults.has('excluded-attributes-ignored') ? undefined : query.excludedAttributes;
  const attributes: AttrPath[] | undefined = ctx.faults.has('attributes-ignored') ? undefined : query.attributes;
  const Resources: ScimResource[] = [];
  for (const c of page) {
    // RFC 7644 §3.4.2.5: attributes / excludedAttributes shape each returned resource.
    Resources.push(projectResource(await viewOf(c, ctx), { attributes, excludedAttributes: excluded }, { registry: ctx.registry, resourceType: c.kind }));
  }
  const out: ListResponse = { ...envelope(total, paging.startIndex, Resources.length, ctx), Resources };
  // RFC 7644 §3.4.2: Resources is "REQUIRED if totalResults is non-zero"; the variant leaves it out otherwise.
  if (ctx.variants?.has('empty-list-no-resources') && out.totalResults === 0) delete (out as Partial<ListResponse>).Resources;
  return out;
}

/** The ListResponse fields before Resources, in the order JSON.stringify writes them. */
function envelope(total: number, startIndex: number, itemsPerPage: number, ctx: ListContext): Omit<ListResponse, 'Resources'> {
  // RFC 7644 §3.4.2: totalResults counts every match, not just this page.
  // Fault items-per-page-total: itemsPerPage reports every match, not this page (RFC 7644 §3.4.2).
  return plainEnvelope(ctx.faults.has('total-results-wrong') ? itemsPerPage : total, startIndex, ctx.faults.has('items-per-page-total') ? total : itemsPerPage);
}

/**
 * listResources as JSON text, the same characters JSON.stringify(listResources(...)) gives: when the query
 * shapes nothing (no attributes / excludedAttributes) and ctx.resourceText is given, each resource's text
 * comes from the render cache and the envelope is written around those texts (issue 11 "Honest benchmarks":
 * an IdP's `userName eq` before every create then neither projects nor serialises its result again).
 */
export async function listResponseText(kinds: ResourceKind[], query: ListQuery, ctx: ListContext): Promise<string> {
  const resourceText = ctx.resourceText;
  if (!resourceText || query.attributes || query.excludedAttributes) return JSON.stringify(await listResources(kinds, query, ctx));
  const { page, paging, total } = await selectPage(kinds, query, ctx);
  const head = envelope(total, paging.startIndex, page.length, ctx);
  if (ctx.variants?.has('empty-list-no-resources') && head.totalResults === 0) return JSON.stringify(head);
  const texts: string[] = [];
  for (const c of page) texts.push(await resourceText(c.kind, c.stored, c.view));
  return listTextAround(head, texts);
}

const LIST_SCHEMAS = JSON.stringify([SCHEMA_URN.listResponse]);

/**
 * A ListResponse's JSON text from its envelope and its resources' texts: what JSON.stringify of the whole gives
 * (the envelope's fields in plainEnvelope's order; its three numbers are integers, which JSON writes as String does).
 */
export function listTextAround(head: Omit<ListResponse, 'Resources'>, texts: readonly string[]): string {
  const resources = texts.length === 1 ? texts[0] : texts.join(',');
  return `{"schemas":${LIST_SCHEMAS},"totalResults":${head.totalResults},"startIndex":${head.startIndex},"itemsPerPage":${head.itemsPerPage},"Resources":[${resources}]}`;
}

/** The envelope of a list answer with no fault in play: the fast lane's, and envelope()'s under no fault. */
export function plainEnvelope(total: number, startIndex: number, itemsPerPage: number): Omit<ListResponse, 'Resources'> {
  return { schemas: [SCHEMA_URN.listResponse], totalResults: total, startIndex, itemsPerPage };
}

/** Filter, sort and page (RFC 7644 §3.4.2.2–§3.4.2.4): the page's candidates and the count of every match. */
async function selectPage(kinds: ResourceKind[], query: ListQuery, ctx: ListContext): Promise<{ page: Candidate[]; paging: { startIndex: number }; total: number }> {
  if (query.filter && ctx.variants?.has('eq-only-filters')) refuseBeyondEqAnd(query.filter);
  const filter = ctx.faults.has('filter-ignored') ? undefined : query.filter;
  let usable = kinds;
  if (filter) {
    const errors: unknown[] = [];
    usable = kinds.filter((kind) => {
      try {
        // RFC 7644 §3.4.2.2: unknown attributes, bad operators for a type, or writeOnly attributes → invalidFilter.
        validateFilter(filter, { registry: ctx.registry, resourceType: kind });
        return true;
      } catch (err) {
        errors.push(err);
        return false;
      }
    });
    if (usable.length === 0) {
      const first = errors[0];
      throw isScimError(first) ? first : scimError.invalidFilter('The filter is not valid for this resource type');
    }
  }

  // Operator and logic faults: the server evaluates (and index-narrows) the filter as it misreads it.
  const evaluated = filter && rewriteForFaults(filter, ctx.faults);
  let matched: Candidate[] = [];
  for (const kind of usable) {
    const candidates = await candidatesOf(kind, evaluated, ctx);
    if (!evaluated) matched.push(...candidates);
    else {
      // Compiled once per request and kind, then run over every candidate.
      const faulty = faultyMatcher(evaluated, { registry: ctx.registry, faults: ctx.faults, resourceType: kind });
      const matches = faulty ?? compileFilter(evaluated, { registry: ctx.filterRegistry, resourceType: kind });
      // A filter on attributes the wire form copies verbatim (userName eq, externalId eq...) is run on the record.
      const onRecord = faulty === undefined && readsOnlyVerbatim(evaluated, kind);
      for (const c of candidates) if (matches(onRecord ? c.stored : await viewOf(c, ctx))) matched.push(c);
    }
  }

  // RFC 7644 §3.4.2.3: sortBy orders the whole result before paging.
  if (query.sortBy && !ctx.faults.has('sort-ignored')) {
    const views: ScimResource[] = [];
    for (const c of matched) views.push(await viewOf(c, ctx));
    const byView = new Map(matched.map((c) => [c.view!, c]));
    const sorted = sortResources(
      views,
      query.sortBy,
      query.sortOrder ?? 'ascending',
      { registry: ctx.registry, resourceType: usable[0]! },
    );
    matched = sorted.map((v: ScimResource) => byView.get(v)!);
  }

  // RFC 7644 §3.4.2.4: 1-based startIndex, count capped at maxResults (filter.maxResults, RFC 7643 §5).
  const paging = normalizePaging(
    {
      startIndex: ctx.faults.has('start-index-ignored') ? undefined : query.startIndex,
      count: ctx.faults.has('count-ignored') ? undefined : query.count,
    },
    { maxResults: ctx.faults.has('count-ignored') ? Math.max(matched.length, 1) : ctx.maxResults },
  );
  const count = ctx.faults.has('count-ignored') ? matched.length : paging.count;
  const page = pageOf(matched, paging.startIndex, count);
  return { page, paging, total: matched.length };
}
