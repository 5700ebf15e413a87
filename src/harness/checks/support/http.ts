/**
 * Talking to the target: endpoint paths, response headers and the common status expectations.
 * Thin wrappers over ctx; no state.
 */
import type { CheckContext, HttpResponse } from '../../check.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { attr } from './attributes.ts';

/** RFC 7644 §8.1: the SCIM media type. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

/** RFC 7644 §3.12: the scimType keywords a 4xx error body may carry. */
export const SCIM_TYPES: readonly string[] = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
];

export function usersPath(ctx: CheckContext): string {
  return ctx.target.endpoints.users;
}

export function userPath(ctx: CheckContext, id: string): string {
  return `${usersPath(ctx)}/${encodeURIComponent(id)}`;
}

export function groupsPath(ctx: CheckContext): string {
  const groups = ctx.target.endpoints.groups;
  if (!groups) ctx.skip('target has no Group resource type');
  return groups;
}

export function groupPath(ctx: CheckContext, id: string): string {
  return `${groupsPath(ctx)}/${encodeURIComponent(id)}`;
}

/** A response header, looked up case-insensitively (RFC 7230 §3.2: field names are case-insensitive). */
export function header(res: HttpResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(res.headers ?? {})) {
    if (k.toLowerCase() === wanted) return v;
  }
  return undefined;
}

/** The media type of a Content-Type header without parameters, lower-cased. */
export function mediaType(res: HttpResponse): string | undefined {
  const ct = header(res, 'content-type');
  return ct === undefined ? undefined : ct.split(';')[0].trim().toLowerCase();
}

/** A short response summary for failure messages. */
export function brief(res: HttpResponse): { status: number; body: string } {
  return { status: res.status, body: res.text.slice(0, 600) };
}

/** Fails unless the response is a 2xx, with what came back. */
export function expect2xx(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (res.status < 200 || res.status >= 300) {
    ctx.fail(`${what}: expected a 2xx answer, got HTTP ${res.status}`, { expected: '2xx', actual: brief(res) });
  }
}

/** Fails when the target answered a client mistake with a server error (RFC 7644 §3.12: 4xx are the client's). */
export function expectNot5xx(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (res.status >= 500) {
    ctx.fail(`${what}: the target answered a client error with HTTP ${res.status}`, { expected: '4xx', actual: brief(res) });
  }
}

/**
 * Fails unless the target refused the request: any 4xx with a SCIM error body (RFC 7644 §3.12: errors MUST be
 * returned as JSON). For checks whose MUST sentence forbids an outcome but names no status: the exact status comes
 * from Table 8, a SHOULD, so a 409 or 422 where 400 is usual is not a MUST failure. `scimType`, when given, must
 * not name another error (it may be absent: scimType is OPTIONAL).
 */
export function expectRefused(ctx: CheckContext, res: HttpResponse, what: string, scimType?: string): void {
  if (res.status < 400 || res.status >= 500) {
    ctx.fail(`${what}: expected the request to be refused with a 4xx SCIM error, got HTTP ${res.status}`, { expected: '4xx', actual: brief(res) });
  }
  ctx.expectScimError(res, res.status, scimType);
}

/** RFC 7644 §3.12: the error body carries the Error schema URN. */
export function isScimErrorBody(json: unknown): boolean {
  const schemas = attr(json, 'schemas');
  return Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.error.toLowerCase());
}
