/**
 * Grading a PATCH body a client sent (RFC 7644 §3.5.2): the PatchOp schema, the Operations array, op names,
 * paths (syntax through the core's path parser, meaning through the target's schema registry) and whether
 * each operation respects the mutability of what it touches.
 */
import { parsePatchPath } from '../scim/attribute-path.ts';
import { isScimError } from '../scim/errors.ts';
import { targetOf, type PathTarget } from '../scim/patch/target.ts';
import { getMember, isPlainObject, type ResourceContext } from '../scim/resource-access.ts';
import { SCHEMA_URN, type AttributeDef } from '../scim/types.ts';
import { resolveTopLevelKey } from '../scim/validate-resource.ts';
import { clientFinding } from './client-rules.ts';
import type { Finding } from './finding.ts';

const OPS = ['add', 'remove', 'replace'] as const;
type Op = (typeof OPS)[number];

/** RFC 7643 §2.5: null, [] and {} assign nothing, so giving them to a readOnly attribute modifies nothing. */
const isUnassigned = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);

/** What a message's "schemas" lacks, in words: 'the body has no "schemas"' or '"schemas" is [...], without "<urn>"'. */
export function schemasLacking(body: unknown, urn: string): string {
  const schemas = getMember(body, 'schemas');
  return schemas === undefined ? `the body has no "schemas" (it needs "${urn}")` : `"schemas" is ${JSON.stringify(schemas)}, without "${urn}"`;
}

export function hasSchema(body: unknown, urn: string): boolean {
  const schemas = getMember(body, 'schemas');
  return Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase());
}

/** `id` is the resource the request URL names (Okta's rename echoes it inside the value). */
export function gradePatchBody(body: unknown, ctx: ResourceContext & { id?: string }): Finding[] {
  const out: Finding[] = [];
  if (!isPlainObject(body)) {
    out.push(clientFinding('client.patch.schemas', 'the PATCH body is not a JSON object, so it carries no "schemas"'));
    return out;
  }
  if (!hasSchema(body, SCHEMA_URN.patchOp)) {
    out.push(clientFinding('client.patch.schemas', schemasLacking(body, SCHEMA_URN.patchOp)));
  }
  const operations = getMember(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    out.push(clientFinding('client.patch.operations', `"Operations" is ${JSON.stringify(operations ?? null)}, not an array of one or more operations`));
    return out;
  }
  operations.forEach((raw, i) => out.push(...gradeOperation(raw, `Operations[${i}]`, ctx)));
  return out;
}

function gradeOperation(raw: unknown, where: string, ctx: ResourceContext & { id?: string }): Finding[] {
  if (!isPlainObject(raw)) return [clientFinding('client.patch.operations', `${where} is ${JSON.stringify(raw)}, not an operation object`)];
  const out: Finding[] = [];
  const opValue = getMember(raw, 'op');
  const op = typeof opValue === 'string' ? OPS.find((o) => o === opValue.toLowerCase()) : undefined;
  if (!op) {
    out.push(clientFinding('client.patch.op-name', `${where}.op is ${JSON.stringify(opValue ?? null)}: not "add", "remove" or "replace"`));
    return out;
  }
  if (opValue !== op) out.push(clientFinding('client.patch.op-case', `${where}.op is "${opValue}": legal as servers read it, though the RFC writes "${op}"`));
  const path = getMember(raw, 'path');
  const hasValue = Object.keys(raw).some((k) => k.toLowerCase() === 'value');
  const value = getMember(raw, 'value');
  if (path === undefined || path === null) {
    if (op === 'remove') out.push(clientFinding('client.patch.path-required', `${where} is a "remove" without "path"`));
    else out.push(...gradePathless(op, hasValue, value, where, ctx));
    return out;
  }
  if (typeof path !== 'string' || path.trim() === '') {
    out.push(clientFinding('client.patch.path-syntax', `${where}.path is ${JSON.stringify(path)}, not an attribute path`));
    return out;
  }
  if (op === 'add' && !hasValue) out.push(clientFinding('client.patch.add-value', `${where} is an "add" to "${path}" without "value"`));
  out.push(...gradePath(op, path, value, where, ctx));
  return out;
}

/** A path's syntax (RFC 7644 Figure 7), what it names in the target's schema, and that attribute's mutability. */
function gradePath(op: Op, path: string, value: unknown, where: string, ctx: ResourceContext): Finding[] {
  try {
    parsePatchPath(path);
  } catch (e) {
    if (!isScimError(e)) throw e;
    return [clientFinding('client.patch.path-syntax', `${where}.path "${path}": ${e.detail}`)];
  }
  let target: PathTarget | undefined;
  try {
    target = targetOf(path, ctx);
  } catch (e) {
    if (!isScimError(e)) throw e;
    return [clientFinding('client.patch.path-schema', `${where}.path "${path}": ${e.detail}`)];
  }
  if (!target) return [clientFinding('client.patch.path-schema', `${where}.path "${path}" names no attribute of ${ctx.resourceType} in the target's /Schemas`)];
  if (target.kind === 'extension') return [];
  const { attr } = target.target.slot;
  const touched = target.target.sub ?? attr;
  const label = `${where}.path "${path}"`;
  // One finding per operation: a readOnly attribute's readOnly sub-attribute says nothing new.
  const findings = mutabilityFindings(op, attr, label, value);
  if (findings.length === 0 && target.target.sub) findings.push(...mutabilityFindings(op, target.target.sub, label, value));
  // A complex value may carry readOnly sub-attributes (manager.displayName) the operation would write.
  if (op !== 'remove' && touched.type === 'complex') findings.push(...readOnlySubsGiven(touched, value, label));
  return findings;
}

/** RFC 7644 §3.5.2: readOnly never modified; immutable only added ("if the attribute had no previous value"). */
function mutabilityFindings(op: Op, attr: AttributeDef, label: string, value: unknown): Finding[] {
  if (attr.mutability === 'readOnly' && !(op !== 'remove' && isUnassigned(value))) {
    return [clientFinding('client.patch.mutability', `${label}: "${op}" on '${attr.name}', which is readOnly`)];
  }
  if (attr.mutability === 'immutable' && op !== 'add') {
    return [clientFinding('client.patch.mutability', `${label}: "${op}" on '${attr.name}', which is immutable (only an add to an unassigned one is allowed)`)];
  }
  return [];
}

function readOnlySubsGiven(attr: AttributeDef, value: unknown, label: string): Finding[] {
  const items = Array.isArray(value) ? value : [value];
  const given = (attr.subAttributes ?? []).filter(
    (sub) => sub.mutability === 'readOnly' && items.some((item) => isPlainObject(item) && !isUnassigned(getMember(item, sub.name))),
  );
  return given.map((sub) => clientFinding('client.patch.mutability', `${label}: the value gives '${attr.name}.${sub.name}', which is readOnly`));
}

/** add / replace without a path: `value` is an object of attributes, each checked like a path (RFC 7644 §3.5.2.1, §3.5.2.3). */
function gradePathless(op: 'add' | 'replace', hasValue: boolean, value: unknown, where: string, ctx: ResourceContext & { id?: string }): Finding[] {
  if (!hasValue || !isPlainObject(value)) {
    const what = hasValue ? `${JSON.stringify(value)}, not an object of attributes` : 'missing';
    return [op === 'add' ? clientFinding('client.patch.add-value', `${where} is an "add" without "path" whose "value" is ${what}`) : clientFinding('client.patch.replace-value', `${where} is a "replace" without "path" whose "value" is ${what}`)];
  }
  const out: Finding[] = [];
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (lower === 'id' && typeof v === 'string' && v === ctx.id) {
      out.push(clientFinding('client.patch.echoed', `${where}.value echoes "id" (the resource's own id): nothing is modified`));
      continue;
    }
    if (lower === 'meta' || lower === 'schemas') {
      // RFC 7643 §3.1: meta "SHALL be ignored when provided by clients"; schemas is no attribute (RFC 7643 §3).
      out.push(clientFinding('client.patch.echoed', `${where}.value carries "${key}", which the service provider ignores`));
      continue;
    }
    const top = resolveTopLevelKey(key, ctx);
    if (top?.kind === 'extension') {
      if (isPlainObject(v)) for (const [name, inner] of Object.entries(v)) out.push(...gradeValueKey(op, `${top.urn}:${name}`, inner, `${where}.value["${key}"]`, ctx));
      continue;
    }
    out.push(...gradeValueKey(op, key, v, `${where}.value`, ctx));
  }
  return out;
}

/**
 * A key of a pathless value read as a path (Entra's aadOptscim062020 merged replace sends "name.givenName" and
 * URN-qualified names). A key that is not even a path, or names nothing, is an unknown attribute the service
 * provider ignores (RFC 7644 §3.3): no finding. A readOnly attribute given a value is a modification.
 */
function gradeValueKey(op: 'add' | 'replace', key: string, v: unknown, where: string, ctx: ResourceContext): Finding[] {
  let target: PathTarget | undefined;
  try {
    target = targetOf(key, ctx);
  } catch (e) {
    if (!isScimError(e)) throw e;
    return [];
  }
  if (!target || target.kind === 'extension') return [];
  const attr = target.target.sub ?? target.target.slot.attr;
  const label = `${where} key "${key}"`;
  const findings = attr.mutability === 'readOnly' && !isUnassigned(v) ? [clientFinding('client.patch.mutability', `${label}: "${op}" on '${attr.name}', which is readOnly`)] : [];
  if (attr.mutability === 'immutable' && op === 'replace') findings.push(clientFinding('client.patch.mutability', `${label}: "replace" on '${attr.name}', which is immutable`));
  if (attr.type === 'complex') findings.push(...readOnlySubsGiven(attr, v, label));
  return findings;
}
