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

/**
 * Where a path's attribute lives: the top level (undefined), or the extension object under a URN key.
 * `known` says the registry placed it there; an unknown URN may also just be the core schema's.
 */
interface Place {
  key?: string;
  known: boolean;
}

function placeOf(path: AttrPath, ctx?: ResourceContext): Place {
  const resolved = ctx ? resolvePath(path, ctx) : undefined;
  if (resolved) return { key: resolved.isExtension ? resolved.schemaUrn : undefined, known: true };
  return { key: path.schema, known: false };
}

function containerIn(resource: unknown, place: Place): unknown {
  if (place.key === undefined) return resource;
  const found = findKey(resource, place.key);
  if (found !== undefined) return (resource as Record<string, unknown>)[found];
  // A known extension the resource does not carry holds nothing; an unknown URN falls back to the top level.
  return place.known ? undefined : resource;
}

/** The object that holds a path's attribute: the resource itself, or its extension object. */
export function containerOf(resource: unknown, path: AttrPath, ctx?: ResourceContext): unknown {
  return containerIn(resource, placeOf(path, ctx));
}

/**
 * A reader for `path`, resolved against the registry once and applied to many resources:
 * every value at the path, flattened (`emails.type` gives the type of each email, an absent
 * attribute nothing).
 */
export function pathReader(path: AttrPath, ctx?: ResourceContext): (resource: unknown) => unknown[] {
  const place = placeOf(path, ctx);
  const sub = path.subAttr;
  return (resource) => {
    const values = flattenValues(getMember(containerIn(resource, place), path.attr));
    if (sub === undefined) return values;
    // RFC 7644 §3.4.2.2: a sub-attribute of a multi-valued attribute is read from every element.
    return values.flatMap((v) => (isPlainObject(v) ? flattenValues(getMember(v, sub)) : []));
  };
}

/** Every value at `path` in the resource, flattened (see pathReader). */
export function getPathValues(resource: unknown, path: AttrPath, ctx?: ResourceContext): unknown[] {
  return pathReader(path, ctx)(resource);
}
