/**
 * What the property suites need to know about a target before generating anything: which features it
 * advertises (RFC 7643 §5), its schemas as a registry (so the model reads caseExact, mutability and
 * types the way the target declares them), its endpoints, and its page size limit.
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../check.ts';
import { TransportError } from '../http-client.ts';
import { SchemaRegistry, registryFromDiscovery } from '../../scim/schema-registry.ts';
import { printFilter } from '../../scim/filter/index.ts';
import { SCHEMA_URN, type AttrPath, type FilterNode } from '../../scim/types.ts';
import type { Scope } from './filters.ts';
import { FILTER_FEATURES, type FilterFeature } from './arbitraries.ts';

export interface PropertyTarget {
  registry: SchemaRegistry;
  endpoints: { users: string; groups?: string };
  /** RFC 7643 §5 ServiceProviderConfig `*.supported`. */
  patch: boolean;
  filter: boolean;
  sort: boolean;
  /** RFC 7643 §5 filter.maxResults, when advertised. */
  maxResults?: number;
  /** The User resource type carries the enterprise extension (RFC 7643 §4.3). */
  enterprise: boolean;
  /**
   * What DELETE /Users/{id} does, as the run's config says (`deprovision`): 'delete' removes (RFC 7644 §3.6);
   * 'disable' keeps the user with active false (Files.com-style, docs/policy.md). The RFC cannot tell; the user does.
   */
  deprovision: 'delete' | 'disable';
  /** How a list is restricted to one run's users (filters.ts), learned once. */
  scope: Scope;
  /** The filter operators the target answered when probed (RFC 7644 §3.12: it may refuse any); generated filters use only these. */
  filterFeatures: ReadonlySet<FilterFeature>;
}

/** One small filter per feature of the grammar, on userName (REQUIRED of every User, RFC 7643 §4.1.1). */
function probeFor(f: FilterFeature, v: string): FilterNode {
  const eq = (x: string): FilterNode => ({ op: 'eq', path: { attr: 'userName' }, value: x });
  switch (f) {
    case 'pr':
      return { op: 'pr', path: { attr: 'userName' } };
    case 'and':
    case 'or':
      return { op: f, left: eq(v), right: eq(`${v}-x`) };
    case 'not':
      return { op: 'not', filter: eq(v) };
    case 'valuePath':
      return { op: 'valuePath', path: { attr: 'emails' }, filter: { op: 'eq', path: { attr: 'type' }, value: v } };
    default:
      return { op: f, path: { attr: 'userName' }, value: v };
  }
}

/** Which features of the filter grammar the target answers (200 with a ListResponse), each probed once. */
async function learnFilterFeatures(http: HttpClient, users: string, filter: boolean): Promise<Set<FilterFeature>> {
  if (!filter) return new Set();
  const v = `scimcheck-op-probe-${Math.random().toString(36).slice(2, 8)}`;
  const out = new Set<FilterFeature>();
  for (const f of FILTER_FEATURES) if (await accepts(http, users, probeFor(f, v))) out.add(f);
  return out;
}

/** Optional single-valued strings a run may tag its users with, most natural first (RFC 7643 §4.1.1). */
const TAG_CANDIDATES: AttrPath[] = [{ attr: 'displayName' }, { attr: 'name', subAttr: 'familyName' }, { attr: 'name', subAttr: 'givenName' }, { attr: 'title' }, { attr: 'nickName' }];

/** A declared attribute a client may set freely to the same value on many users, and read back by default. */
function tagAttribute(registry: SchemaRegistry): AttrPath | undefined {
  return TAG_CANDIDATES.find((p) => {
    const r = registry.resolve('User', p);
    const d = r?.sub ?? r?.attr;
    // RFC 7643 §2.2: string, single-valued, readWrite, returned by default, no uniqueness.
    return !!d && d.type === 'string' && !d.multiValued && d.mutability === 'readWrite' && (d.returned === 'default' || d.returned === 'always') && d.uniqueness === 'none' && (!r!.sub || !r!.attr.multiValued);
  });
}

/**
 * One request of the suite's discovery; no usable answer (an answer past the size cap, a timeout, a reset) is
 * undefined, as a refusal would be: the target's answer, never a reason for the suite to throw (issue 11 #13, #16:
 * it ended the whole suite `errored`). A stopped run (deadline, Ctrl-C) still stops it.
 */
async function probe(http: HttpClient, req: HttpRequest): Promise<HttpResponse | undefined> {
  try {
    return await http.send(req);
  } catch (e) {
    if (e instanceof TransportError && e.kind !== 'aborted') return undefined;
    throw e;
  }
}

/** Whether the target answers a list query with this filter (RFC 7644 §3.4.2: 200 and a ListResponse). */
async function accepts(http: HttpClient, users: string, filter: FilterNode): Promise<boolean> {
  const res = await probe(http, { method: 'GET', path: users, query: { filter: printFilter(filter), count: 1 } });
  if (!res) return false;
  return res.status === 200 && !!res.json && typeof res.json === 'object' && (Array.isArray(res.json.Resources) || Number(res.json.totalResults) === 0);
}

/**
 * Learns once how to restrict a list to one run (filters.ts Scope), asking only what the target supports: RFC 7644
 * §3.12 lets it refuse `sw` (or any comparison) with invalidFilter.
 */
async function learnScope(http: HttpClient, users: string, registry: SchemaRegistry, filter: boolean): Promise<Scope> {
  if (!filter) return { kind: 'none', why: 'the target does not advertise filter' };
  const probe = `scimcheck-scope-probe-${Math.random().toString(36).slice(2, 8)}`;
  const other: FilterNode = { op: 'eq', path: { attr: 'userName' }, value: `${probe}-x` };
  if (await accepts(http, users, { op: 'and', left: { op: 'sw', path: { attr: 'userName' }, value: probe }, right: other })) return { kind: 'sw' };
  const tag = tagAttribute(registry);
  if (tag && (await accepts(http, users, { op: 'and', left: { op: 'eq', path: tag, value: probe }, right: other }))) return { kind: 'tag', path: tag };
  return { kind: 'none', why: `the target refuses \`userName sw "…" and (…)\`${tag ? ` and \`${tag.subAttr ? `${tag.attr}.${tag.subAttr}` : tag.attr} eq "…" and …\`` : ' and declares no optional string attribute to tag the run\'s users with'}, so no list can be restricted to the run's users` };
}

const listOf = (json: any): unknown[] => (Array.isArray(json?.Resources) ? json.Resources : Array.isArray(json) ? json : []);

/** Reads /ServiceProviderConfig, /Schemas and /ResourceTypes (RFC 7644 §4); `deprovision` comes from the run's config. */
export async function discoverTarget(http: HttpClient, deprovision: 'delete' | 'disable' = 'delete'): Promise<PropertyTarget> {
  const spcRes = await probe(http, { method: 'GET', path: '/ServiceProviderConfig' });
  const spc = spcRes?.status === 200 ? spcRes.json : undefined;
  const schemasRes = await probe(http, { method: 'GET', path: '/Schemas' });
  const typesRes = await probe(http, { method: 'GET', path: '/ResourceTypes' });
  const schemas = schemasRes?.status === 200 ? listOf(schemasRes.json) : [];
  const types = typesRes?.status === 200 ? listOf(typesRes.json) : [];
  let registry = registryFromDiscovery(schemas, types);
  // A target whose discovery we cannot use is judged against the RFC's own schemas (RFC 7643 §8.7).
  if (!registry.resourceType('User') || !registry.schema(SCHEMA_URN.user)) registry = SchemaRegistry.fromSpecs();
  const users = registry.resourceType('User')?.endpoint ?? '/Users';
  const groupType = registry.resourceType('Group');
  const groups = groupType && registry.schema(groupType.schema) ? groupType.endpoint : undefined;
  const supported = (k: string) => spc?.[k]?.supported === true || spc?.[k]?.supported === 'true';
  const maxResults = Number(spc?.filter?.maxResults);
  const userType = registry.resourceType('User');
  const scope = await learnScope(http, users, registry, supported('filter'));
  const filterFeatures = await learnFilterFeatures(http, users, supported('filter'));
  return {
    registry,
    endpoints: { users, ...(groups ? { groups } : {}) },
    patch: supported('patch'),
    filter: supported('filter'),
    sort: supported('sort'),
    deprovision,
    scope,
    filterFeatures,
    ...(Number.isInteger(maxResults) && maxResults > 0 ? { maxResults } : {}),
    enterprise:
      !!userType?.schemaExtensions?.some((e) => e.schema.toLowerCase() === SCHEMA_URN.enterpriseUser.toLowerCase()) &&
      !!registry.schema(SCHEMA_URN.enterpriseUser),
  };
}
