/**
 * Sending RFC 7644 §3.7 Bulk requests and reading BulkResponses. Everything a bulk request creates is tracked
 * for cleanup from the per-operation `location`. Thin wrappers over ctx; no state.
 */
import type { CheckContext, HttpResponse } from '../../check.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { attr } from './attributes.ts';
import { brief } from './http.ts';

export type BulkOp = { method?: string; path?: string; bulkId?: string; data?: unknown; version?: string };

export function bulkBody(ops: BulkOp[], failOnErrors?: number): Record<string, unknown> {
  return { schemas: [SCHEMA_URN.bulkRequest], ...(failOnErrors !== undefined ? { failOnErrors } : {}), Operations: ops };
}

/** The numeric status of one BulkResponse operation (RFC 7644 §3.7.3 shows it as a string). */
export function opStatus(op: unknown): number {
  const s = attr(op, 'status');
  const code = typeof s === 'object' && s !== null ? attr(s, 'code') : s;
  return Number(code);
}

export function opsOf(json: unknown): any[] {
  const ops = attr(json, 'Operations');
  return Array.isArray(ops) ? ops : [];
}

/** Registers everything a bulk request created, so cleanup deletes it even when the check fails. */
function trackCreated(ctx: CheckContext, res: HttpResponse): void {
  for (const op of opsOf(res.json)) {
    const status = opStatus(op);
    const location = attr(op, 'location');
    if (status !== 201 || typeof location !== 'string') continue;
    const id = decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? '');
    if (id === '') continue;
    const groups = ctx.target.endpoints.groups;
    const kind = groups && location.toLowerCase().includes(`${groups.toLowerCase()}/`) ? 'group' : 'user';
    ctx.fixtures.track(kind, id);
  }
}

export async function sendBulk(ctx: CheckContext, body: unknown): Promise<HttpResponse> {
  const res = await ctx.http.send({ method: 'POST', path: '/Bulk', body });
  trackCreated(ctx, res);
  return res;
}

/** Requires 200 with a BulkResponse (RFC 7644 §3.7.3); returns its operations. */
export function expectBulkResponse(ctx: CheckContext, res: HttpResponse, what: string): any[] {
  if (res.status !== 200) ctx.fail(`${what}: expected 200 with a BulkResponse`, { expected: 200, actual: brief(res) });
  const schemas = attr(res.json, 'schemas');
  const ok = Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.bulkResponse.toLowerCase());
  if (!ok) ctx.fail(`${what}: schemas must contain ${SCHEMA_URN.bulkResponse}`, { expected: SCHEMA_URN.bulkResponse, actual: schemas });
  return opsOf(res.json);
}
