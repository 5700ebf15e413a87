/**
 * What the target's own /Schemas and /ResourceTypes say a User may carry (RFC 7643 §6, §7), so payloads only
 * use attributes the target declares (issue 10, false-alarm class 2). Pure functions over ctx.target.
 *
 * A target that publishes no User schema is read as the RFC 7643 §4.1 core User (the same assumption
 * src/harness/fixtures.ts makes): the discovery checks report the missing schema; the other checks go on.
 */
import type { CheckContext, TargetInfo } from '../../check.ts';
import { COMMON_ATTRIBUTES } from '../../../scim/core-attributes.ts';
import { SchemaRegistry } from '../../../scim/schema-registry.ts';
import { SCHEMA_URN, type AttributeDef, type SchemaDef } from '../../../scim/types.ts';
import { isObject } from './attributes.ts';

/** The parts of TargetInfo the schema view reads. */
export type SchemaSource = Pick<TargetInfo, 'schemas' | 'resourceTypes' | 'endpoints'>;

const lower = (s: string) => s.toLowerCase();

export interface UserSchemaView {
  /** The User resource type's base schema (RFC 7643 §6 `schema`). */
  core: SchemaDef;
  /** Its declared extensions that the target also describes in /Schemas (RFC 7643 §6 `schemaExtensions`). */
  extensions: { schema: SchemaDef; required: boolean }[];
  /** True when the target published no User schema and the RFC 7643 core User is assumed. */
  assumed: boolean;
}

/** The User schemas of a target, core first (RFC 7643 §6); the RFC core User when the target publishes none. */
export function userSchemaView(target: SchemaSource): UserSchemaView {
  const byId = (urn: string) => target.schemas.find((s) => lower(s.id) === lower(urn));
  const usersEp = lower(target.endpoints.users);
  const rt =
    target.resourceTypes.find((r) => lower(`/${r.endpoint.replace(/^\//, '')}`) === usersEp) ??
    target.resourceTypes.find((r) => lower(r.name) === 'user');
  const core = byId(rt?.schema ?? SCHEMA_URN.user);
  if (!core) {
    const rfc = SchemaRegistry.fromSpecs();
    return { core: rfc.schema(SCHEMA_URN.user) as SchemaDef, extensions: [], assumed: true };
  }
  const extensions = (rt?.schemaExtensions ?? [])
    .map((e) => ({ schema: byId(e.schema), required: e.required }))
    .filter((e): e is { schema: SchemaDef; required: boolean } => e.schema !== undefined);
  return { core, extensions, assumed: false };
}

function findAttr(attrs: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  // RFC 7643 §2.1: attribute names are case-insensitive.
  return attrs?.find((a) => lower(a.name) === lower(name));
}

/** Splits `urn:…:Ext:attr.sub` / `attr.sub` into its schema URN (if any) and the attribute path (RFC 7644 §3.10). */
export function splitPath(path: string): { urn?: string; attr: string; sub?: string } {
  const colon = path.lastIndexOf(':');
  const urn = colon > 0 ? path.slice(0, colon) : undefined;
  const rest = colon > 0 ? path.slice(colon + 1) : path;
  const [attr, sub] = rest.split('.', 2) as [string, string | undefined];
  return { urn, attr, sub };
}

/**
 * The definition of a User attribute path when the target declares it: `title`, `name.givenName`,
 * `emails.type`, `urn:…:enterprise:2.0:User:department`. Common attributes (RFC 7643 §3.1: id, externalId,
 * meta) belong to every resource, so they are always declared.
 */
export function declaredIn(view: UserSchemaView, path: string): AttributeDef | undefined {
  const { urn, attr, sub } = splitPath(path);
  let def: AttributeDef | undefined;
  if (urn === undefined || lower(urn) === lower(view.core.id)) {
    def = findAttr(view.core.attributes, attr) ?? findAttr(COMMON_ATTRIBUTES, attr);
  } else {
    def = findAttr(view.extensions.find((e) => lower(e.schema.id) === lower(urn))?.schema.attributes, attr);
  }
  if (!def || sub === undefined) return def;
  return findAttr(def.subAttributes, sub);
}

/** `declaredIn` for the check's target. */
export function declared(ctx: CheckContext, path: string): AttributeDef | undefined {
  return declaredIn(userSchemaView(ctx.target), path);
}

/** Skips the check unless the target's User schema declares every path, naming the first one missing. */
export function requireDeclared(ctx: CheckContext, ...paths: string[]): void {
  const view = userSchemaView(ctx.target);
  for (const p of paths) {
    if (!declaredIn(view, p)) ctx.skip(`the target's User schema declares no ${p} (RFC 7643 §7: payloads use only attributes the target's /Schemas declares)`);
  }
}

/** True when the User resource type declares the extension (RFC 7643 §6 schemaExtensions) and /Schemas describes it. */
export function hasExtension(view: UserSchemaView, urn: string): boolean {
  return view.extensions.some((e) => lower(e.schema.id) === lower(urn));
}

/** Keeps the keys of a complex value whose sub-attributes `def` declares. */
function conformComplex(value: unknown, def: AttributeDef): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (findAttr(def.subAttributes, k)) out[k] = v;
  return out;
}

function conformValue(value: unknown, def: AttributeDef): unknown {
  if (def.type !== 'complex' || !def.subAttributes || def.subAttributes.length === 0) return value;
  return Array.isArray(value) ? value.map((v) => conformComplex(v, def)) : conformComplex(value, def);
}

/** An empty complex value or list says nothing: drop it rather than send `{}` (RFC 7643 §2.5 unassigned). */
function isEmptyValue(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0 || v.every((e) => isObject(e) && Object.keys(e).length === 0);
  return isObject(v) && Object.keys(v).length === 0;
}

/**
 * A copy of a User body holding only what the target declares: undeclared attributes, sub-attributes and
 * extensions are dropped, and `schemas` lists only the extensions still carried (RFC 7643 §3).
 * `schemas`, `id` and the common attributes stay. Checks that mean to send an undeclared attribute do not use this.
 */
export function conformUserBody(view: UserSchemaView, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const kept = new Set<string>();
  for (const [k, v] of Object.entries(body)) {
    if (lower(k) === 'schemas') continue;
    if (k.includes(':')) {
      const ext = view.extensions.find((e) => lower(e.schema.id) === lower(k));
      if (!ext || !isObject(v)) continue;
      const inner: Record<string, unknown> = {};
      for (const [ik, iv] of Object.entries(v)) {
        const def = findAttr(ext.schema.attributes, ik);
        if (def) inner[ik] = conformValue(iv, def);
      }
      if (Object.keys(inner).length > 0) {
        out[k] = inner;
        kept.add(lower(k));
      }
      continue;
    }
    const def = findAttr(view.core.attributes, k) ?? findAttr(COMMON_ATTRIBUTES, k);
    if (!def) continue;
    const value = conformValue(v, def);
    if (!isEmptyValue(value)) out[k] = value;
  }
  const listed = Array.isArray(body.schemas) ? (body.schemas as unknown[]).filter((s): s is string => typeof s === 'string') : [];
  const schemas = listed.filter((s) => lower(s) === lower(view.core.id) || kept.has(lower(s)));
  if (!schemas.some((s) => lower(s) === lower(view.core.id))) schemas.unshift(view.core.id);
  for (const urn of kept) if (!schemas.some((s) => lower(s) === urn)) schemas.push(view.extensions.find((e) => lower(e.schema.id) === urn)!.schema.id);
  return { schemas, ...out };
}
