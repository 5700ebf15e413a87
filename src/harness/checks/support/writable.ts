/**
 * Attributes a check may write, picked from the target's own User schema by their characteristics
 * (RFC 7643 §2.2, §7), instead of hard-coding `nickName`, `title` or `profileUrl` (issue 10, class 2).
 * Pure functions over ctx.target; the check skips with the reason when nothing fits.
 */
import type { CheckContext } from '../../check.ts';
import type { AttributeDef } from '../../../scim/types.ts';
import { attr, isObject } from './attributes.ts';
import { nameVariant } from './names.ts';
import { userSchemaView, type UserSchemaView } from './user-schema.ts';

const lower = (s: string) => s.toLowerCase();

/** One writable attribute of the User: where it lives in a body, in a PATCH path and in a resource read back. */
export interface AttributeSlot {
  /** RFC 7644 §3.10 notation, usable as a PATCH path and in attributes=: `nickName`, `name.middleName`, `urn:…:department`. */
  path: string;
  def: AttributeDef;
  /** Sets the value in a body (nested under its parent or extension URN, which `schemas` then lists); returns the body. */
  set(body: Record<string, unknown>, value: unknown): Record<string, unknown>;
  /** Removes the value from a body; returns the body. */
  omit(body: Record<string, unknown>): Record<string, unknown>;
  /** Reads the value from a resource (case-insensitive names, RFC 7643 §2.1). */
  get(resource: unknown): unknown;
  /** The value as a PATCH operation value without a path (RFC 7644 §3.5.2.1): `{ nickName: v }`, `{ name: { middleName: v } }`. */
  asValue(value: unknown): Record<string, unknown>;
}

/**
 * Preference among writable single-valued strings: plain descriptive attributes first; then sub-attributes
 * of name; then enterprise attributes; then anything else the target declares, in schema order.
 */
const PREFERRED = [
  'nickname',
  'title',
  'displayname',
  'usertype',
  'name.middlename',
  'name.honorificprefix',
  'name.honorificsuffix',
  'name.givenname',
  'name.familyname',
  'department',
  'division',
  'organization',
  'costcenter',
  'employeenumber',
  'name.formatted',
];

/**
 * Never picked: userName and id identify the user; externalId is the client's key; preferredLanguage, locale and
 * timezone have value formats (RFC 7643 §4.1.1) a target may validate; `value`/`$ref`/`display` of a single-valued
 * complex attribute (enterprise manager) point at other resources.
 */
const NEVER = new Set(['username', 'id', 'externalid', 'password', 'preferredlanguage', 'locale', 'timezone']);
const REFERENCE_SUBS = new Set(['value', '$ref', 'display']);

export interface PickOptions {
  /** Allow attributes the schema marks required (default false: checks may remove or omit the value). */
  required?: boolean;
  /** Only attributes with this caseExact. */
  caseExact?: boolean;
  /** Paths not to pick (e.g. one already used by the check). */
  exclude?: string[];
  /** Only top-level attributes of the core schema (no sub-attributes, no extensions): for attributes= lists. */
  topLevel?: boolean;
}

/**
 * A writable value we can read back and change freely: mutability readWrite, returned default/always,
 * uniqueness none (our values repeat across checks), type string without canonicalValues (any text is valid).
 */
function fits(a: AttributeDef, opts: PickOptions): boolean {
  return (
    a.type === 'string' &&
    !a.multiValued &&
    a.mutability === 'readWrite' &&
    (a.returned === 'default' || a.returned === 'always') &&
    a.uniqueness === 'none' &&
    (a.canonicalValues ?? []).length === 0 &&
    (opts.required === true || !a.required) &&
    (opts.caseExact === undefined || a.caseExact === opts.caseExact)
  );
}

function getIn(obj: unknown, key: string): unknown {
  return attr(obj, key);
}

/** Deletes `key` from `obj` whatever its case. */
function deleteKey(obj: Record<string, unknown>, key: string): void {
  for (const k of Object.keys(obj)) if (lower(k) === lower(key)) delete obj[k];
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  deleteKey(obj, key);
  obj[key] = value;
}

function slotFor(parts: { urn?: string; parent?: AttributeDef; def: AttributeDef; coreUrn: string }): AttributeSlot {
  const { urn, parent, def } = parts;
  const local = parent ? `${parent.name}.${def.name}` : def.name;
  const path = urn ? `${urn}:${local}` : local;
  /** The object that holds the attribute (the body, its extension object, or its parent complex value). */
  const holder = (body: Record<string, unknown>, create: boolean): Record<string, unknown> | undefined => {
    let h: Record<string, unknown> | undefined = body;
    if (urn) {
      let ext = getIn(h, urn);
      if (!isObject(ext)) {
        if (!create) return undefined;
        ext = {};
        setKey(h, urn, ext);
        const schemas = Array.isArray(body.schemas) ? (body.schemas as string[]) : [parts.coreUrn];
        // RFC 7643 §3: a resource lists the schema of every extension it carries.
        if (!schemas.some((s) => lower(s) === lower(urn))) body.schemas = [...schemas, urn];
      }
      h = ext as Record<string, unknown>;
    }
    if (parent) {
      let p = getIn(h, parent.name);
      if (!isObject(p)) {
        if (!create) return undefined;
        p = {};
        setKey(h, parent.name, p);
      } else {
        // Copy: the body may share the complex value with another body.
        p = { ...p };
        setKey(h, parent.name, p);
      }
      h = p as Record<string, unknown>;
    }
    return h;
  };
  return {
    path,
    def,
    set(body, value) {
      setKey(holder(body, true)!, def.name, value);
      return body;
    },
    omit(body) {
      const h = holder(body, false);
      if (h) deleteKey(h, def.name);
      return body;
    },
    get(resource) {
      let h: unknown = resource;
      if (urn) h = getIn(h, urn);
      if (parent) h = getIn(h, parent.name);
      return getIn(h, def.name);
    },
    asValue(value) {
      const inner: Record<string, unknown> = parent ? { [parent.name]: { [def.name]: value } } : { [def.name]: value };
      return urn ? { [urn]: inner } : inner;
    },
  };
}

/** Every attribute of the view that fits, in preference order. */
export function writableStringSlots(view: UserSchemaView, opts: PickOptions = {}): AttributeSlot[] {
  const found: { key: string; order: number; slot: AttributeSlot }[] = [];
  let position = 0;
  const consider = (urn: string | undefined, attrs: readonly AttributeDef[]) => {
    for (const a of attrs) {
      if (NEVER.has(lower(a.name))) continue;
      if (a.type === 'complex' && !a.multiValued && a.mutability === 'readWrite' && (a.returned === 'default' || a.returned === 'always')) {
        if (opts.topLevel) continue;
        for (const s of a.subAttributes ?? []) {
          if (REFERENCE_SUBS.has(lower(s.name)) || !fits(s, opts)) continue;
          found.push({ key: lower(`${a.name}.${s.name}`), order: position++, slot: slotFor({ urn, parent: a, def: s, coreUrn: view.core.id }) });
        }
        continue;
      }
      if (fits(a, opts)) found.push({ key: lower(a.name), order: position++, slot: slotFor({ urn, def: a, coreUrn: view.core.id }) });
    }
  };
  consider(undefined, view.core.attributes);
  if (!opts.topLevel) for (const e of view.extensions) consider(e.schema.id, e.schema.attributes);
  const excluded = new Set((opts.exclude ?? []).map(lower));
  const rank = (key: string) => {
    const i = PREFERRED.indexOf(key);
    return i === -1 ? PREFERRED.length : i;
  };
  return found
    .filter((f) => !excluded.has(lower(f.slot.path)))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.order - b.order)
    .map((f) => f.slot);
}

/**
 * `n` distinct writable single-valued string attributes of the target's User, or the check is skipped saying
 * which the schema offers.
 */
export function pickWritableStrings(ctx: CheckContext, n: number, opts: PickOptions = {}): AttributeSlot[] {
  const slots = writableStringSlots(userSchemaView(ctx.target), opts);
  if (slots.length < n) {
    const what = 'writable single-valued string attribute (mutability readWrite, returned by default, uniqueness none, no canonicalValues)';
    const besides = ['userName', ...(opts.exclude ?? [])].join(', ');
    ctx.skip(
      slots.length === 0
        ? `the target's User schema declares no ${what} besides ${besides}`
        : `the check needs ${n} ${what.replace('attribute', 'attributes')} besides ${besides}; the target's User schema declares ${slots.map((s) => s.path).join(', ')}`,
    );
  }
  return slots.slice(0, n);
}

/** `pickWritableStrings(ctx, 1)[0]`. */
export function pickWritableString(ctx: CheckContext, opts: PickOptions = {}): AttributeSlot {
  return pickWritableStrings(ctx, 1, opts)[0] as AttributeSlot;
}

/** A multi-valued complex attribute whose values a check may add and remove. */
export interface MultiValuedSlot {
  path: string;
  def: AttributeDef;
  /** `n` distinct entries (value, and type when declared), `tag` making the values unique. */
  entries(tag: string, n: number): Record<string, unknown>[];
}

/** Most interchangeable first; emails last, since some targets insist on an email whatever their schema says. */
const MULTI_PREFERRED = ['phonenumbers', 'ims', 'entitlements', 'roles', 'emails'];

function sampleValue(attrName: string, tag: string, i: number): string {
  const name = lower(attrName);
  // RFC 2606: example.com never delivers mail; 555-01xx numbers are fictional.
  if (name === 'emails') return `${tag}.${i}@example.com`;
  if (name === 'phonenumbers') return `+1 555 01${String(i).padStart(2, '0')}`;
  return `scimcheck-${tag}-${i}`;
}

/**
 * A removable multi-valued complex attribute: readWrite, not required, returned by default, with a writable
 * string `value` sub-attribute (RFC 7643 §2.4). Undefined when the schema has none.
 */
export function pickRemovableMultiValued(ctx: CheckContext): MultiValuedSlot | undefined {
  const view = userSchemaView(ctx.target);
  const candidates = view.core.attributes.filter((a) => {
    const value = (a.subAttributes ?? []).find((s) => lower(s.name) === 'value');
    return (
      a.type === 'complex' &&
      a.multiValued &&
      a.mutability === 'readWrite' &&
      !a.required &&
      (a.returned === 'default' || a.returned === 'always') &&
      value !== undefined &&
      value.type === 'string' &&
      value.mutability === 'readWrite' &&
      (value.canonicalValues ?? []).length === 0
    );
  });
  const rank = (a: AttributeDef) => {
    const i = MULTI_PREFERRED.indexOf(lower(a.name));
    // Attributes of the target's own (not in the list) come before emails.
    return i === -1 ? MULTI_PREFERRED.indexOf('emails') - 0.5 : i;
  };
  const def = [...candidates].sort((a, b) => rank(a) - rank(b))[0];
  if (!def) return undefined;
  const typeDef = (def.subAttributes ?? []).find((s) => lower(s.name) === 'type' && s.mutability !== 'readOnly');
  const types = typeDef?.canonicalValues && typeDef.canonicalValues.length >= 2 ? typeDef.canonicalValues : ['work', 'home'];
  return {
    path: def.name,
    def,
    entries(tag, n) {
      // Entries differ by type when the schema has one: two untyped values of one attribute are an edge of their own.
      const count = typeDef ? Math.min(n, types.length) : 1;
      return Array.from({ length: count }, (_, i) => ({ value: sampleValue(def.name, tag, i), ...(typeDef ? { [typeDef.name]: types[i] } : {}) }));
    },
  };
}

/**
 * Some attribute a check may change to see whether a write landed: a picked writable string, else userName
 * (REQUIRED on every User, RFC 7643 §4.1.1). Values written through it must be unique (userName is unique).
 */
export function changeableSlot(ctx: CheckContext): AttributeSlot {
  const view = userSchemaView(ctx.target);
  const picked = writableStringSlots(view)[0];
  if (picked) return picked;
  const def = view.core.attributes.find((a) => lower(a.name) === 'username') ?? {
    name: 'userName',
    type: 'string',
    multiValued: false,
    required: true,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'server',
  };
  return slotFor({ def, coreUrn: view.core.id });
}

/**
 * A new value for `slot` on `resource`: unique and, for userName, shaped like the current one (an email stays an
 * email: support/names.ts nameVariant), so only the change itself is judged.
 */
export function changedValue(slot: AttributeSlot, resource: unknown, tag: string): string {
  const unique = `${tag}-${crypto.randomUUID().slice(0, 8)}`;
  if (lower(slot.def.name) !== 'username') return `scimcheck-${unique}`;
  return nameVariant(String(slot.get(resource) ?? 'scimcheck'), unique);
}
