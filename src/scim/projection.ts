/**
 * Which attributes a response carries (RFC 7644 §3.4.2.5 `attributes` / `excludedAttributes`,
 * RFC 7643 §2.2 `returned`). Pure: returns a new resource.
 *
 * - returned "never" (password) never comes back; "always" (id) always does, whatever was asked;
 * - "request" only when named in `attributes`; "default" unless excluded, or unless `attributes`
 *   is given without naming it;
 * - `schemas` is always kept (RFC 7643 §3: every representation carries it);
 * - when both `attributes` and `excludedAttributes` are given, `attributes` wins and the exclusions
 *   are ignored: RFC 7644 §3.4.2.5 gives no rule for the pair, and "attributes" is the narrower ask;
 * - an unqualified name is looked up in the core schema, then in the extensions (as filters do,
 *   src/scim/resource-access.ts resolvePath); an extension URN alone names all of that extension's
 *   attributes; names that match nothing select nothing (no error).
 */
import { parseAttrPath } from './attribute-path.ts';
import { isScimError, scimError } from './errors.ts';
import { resolvePath } from './resource-access.ts';
import type { AttrPath, AttributeDef, ScimResource } from './types.ts';
import { isPlainObject, resolveTopLevelKey, type AttrSlot, type ResourceContext } from './validate-resource.ts';

export interface ProjectionQuery {
  attributes?: AttrPath[];
  excludedAttributes?: AttrPath[];
}

/** The parts of a resource a list of paths names, keyed by lower-case schema URN and attribute name. */
interface Selection {
  wholeExtensions: Set<string>;
  /** attribute id -> undefined when the whole attribute is named, else the named sub-attributes. */
  attrs: Map<string, Set<string> | 'all'>;
}

const lower = (s: string) => s.toLowerCase();
const attrId = (schemaUrn: string, name: string) => `${lower(schemaUrn)}|${lower(name)}`;

function select(paths: AttrPath[], ctx: ResourceContext): Selection {
  const sel: Selection = { wholeExtensions: new Set(), attrs: new Map() };
  for (const path of paths) {
    if (path.schema !== undefined && path.subAttr === undefined) {
      // `urn:...:enterprise:2.0:User` parses as schema "...:2.0" + attr "User": it names the whole extension.
      const r = resolveTopLevelKey(`${path.schema}:${path.attr}`, ctx);
      if (r?.kind === 'extension') {
        sel.wholeExtensions.add(lower(r.urn));
        continue;
      }
    }
    // Same resolution as filters: an unprefixed name the core schema lacks may name an extension attribute.
    const resolved = resolvePath(path, ctx);
    if (!resolved) continue;
    const id = attrId(resolved.schemaUrn, resolved.attr.name);
    const prev = sel.attrs.get(id);
    if (!resolved.sub) sel.attrs.set(id, 'all');
    else if (prev !== 'all') sel.attrs.set(id, new Set([...(prev ?? []), lower(resolved.sub.name)]));
  }
  return sel;
}

type KeepSub = (sub: AttributeDef | undefined) => boolean;

/** The sub-attribute definition a key names (RFC 7643 §2.1: case-insensitively); a loop, not a closure per call. */
function subAttributeOf(attr: AttributeDef, key: string): AttributeDef | undefined {
  const subs = attr.subAttributes;
  if (!subs) return undefined;
  const k = lower(key);
  for (const s of subs) if (lower(s.name) === k) return s;
  return undefined;
}

/** The kept sub-attributes of one value of a complex attribute, or undefined when none is left. */
function keepSubs(v: unknown, attr: AttributeDef, keep: KeepSub, kept: Map<string, boolean>): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const k of Object.keys(v)) {
    // Decided once per key, not per value: a 10k-member group has 10k values with the same few keys.
    let yes = kept.get(k);
    if (yes === undefined) kept.set(k, (yes = keep(subAttributeOf(attr, k))));
    if (!yes) continue;
    const sv = v[k];
    // Strings, numbers and booleans are immutable: only objects need copying.
    out[k] = typeof sv === 'object' && sv !== null ? structuredClone(sv) : sv;
    any = true;
  }
  return any ? out : undefined;
}

/** Keeps the sub-attributes `keep` admits, in each value of a complex attribute; drops values left empty. */
function filterSubs(value: unknown, attr: AttributeDef, keep: KeepSub): unknown {
  // A string, number or boolean has no sub-attributes: returned as is, before any per-call set-up (hot in every GET).
  if (typeof value !== 'object' || value === null) return value;
  const kept = new Map<string, boolean>();
  if (!Array.isArray(value)) return keepSubs(value, attr, keep, kept);
  const items: unknown[] = [];
  for (const v of value) {
    const one = keepSubs(v, attr, keep, kept);
    if (one !== undefined) items.push(one);
  }
  return items.length === 0 ? undefined : items;
}

const never = (sub: AttributeDef | undefined) => sub?.returned === 'never';
const notNever = (sub: AttributeDef | undefined) => !never(sub);
/** The default set (nothing asked, nothing excluded): module-level so a GET builds no closure per attribute. */
const keptByDefault = (sub: AttributeDef | undefined) => !sub || sub.returned === 'always' || !(never(sub) || sub.returned === 'request');

function projectAttr(slot: AttrSlot, value: unknown, inc: Selection | undefined, exc: Selection | undefined): unknown {
  const { attr } = slot;
  // RFC 7643 §2.2: returned "never" — not returned in any response.
  if (attr.returned === 'never') return undefined;
  // RFC 7643 §2.2: returned "always" — "always returned, regardless of the contents of" attributes/excludedAttributes.
  if (attr.returned === 'always') return filterSubs(value, attr, notNever);
  // Only a query needs the attribute's id (two lower-casings per attribute of every resource otherwise).
  const id = inc || exc ? attrId(slot.schemaUrn, attr.name) : '';
  if (inc) {
    const whole = inc.attrs.get(id) === 'all' || (slot.isExtension && inc.wholeExtensions.has(lower(slot.schemaUrn)));
    if (whole) return filterSubs(value, attr, notNever);
    const subs = inc.attrs.get(id);
    if (subs === undefined || subs === 'all') return undefined;
    // RFC 7644 §3.4.2.5: "attributes" may name sub-attributes (e.g. name.givenName); always-returned subs stay.
    return filterSubs(value, attr, (sub) => !!sub && !never(sub) && (sub.returned === 'always' || subs.has(lower(sub.name))));
  }
  // RFC 7643 §2.2: returned "request" — only when named in "attributes".
  if (attr.returned === 'request') return undefined;
  const excluded = exc?.attrs.get(id);
  if (excluded === 'all' || (slot.isExtension && exc?.wholeExtensions.has(lower(slot.schemaUrn)))) return undefined;
  if (!(excluded instanceof Set)) return filterSubs(value, attr, keptByDefault);
  return filterSubs(value, attr, (sub) => {
    if (!sub) return true;
    if (sub.returned === 'always') return true;
    if (never(sub) || sub.returned === 'request') return false;
    return !(excluded instanceof Set && excluded.has(lower(sub.name)));
  });
}

/** The resource as a response should show it, given the request's attributes / excludedAttributes. */
export function projectResource(resource: ScimResource, q: ProjectionQuery, ctx: ResourceContext): ScimResource {
  // RFC 7644 §3.4.2.5: "attributes" overrides the default set; with both given, "attributes" wins (see header).
  const inc = q.attributes && q.attributes.length > 0 ? select(q.attributes, ctx) : undefined;
  const exc = !inc && q.excludedAttributes && q.excludedAttributes.length > 0 ? select(q.excludedAttributes, ctx) : undefined;
  const out: ScimResource = {};
  for (const [key, value] of Object.entries(resource)) {
    const r = resolveTopLevelKey(key, ctx);
    if (r?.kind === 'schemas') {
      // A list of URN strings (what a stored resource holds) copies as a plain array; anything else deeply.
      out[key] = Array.isArray(value) && value.every((u) => typeof u === 'string') ? [...value] : structuredClone(value);
    } else if (r?.kind === 'attr') {
      const v = projectAttr(r.slot, value, inc, exc);
      if (v !== undefined) out[key] = v;
    } else if (r?.kind === 'extension') {
      if (!isPlainObject(value)) continue;
      const ext: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) {
        const res = ctx.registry.resolve(ctx.resourceType, { schema: r.urn, attr: name });
        const slot: AttrSlot | undefined = res && { schemaUrn: res.schemaUrn, isExtension: res.isExtension, attr: res.attr };
        const pv = slot ? projectAttr(slot, v, inc, exc) : inc ? undefined : structuredClone(v);
        if (pv !== undefined) ext[name] = pv;
      }
      if (Object.keys(ext).length > 0) out[key] = ext;
    } else if (!inc) {
      // An attribute no schema defines (a stored value of a foreign schema) is "default": kept unless narrowed.
      out[key] = structuredClone(value);
    }
  }
  return out;
}

/**
 * Parses the `attributes` / `excludedAttributes` query parameter: attribute names in the notation
 * of RFC 7644 §3.10, comma-separated (RFC 7644 §3.4.2.5), whitespace around names tolerated.
 * A malformed name is 400 invalidValue: RFC 7644 §3.12 reserves invalidPath for PATCH paths.
 */
export function parseAttributeList(s: string): AttrPath[] {
  if (s.trim() === '') return [];
  return s.split(',').map((part) => {
    const name = part.trim();
    if (name === '') throw scimError.invalidValue(`empty attribute name in the list '${s}'`);
    try {
      return parseAttrPath(name);
    } catch (e) {
      if (isScimError(e)) throw scimError.invalidValue(`invalid attribute name in '${s}': ${e.detail}`);
      throw e;
    }
  });
}
