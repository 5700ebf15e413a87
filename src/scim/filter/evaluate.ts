/**
 * Validating and evaluating parsed filters against resources (RFC 7644 §3.4.2.2).
 *
 * Decisions the RFC leaves open, taken here and tested:
 * - An absent attribute matches no comparison except `ne` (and `eq null`). Table 3 defines `ne` as
 *   "the attribute and operator values are not identical"; an absent attribute has no value identical
 *   to the operand, so `title ne "x"` holds for a user without a title, which keeps `ne` equal to
 *   `not (.. eq ..)` for single-valued attributes.
 * - `x eq null` matches when x has no value, `x ne null` when it has one.
 * - Multi-valued attributes match when ANY value satisfies the comparison, `ne` included.
 */
import { scimError } from '../errors.ts';
import { compareStrings, foldCase, parseInstant } from '../compare.ts';
import {
  flattenValues,
  getMember,
  isPlainObject,
  pathReader,
  resolvePath,
  type ResourceContext,
} from '../resource-access.ts';
import type { ResolvedAttr } from '../schema-registry.ts';
import type { AttrPath, AttributeDef, CompareOp, FilterNode, FilterValue, ScimResource } from '../types.ts';
import { formatAttrPath } from './attr-syntax.ts';

export interface FilterContext extends ResourceContext {}

// ---------------------------------------------------------------------------------------------
// Where a path points: a path at the resource root, or a sub-attribute inside `parent[...]`.

/** The full path an (inner) filter path stands for; inside `emails[type eq ..]`, `type` is emails.type. */
function fullPath(path: AttrPath, parent: AttrPath | undefined): AttrPath {
  if (!parent) return path;
  const full: AttrPath = { attr: parent.attr, subAttr: path.attr };
  if (parent.schema !== undefined) full.schema = parent.schema;
  return full;
}

function valueSubAttribute(def: AttributeDef): AttributeDef | undefined {
  return def.subAttributes?.find((s) => s.name.toLowerCase() === 'value');
}

// ---------------------------------------------------------------------------------------------
// Validation: once per request, before any resource is looked at.

/**
 * Throws ScimError invalidFilter (400) when the filter names an attribute the resource type does not
 * have, uses a comparison that does not fit the attribute's type, or names a writeOnly / never-returned
 * attribute (password). RFC 7644 §3.12 Table 9: invalidFilter covers "the specified attribute and filter
 * comparison combination is not supported".
 */
export function validateFilter(node: FilterNode, ctx: FilterContext): void {
  validateNode(node, ctx, undefined);
}

/** Validates the filter of a PATCH value path `parent[filter]` (RFC 7644 §3.5.2). */
export function validateValueFilter(filter: FilterNode, parent: AttrPath, ctx: FilterContext): void {
  validateNode({ op: 'valuePath', path: parent, filter }, ctx, undefined);
}

function validateNode(node: FilterNode, ctx: FilterContext, parent: AttrPath | undefined): void {
  switch (node.op) {
    case 'and':
    case 'or':
      validateNode(node.left, ctx, parent);
      validateNode(node.right, ctx, parent);
      return;
    case 'not':
      validateNode(node.filter, ctx, parent);
      return;
    case 'valuePath': {
      const resolved = resolveOrThrow(node.path, ctx);
      // RFC 7644 §3.4.2.2: a valuePath filters the values of a complex attribute by their sub-attributes.
      if (resolved.sub || resolved.attr.type !== 'complex') {
        throw scimError.invalidFilter(
          `'${formatAttrPath(node.path)}[...]' needs a complex attribute: '${resolved.attr.name}' is of type ${(resolved.sub ?? resolved.attr).type}`,
        );
      }
      validateNode(node.filter, ctx, node.path);
      return;
    }
    default: {
      if (parent && (node.path.schema !== undefined || node.path.subAttr !== undefined)) {
        // RFC 7643 §2.3.8: sub-attributes do not nest, so inside `x[...]` only plain sub-attribute names fit.
        throw scimError.invalidFilter(
          `inside '${formatAttrPath(parent)}[...]' name a sub-attribute of '${parent.attr}' only, not '${formatAttrPath(node.path)}'`,
        );
      }
      const resolved = resolveOrThrow(fullPath(node.path, parent), ctx);
      if (node.op === 'pr') return;
      const def = comparedDef(resolved, node.path, parent);
      validateComparison(node.op, def, node.value, formatAttrPath(fullPath(node.path, parent)));
    }
  }
}

// RFC 7643 §3: "schemas" is a multi-valued list of URIs on every resource, not part of any schema,
// yet RFC 7644 §3.4.2.2 filters on it (`schemas eq "urn:...:enterprise:2.0:User"`).
const SCHEMAS_ATTRIBUTE: AttributeDef = {
  name: 'schemas',
  type: 'reference',
  multiValued: true,
  required: true,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'always',
  uniqueness: 'none',
};

function resolveForFilter(path: AttrPath, ctx: FilterContext): ResolvedAttr | undefined {
  const resolved = resolvePath(path, ctx);
  if (resolved || path.schema !== undefined || path.subAttr !== undefined) return resolved;
  if (path.attr.toLowerCase() !== 'schemas') return undefined;
  return { schemaUrn: '', isExtension: false, attr: SCHEMAS_ATTRIBUTE };
}

function resolveOrThrow(path: AttrPath, ctx: FilterContext): ResolvedAttr {
  const resolved = resolveForFilter(path, ctx);
  // RFC 7644 §3.12 Table 9 (invalidFilter): the filter names an attribute the resource type lacks.
  if (!resolved) {
    throw scimError.invalidFilter(`unknown attribute '${formatAttrPath(path)}' for resource type ${ctx.resourceType}`);
  }
  for (const def of [resolved.attr, resolved.sub]) {
    // RFC 7643 §7 (returned "never", mutability "writeOnly") and §4.1.1 (password is never returned in
    // any form): filtering on it would reveal it one guess at a time.
    if (def && (def.mutability === 'writeOnly' || def.returned === 'never')) {
      throw scimError.invalidFilter(
        `'${formatAttrPath(path)}' cannot be used in a filter: '${def.name}' is ${def.mutability === 'writeOnly' ? 'writeOnly' : 'returned never'} (RFC 7643 §7)`,
      );
    }
  }
  return resolved;
}

/** The definition a comparison applies to, with the implied `.value` of multi-valued complex attributes. */
function comparedDef(resolved: ResolvedAttr, path: AttrPath, parent: AttrPath | undefined): AttributeDef {
  const def = resolved.sub ?? resolved.attr;
  if (def.type !== 'complex') return def;
  // RFC 7643 §2.4: "value" is a multi-valued attribute's significant value, so `emails co "x"`
  // compares emails.value (RFC 7644 §3.4.2.2 example: `emails co "example.com"`).
  const value = !resolved.sub && def.multiValued ? valueSubAttribute(def) : undefined;
  if (value) return value;
  // RFC 7644 §3.4.2.2: "For complex attributes, a fully qualified sub-attribute MUST be specified".
  const shown = formatAttrPath(fullPath(path, parent));
  throw scimError.invalidFilter(`'${shown}' is a complex attribute: compare one of its sub-attributes (e.g. '${shown}.${def.subAttributes?.[0]?.name ?? 'value'}')`);
}

function validateComparison(op: CompareOp, def: AttributeDef, value: FilterValue, shown: string): void {
  const bad = (why: string): never => {
    throw scimError.invalidFilter(`'${shown} ${op} ${JSON.stringify(value)}': ${why}`);
  };
  if (value === null) {
    // Only equality makes sense against null (absence); ordering and substring tests need a value.
    if (op !== 'eq' && op !== 'ne') bad(`'${op}' needs a value, not null`);
    return;
  }
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  switch (def.type) {
    case 'boolean':
      // RFC 7644 §3.4.2.2 Table 3 (gt..le): "Boolean and Binary attributes SHALL cause a failed response".
      if (ordering || substring) bad(`'${def.name}' is boolean: only eq and ne apply`);
      if (typeof value !== 'boolean') bad(`'${def.name}' is boolean: compare it with true or false`);
      return;
    case 'binary':
      if (ordering || substring) bad(`'${def.name}' is binary: only eq and ne apply`);
      if (typeof value !== 'string') bad(`'${def.name}' is binary: compare it with a base64 string`);
      return;
    case 'integer':
    case 'decimal':
      if (substring) bad(`'${def.name}' is ${def.type}: co, sw and ew apply to strings only`);
      if (typeof value !== 'number') bad(`'${def.name}' is ${def.type}: compare it with a number`);
      return;
    case 'dateTime':
      if (substring) bad(`'${def.name}' is dateTime: co, sw and ew apply to strings only`);
      // RFC 7643 §2.3.5: dateTime values are xsd:dateTime strings.
      if (typeof value !== 'string' || parseInstant(value) === undefined) {
        bad(`'${def.name}' is dateTime: compare it with an xsd:dateTime string such as "2011-05-13T04:42:34Z"`);
      }
      return;
    case 'complex':
      bad(`'${def.name}' is complex: compare one of its sub-attributes`);
      return;
    default:
      // string and reference
      if (typeof value !== 'string') bad(`'${def.name}' is a ${def.type}: compare it with a "quoted" string`);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation: a filter is compiled once (names resolved against the registry), then run per resource.

export type ResourceMatcher = (resource: ScimResource) => boolean;
type Matcher = (subject: unknown) => boolean;

/**
 * Resolves the filter's attributes once and returns a predicate to run on many resources of the
 * context's type. Does not validate: call validateFilter first for a clean invalidFilter error.
 */
export function compileFilter(node: FilterNode, ctx: FilterContext): ResourceMatcher {
  return compile(node, ctx, undefined);
}

/** True when the resource satisfies the filter. Call validateFilter first for a clean error. */
export function matchesFilter(node: FilterNode, resource: ScimResource, ctx: FilterContext): boolean {
  return compile(node, ctx, undefined)(resource);
}

/**
 * A predicate on the elements of a multi-valued complex attribute (e.g. each of `members`) for the
 * inner filter of a PATCH value path `parent[filter]` (RFC 7644 §3.5.2).
 */
export function compileValueFilter(filter: FilterNode, parent: AttrPath, ctx: FilterContext): (element: unknown) => boolean {
  return compile(filter, ctx, parent);
}

/** True when one element of `parent` satisfies the inner filter of `parent[filter]` (RFC 7644 §3.5.2). */
export function matchesValueFilter(filter: FilterNode, element: unknown, parent: AttrPath, ctx: FilterContext): boolean {
  return compile(filter, ctx, parent)(element);
}

function compile(node: FilterNode, ctx: FilterContext, parent: AttrPath | undefined): Matcher {
  switch (node.op) {
    // RFC 7644 §3.4.2.2 Table 4: logical and / or / not.
    case 'and': {
      const [l, r] = [compile(node.left, ctx, parent), compile(node.right, ctx, parent)];
      return (s) => l(s) && r(s);
    }
    case 'or': {
      const [l, r] = [compile(node.left, ctx, parent), compile(node.right, ctx, parent)];
      return (s) => l(s) || r(s);
    }
    case 'not': {
      const inner = compile(node.filter, ctx, parent);
      return (s) => !inner(s);
    }
    case 'valuePath': {
      const read = reader(node.path, ctx, parent);
      const inner = compile(node.filter, ctx, node.path);
      // RFC 7644 §3.4.2.2: the inner filter must hold for ONE element as a whole, so
      // emails[type eq "work" and value co "@x"] does not match a work email plus another @x email.
      return (s) => read(s).some((el) => isPlainObject(el) && inner(el));
    }
    case 'pr': {
      const read = reader(node.path, ctx, parent);
      // RFC 7644 §3.4.2.2 Table 3: "If the attribute has a non-empty value, or if it contains a
      // non-empty node for complex attributes, there is a match."
      return (s) => read(s).some(isNonEmpty);
    }
    default:
      return compileComparison(node.op, node.path, node.value, ctx, parent);
  }
}

/**
 * Reads the values a path names in a subject: the resource, or (inside parent[...]) one element
 * whose keys are the sub-attributes. Never-returned attributes read as absent, so even an unvalidated
 * filter cannot probe a password (RFC 7643 §4.1.1).
 */
function reader(path: AttrPath, ctx: FilterContext, parent: AttrPath | undefined): (subject: unknown) => unknown[] {
  const resolved = resolveForFilter(fullPath(path, parent), ctx);
  if (resolved && [resolved.attr, resolved.sub].some((d) => d && (d.mutability === 'writeOnly' || d.returned === 'never'))) {
    return () => [];
  }
  if (!parent) return pathReader(path, ctx);
  return (subject) => flattenValues(getMember(subject, path.attr));
}

function isNonEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.some(isNonEmpty);
  if (isPlainObject(v)) return Object.values(v).some(isNonEmpty);
  return true;
}

function compileComparison(
  op: CompareOp,
  path: AttrPath,
  operand: FilterValue,
  ctx: FilterContext,
  parent: AttrPath | undefined,
): Matcher {
  const compare = comparisonWithLateOperand(op, path, ctx, parent);
  return (subject) => compare(subject, operand);
}

/**
 * `path eq <operand>` with the operand given per call: the provider's fast lane (provider/fast-lane.ts) resolves
 * `userName eq` once and runs it with each request's value, by the very comparison a compiled filter runs.
 */
export function compileEqualityWithLateOperand(path: AttrPath, ctx: FilterContext): (resource: ScimResource, operand: string) => boolean {
  return comparisonWithLateOperand('eq', path, ctx, undefined);
}

function comparisonWithLateOperand(
  op: CompareOp,
  path: AttrPath,
  ctx: FilterContext,
  parent: AttrPath | undefined,
): (subject: unknown, operand: FilterValue) => boolean {
  const resolved = resolveForFilter(fullPath(path, parent), ctx);
  const def = resolved ? (resolved.sub ?? resolved.attr) : undefined;
  const valueDef = def ? valueSubAttribute(def) : undefined;
  const read = reader(path, ctx, parent);
  return (subject, operand) => {
    let values = read(subject);
    let typeDef = def;
    if (values.some(isPlainObject)) {
      // RFC 7643 §2.4: a multi-valued complex attribute without a sub-attribute compares its "value".
      values = values.flatMap((v) => (isPlainObject(v) ? flattenValues(getMember(v, 'value')) : [v]));
      typeDef = valueDef;
    }
    if (values.length === 0) {
      // Absent (see the header): nothing is identical to the operand, so only ne and "eq null" hold.
      return operand === null ? op === 'eq' : op === 'ne';
    }
    if (operand === null) return op === 'ne';
    // RFC 7644 §3.4.2.2: "the filter matches if any of the values of the specified attribute match".
    return values.some((v) => compareOne(op, v, operand, typeDef));
  };
}

/** One attribute value against the operand (RFC 7644 §3.4.2.2 Table 3), by the attribute's type. */
function compareOne(op: CompareOp, actual: unknown, operand: Exclude<FilterValue, null>, def: AttributeDef | undefined): boolean {
  const type = def?.type ?? (typeof operand === 'number' ? 'decimal' : typeof operand === 'boolean' ? 'boolean' : 'string');
  const order = (cmp: number | undefined): boolean => {
    if (cmp === undefined) return op === 'ne';
    switch (op) {
      case 'eq':
        return cmp === 0;
      case 'ne':
        return cmp !== 0;
      case 'gt':
        return cmp > 0;
      case 'ge':
        return cmp >= 0;
      case 'lt':
        return cmp < 0;
      case 'le':
        return cmp <= 0;
      default:
        return false;
    }
  };
  switch (type) {
    case 'boolean':
      return typeof actual === 'boolean' && typeof operand === 'boolean' ? order(actual === operand ? 0 : actual ? 1 : -1) : order(undefined);
    case 'integer':
    case 'decimal':
      return typeof actual === 'number' && typeof operand === 'number' ? order(Math.sign(actual - operand)) : order(undefined);
    case 'dateTime': {
      // RFC 7644 §3.4.2.2 Table 3: "for DateTime types, it is a chronological comparison".
      const a = typeof actual === 'string' ? parseInstant(actual) : undefined;
      const b = typeof operand === 'string' ? parseInstant(operand) : undefined;
      return a !== undefined && b !== undefined ? order(Math.sign(a - b)) : order(undefined);
    }
    case 'complex':
      return order(undefined);
    default: {
      if (typeof actual !== 'string' || typeof operand !== 'string') return order(undefined);
      // RFC 7644 §3.4.2.2: "...the case sensitivity for String type attributes SHALL be determined by
      // the attribute's caseExact characteristic"; RFC 7643 §2.3.6: binary is case exact.
      const caseExact = type === 'binary' ? true : (def?.caseExact ?? false);
      const a = foldCase(actual, caseExact);
      const b = foldCase(operand, caseExact);
      // RFC 7644 §3.4.2.2 Table 3: co = substring, sw = prefix, ew = suffix; gt..le lexicographic.
      if (op === 'co') return a.includes(b);
      if (op === 'sw') return a.startsWith(b);
      if (op === 'ew') return a.endsWith(b);
      return order(compareStrings(actual, operand, caseExact));
    }
  }
}
