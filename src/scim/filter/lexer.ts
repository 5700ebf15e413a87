/**
 * Tokens of the SCIM filter language (RFC 7644 §3.4.2.2, Figure 1). Words (attribute paths,
 * operators, and/or/not, true/false/null, numbers) are told apart by the parser from their position,
 * so an attribute that happens to be called "pr" or "and" still parses where an attribute belongs.
 */
import { scimError } from '../errors.ts';

export type Token =
  | { kind: 'word'; text: string; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: '(' | ')' | '[' | ']'; start: number; end: number }
  | { kind: 'eof'; start: number; end: number };

const PUNCT = new Set(['(', ')', '[', ']']);
// RFC 7644 §3.4.2.2 writes SP between tokens; tabs and line breaks are tolerated as the same separator.
const SPACE = new Set([' ', '\t', '\r', '\n']);

/** Where in the source a message points: offset plus a short excerpt. */
export function near(source: string, at: number): string {
  if (at >= source.length) return `at position ${at} (end of input)`;
  const excerpt = source.slice(at, at + 20);
  return `at position ${at} (near '${excerpt}')`;
}

/**
 * Splits source[from, to) into tokens. Positions are offsets into `source`, so a filter embedded in
 * a PATCH path reports positions of the whole path.
 */
export function tokenize(source: string, from = 0, to = source.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = source[i];
    if (SPACE.has(c)) {
      i++;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: c as '(' | ')' | '[' | ']', start: i, end: i + 1 });
      i++;
    } else if (c === '"') {
      const end = scanString(source, i, to);
      tokens.push({ kind: 'string', value: decodeString(source, i, end), start: i, end });
      i = end;
    } else {
      const start = i;
      while (i < to && !SPACE.has(source[i]) && !PUNCT.has(source[i]) && source[i] !== '"') i++;
      tokens.push({ kind: 'word', text: source.slice(start, i), start, end: i });
    }
  }
  tokens.push({ kind: 'eof', start: to, end: to });
  return tokens;
}

/** Returns the offset just past the closing quote of the string starting at `start`. */
function scanString(source: string, start: number, to: number): number {
  let i = start + 1;
  while (i < to) {
    const c = source[i];
    if (c === '"') return i + 1;
    // RFC 7644 §3.4.2.2: compValue strings are JSON strings (RFC 7159 §7), so "\" escapes the next char.
    i += c === '\\' ? 2 : 1;
  }
  throw scimError.invalidFilter(`unterminated string starting ${near(source, start)}: expected a closing '"'`);
}

function decodeString(source: string, start: number, end: number): string {
  const raw = source.slice(start, end);
  try {
    // RFC 7644 §3.4.2.2: a string literal follows JSON rules (escapes \" \\ \/ \b \f \n \r \t \uXXXX).
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'string') return value;
  } catch {
    // fall through to the error below
  }
  throw scimError.invalidFilter(`invalid JSON string ${near(source, start)}: check its escapes and control characters`);
}

// RFC 7159 §6: the JSON number grammar, which compValue numbers follow.
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** A word that is a JSON number, as a number; undefined when the word is not one. */
export function wordAsNumber(text: string): number | undefined {
  if (!JSON_NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
