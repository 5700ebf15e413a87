/**
 * Case-insensitive reading of SCIM resources (RFC 7643 §2.1: attribute names and schema URNs are
 * case insensitive), extension-aware: extension attributes live under their schema URN key
 * (RFC 7643 §3.3). Used by filtering, PATCH and projection.
 */
import type { ResolvedAttr, SchemaRegistry } from './schema-registry.ts';
import type { AttrPath } from './types.ts';

export interface ResourceContext {
  registry: SchemaRegistry;
  /** 'User', 'Group' (or an endpoint such as '/Users'). */
  resourceType: string;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The key of `obj` that matches `name` case-insensitively; an exact match wins over others. */
export function findKey(obj: unknown, name: string): string | undefined {
  if (!isPlainObject(obj)) return undefined;
  if (Object.hasOwn(obj, name)) return name;
  const wanted = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === wanted);
}

/** obj[name], matching the key case-insensitively. */
export function getMember(obj: unknown, name: string): unknown {
  const key = findKey(obj, name);
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}

/** Values as a flat list: arrays spread, null and undefined dropped. */
export function flattenValues(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter((x) => x !== undefined && x !== null);
  return [v];
}

/**
 * The registry's view of a path. An unprefixed name that the core schema lacks is looked up in the
 * resource type's extension schemas (RFC 7644 §3.10: the URN prefix is optional when unambiguous).
 */
export function resolvePath(path: AttrPath, ctx: ResourceContext): ResolvedAttr | undefined {
  const direct = ctx.registry.resolve(ctx.resourceType, path);
  if (direct || path.schema !== undefined) return direct;
  for (const owned of ctx.registry.schemasOf(ctx.resourceType)) {
    if (!owned.isExtension) continue;
    const found = ctx.registry.resolve(ctx.resourceType, { ...path, schema: owned.schema.id });
    if (found) return found;
  }
  return undefined;
}

/** The object that holds a path's attribute: the resource itself, or its extension object. */
export function containerOf(resource: unknown, path: AttrPath, ctx?: ResourceContext): unknown {
  const resolved = ctx ? resolvePath(path, ctx) : undefined;
  if (resolved) return resolved.isExtension ? getMember(resource, resolved.schemaUrn) : resource;
  // Unknown to the registry: an explicit URN that is a key of the resource names an extension object.
  if (path.schema !== undefined && findKey(resource, path.schema) !== undefined) return getMember(resource, path.schema);
  return resource;
}

/**
 * Every value at `path` in the resource, flattened: `emails.type` gives the type of each email,
 * `name.givenName` one string, an absent attribute nothing.
 */
export function getPathValues(resource: unknown, path: AttrPath, ctx?: ResourceContext): unknown[] {
  const container = containerOf(resource, path, ctx);
  const values = flattenValues(getMember(container, path.attr));
  if (path.subAttr === undefined) return values;
  const sub = path.subAttr;
  // RFC 7644 §3.4.2.2: a sub-attribute of a multi-valued attribute is read from every element.
  return values.flatMap((v) => (isPlainObject(v) ? flattenValues(getMember(v, sub)) : []));
}
