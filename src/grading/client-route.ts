/**
 * Where a request goes, read from its path relative to the SCIM base (RFC 7644 §3.2 endpoints): a resource
 * type's endpoint, one resource, a /.search, /Bulk, or something the client grader has nothing to say about.
 */
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import type { ResourceTypeDef } from '../scim/types.ts';

export type Route =
  | { kind: 'collection'; rt: ResourceTypeDef }
  | { kind: 'resource'; rt: ResourceTypeDef; id: string }
  /** POST /.search (any type) or POST /Users/.search (RFC 7644 §3.4.3). */
  | { kind: 'search'; rt?: ResourceTypeDef }
  | { kind: 'bulk' }
  | { kind: 'other' };

const eqi = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function routeOf(path: string, registry: SchemaRegistry): Route {
  const segments = path.split('?')[0]!.split('/').filter((s) => s !== '');
  if (segments.length === 1 && segments[0] === '.search') return { kind: 'search' };
  if (segments.length === 1 && eqi(segments[0]!, 'Bulk')) return { kind: 'bulk' };
  if (segments.length === 0 || segments.length > 2) return { kind: 'other' };
  // Only endpoints, never names: "/User" is no route even though a resource type is named "User".
  const rt = registry.resourceTypes().find((t) => eqi(t.endpoint.replace(/^\/+/, ''), segments[0]!));
  if (!rt) return { kind: 'other' };
  if (segments.length === 1) return { kind: 'collection', rt };
  if (segments[1] === '.search') return { kind: 'search', rt };
  return { kind: 'resource', rt, id: segments[1]! };
}
