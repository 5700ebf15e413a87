/**
 * The membership PATCHes IdPs send all day, read as a delta on Group `members` instead of a new document:
 * add members with a value array (RFC 7644 §3.5.2.1), remove one by `members[value eq "id"]`
 * (§3.5.2.2), remove the listed ones (Entra's value array, docs/leniencies.md), remove them all.
 * A provider can apply such a delta in time proportional to the change, not to the group's size.
 *
 * This only recognises and validates; it never decides a failure. Anything else, and anything that would
 * fail here (a bad path, a value of the wrong shape), returns undefined, so the caller runs the generic
 * engine (applyPatch), which stays the one definition of every result and every error.
 */
import { isScimError } from '../errors.ts';
import { getMember, isPlainObject } from '../resource-access.ts';
import type { AttributeDef, PatchOperation } from '../types.ts';
import { normalizeAttributeValue, resolveTopLevelKey, type ResourceContext } from '../validate-resource.ts';
import { targetOf } from './target.ts';

/** One step of a member delta, in request order (RFC 7644 §3.5.2: operations apply in order). */
export type MemberStep =
  /** Append these values unless an equal one is there (RFC 7644 §3.5.2.1); each already normalised, with a string `value`. */
  | { kind: 'add'; items: Record<string, unknown>[] }
  /** `members[value eq "x"]` (RFC 7644 §3.5.2.2): every member whose value equals x ignoring case; none is noTarget. */
  | { kind: 'removeMatching'; value: string }
  /** Entra's `remove members` with a value array: the listed values ignoring case; absent ones are no-ops. */
  | { kind: 'removeListed'; values: string[] }
  /** `remove members` without a value: the attribute becomes unassigned (RFC 7644 §3.5.2.2). */
  | { kind: 'removeAll' };

/** The plan: the steps, and the `members` definition the generic engine compares values under. */
export interface MemberDelta {
  attr: AttributeDef;
  steps: MemberStep[];
}

// RFC 7643 §3.1 / §3: ignored inside a pathless value, as applyPatch does (src/scim/patch/operations.ts).
const IGNORED_IN_VALUE = new Set(['id', 'meta', 'schemas']);

/**
 * The `members` attribute when it is the plain one of RFC 7643 §4.2 (multi-valued complex, readWrite,
 * optional, a string `value`): only then are the shortcuts below the same as the generic engine.
 */
function membersAttribute(ctx: ResourceContext): AttributeDef | undefined {
  const top = resolveTopLevelKey('members', ctx);
  if (top?.kind !== 'attr' || top.slot.isExtension) return undefined;
  const attr = top.slot.attr;
  const value = attr.subAttributes?.find((s) => s.name === 'value');
  const ok =
    attr.multiValued && attr.type === 'complex' && attr.mutability === 'readWrite' && !attr.required &&
    value?.type === 'string' && !value.multiValued && value.mutability !== 'readOnly';
  return ok ? attr : undefined;
}

/** RFC 7644 §3.5.2.1 add: the values as the generic engine normalises them (same function, same checks). */
function addStep(value: unknown, attr: AttributeDef): MemberStep | undefined {
  const v = normalizeAttributeValue(value, attr, attr.name) as Record<string, unknown>[] | undefined;
  const items = v ?? [];
  // A value without a string `value` cannot be a member; the generic engine reports it.
  if (!items.every((i) => isPlainObject(i) && typeof i.value === 'string')) return undefined;
  return { kind: 'add', items };
}

/** `members[value eq "x"]` and nothing else: the one filter whose matches an index can find. */
function valueEq(filter: NonNullable<ReturnType<typeof targetOfMembers>>['filter']): string | undefined {
  if (!filter || filter.op !== 'eq') return undefined;
  const { path, value } = filter;
  if (path.schema !== undefined || path.subAttr !== undefined || path.attr.toLowerCase() !== 'value') return undefined;
  return typeof value === 'string' ? value : undefined;
}

function targetOfMembers(path: string, attr: AttributeDef, ctx: ResourceContext) {
  const t = targetOf(path, ctx);
  if (t?.kind !== 'attr' || t.target.slot.attr !== attr || t.target.slot.isExtension || t.target.sub) return undefined;
  return t.target;
}

function stepOf(op: PatchOperation, attr: AttributeDef, ctx: ResourceContext): MemberStep[] | undefined {
  if (op.path === undefined) {
    // RFC 7644 §3.5.2.1: add without a path: `value` holds attributes; here only `members` (plus ignored keys).
    if (op.op !== 'add' || !isPlainObject(op.value)) return undefined;
    const steps: MemberStep[] = [];
    for (const [key, v] of Object.entries(op.value)) {
      if (IGNORED_IN_VALUE.has(key.toLowerCase())) continue;
      const top = resolveTopLevelKey(key, ctx);
      const step = top?.kind === 'attr' && top.slot.attr === attr && !top.slot.isExtension ? addStep(v, attr) : undefined;
      if (!step) return undefined;
      steps.push(step);
    }
    return steps;
  }
  const target = targetOfMembers(op.path, attr, ctx);
  if (!target) return undefined;
  if (op.op === 'add') {
    const step = target.filter ? undefined : addStep(op.value, attr);
    return step && [step];
  }
  if (op.op !== 'remove') return undefined;
  if (target.filter) {
    const value = valueEq(target.filter);
    return value === undefined ? undefined : [{ kind: 'removeMatching', value }];
  }
  const v = op.value;
  // RFC 7644 §3.5.2.2: no value removes every member; a value array is Entra's "just these" (docs/leniencies.md).
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return [{ kind: 'removeAll' }];
  const items = Array.isArray(v) ? v : [v];
  // Only items with a string `value` can equal a member; the others match nothing (as in the generic engine).
  const values = items.map((i) => getMember(i, 'value')).filter((x): x is string => typeof x === 'string');
  return [{ kind: 'removeListed', values }];
}

/**
 * The operations as member steps, or undefined when they are not all membership changes of the kinds
 * above (or would fail): then the generic engine must run.
 */
export function planMemberDelta(operations: readonly PatchOperation[], ctx: ResourceContext): MemberDelta | undefined {
  const attr = membersAttribute(ctx);
  if (!attr) return undefined;
  const steps: MemberStep[] = [];
  try {
    for (const op of operations) {
      const s = stepOf(op, attr, ctx);
      if (!s) return undefined;
      steps.push(...s);
    }
  } catch (e) {
    // A failure is the generic engine's to report, with its wording and its operation index.
    if (isScimError(e)) return undefined;
    throw e;
  }
  return { attr, steps };
}
