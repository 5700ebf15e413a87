/**
 * Turns a generated FilterSpec into a filter AST (RFC 7644 §3.4.2.2) against the values the run's
 * population really holds, and scopes it to the run: `userName sw "<prefix>" and (<filter>)`.
 */
import { getMember, isPlainObject } from '../../scim/resource-access.ts';
import { SCHEMA_URN, type AttrPath, type FilterNode, type FilterValue, type ScimResource } from '../../scim/types.ts';
import type { FilterSpec, Operand, StringAttr, Transform } from './arbitraries.ts';

export function attrPathOf(attr: StringAttr | 'active' | 'meta.created' | 'meta.lastModified'): AttrPath {
  // RFC 7644 §3.10: extension attributes are named by their fully qualified URN path.
  if (attr === 'department') return { schema: SCHEMA_URN.enterpriseUser, attr: 'department' };
  const [a, sub] = attr.split('.');
  return sub === undefined ? { attr: a! } : { attr: a!, subAttr: sub };
}

/** The first value a path holds in a model resource (multi-valued: the first element's). */
function firstValue(r: ScimResource, attr: StringAttr): string | undefined {
  let v: unknown;
  if (attr === 'department') v = getMember(getMember(r, SCHEMA_URN.enterpriseUser), 'department');
  else {
    const [a, sub] = attr.split('.');
    v = getMember(r, a!);
    if (Array.isArray(v)) v = v[0];
    if (isPlainObject(v)) v = getMember(v, sub ?? 'value');
  }
  return typeof v === 'string' ? v : undefined;
}

function transform(s: string, t: Transform): string {
  const chars = [...s];
  switch (t) {
    case 'same':
      return s;
    case 'upper':
      return s.toUpperCase();
    case 'lower':
      return s.toLowerCase();
    case 'swap':
      return chars.map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
    case 'head':
      return chars.slice(0, 3).join('');
    case 'tail':
      return chars.slice(-3).join('');
    case 'middle':
      return chars.length > 2 ? chars.slice(1, -1).join('') : s;
  }
}

function operandValue(o: Operand, population: readonly ScimResource[]): FilterValue {
  if ('lit' in o) return o.lit;
  if ('fixedDate' in o) return o.fixedDate;
  if ('ref' in o) {
    const r = population.length > 0 ? population[o.ref.user % population.length] : undefined;
    const v = r ? firstValue(r, o.ref.attr) : undefined;
    return transform(v ?? 'absent', o.ref.transform);
  }
  const r = population.length > 0 ? population[o.date.user % population.length] : undefined;
  const raw = r ? getMember(getMember(r, 'meta'), o.date.which) : undefined;
  const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  // RFC 7643 §2.3.5: an xsd:dateTime; shifted by a second either side to probe gt / lt boundaries.
  return Number.isNaN(ms) ? '2000-01-01T00:00:00Z' : new Date(ms + o.date.shiftMs).toISOString();
}

export function resolveFilter(spec: FilterSpec, population: readonly ScimResource[]): FilterNode {
  if ('and' in spec) return { op: 'and', left: resolveFilter(spec.and[0], population), right: resolveFilter(spec.and[1], population) };
  if ('or' in spec) return { op: 'or', left: resolveFilter(spec.or[0], population), right: resolveFilter(spec.or[1], population) };
  if ('not' in spec) return { op: 'not', filter: resolveFilter(spec.not, population) };
  if ('pr' in spec) return { op: 'pr', path: attrPathOf(spec.pr) };
  if ('bool' in spec) return { op: spec.bool.op, path: { attr: 'active' }, value: spec.bool.value };
  if ('str' in spec) return { op: spec.str.op, path: attrPathOf(spec.str.attr), value: operandValue(spec.str.operand, population) };
  if ('date' in spec) return { op: spec.date.op, path: attrPathOf(spec.date.attr), value: operandValue(spec.date.operand, population) };
  // RFC 7644 §3.4.2.2 valuePath: both conditions must hold for the same email.
  const w = spec.emailsWhere;
  return {
    op: 'valuePath',
    path: { attr: 'emails' },
    filter: { op: 'and', left: { op: 'eq', path: { attr: 'type' }, value: w.type }, right: { op: w.op, path: { attr: 'value' }, value: operandValue(w.operand, population) } },
  };
}

/**
 * How a list is restricted to one fast-check run's users, learned once per suite (target.ts). RFC 7644 §3.12 lets
 * a target refuse any filter comparison it does not support (invalidFilter), so scoping must not rest on `sw`:
 * - 'sw':  `userName sw "<run prefix>" and (<filter>)`;
 * - 'tag': every user of the run carries the run prefix in one optional string attribute the target declares
 *          (e.g. displayName), and lists are `<attr> eq "<run prefix>" and (<filter>)` (eq-only targets);
 * - 'none': no list can be scoped; list comparisons are left out (the reason says why).
 */
export type Scope = { kind: 'sw' } | { kind: 'tag'; path: AttrPath } | { kind: 'none'; why: string };

/** The filter selecting exactly one run's users, or undefined when the target offers no way to scope. */
export function scopeFilter(scope: Scope, prefix: string): FilterNode | undefined {
  if (scope.kind === 'sw') return { op: 'sw', path: { attr: 'userName' }, value: prefix };
  if (scope.kind === 'tag') return { op: 'eq', path: scope.path, value: prefix };
  return undefined;
}

/** Restricts a filter to the run's users, so other data on the target never enters the comparison. */
export function scoped(scope: Scope, prefix: string, filter: FilterNode | undefined): FilterNode | undefined {
  const s = scopeFilter(scope, prefix);
  if (!s) return undefined;
  return filter ? { op: 'and', left: s, right: filter } : s;
}

/** Puts the run's tag into a User body when the scope is a tag (a new object; the body is not changed). */
export function tagged(body: Record<string, unknown>, scope: Scope, prefix: string): Record<string, unknown> {
  if (scope.kind !== 'tag') return body;
  const out = { ...body };
  const { attr, subAttr } = scope.path;
  if (subAttr === undefined) out[attr] = prefix;
  else out[attr] = { ...(isPlainObject(out[attr]) ? (out[attr] as Record<string, unknown>) : {}), [subAttr]: prefix };
  return out;
}
