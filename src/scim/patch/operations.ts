/**
 * The three PATCH operations (RFC 7644 §3.5.2.1 add, §3.5.2.2 remove, §3.5.2.3 replace) applied to a
 * working copy of the resource. The caller owns the copy (applyPatch clones the stored resource), so
 * these functions change `doc` in place; a throw anywhere leaves the stored resource untouched.
 */
import { compareValues, valuesEqual } from '../compare.ts';
import { isScimError, scimError } from '../errors.ts';
import { matchesValueFilter } from '../filter/index.ts';
import { findKey, getMember, isPlainObject } from '../resource-access.ts';
import type { AttributeDef, FilterNode, PatchOperation } from '../types.ts';
import { normalizeAttributeValue, resolveTopLevelKey, type AttrSlot, type ResourceContext } from '../validate-resource.ts';
import { requireTarget, targetOf, type Target } from './target.ts';

type Doc = Record<string, unknown>;
type Op = PatchOperation['op'];

// ---------------------------------------------------------------------------------------------
// Reading and writing one attribute of the working copy.

function holderOf(doc: Doc, slot: AttrSlot, create: boolean): Doc | undefined {
  if (!slot.isExtension) return doc;
  // RFC 7643 §3.3: extension attributes live in an object under the extension URN.
  const key = findKey(doc, slot.schemaUrn);
  const ext = key === undefined ? undefined : doc[key];
  if (isPlainObject(ext)) return ext;
  if (!create) return undefined;
  const fresh: Doc = {};
  doc[key ?? slot.schemaUrn] = fresh;
  return fresh;
}

function read(doc: Doc, slot: AttrSlot): unknown {
  return getMember(holderOf(doc, slot, false), slot.attr.name);
}

function write(doc: Doc, slot: AttrSlot, value: unknown): void {
  const holder = holderOf(doc, slot, value !== undefined);
  if (!holder) return;
  const key = findKey(holder, slot.attr.name) ?? slot.attr.name;
  if (value === undefined) delete holder[key];
  else holder[key] = value;
}

const elementsOf = (v: unknown): unknown[] => (Array.isArray(v) ? [...v] : v === undefined || v === null ? [] : [v]);
const hasValue = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/** The definition a single value of a multi-valued attribute follows. */
const elementDef = (attr: AttributeDef): AttributeDef => ({ ...attr, multiValued: false });
const subDef = (sub: AttributeDef): AttributeDef => ({ ...sub, subAttributes: undefined });

function label(target: Target): string {
  return target.text;
}

// ---------------------------------------------------------------------------------------------
// Elements of multi-valued complex attributes.

function matching(elements: unknown[], target: Target, ctx: ResourceContext): Set<unknown> {
  const filter = target.filter as FilterNode;
  return new Set(elements.filter((el) => isPlainObject(el) && matchesValueFilter(filter, el, target.attrPath, ctx)));
}

function isPrimary(el: unknown): boolean {
  const p = getMember(el, 'primary');
  return p === true || (typeof p === 'string' && p.trim().toLowerCase() === 'true');
}

/**
 * RFC 7644 §3.5.2: "a PATCH operation that sets a value's 'primary' sub-attribute to 'true' SHALL
 * cause the server to automatically set 'primary' to 'false' for any other values in the array."
 */
function keepPrimaryOnly(elements: unknown[], chosen: ReadonlySet<unknown>): void {
  if (![...chosen].some(isPrimary)) return;
  for (const el of elements) {
    if (chosen.has(el) || !isPlainObject(el) || !isPrimary(el)) continue;
    el[findKey(el, 'primary') ?? 'primary'] = false;
  }
}

/** Sets (or, with undefined, clears) one sub-attribute of a complex value; immutable values stay. */
function setSub(el: Doc, sub: AttributeDef, value: unknown, target: Target): void {
  const key = findKey(el, sub.name) ?? sub.name;
  const before = el[key];
  // RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability ... immutable".
  if (sub.mutability === 'immutable' && hasValue(before) && !valuesEqual(before, value, sub)) {
    throw scimError.mutability(`'${label(target)}': sub-attribute '${sub.name}' is immutable and already set`);
  }
  if (value === undefined) delete el[key];
  else el[key] = value;
}

/**
 * The element a value filter describes, for add with no match: `emails[type eq "work"].value` with
 * no work email adds {type: "work", value}. Only plain `eq` comparisons (joined by `and`) describe one.
 */
function describedElement(filter: FilterNode, attr: AttributeDef): Doc | undefined {
  if (filter.op === 'and') {
    const l = describedElement(filter.left, attr);
    const r = describedElement(filter.right, attr);
    return l && r ? { ...l, ...r } : undefined;
  }
  if (filter.op !== 'eq' || filter.path.subAttr !== undefined || filter.value === null) return undefined;
  const sub = attr.subAttributes?.find((s) => s.name.toLowerCase() === filter.path.attr.toLowerCase());
  return sub ? { [sub.name]: filter.value } : undefined;
}

// ---------------------------------------------------------------------------------------------
// add / replace

function mergeComplex(current: unknown, value: Doc): Doc {
  const out: Doc = isPlainObject(current) ? { ...current } : {};
  for (const [k, v] of Object.entries(value)) out[findKey(out, k) ?? k] = v;
  return out;
}

/** add and replace on a path without a value filter. */
function setAttribute(doc: Doc, op: 'add' | 'replace', target: Target, value: unknown): void {
  const { slot, sub } = target;
  const attr = slot.attr;
  if (sub) {
    const v = normalizeAttributeValue(value, subDef(sub), label(target));
    if (!attr.multiValued) {
      // RFC 7644 §3.5.2.1/§3.5.2.3: a sub-attribute path (name.givenName) sets that sub-attribute only.
      const obj: Doc = isPlainObject(read(doc, slot)) ? { ...(read(doc, slot) as Doc) } : {};
      setSub(obj, sub, v, target);
      write(doc, slot, Object.keys(obj).length ? obj : undefined);
      return;
    }
    // `emails.display` without a filter addresses every value; with none yet, one is created.
    const elements = elementsOf(read(doc, slot));
    if (elements.length === 0) {
      if (v !== undefined) write(doc, slot, [{ [sub.name]: v }]);
      return;
    }
    const changed = elements.map((el) => (isPlainObject(el) ? { ...el } : el));
    for (const el of changed) if (isPlainObject(el)) setSub(el, sub, v, target);
    write(doc, slot, changed);
    return;
  }
  const v = normalizeAttributeValue(value, attr, label(target));
  // RFC 7644 §3.5.2.2: an attribute that "becomes unassigned and is defined as a required attribute" is
  // refused with mutability, also when a replace sets it to null (RFC 7643 §2.5: null is unassigned).
  if (v === undefined && attr.required && op === 'replace') refuseUnassigning(target, attr);
  if (attr.multiValued) {
    if (op === 'replace') {
      // RFC 7644 §3.5.2.3: "the attribute and all values are replaced".
      write(doc, slot, v);
      return;
    }
    // RFC 7644 §3.5.2.1: "a new value is added"; a value already there is no change (SHOULD NOT be added twice).
    const elements = elementsOf(read(doc, slot));
    const added = new Set<unknown>();
    for (const item of (v as unknown[] | undefined) ?? []) {
      if (elements.some((el) => valuesEqual(el, item, attr))) continue;
      elements.push(item);
      added.add(item);
    }
    keepPrimaryOnly(elements, added);
    write(doc, slot, elements.length ? elements : undefined);
    return;
  }
  if (attr.type === 'complex' && isPlainObject(v)) {
    // RFC 7644 §3.5.2.3: for a complex attribute, "Sub-attributes that are not specified in the 'value'
    // parameter are left unchanged"; add (§3.5.2.1) is read the same way so add never loses data.
    write(doc, slot, mergeComplex(read(doc, slot), v));
    return;
  }
  // RFC 7644 §3.5.2.1: for a single-valued attribute "the existing value is replaced"; null unassigns (RFC 7643 §2.5).
  write(doc, slot, v);
}

/** add and replace on a path with a value filter: `emails[type eq "work"]` or `...[...].value`. */
function setFiltered(doc: Doc, op: 'add' | 'replace', target: Target, value: unknown, ctx: ResourceContext): void {
  const { slot, sub } = target;
  const attr = slot.attr;
  const elements = elementsOf(read(doc, slot)).map((el) => (isPlainObject(el) ? { ...el } : el));
  const hits = matching(elements, target, ctx);
  const v = sub ? normalizeAttributeValue(value, subDef(sub), label(target)) : normalizeAttributeValue(value, elementDef(attr), label(target));
  if (hits.size === 0) {
    // RFC 7644 §3.5.2.3: replace with a value filter that matches nothing fails with noTarget.
    if (op === 'replace') throw scimError.noTarget(`'${label(target)}' matches no value of '${attr.name}' (RFC 7644 §3.5.2.3)`);
    // RFC 7644 §3.5.2.1: "If the target location does not exist, the attribute and value are added":
    // the filter's equalities describe the new value (Entra adds emails[type eq "work"].value this way).
    const base = describedElement(target.filter as FilterNode, attr);
    if (!base) throw scimError.noTarget(`'${label(target)}' matches no value of '${attr.name}', and its filter does not describe a new one`);
    const created = normalizeAttributeValue(sub ? { ...base, [sub.name]: v } : { ...base, ...((v as Doc | undefined) ?? {}) }, elementDef(attr), label(target));
    if (created === undefined) return;
    elements.push(created);
    keepPrimaryOnly(elements, new Set([created]));
    write(doc, slot, elements);
    return;
  }
  const result: unknown[] = [];
  const chosen = new Set<unknown>();
  for (const el of elements) {
    if (!hits.has(el)) {
      result.push(el);
      continue;
    }
    let next: unknown = el;
    if (sub) setSub(el as Doc, sub, v, target);
    // RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced"; add merges into them.
    else if (op === 'replace') next = v;
    else if (isPlainObject(v)) next = mergeComplex(el, v);
    if (next !== undefined && !(isPlainObject(next) && Object.keys(next).length === 0)) {
      result.push(next);
      chosen.add(next);
    }
  }
  keepPrimaryOnly(result, chosen);
  write(doc, slot, result.length ? result : undefined);
}

// ---------------------------------------------------------------------------------------------
// remove

function refuseUnassigning(target: Target, what: AttributeDef): never {
  // RFC 7644 §3.5.2.2: "If an attribute is removed or becomes unassigned and is defined as a required
  // attribute or a read-only attribute, the server SHALL return ... 'mutability'".
  throw scimError.mutability(`'${label(target)}' would leave the required attribute '${what.name}' unassigned (RFC 7644 §3.5.2.2)`);
}

function guardRemoval(target: Target, current: unknown): void {
  const attr = target.slot.attr;
  // RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability ... immutable".
  if (attr.mutability === 'immutable' && hasValue(current)) {
    throw scimError.mutability(`'${label(target)}': attribute '${attr.name}' is immutable and cannot be removed`);
  }
}

/** The value to compare an element by when removing by value: its "value" sub-attribute, if it has one. */
function sameMember(el: unknown, item: unknown, attr: AttributeDef): boolean {
  const a = getMember(el, 'value');
  const b = getMember(item, 'value');
  if (a !== undefined && b !== undefined) {
    const def = attr.subAttributes?.find((s) => s.name.toLowerCase() === 'value');
    return compareValues(a, b, def) === 0;
  }
  return valuesEqual(el, item, attr);
}

function removeAttribute(doc: Doc, op: PatchOperation, target: Target, ctx: ResourceContext): void {
  const { slot, sub, filter } = target;
  const attr = slot.attr;
  const current = read(doc, slot);
  guardRemoval(target, current);
  if (!filter && !sub) {
    if (attr.multiValued && attr.type === 'complex' && hasValue(op.value)) {
      // Leniency (Entra): remove "members" with a value array removes just those values. RFC 7644 §3.5.2.2
      // would remove all of them; Entra means the listed ones (docs/leniencies.md). Absent ones are no-ops.
      const items = elementsOf(op.value);
      const left = elementsOf(current).filter((el) => !items.some((item) => sameMember(el, item, attr)));
      if (left.length === 0 && attr.required) refuseUnassigning(target, attr);
      write(doc, slot, left.length ? left : undefined);
      return;
    }
    // RFC 7644 §3.5.2.2: the attribute and all its values are removed and it "SHALL be considered unassigned".
    if (attr.required && hasValue(current)) refuseUnassigning(target, attr);
    write(doc, slot, undefined);
    return;
  }
  if (sub?.required) refuseUnassigning(target, sub);
  if (!attr.multiValued) {
    // A sub-attribute of a single-valued complex attribute (name.givenName).
    if (!isPlainObject(current)) return;
    const obj = { ...current };
    setSub(obj, sub as AttributeDef, undefined, target);
    if (Object.keys(obj).length === 0 && attr.required) refuseUnassigning(target, attr);
    write(doc, slot, Object.keys(obj).length ? obj : undefined);
    return;
  }
  const elements = elementsOf(current).map((el) => (isPlainObject(el) ? { ...el } : el));
  const hits = filter ? matching(elements, target, ctx) : new Set(elements);
  // RFC 7644 §3.12 Table 9: noTarget "occurs when the specified 'path' value contains a filter that yields no match".
  if (filter && hits.size === 0) throw scimError.noTarget(`'${label(target)}' matches no value of '${attr.name}'`);
  const left: unknown[] = [];
  for (const el of elements) {
    // RFC 7644 §3.5.2.2: matched values are removed; with a sub-attribute, only that sub-attribute.
    if (!hits.has(el)) left.push(el);
    else if (sub && isPlainObject(el)) {
      setSub(el, sub, undefined, target);
      if (Object.keys(el).length > 0) left.push(el);
    }
  }
  // RFC 7644 §3.5.2.2: "If no other values remain ..., the multi-valued attribute SHALL be considered unassigned."
  if (left.length === 0 && attr.required) refuseUnassigning(target, attr);
  write(doc, slot, left.length ? left : undefined);
}

// ---------------------------------------------------------------------------------------------
// Dispatch

function guardWritable(target: Target): void {
  const { attr } = target.slot;
  // RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability 'readOnly'".
  if (attr.mutability === 'readOnly') throw scimError.mutability(`'${label(target)}': attribute '${attr.name}' is readOnly`);
  if (target.sub?.mutability === 'readOnly') throw scimError.mutability(`'${label(target)}': sub-attribute '${target.sub.name}' is readOnly`);
}

function applyToTarget(doc: Doc, op: PatchOperation, target: Target, ctx: ResourceContext): void {
  guardWritable(target);
  if (op.op === 'remove') return removeAttribute(doc, op, target, ctx);
  if (target.filter) return setFiltered(doc, op.op, target, op.value, ctx);
  return setAttribute(doc, op.op, target, op.value);
}

function extensionTargets(urn: string, ctx: ResourceContext): Target[] {
  const schema = ctx.registry.schema(urn);
  return (schema?.attributes ?? []).map((attr) => ({
    text: `${urn}:${attr.name}`,
    slot: { schemaUrn: urn, isExtension: true, attr },
    attrPath: { schema: urn, attr: attr.name },
  }));
}

/** An extension URN as the path: its value is an object of that extension's attributes. */
function applyToExtension(doc: Doc, op: PatchOperation, urn: string, ctx: ResourceContext): void {
  const targets = extensionTargets(urn, ctx);
  if (op.op === 'remove') {
    // Every attribute of the extension goes; each removal is checked like a path to that attribute.
    for (const t of targets) if (hasValue(read(doc, t.slot))) applyToTarget(doc, { op: 'remove', path: t.text }, t, ctx);
    const key = findKey(doc, urn);
    if (key !== undefined) delete doc[key];
    return;
  }
  applyValueObject(doc, op.op, { [urn]: op.value }, ctx, urn);
}

// RFC 7643 §3.1 / §3: id, meta and schemas are the provider's; clients echo them back (Okta's group
// rename sends {id, displayName}), so inside a pathless value they are ignored rather than refused.
const IGNORED_IN_VALUE = new Set(['id', 'meta', 'schemas']);

/**
 * add / replace without a path (RFC 7644 §3.5.2.1, §3.5.2.3): "the target location is assumed to be
 * the resource itself", and `value` holds the attributes to add or replace. Keys may also be
 * extension URNs (an object of that extension's attributes), fully qualified names, dotted sub-attribute
 * names or value-filter paths: the aadOptscim062020 Entra habit of merging many replaces into one
 * value ("name.givenName", "urn:...:enterprise:2.0:User:department"). Unknown names are ignored, as
 * for POST (RFC 7644 §3.3).
 */
function applyValueObject(doc: Doc, op: 'add' | 'replace', value: unknown, ctx: ResourceContext, where = 'value'): void {
  if (!isPlainObject(value)) {
    throw scimError.invalidValue(`a PATCH "${op}" without "path" needs a JSON object of attributes as "${where}" (RFC 7644 §3.5.2)`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (IGNORED_IN_VALUE.has(key.toLowerCase())) continue;
    const top = resolveTopLevelKey(key, ctx);
    if (top?.kind === 'extension') {
      if (v === null) continue;
      if (!isPlainObject(v)) throw scimError.invalidValue(`'${top.urn}' in a PATCH value must be an object of extension attributes`);
      for (const [name, inner] of Object.entries(v)) {
        const t = targetOf(`${top.urn}:${name}`, ctx);
        if (t?.kind === 'attr') applyPathless(doc, op, t.target, inner, ctx);
      }
      continue;
    }
    const t = top?.kind === 'attr' ? targetForSlot(key, top.slot) : pathlessKeyTarget(key, ctx);
    if (!t) continue;
    if (t.kind === 'extension') applyToExtension(doc, { op, value: v }, t.urn, ctx);
    else applyPathless(doc, op, t.target, v, ctx);
  }
}

/**
 * A key of a pathless value read as a path. A key that is not even a path ("shoe size") is an unknown
 * attribute and ignored like the others (RFC 7644 §3.3); a malformed value filter ("emails[type eq")
 * was meant as a path and stays an error.
 */
function pathlessKeyTarget(key: string, ctx: ResourceContext): ReturnType<typeof targetOf> {
  try {
    return targetOf(key, ctx);
  } catch (e) {
    if (isScimError(e) && e.scimType === 'invalidPath' && !key.includes('[')) return undefined;
    throw e;
  }
}

function targetForSlot(text: string, slot: AttrSlot): { kind: 'attr'; target: Target } {
  const attrPath = slot.isExtension ? { schema: slot.schemaUrn, attr: slot.attr.name } : { attr: slot.attr.name };
  return { kind: 'attr', target: { text, slot, attrPath } };
}

function applyPathless(doc: Doc, op: 'add' | 'replace', target: Target, value: unknown, ctx: ResourceContext): void {
  // A readOnly attribute given as unassigned (null, []) asks for nothing (RFC 7643 §2.5).
  if (target.slot.attr.mutability === 'readOnly' && !hasValue(value)) return;
  applyToTarget(doc, { op, value }, target, ctx);
}

/** Applies one parsed operation to the working copy. */
export function applyOperation(doc: Doc, op: PatchOperation, ctx: ResourceContext): void {
  if (op.path === undefined) return applyValueObject(doc, op.op as Exclude<Op, 'remove'>, op.value, ctx);
  const t = requireTarget(op.path, ctx);
  if (t.kind === 'extension') return applyToExtension(doc, op, t.urn, ctx);
  return applyToTarget(doc, op, t.target, ctx);
}
