/** The PATCH request body (RFC 7644 §3.5.2): schemas + Operations, each with op, path and value. */
import { scimError } from '../errors.ts';
import { findKey, getMember, isPlainObject } from '../resource-access.ts';
import { SCHEMA_URN, type PatchOperation } from '../types.ts';

const OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace']);

/**
 * Reads a PATCH body into its operations, in order. Message attribute names are read
 * case-insensitively (RFC 7643 §2.1), and `op` in any case: Entra sends "Add"/"Replace"/"Remove".
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  // RFC 7644 §3.5.2: the body is a JSON object.
  if (!isPlainObject(body)) throw scimError.invalidSyntax('the PATCH body must be a JSON object (RFC 7644 §3.5.2)');
  const schemas = getMember(body, 'schemas');
  // RFC 7644 §3.5.2: "The body of each request MUST contain the 'schemas' attribute with the URI value of ...PatchOp".
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.patchOp.toLowerCase())) {
    throw scimError.invalidSyntax(`'schemas' must contain '${SCHEMA_URN.patchOp}' (RFC 7644 §3.5.2)`);
  }
  const operations = getMember(body, 'Operations');
  // RFC 7644 §3.5.2: "Operations", "an array of one or more PATCH operations".
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimError.invalidSyntax(`'Operations' must be an array of one or more operations (RFC 7644 §3.5.2)`);
  }
  return operations.map((raw, i) => parseOperation(raw, i));
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isPlainObject(raw)) throw scimError.invalidSyntax(`${where} must be a JSON object`);
  const opValue = getMember(raw, 'op');
  // RFC 7644 §3.5.2: "Each PATCH operation object MUST have exactly one 'op' member" of add, remove or replace.
  if (typeof opValue !== 'string' || !OPS.has(opValue.toLowerCase())) {
    throw scimError.invalidSyntax(`${where}.op must be "add", "remove" or "replace", got ${JSON.stringify(opValue ?? null)}`);
  }
  const op = opValue.toLowerCase() as PatchOperation['op'];
  const out: PatchOperation = { op };
  const path = getMember(raw, 'path');
  if (path !== undefined && path !== null) {
    // RFC 7644 §3.5.2: "path" is a string in the attribute path notation.
    if (typeof path !== 'string' || path.trim() === '') throw scimError.invalidPath(`${where}.path must be a non-empty string`);
    out.path = path;
  }
  const valueKey = findKey(raw, 'value');
  if (valueKey !== undefined) out.value = raw[valueKey];
  // RFC 7644 §3.5.2.1 / §3.5.2.3: add and replace "MUST contain a 'value' member".
  if (op !== 'remove' && valueKey === undefined) {
    throw scimError.invalidValue(`${where}: "${op}" needs a "value" (RFC 7644 §3.5.2.${op === 'add' ? '1' : '3'})`);
  }
  // RFC 7644 §3.5.2.2: remove without "path" fails with noTarget.
  if (op === 'remove' && out.path === undefined) {
    throw scimError.noTarget(`${where}: "remove" needs a "path" (RFC 7644 §3.5.2.2)`);
  }
  return out;
}
