/**
 * What the property suites need to know about a target before generating anything: which features it
 * advertises (RFC 7643 §5), its schemas as a registry (so the model reads caseExact, mutability and
 * types the way the target declares them), its endpoints, and its page size limit.
 */
import type { HttpClient } from '../check.ts';
import { SchemaRegistry, registryFromDiscovery } from '../../scim/schema-registry.ts';
import { SCHEMA_URN } from '../../scim/types.ts';

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
}

const listOf = (json: any): unknown[] => (Array.isArray(json?.Resources) ? json.Resources : Array.isArray(json) ? json : []);

/** Reads /ServiceProviderConfig, /Schemas and /ResourceTypes (RFC 7644 §4); `deprovision` comes from the run's config. */
export async function discoverTarget(http: HttpClient, deprovision: 'delete' | 'disable' = 'delete'): Promise<PropertyTarget> {
  const spcRes = await http.send({ method: 'GET', path: '/ServiceProviderConfig' });
  const spc = spcRes.status === 200 ? spcRes.json : undefined;
  const schemasRes = await http.send({ method: 'GET', path: '/Schemas' });
  const typesRes = await http.send({ method: 'GET', path: '/ResourceTypes' });
  const schemas = schemasRes.status === 200 ? listOf(schemasRes.json) : [];
  const types = typesRes.status === 200 ? listOf(typesRes.json) : [];
  let registry = registryFromDiscovery(schemas, types);
  // A target whose discovery we cannot use is judged against the RFC's own schemas (RFC 7643 §8.7).
  if (!registry.resourceType('User') || !registry.schema(SCHEMA_URN.user)) registry = SchemaRegistry.fromSpecs();
  const users = registry.resourceType('User')?.endpoint ?? '/Users';
  const groupType = registry.resourceType('Group');
  const groups = groupType && registry.schema(groupType.schema) ? groupType.endpoint : undefined;
  const supported = (k: string) => spc?.[k]?.supported === true || spc?.[k]?.supported === 'true';
  const maxResults = Number(spc?.filter?.maxResults);
  const userType = registry.resourceType('User');
  return {
    registry,
    endpoints: { users, ...(groups ? { groups } : {}) },
    patch: supported('patch'),
    filter: supported('filter'),
    sort: supported('sort'),
    deprovision,
    ...(Number.isInteger(maxResults) && maxResults > 0 ? { maxResults } : {}),
    enterprise:
      !!userType?.schemaExtensions?.some((e) => e.schema.toLowerCase() === SCHEMA_URN.enterpriseUser.toLowerCase()) &&
      !!registry.schema(SCHEMA_URN.enterpriseUser),
  };
}
