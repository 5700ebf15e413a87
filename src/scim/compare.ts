/**
 * Type-aware value comparison shared by filtering (RFC 7644 §3.4.2.2) and sorting (RFC 7644 §3.4.2.3),
 * so that `gt` in a filter and `sortBy` order values the same way.
 */
import type { AttributeDef } from './types.ts';

/** RFC 7644 §3.4.2.2: string comparison follows the attribute's caseExact; otherwise case is folded. */
export function foldCase(s: string, caseExact: boolean): string {
  return caseExact ? s : s.toLowerCase();
}

/** Lexicographic (UTF-16 code unit) order after folding; locale-independent so results are stable. */
export function compareStrings(a: string, b: string, caseExact: boolean): number {
  const x = foldCase(a, caseExact);
  const y = foldCase(b, caseExact);
  return x < y ? -1 : x > y ? 1 : 0;
}

// RFC 7643 §2.3.5: dateTime is an xsd:dateTime, e.g. 2008-01-23T04:56:22Z.
const XSD_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Milliseconds since the epoch for an xsd:dateTime string, undefined when it is not one. */
export function parseInstant(s: string): number | undefined {
  if (!XSD_DATE_TIME.test(s)) return undefined;
  // A dateTime without an offset is read as UTC so the result does not depend on the host's zone.
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(s);
  const ms = Date.parse(hasZone ? s : `${s}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

const isNullish = (v: unknown): v is null | undefined => v === null || v === undefined;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** An order between values of different JSON types, so comparison stays total. */
function typeRank(v: unknown): number {
  if (typeof v === 'boolean') return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

function valueKey(obj: Record<string, unknown>): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === 'value');
}

/**
 * Orders two attribute values: strings by caseExact (case-insensitive when no definition says
 * otherwise), numbers numerically, booleans false < true, dateTime values as instants; null and
 * undefined sort last (RFC 7644 §3.4.2.3: resources without the sort attribute come last ascending).
 */
export function compareValues(a: unknown, b: unknown, attr?: AttributeDef): number {
  if (isNullish(a) || isNullish(b)) return isNullish(a) === isNullish(b) ? 0 : isNullish(a) ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') {
    // RFC 7644 §3.4.2.2 (gt): "for DateTime types, it is a chronological comparison".
    if (attr?.type === 'dateTime') {
      const x = parseInstant(a);
      const y = parseInstant(b);
      if (x !== undefined && y !== undefined) return sign(x - y);
    }
    // RFC 7643 §2.3.6: binary values are case exact.
    return compareStrings(a, b, attr?.type === 'binary' ? true : (attr?.caseExact ?? false));
  }
  if (typeof a === 'number' && typeof b === 'number') return sign(a - b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isObject(a) && isObject(b)) {
    // RFC 7643 §2.4: a complex multi-valued element is represented by its "value" sub-attribute.
    const ka = valueKey(a);
    const kb = valueKey(b);
    const sub = attr?.subAttributes?.find((s) => s.name.toLowerCase() === 'value');
    if (ka && kb) return compareValues(a[ka], b[kb], sub);
    return ka ? -1 : kb ? 1 : 0;
  }
  return sign(typeRank(a) - typeRank(b));
}

/**
 * Equality under the attribute's rules. Complex values are equal when every sub-attribute is
 * (names case-insensitive, RFC 7643 §2.1); multi-valued values when they pair up in order.
 */
export function valuesEqual(a: unknown, b: unknown, attr?: AttributeDef): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i], attr));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const present = (o: Record<string, unknown>) =>
      new Map(Object.entries(o).filter(([, v]) => !isNullish(v)).map(([k, v]) => [k.toLowerCase(), v]));
    const ma = present(a);
    const mb = present(b);
    if (ma.size !== mb.size) return false;
    for (const [k, v] of ma) {
      if (!mb.has(k)) return false;
      const sub = attr?.subAttributes?.find((s) => s.name.toLowerCase() === k);
      if (!valuesEqual(v, mb.get(k), sub)) return false;
    }
    return true;
  }
  if (isNullish(a) || isNullish(b)) return isNullish(a) && isNullish(b);
  if (typeof a !== typeof b) return false;
  return compareValues(a, b, attr) === 0;
}
