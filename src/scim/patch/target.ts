/**
 * What a PATCH path points at (RFC 7644 §3.5.2 "path"): an attribute, a sub-attribute, the values of
 * a multi-valued attribute a value filter selects (optionally one sub-attribute of them), or a whole
 * extension by its URN.
 */
import { parsePatchPath } from '../attribute-path.ts';
import { scimError } from '../errors.ts';
import { validateValueFilter } from '../filter/index.ts';
import { resolvePath } from '../resource-access.ts';
import type { AttrPath, AttributeDef, FilterNode } from '../types.ts';
import { resolveTopLevelKey, type AttrSlot, type ResourceContext } from '../validate-resource.ts';

export interface Target {
  /** The path as written, for messages. */
  text: string;
  slot: AttrSlot;
  /** The attribute's path, URN-qualified for extension attributes (the parent of a value filter). */
  attrPath: AttrPath;
  filter?: FilterNode;
  sub?: AttributeDef;
}

export type PathTarget = { kind: 'attr'; target: Target } | { kind: 'extension'; urn: string };

/**
 * Resolves a PATCH path. Syntax errors throw invalidPath (or invalidFilter inside "[...]", RFC 7644
 * §3.12 Table 9); a well-formed path naming no attribute of the resource type returns undefined.
 */
export function targetOf(text: string, ctx: ResourceContext): PathTarget | undefined {
  const pp = parsePatchPath(text);
  const { attrPath } = pp;
  if (!pp.valueFilter && attrPath.schema !== undefined && attrPath.subAttr === undefined) {
    // `urn:...:enterprise:2.0:User` parses as schema "...:2.0" + attr "User": the path names the extension itself.
    const r = resolveTopLevelKey(`${attrPath.schema}:${attrPath.attr}`, ctx);
    if (r?.kind === 'extension') return { kind: 'extension', urn: r.urn };
  }
  // RFC 7644 §3.10: the URN prefix may be left out; resolvePath then also looks in the extensions (Entra sends "manager").
  const resolved = resolvePath(attrPath, ctx);
  if (!resolved) return undefined;
  const slot: AttrSlot = { schemaUrn: resolved.schemaUrn, isExtension: resolved.isExtension, attr: resolved.attr };
  const qualified: AttrPath = { attr: resolved.attr.name };
  if (resolved.isExtension) qualified.schema = resolved.schemaUrn;
  const target: Target = { text, slot, attrPath: qualified };
  if (resolved.sub) target.sub = resolved.sub;
  if (pp.valueFilter) {
    // RFC 7644 §3.5.2: a value filter selects values of a multi-valued (complex) attribute.
    if (!resolved.attr.multiValued || resolved.attr.type !== 'complex') {
      throw scimError.invalidPath(`path '${text}': '${resolved.attr.name}' is not a multi-valued complex attribute, so it takes no [filter]`);
    }
    validateValueFilter(pp.valueFilter, qualified, ctx);
    target.filter = pp.valueFilter;
    if (pp.subAttr !== undefined) {
      const sub = resolved.attr.subAttributes?.find((s) => s.name.toLowerCase() === pp.subAttr!.toLowerCase());
      // RFC 7644 §3.12 Table 9: invalidPath, "the path attribute was invalid or malformed".
      if (!sub) throw scimError.invalidPath(`path '${text}': '${resolved.attr.name}' has no sub-attribute '${pp.subAttr}'`);
      target.sub = sub;
    }
  }
  return { kind: 'attr', target };
}

/** A path operation's target: like targetOf, but a path that names nothing is invalidPath. */
export function requireTarget(text: string, ctx: ResourceContext): PathTarget {
  const t = targetOf(text, ctx);
  // RFC 7644 §3.12 Table 9: invalidPath — the path does not name an attribute of this resource type.
  if (!t) throw scimError.invalidPath(`path '${text}' names no attribute of the ${ctx.resourceType} resource type`);
  return t;
}
