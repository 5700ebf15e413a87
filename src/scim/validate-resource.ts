/**
 * Validation and coercion of a resource body (POST / PUT, and the result of a PATCH) against the
 * resource type's schemas (RFC 7643 §2, §3, §7). Pure: returns a new object, never mutates its input.
 *
 * What comes out: attribute names in the schema's spelling, extension attributes under their URN key,
 * unknown and readOnly attributes gone, values type-checked, and the few IdP habits we accept
 * (docs/leniencies.md) turned into RFC shapes.
 */
import { COMMON_ATTRIBUTES } from './core-attributes.ts';
import { ScimError, scimError } from './errors.ts';
import { findKey, getMember, isPlainObject, type ResourceContext } from './resource-access.ts';
import type { SchemaRegistry } from './schema-registry.ts';
import type { AttributeDef, ScimResource } from './types.ts';

export { isPlainObject, type ResourceContext };

export interface NormalizeContext extends ResourceContext {
  mode: 'create' | 'replace';
  /** The stored resource a PUT / PATCH replaces: supplies readOnly values and guards immutable ones. */
  existing?: ScimResource;
}

/** An attribute of the resource type together with the schema that defines it. */
export interface AttrSlot {
  schemaUrn: string;
  isExtension: boolean;
  attr: AttributeDef;
}

const eqi = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** How an attribute is named in messages: `emails`, `name.givenName`, `urn:...:User:manager`. */
export function slotLabel(slot: AttrSlot, sub?: AttributeDef): string {
  const base = slot.isExtension ? `${slot.schemaUrn}:${slot.attr.name}` : slot.attr.name;
  return sub ? `${base}.${sub.name}` : base;
}

// ---------------------------------------------------------------------------------------------
// Values

/** RFC 7643 §2.3.5: xsd:dateTime, e.g. 2008-01-23T04:56:22Z; the date must exist in the calendar. */
const XSD_DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))?$/;

export function isXsdDateTime(s: string): boolean {
  const m = XSD_DATE_TIME.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 14 || Number(m[10]) > 59)) return false;
  // The day must exist in that month of that year (Feb 29 only in leap years).
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= lastDay;
}

// RFC 7643 §2.3.6: binary values are base64 (RFC 4648 §4); whitespace from line-wrapping is tolerated.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Leniency (Entra): booleans sent as the strings "True"/"False" (any case) become JSON booleans.
 * RFC 7643 §2.3.2 wants JSON true/false; docs/leniencies.md.
 */
export function coerceBoolean(v: unknown): unknown {
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return v;
}

function typeError(label: string, want: string, got: unknown): ScimError {
  const shown = JSON.stringify(got);
  const brief = shown === undefined ? String(got) : shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
  return scimError.invalidValue(`attribute '${label}' expects ${want}, got ${brief}`);
}

/**
 * One attribute's value, checked against its definition and coerced where we are lenient.
 * Returns undefined when the value means "unassigned" (null, [], {}: RFC 7643 §2.5).
 */
export function normalizeAttributeValue(raw: unknown, attr: AttributeDef, label: string): unknown {
  // RFC 7643 §2.5: null (and, for multi-valued attributes, an empty array) is the same as unassigned.
  if (raw === null || raw === undefined) return undefined;
  if (attr.multiValued) return normalizeMulti(raw, attr, label);
  let value = raw;
  if (Array.isArray(raw)) {
    // Leniency (Entra): a single-valued complex attribute (enterprise `manager`) sent as a one-element array.
    if (attr.type === 'complex' && raw.length === 1 && isPlainObject(raw[0])) value = raw[0];
    // RFC 7643 §2.3: a single-valued attribute holds one value, not an array.
    else throw typeError(label, `a single ${attr.type} value (the attribute is single-valued)`, raw);
  }
  // Leniency (Entra): a single-valued complex attribute with a `value` sub-attribute (enterprise `manager`) sent as
  // the plain id string becomes {"value": id} (RFC 7643 §4.3 wants the complex form); docs/leniencies.md.
  if (typeof value === 'string' && attr.type === 'complex' && attr.subAttributes?.some((s) => s.name === 'value')) value = { value };
  return normalizeSingle(value, attr, label);
}

function normalizeMulti(raw: unknown, attr: AttributeDef, label: string): unknown[] | undefined {
  let items: unknown[];
  if (Array.isArray(raw)) items = raw;
  // Leniency (OneLogin): one object given for a multi-valued complex attribute (`emails`) is a one-element list.
  else if (attr.type === 'complex' && isPlainObject(raw)) items = [raw];
  // RFC 7643 §2.4: multi-valued attributes are JSON arrays.
  else throw typeError(label, 'a JSON array (the attribute is multi-valued)', raw);
  const out: unknown[] = [];
  for (const item of items) {
    if (item === null) throw typeError(label, `${attr.type} values in its array`, item);
    const v = normalizeSingle(item, attr, label);
    if (v !== undefined) out.push(v);
  }
  if (attr.type === 'complex') {
    checkPrimary(out, attr, label);
    checkRequiredSubAttributes(out, attr, label);
  }
  // RFC 7643 §2.5: a multi-valued attribute with no values is unassigned.
  return out.length === 0 ? undefined : out;
}

/** RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once." */
function checkPrimary(items: unknown[], attr: AttributeDef, label: string): void {
  const primary = attr.subAttributes?.find((s) => eqi(s.name, 'primary'));
  if (!primary) return;
  const count = items.filter((i) => isPlainObject(i) && i[primary.name] === true).length;
  if (count > 1) throw scimError.invalidValue(`attribute '${label}' has ${count} values with primary true; at most one is allowed (RFC 7643 §2.4)`);
}

/** RFC 7643 §2.2 `required` on a sub-attribute: every value of the complex attribute carries it (e.g. members.value). */
function checkRequiredSubAttributes(items: unknown[], attr: AttributeDef, label: string): void {
  for (const sub of attr.subAttributes ?? []) {
    if (!sub.required || sub.mutability === 'readOnly') continue;
    for (const item of items) {
      if (isPlainObject(item) && item[sub.name] === undefined) {
        throw scimError.invalidValue(`every value of '${label}' needs '${sub.name}' (a required sub-attribute, RFC 7643 §2.2)`);
      }
    }
  }
}

function normalizeSingle(raw: unknown, attr: AttributeDef, label: string): unknown {
  switch (attr.type) {
    case 'string':
    case 'reference':
      // RFC 7643 §2.3.1 / §2.3.7: strings and references are JSON strings.
      if (typeof raw !== 'string') throw typeError(label, 'a string', raw);
      return raw;
    case 'binary':
      // RFC 7643 §2.3.6: base64-encoded.
      if (typeof raw !== 'string' || !BASE64.test(raw.replace(/\s+/g, ''))) throw typeError(label, 'a base64 string', raw);
      return raw;
    case 'boolean': {
      const b = coerceBoolean(raw);
      // RFC 7643 §2.3.2: the JSON literals true or false.
      if (typeof b !== 'boolean') throw typeError(label, 'a boolean (true or false)', raw);
      return b;
    }
    case 'integer':
      // RFC 7643 §2.3.4: a JSON number with no fractional part.
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw typeError(label, 'an integer', raw);
      return raw;
    case 'decimal':
      // RFC 7643 §2.3.3: a JSON number.
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw typeError(label, 'a number', raw);
      return raw;
    case 'dateTime':
      // RFC 7643 §2.3.5: an xsd:dateTime string.
      if (typeof raw !== 'string' || !isXsdDateTime(raw)) throw typeError(label, 'an xsd:dateTime string (e.g. 2008-01-23T04:56:22Z)', raw);
      return raw;
    case 'complex':
      return normalizeComplex(raw, attr, label);
  }
}

function normalizeComplex(raw: unknown, attr: AttributeDef, label: string): Record<string, unknown> | undefined {
  // RFC 7643 §2.3.8: a complex value is a JSON object of sub-attributes.
  if (!isPlainObject(raw)) throw typeError(label, 'a JSON object of sub-attributes', raw);
  const subs = attr.subAttributes;
  // A complex attribute without declared sub-attributes (a foreign schema) is kept as given.
  if (!subs || subs.length === 0) return Object.keys(raw).length === 0 ? undefined : structuredClone(raw);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [key, v] of Object.entries(raw)) {
    // RFC 7643 §2.1: sub-attribute names are case-insensitive; unknown ones are ignored (RFC 7644 §3.3).
    const sub = subs.find((s) => eqi(s.name, key));
    if (!sub) continue;
    if (seen.has(sub.name)) throw scimError.invalidValue(`'${label}' gives sub-attribute '${sub.name}' more than once`);
    seen.add(sub.name);
    // RFC 7643 §2.2: readOnly values sent by a client SHALL be ignored.
    if (sub.mutability === 'readOnly') continue;
    const value = normalizeAttributeValue(v, { ...sub, subAttributes: undefined }, `${label}.${sub.name}`);
    if (value !== undefined) out[sub.name] = value;
  }
  // An object with nothing left in it is unassigned (RFC 7643 §2.5).
  if (Object.keys(out).length === 0) return undefined;
  // Output in schema order, so equal values serialise equally.
  return Object.fromEntries(subs.filter((s) => s.name in out).map((s) => [s.name, out[s.name]]));
}

// ---------------------------------------------------------------------------------------------
// Resources

interface Collected {
  slot: AttrSlot;
  raw: unknown;
}

function requireResourceType(ctx: ResourceContext) {
  const rt = ctx.registry.resourceType(ctx.resourceType);
  if (!rt) throw new ScimError(500, `unknown resource type '${ctx.resourceType}'`);
  const owned = ctx.registry.schemasOf(rt.name);
  const core = owned.find((o) => !o.isExtension);
  if (!core) throw new ScimError(500, `resource type '${rt.name}' has no known core schema '${rt.schema}'`);
  return { rt, owned, core };
}

/**
 * Resolves a top-level key of a resource body: a core or common attribute, an extension URN (its
 * object holds that extension's attributes), or a fully qualified `urn:...:attr` name (RFC 7644 §3.10).
 */
type TopLevelKey = { kind: 'attr'; slot: AttrSlot } | { kind: 'extension'; urn: string } | { kind: 'schemas' };

// Per registry (frozen, so answers never change) and resource type: projection asks this for every key of
// every resource it renders. Only found answers are kept, case-folded, so the memo is bounded by the schemas.
const topLevelKeys = new WeakMap<SchemaRegistry, Map<string, TopLevelKey>>();

export function resolveTopLevelKey(key: string, ctx: ResourceContext): TopLevelKey | undefined {
  let memo = topLevelKeys.get(ctx.registry);
  if (!memo) topLevelKeys.set(ctx.registry, (memo = new Map()));
  // Names that resolve hold no newline, so this key is never shared with an input that does not resolve.
  const id = `${ctx.resourceType}\n${key.toLowerCase()}`;
  const known = memo.get(id);
  if (known) return known;
  const found = resolveTopLevelKeyUncached(key, ctx);
  if (found) memo.set(id, Object.freeze(found.kind === 'attr' ? { kind: 'attr', slot: Object.freeze(found.slot) } : found));
  return found;
}

function resolveTopLevelKeyUncached(key: string, ctx: ResourceContext): TopLevelKey | undefined {
  const { owned } = requireResourceType(ctx);
  // RFC 7643 §3: "schemas" is not an attribute of any schema.
  if (eqi(key, 'schemas')) return { kind: 'schemas' };
  // RFC 7643 §3.3: extension attributes sit in an object under the extension's URN (compared case-insensitively).
  const ext = owned.find((o) => o.isExtension && eqi(o.schema.id, key));
  if (ext) return { kind: 'extension', urn: ext.schema.id };
  const resolved = ctx.registry.resolve(ctx.resourceType, { attr: key });
  if (!resolved) return undefined;
  return { kind: 'attr', slot: { schemaUrn: resolved.schemaUrn, isExtension: resolved.isExtension, attr: resolved.attr } };
}

/** Every attribute the body names, resolved; unknown names are dropped (RFC 7644 §3.3: the SP MAY ignore them). */
function collect(body: Record<string, unknown>, ctx: ResourceContext): Collected[] {
  const found = new Map<string, Collected>();
  const add = (slot: AttrSlot, raw: unknown) => {
    const id = `${slot.schemaUrn.toLowerCase()}|${slot.attr.name.toLowerCase()}`;
    // Two keys differing only in case name one attribute (RFC 7643 §2.1): ambiguous, so refused.
    if (found.has(id)) throw scimError.invalidValue(`attribute '${slotLabel(slot)}' is given more than once`);
    found.set(id, { slot, raw });
  };
  for (const [key, raw] of Object.entries(body)) {
    const r = resolveTopLevelKey(key, ctx);
    if (!r || r.kind === 'schemas') continue;
    if (r.kind === 'attr') {
      add(r.slot, raw);
      continue;
    }
    if (raw === null) continue;
    if (!isPlainObject(raw)) throw typeError(r.urn, 'a JSON object of extension attributes (RFC 7643 §3.3)', raw);
    for (const [name, v] of Object.entries(raw)) {
      const res = ctx.registry.resolve(ctx.resourceType, { schema: r.urn, attr: name });
      if (res) add({ schemaUrn: res.schemaUrn, isExtension: res.isExtension, attr: res.attr }, v);
    }
  }
  return [...found.values()];
}

/** The value a stored resource holds for a slot (names compared case-insensitively). */
export function storedValue(resource: ScimResource | undefined, slot: AttrSlot): unknown {
  if (!resource) return undefined;
  let holder: Record<string, unknown> | undefined = resource;
  if (slot.isExtension) {
    const k = findKey(resource, slot.schemaUrn);
    const ext = k === undefined ? undefined : resource[k];
    holder = isPlainObject(ext) ? ext : undefined;
  }
  if (!holder) return undefined;
  const k = findKey(holder, slot.attr.name);
  return k === undefined ? undefined : holder[k];
}

/** Deep equality of JSON values; strings of caseExact=false attributes compare ignoring case (RFC 7643 §2.2). */
export function jsonEqual(a: unknown, b: unknown, caseExact = true): boolean {
  if (typeof a === 'string' && typeof b === 'string') return caseExact ? a === b : eqi(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i], caseExact));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k], caseExact));
  }
  return a === b;
}

/**
 * Validates and normalises a resource body for create (POST, RFC 7644 §3.3) or replace (PUT, §3.5.1,
 * and the result of a PATCH, §3.5.2). Throws ScimError 400 (invalidSyntax / invalidValue / mutability).
 */
export function normalizeResource(body: unknown, ctx: NormalizeContext): ScimResource {
  // RFC 7644 §3.3 / §3.5.1: the body is a JSON object representing the resource.
  if (!isPlainObject(body)) throw scimError.invalidSyntax('the request body must be a JSON object representing the resource');
  const { rt, owned, core } = requireResourceType(ctx);
  const schemasKey = findKey(body, 'schemas');
  const declared = schemasKey === undefined ? undefined : body[schemasKey];
  // RFC 7643 §3: "schemas" is REQUIRED, an array of strings, and includes the resource type's base schema.
  if (!Array.isArray(declared) || !declared.every((s) => typeof s === 'string')) {
    throw scimError.invalidSyntax(`'schemas' must be an array of schema URNs including '${core.schema.id}' (RFC 7643 §3)`);
  }
  if (!declared.some((s) => eqi(s, core.schema.id))) {
    throw scimError.invalidSyntax(`'schemas' must include the ${rt.name} schema '${core.schema.id}' (RFC 7643 §3)`);
  }

  const existing = ctx.mode === 'replace' ? ctx.existing : undefined;
  const values = new Map<AttrSlot['attr'], { slot: AttrSlot; value: unknown }>();
  for (const { slot, raw } of collect(body, ctx)) {
    // RFC 7643 §2.2 / RFC 7644 §3.3: readOnly values from the client SHALL be ignored.
    if (slot.attr.mutability === 'readOnly') continue;
    const value = normalizeAttributeValue(raw, slot.attr, slotLabel(slot));
    if (value !== undefined) values.set(slot.attr, { slot, value });
  }

  for (const o of owned) {
    const attrs = o.isExtension ? o.schema.attributes : [...o.schema.attributes, ...COMMON_ATTRIBUTES];
    for (const attr of attrs) {
      const slot: AttrSlot = { schemaUrn: o.schema.id, isExtension: o.isExtension, attr };
      const before = storedValue(existing, slot);
      const now = values.get(attr)?.value;
      // RFC 7644 §3.5.1: readOnly attributes keep the values the service provider holds.
      if (attr.mutability === 'readOnly') {
        if (before !== undefined && before !== null) values.set(attr, { slot, value: structuredClone(before) });
        continue;
      }
      if (attr.type === 'complex' && !attr.multiValued && isPlainObject(now) && isPlainObject(before)) {
        const kept = keepReadOnlySubs(now, before, attr);
        if (kept !== now) values.set(attr, { slot, value: kept });
      }
      if (attr.mutability === 'immutable' && before !== undefined && before !== null) {
        // RFC 7644 §3.5.1: an immutable attribute that is set keeps its value: the input "MUST match" it.
        if (now === undefined) values.set(attr, { slot, value: structuredClone(before) });
        else if (!jsonEqual(now, before, attr.caseExact)) {
          throw scimError.mutability(`attribute '${slotLabel(slot)}' is immutable and already set; it cannot change (RFC 7644 §3.5.1)`);
        }
      }
    }
  }

  // RFC 7643 §2.2 / §7: required attributes must have a value (readOnly ones are the provider's to set).
  for (const o of owned) {
    const present = o.isExtension ? [...values.values()].some((v) => v.slot.schemaUrn === o.schema.id) : true;
    // RFC 7643 §6: a resource type may make an extension required.
    if (o.isExtension && o.required && !present) {
      throw scimError.invalidValue(`the required schema extension '${o.schema.id}' is missing (RFC 7643 §6)`);
    }
    if (!present) continue;
    for (const attr of o.schema.attributes) {
      if (!attr.required || attr.mutability === 'readOnly') continue;
      const v = values.get(attr)?.value;
      const label = slotLabel({ schemaUrn: o.schema.id, isExtension: o.isExtension, attr });
      if (v === undefined) throw scimError.invalidValue(`required attribute '${label}' is missing (RFC 7643 §2.2)`);
      if (typeof v === 'string' && v.trim() === '') throw scimError.invalidValue(`required attribute '${label}' is empty (RFC 7643 §2.2)`);
    }
  }

  return assemble(values, owned.map((o) => o.schema.id), core.schema.id);
}

/**
 * RFC 7644 §3.5.1: readOnly sub-attributes of a single-valued complex attribute (enterprise
 * manager.displayName) keep the provider's stored values while the value they describe is unchanged.
 */
function keepReadOnlySubs(now: Record<string, unknown>, before: Record<string, unknown>, attr: AttributeDef): Record<string, unknown> {
  const subs = attr.subAttributes ?? [];
  const readOnly = subs.filter((s) => s.mutability === 'readOnly' && getMember(before, s.name) !== undefined);
  if (readOnly.length === 0) return now;
  const valueSub = subs.find((s) => eqi(s.name, 'value'));
  if (valueSub && !jsonEqual(getMember(now, 'value'), getMember(before, 'value'), valueSub.caseExact)) return now;
  const merged: Record<string, unknown> = { ...now };
  for (const s of readOnly) merged[s.name] = structuredClone(getMember(before, s.name));
  return Object.fromEntries(subs.filter((s) => s.name in merged).map((s) => [s.name, merged[s.name]]));
}

/** Builds the output in a fixed order: schemas, id, externalId, core attributes, meta, then extensions. */
function assemble(
  values: Map<AttributeDef, { slot: AttrSlot; value: unknown }>,
  schemaOrder: string[],
  coreUrn: string,
): ScimResource {
  const entries = [...values.values()];
  const coreEntries = entries.filter((e) => !e.slot.isExtension);
  const rank = (name: string) => (name === 'id' ? 0 : name === 'externalId' ? 1 : name === 'meta' ? 3 : 2);
  // Array.prototype.sort is stable, so core attributes keep schema order within their rank.
  coreEntries.sort((a, b) => rank(a.slot.attr.name) - rank(b.slot.attr.name));
  const extUrns = schemaOrder.filter((urn) => urn !== coreUrn && entries.some((e) => e.slot.schemaUrn === urn));
  // RFC 7643 §3: "schemas" lists the base schema and every extension the resource uses.
  const out: ScimResource = { schemas: [coreUrn, ...extUrns] };
  for (const e of coreEntries) out[e.slot.attr.name] = e.value;
  for (const urn of extUrns) {
    out[urn] = Object.fromEntries(entries.filter((e) => e.slot.schemaUrn === urn).map((e) => [e.slot.attr.name, e.value]));
  }
  return out;
}

/**
 * The readOnly attributes (and readOnly sub-attributes of writable ones) a body gives values for,
 * by label: e.g. ['id', 'meta', 'groups', 'urn:...:enterprise:2.0:User:manager.displayName'].
 * normalizeResource ignores them (RFC 7643 §2.2); the provider uses this to refuse some (User.groups)
 * with 400 mutability instead. Never throws: a body that is not an object has none.
 */
export function readOnlyAttributesPresent(body: unknown, ctx: ResourceContext): string[] {
  if (!isPlainObject(body)) return [];
  let collected: Collected[];
  try {
    collected = collect(body, ctx);
  } catch {
    return [];
  }
  const out: string[] = [];
  // RFC 7643 §2.5: null, [] and {} are "unassigned", not a value (Okta PUTs carry "groups": []).
  const isUnassigned = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
  for (const { slot, raw } of collected) {
    if (isUnassigned(raw)) continue;
    if (slot.attr.mutability === 'readOnly') {
      out.push(slotLabel(slot));
      continue;
    }
    if (slot.attr.type !== 'complex') continue;
    const items = Array.isArray(raw) ? raw : [raw];
    for (const sub of slot.attr.subAttributes ?? []) {
      if (sub.mutability !== 'readOnly') continue;
      const given = items.some((i) => {
        if (!isPlainObject(i)) return false;
        const k = findKey(i, sub.name);
        return k !== undefined && !isUnassigned(i[k]);
      });
      if (given) out.push(slotLabel(slot, sub));
    }
  }
  return out;
}
