/**
 * Grading a BulkRequest (RFC 7644 §3.7): its schemas, the Operations array, each operation's method, bulkId,
 * path and data; each operation's data is then graded as the single request it stands for.
 */
import { getMember, isPlainObject } from '../scim/resource-access.ts';
import { SCHEMA_URN } from '../scim/types.ts';
import { gradeBody, type BodyContext } from './client-body.ts';
import { gradeIfMatch } from './client-headers.ts';
import { hasSchema, schemasLacking } from './client-patch.ts';
import { routeOf } from './client-route.ts';
import { clientFinding } from './client-rules.ts';
import type { Finding } from './finding.ts';

const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

export function gradeBulkBody(body: unknown, ctx: BodyContext): Finding[] {
  if (!isPlainObject(body)) return [clientFinding('client.schemas.required', 'the Bulk body is not a JSON object, so it carries no "schemas"')];
  const out: Finding[] = [];
  if (!hasSchema(body, SCHEMA_URN.bulkRequest)) {
    out.push(clientFinding('client.schemas.required', `Bulk request: ${schemasLacking(body, SCHEMA_URN.bulkRequest)}`));
  }
  const operations = getMember(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    out.push(clientFinding('client.bulk.operations', `"Operations" is ${JSON.stringify(operations ?? null)}, not an array of operations`));
    return out;
  }
  const bulkIds = new Set<string>();
  operations.forEach((op, i) => out.push(...gradeOperation(op, `Operations[${i}]`, bulkIds, ctx)));
  return out;
}

function gradeOperation(op: unknown, where: string, bulkIds: Set<string>, ctx: BodyContext): Finding[] {
  if (!isPlainObject(op)) return [clientFinding('client.bulk.operations', `${where} is ${JSON.stringify(op)}, not an operation object`)];
  const out: Finding[] = [];
  const rawMethod = getMember(op, 'method');
  const method = typeof rawMethod === 'string' ? rawMethod.toUpperCase() : undefined;
  if (!method || !METHODS.includes(method)) {
    out.push(clientFinding('client.bulk.method', `${where}.method is ${JSON.stringify(rawMethod ?? null)}: not POST, PUT, PATCH or DELETE`));
    return out;
  }
  const bulkId = getMember(op, 'bulkId');
  if (method === 'POST' && (typeof bulkId !== 'string' || bulkId === '')) {
    out.push(clientFinding('client.bulk.bulkid', `${where} is a POST without a "bulkId"`));
  } else if (typeof bulkId === 'string') {
    if (bulkIds.has(bulkId)) out.push(clientFinding('client.bulk.bulkid', `${where}.bulkId "${bulkId}" is used by an earlier operation too`));
    bulkIds.add(bulkId);
  }
  // RFC 7644 §3.7: "version" is the ETag the operation is conditional on, as an If-Match header would carry it.
  const version = getMember(op, 'version');
  if (typeof version === 'string') out.push(...gradeIfMatch(version, `${where}.version`));
  const path = getMember(op, 'path');
  if (typeof path !== 'string' || path === '') {
    out.push(clientFinding('client.bulk.path', `${where} (${method}) has no "path"`));
    return out;
  }
  const route = routeOf(path, ctx.registry);
  const shapeOk = method === 'POST' ? route.kind === 'collection' : route.kind === 'resource';
  if (!shapeOk) {
    const wanted = method === 'POST' ? 'a resource type endpoint such as /Users' : 'one resource such as /Users/{id}';
    out.push(clientFinding('client.bulk.path-shape', `${where}.path "${path}" for ${method}: the RFC asks for ${wanted} (its lower-case "must" is no RFC 2119 keyword)`));
  }
  const data = getMember(op, 'data');
  if (method !== 'DELETE' && (data === undefined || data === null)) {
    out.push(clientFinding('client.bulk.data', `${where} (${method} ${path}) has no "data"`));
    return out;
  }
  // The data is graded as the single request it would be (RFC 7644 §3.7: "as it would appear for a single SCIM POST, PUT, or PATCH").
  if (method !== 'DELETE') out.push(...gradeBody(method, route, data, ctx).map((f) => ({ ...f, message: `${where} (${method} ${path}): ${f.message}` })));
  return out;
}
