/** Index-based paging of list results (RFC 7644 §3.4.2.4). Pure. */
import { scimError } from './errors.ts';

export interface Paging {
  /** 1-based index of the first result on the page. */
  startIndex: number;
  /** How many results the page holds at most. */
  count: number;
}

/** An integer query value: a JSON number, or text of decimal digits with an optional sign. */
function integerParam(name: string, raw: string | number): number {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) throw scimError.invalidValue(`'${name}' must be an integer, got ${raw}`);
    return raw;
  }
  const text = raw.trim();
  // RFC 7644 §3.4.2.4: startIndex and count are integers; anything else is not a value we can honour.
  if (!/^[+-]?\d+$/.test(text)) throw scimError.invalidValue(`'${name}' must be an integer, got '${raw}'`);
  const n = Number(text);
  return Math.max(Math.min(n, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}

/**
 * startIndex and count as the service provider will apply them.
 * RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1" (startIndex); a negative count
 * "SHALL be interpreted as 0"; without count "the maximum number of results is set by the service
 * provider" (maxResults), and the provider never returns more than that (RFC 7643 §5 filter.maxResults).
 */
export function normalizePaging(
  raw: { startIndex?: string | number; count?: string | number },
  limits: { maxResults: number },
): Paging {
  const start = raw.startIndex === undefined ? 1 : integerParam('startIndex', raw.startIndex);
  const count = raw.count === undefined ? limits.maxResults : integerParam('count', raw.count);
  return {
    startIndex: Math.max(1, start),
    count: Math.min(Math.max(0, count), limits.maxResults),
  };
}

/** The page of `items` that starts at the 1-based `startIndex` and holds at most `count` items. */
export function pageOf<T>(items: readonly T[], startIndex: number, count: number): T[] {
  const from = Math.max(1, startIndex) - 1;
  return items.slice(from, from + Math.max(0, count));
}
