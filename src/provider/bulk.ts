/**
 * RFC 7644 §3.7: POST /Bulk. Operations run one by one through the same ResourceService as the
 * single-resource endpoints; `bulkId:x` references (in paths and anywhere in data, e.g. members[].value
 * or $ref) are replaced with the ids created earlier in the request. Operations whose references are
 * not yet created wait for them; groups that reference each other in a cycle are created without the
 * cyclic members first and completed afterwards (§3.7.1); anything still unresolved is 409.
 */
import { ScimError, isScimError, scimError } from '../scim/errors.ts';
import { SCHEMA_URN, type PatchOperation } from '../scim/types.ts';
import type { FaultSet } from './faults.ts';
import type { VariantSet } from './variants.ts';
import type { ProviderLimits } from './options.ts';
import { locationOf } from './present.ts';
import type { ResourceService } from './resources.ts';
import type { ResourceKind } from './store.ts';

export interface BulkContext {
  service: ResourceService;
  faults: FaultSet;
  /** patch-204: a PATCH operation's status is "204", as the single-resource endpoint answers. */
  variants?: VariantSet;
  limits: ProviderLimits;
  baseUrl: string;
  /** Told about an exception (a bug) that became one operation's 500: the request itself never answers 500. */
  onInternalError?: (err: unknown) => void;
}

interface BulkOp {
  index: number;
  method: string;
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
  /** A field of the operation itself is invalid: it answers this error without running. */
  refused?: ScimError;
}

export interface BulkResult {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  /** RFC 7644 §3.7.3: the HTTP status of the operation, as a string. */
  status: string;
  response?: unknown;
}

const BULK_PREFIX = 'bulkId:';
// A Map, not an object literal: a path segment like 'constructor' must not find a prototype member.
const KINDS = new Map<string, ResourceKind>([
  ['Users', 'User'],
  ['Groups', 'Group'],
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every bulkId a value references (`bulkId:x` strings, or `.../bulkId:x` at the end of a $ref or path). */
function referencedBulkIds(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') {
    const at = value.indexOf(BULK_PREFIX);
    if (at === 0 || (at > 0 && value[at - 1] === '/')) out.add(value.slice(at + BULK_PREFIX.length).split('/')[0]!);
  } else if (Array.isArray(value)) for (const v of value) referencedBulkIds(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) referencedBulkIds(v, out);
  return out;
}

/** Replaces `bulkId:x` (whole string, or a trailing path segment) with the created id. */
function substitute(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') {
    const at = value.indexOf(BULK_PREFIX);
    if (at === 0 || (at > 0 && value[at - 1] === '/')) {
      const rest = value.slice(at + BULK_PREFIX.length);
      const [ref, ...tail] = rest.split('/');
      const id = ids.get(ref!);
      if (id !== undefined) return value.slice(0, at) + [id, ...tail].join('/');
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)]));
  return value;
}

function parseOps(body: Record<string, unknown>, limits: ProviderLimits, enforceMaxOperations = true): BulkOp[] {
  // RFC 7644 §3.7: the request names the BulkRequest schema and carries an Operations array.
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.bulkRequest.toLowerCase())) {
    throw scimError.invalidSyntax(`A bulk request must list the schema ${SCHEMA_URN.bulkRequest}`);
  }
  if (!Array.isArray(body.Operations)) throw scimError.invalidSyntax('A bulk request needs an "Operations" array');
  // RFC 7644 §3.7.4: more operations than maxOperations is 413.
  if (enforceMaxOperations && body.Operations.length > limits.bulkMaxOperations) {
    throw scimError.payloadTooLarge(`The bulk request has ${body.Operations.length} operations; maxOperations is ${limits.bulkMaxOperations}`);
  }
  return body.Operations.map((raw, index) => {
    if (!isObject(raw)) throw scimError.invalidSyntax(`Operations[${index}] is not an object`);
    const op: BulkOp = {
      index,
      method: typeof raw.method === 'string' ? raw.method.toUpperCase() : '',
      path: typeof raw.path === 'string' ? raw.path : '',
      data: raw.data,
    };
    if (typeof raw.bulkId === 'string') op.bulkId = raw.bulkId;
    if (typeof raw.version === 'string') op.version = raw.version;
    // RFC 7644 §3.7/§3.14: version is an ETag string. Another type is this operation's 400, never a skipped
    // If-Match check (issue 11 #10); null is unassigned (RFC 7643 §2.5), i.e. no precondition.
    else if (raw.version !== undefined && raw.version !== null) op.refused = scimError.invalidValue(`Operations[${index}].version must be a string (an ETag), not ${Array.isArray(raw.version) ? 'an array' : typeof raw.version}`);
    return op;
  });
}

function failOnErrorsOf(body: Record<string, unknown>): number | undefined {
  const f = body.failOnErrors;
  if (f === undefined || f === null) return undefined;
  // RFC 7644 §3.7: failOnErrors is an integer count of errors after which processing stops.
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 1) throw scimError.invalidValue('failOnErrors must be a positive integer');
  return f;
}

function errorResult(op: BulkOp, err: ScimError): BulkResult {
  // RFC 7644 §3.7.3: a failed operation carries the SCIM error body in "response".
  const r: BulkResult = { method: op.method, status: String(err.status), response: err.toBody() };
  if (op.bulkId !== undefined) r.bulkId = op.bulkId;
  return r;
}

export async function handleBulk(body: Record<string, unknown>, ctx: BulkContext): Promise<Record<string, unknown>> {
  // Fault bulk-max-operations-unenforced: the advertised maxOperations is never checked.
  const ops = parseOps(body, ctx.limits, !ctx.faults.has('bulk-max-operations-unenforced'));
  // Fault bulk-fail-on-errors-ignored: the value is read (and validated) but never stops anything.
  const failOnErrors = ctx.faults.has('bulk-fail-on-errors-ignored') ? (failOnErrorsOf(body), undefined) : failOnErrorsOf(body);
  const declared = new Map<string, BulkOp>();
  for (const op of ops) if (op.bulkId !== undefined && op.method === 'POST') declared.set(op.bulkId, op);

  const created = new Map<string, string>(); // bulkId -> id
  const failed = new Set<string>();
  const results: (BulkResult | undefined)[] = new Array(ops.length);
  /** Groups created without some members because of a cycle: added once the members exist. */
  const deferredMembers: { op: BulkOp; kind: ResourceKind; id: string; members: unknown[] }[] = [];
  let errors = 0;
  let pending = [...ops];

  const record = (op: BulkOp, result: BulkResult) => {
    results[op.index] = result;
    if (Number(result.status) >= 400) {
      errors++;
      if (op.bulkId !== undefined) failed.add(op.bulkId);
    }
  };
  // Fault bulk-stops-at-first-error: a request without failOnErrors is read as failOnErrors 1.
  const limit = failOnErrors ?? (ctx.faults.has('bulk-stops-at-first-error') ? 1 : undefined);
  const stop = () => limit !== undefined && errors >= limit;

  while (pending.length > 0 && !stop()) {
    let progressed = false;
    const waiting: BulkOp[] = [];
    for (const op of pending) {
      if (stop()) break;
      const refs = referencedBulkIds([op.path, op.data], new Set());
      const unknownRef = [...refs].find((r) => !declared.has(r));
      const failedRef = [...refs].find((r) => failed.has(r));
      if (unknownRef !== undefined) {
        record(op, errorResult(op, scimError.invalidValue(`bulkId '${unknownRef}' is not defined by a POST in this request`)));
        progressed = true;
      } else if (failedRef !== undefined) {
        record(op, errorResult(op, scimError.conflict(`The operation with bulkId '${failedRef}' failed, so this one cannot run`)));
        progressed = true;
      } else if ([...refs].every((r) => created.has(r))) {
        record(op, await execute(op, substitute(op.data, created), substitute(op.path, created) as string, ctx, created));
        progressed = true;
      } else waiting.push(op);
    }
    pending = waiting;
    if (!progressed && pending.length > 0 && !stop()) {
      // RFC 7644 §3.7.1: try to break a cycle by creating one group without its unresolved members.
      const breakable = pending.find((op) => op.method === 'POST' && /^\/?Groups\/?$/.test(op.path) && isObject(op.data) && onlyMembersUnresolved(op.data, created));
      if (!breakable) break;
      const data = breakable.data as Record<string, unknown>;
      const members = Array.isArray(data.members) ? data.members : [];
      const ready = members.filter((m) => [...referencedBulkIds(m, new Set())].every((r) => created.has(r)));
      const later = members.filter((m) => !ready.includes(m));
      const result = await execute(breakable, substitute({ ...data, members: ready }, created), breakable.path, ctx, created);
      record(breakable, result);
      if (Number(result.status) < 400 && breakable.bulkId !== undefined) {
        deferredMembers.push({ op: breakable, kind: 'Group', id: created.get(breakable.bulkId)!, members: later });
      }
      pending = pending.filter((op) => op !== breakable);
    }
  }

  for (const d of deferredMembers) {
    const unresolved = d.members.filter((m) => ![...referencedBulkIds(m, new Set())].every((r) => created.has(r)));
    if (unresolved.length > 0) {
      record(d.op, errorResult(d.op, scimError.conflict('Circular bulkId references could not be resolved')));
      continue;
    }
    const operations: PatchOperation[] = [{ op: 'add', path: 'members', value: substitute(d.members, created) }];
    try {
      const res = await ctx.service.patch(d.kind, d.id, { schemas: [SCHEMA_URN.patchOp], Operations: operations }, {});
      const r = results[d.op.index];
      if (r) r.version = res.resource.meta?.version;
    } catch (err) {
      record(d.op, errorResult(d.op, asOperationError(err, ctx)));
    }
  }

  // Anything still pending references bulkIds that never got created in a resolvable order: a cycle.
  if (!stop()) {
    for (const op of pending) {
      if (!results[op.index]) record(op, errorResult(op, scimError.conflict('Circular bulkId references could not be resolved (RFC 7644 §3.7.1)')));
    }
  }

  const reported = results.filter((r): r is BulkResult => r !== undefined);
  return {
    schemas: [SCHEMA_URN.bulkResponse],
    // RFC 7644 §3.7: after failOnErrors errors the rest is not processed and not reported.
    // RFC 7644 §3.7.3: status is a string; the bulk-status-number fault sends a JSON number.
    Operations: ctx.faults.has('bulk-status-number') ? reported.map((r) => ({ ...r, status: Number(r.status) })) : reported,
  };
}

function onlyMembersUnresolved(data: Record<string, unknown>, created: Map<string, string>): boolean {
  const { members, ...rest } = data;
  const restRefs = referencedBulkIds(rest, new Set());
  return [...restRefs].every((r) => created.has(r)) && referencedBulkIds(members, new Set()).size > 0;
}

async function execute(op: BulkOp, data: unknown, path: string, ctx: BulkContext, created: Map<string, string>): Promise<BulkResult> {
  try {
    if (op.refused) throw op.refused;
    const segments = path.split('/').filter(Boolean);
    const kind = KINDS.get(segments[0] ?? '');
    if (!kind || segments.length > 2) throw scimError.invalidPath(`Bulk path '${op.path}' is not /Users, /Groups or one of their resources`);
    let id: string | undefined;
    try {
      id = segments[1] !== undefined ? decodeURIComponent(segments[1]) : undefined;
    } catch {
      // Issue 11 #5: bad percent-encoding is this operation's 400 (RFC 7644 §3.7.3), not a URIError for the request.
      throw scimError.invalidPath(`Bulk path '${op.path}' is not valid percent-encoding`);
    }
    const needsData = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
    if (needsData && !isObject(data)) throw scimError.invalidSyntax(`Operation ${op.method} ${op.path} needs a "data" object`);
    const pre = { ifMatch: op.version ?? null };
    const base: BulkResult = { method: op.method, status: '' };
    if (op.bulkId !== undefined) base.bulkId = op.bulkId;

    if (op.method === 'POST') {
      if (id !== undefined) throw scimError.invalidPath('POST in a bulk request targets /Users or /Groups');
      // RFC 7644 §3.7: bulkId is REQUIRED for POST so later operations can reference the result.
      if (op.bulkId === undefined) throw scimError.invalidSyntax('A POST operation needs a bulkId');
      const res = await ctx.service.create(kind, data as Record<string, unknown>);
      created.set(op.bulkId, res.resource.id);
      return { ...base, status: ctx.faults.has('create-returns-200') ? '200' : '201', location: locationOf(ctx.baseUrl, kind, res.resource.id), version: res.resource.meta?.version };
    }
    if (id === undefined) throw scimError.invalidPath(`${op.method} in a bulk request targets /${segments[0]}/{id}`);
    const location = locationOf(ctx.baseUrl, kind, id);
    if (op.method === 'PUT' || op.method === 'PATCH') {
      const res = op.method === 'PUT' ? await ctx.service.replace(kind, id, data as Record<string, unknown>, pre) : await ctx.service.patch(kind, id, data as Record<string, unknown>, pre);
      // RFC 7644 §3.5.2: a PATCH may succeed with 204 (patch-204 variant); PUT is always 200 (§3.5.1).
      const status = op.method === 'PATCH' && ctx.variants?.has('patch-204') ? '204' : '200';
      return { ...base, status, location, version: res.resource.meta?.version };
    }
    if (op.method === 'DELETE') {
      await ctx.service.delete(kind, id, pre);
      // RFC 7644 §3.7.3: location is REQUIRED in a response (only a failed POST has none).
      return { ...base, status: '204', ...(ctx.faults.has('bulk-delete-no-location') ? {} : { location }) };
    }
    throw scimError.invalidSyntax(`Bulk method '${op.method}' is not POST, PUT, PATCH or DELETE`);
  } catch (err) {
    return errorResult(op, asOperationError(err, ctx));
  }
}

/**
 * RFC 7644 §3.7.3: each operation's outcome is reported in the BulkResponse. Earlier operations may be
 * committed already, so even a bug ends only its own operation (500, logged) and the client still learns
 * what was done.
 */
function asOperationError(err: unknown, ctx: BulkContext): ScimError {
  if (isScimError(err)) return err;
  try {
    ctx.onInternalError?.(err);
  } catch {
    // A failing logger must not fail the request.
  }
  return new ScimError(500, 'Internal server error');
}
