/**
 * Attribute paths (RFC 7644 §3.10, RFC 7643 §2.1) and PATCH paths (RFC 7644 §3.5.2):
 *   attrPath  = [URN ":"] ATTRNAME *1("." subAttr)
 *   PATH      = attrPath / valuePath [subAttr]       ; valuePath = attrPath "[" valFilter "]"
 * Path syntax errors are invalidPath; a malformed filter inside "[...]" is invalidFilter, which
 * RFC 7644 §3.12 Table 9 lists for "PATCH (Path Filter)".
 */
import { scimError } from './errors.ts';
import { attrPathOrReason, formatAttrPath, isAttrName } from './filter/attr-syntax.ts';
import { near } from './filter/lexer.ts';
import { parseFilterRange } from './filter/parse.ts';
import { printFilter } from './filter/print.ts';
import type { AttrPath, PatchPath } from './types.ts';

export function parseAttrPath(text: string): AttrPath {
  const path = attrPathOrReason(text.trim());
  if (typeof path === 'string') throw scimError.invalidPath(`invalid attribute path '${text}': ${path}`);
  return path;
}

export function printAttrPath(path: AttrPath): string {
  return formatAttrPath(path);
}

/** RFC 7644 §3.5.2: `attrPath`, `attr[filter]` or `attr[filter].subAttr`. */
export function parsePatchPath(text: string): PatchPath {
  const source = text.trim();
  const open = source.indexOf('[');
  if (open < 0) {
    if (source.includes(']')) throw scimError.invalidPath(`invalid path '${text}': ']' without '['`);
    return { attrPath: parseAttrPath(source) };
  }
  const attrPath = parseAttrPath(source.slice(0, open));
  // RFC 7644 §3.5.2: the value filter selects elements of a (multi-valued complex) attribute, not of a sub-attribute.
  if (attrPath.subAttr !== undefined) {
    throw scimError.invalidPath(`invalid path '${text}': a value filter '[...]' applies to an attribute, not to the sub-attribute '${attrPath.subAttr}'`);
  }
  const close = closingBracket(source, open);
  const valueFilter = parseFilterRange(source, open + 1, close, "']'");
  const result: PatchPath = { attrPath, valueFilter };
  const rest = source.slice(close + 1);
  if (rest === '') return result;
  // RFC 7644 §3.5.2: valuePath ["." subAttr], e.g. emails[type eq "work"].value
  if (!rest.startsWith('.') || !isAttrName(rest.slice(1))) {
    throw scimError.invalidPath(`invalid path '${text}': expected end of path or '.subAttribute' ${near(source, close + 1)}`);
  }
  result.subAttr = rest.slice(1);
  return result;
}

/** Offset of the "]" closing the "[" at `open`, skipping JSON strings (a value may contain "]"). */
function closingBracket(source: string, open: number): number {
  let i = open + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '"') {
      i++;
      while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
      if (i >= source.length) throw scimError.invalidFilter(`unterminated string in path filter ${near(source, open + 1)}`);
    } else if (c === ']') {
      return i;
    }
    i++;
  }
  throw scimError.invalidPath(`invalid path '${source}': '[' ${near(source, open)} has no closing ']'`);
}

export function printPatchPath(path: PatchPath): string {
  const base = formatAttrPath(path.attrPath);
  if (!path.valueFilter) return base;
  const sub = path.subAttr === undefined ? '' : `.${path.subAttr}`;
  return `${base}[${printFilter(path.valueFilter)}]${sub}`;
}
