/**
 * The attribute-path grammar shared by filters and PATCH paths (RFC 7644 §3.10, RFC 7643 §2.1):
 *   attrPath = [URI ":"] ATTRNAME *1subAttr ; subAttr = "." ATTRNAME
 * Lives here (not in attribute-path.ts) so the filter parser and the path parser need no import cycle.
 */
import type { AttrPath } from '../types.ts';

// RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar); `$` is admitted too because "$ref" is a defined sub-attribute.
const ATTR_NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;
// RFC 7644 §3.10: a fully qualified name is prefixed by the schema URN (RFC 8141: "urn:" NID ":" NSS).
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s:][^\s]*$/i;

export function isAttrName(s: string): boolean {
  return ATTR_NAME.test(s);
}

/** Parses an attribute path, or returns a sentence saying what is wrong with it. */
export function attrPathOrReason(text: string): AttrPath | string {
  if (text === '') return 'an attribute path is empty';
  let schema: string | undefined;
  let rest = text;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    // RFC 7644 §3.10: the URN ends at the last colon; "2.0" inside the URN keeps its dot.
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!URN.test(schema)) return `'${schema}' is not a schema URN (expected urn:...)`;
    if (rest === '') return `'${text}' names a schema URN but no attribute after it`;
  }
  const parts = rest.split('.');
  // RFC 7643 §2.3.8: complex attributes nest one level only, so at most one ".subAttr".
  if (parts.length > 2) return `'${text}' has more than one sub-attribute level (complex attributes nest once)`;
  const [attr, subAttr] = parts;
  if (!isAttrName(attr)) return `'${attr}' is not a valid attribute name`;
  if (subAttr !== undefined && !isAttrName(subAttr)) return `'${subAttr}' is not a valid sub-attribute name`;
  const path: AttrPath = { attr };
  if (schema !== undefined) path.schema = schema;
  if (subAttr !== undefined) path.subAttr = subAttr;
  return path;
}

export function formatAttrPath(path: AttrPath): string {
  const base = path.subAttr === undefined ? path.attr : `${path.attr}.${path.subAttr}`;
  return path.schema === undefined ? base : `${path.schema}:${base}`;
}
