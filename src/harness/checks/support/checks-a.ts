/**
 * Small helpers shared by the checks-a areas (discovery, auth, users, uniqueness, validation,
 * content-type, errors, security, etag). Pure functions or thin wrappers over ctx.http; no state.
 */
import type { CheckContext, HttpRequest, HttpResponse } from '../../check.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';

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

/** RFC 7644 §8.1: the SCIM media type. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

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

/** RFC 7643 §2.1: attribute names are case-insensitive, so read them that way. */
export function attr(obj: unknown, name: string): any {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (name in rec) return rec[name];
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(rec)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Reads a dotted path (`meta.location`, `name.givenName`) case-insensitively. */
export function attrPath(obj: unknown, path: string): any {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = attr(cur, part);
  return cur;
}

/** True when any key named `password` (any case) appears anywhere in the JSON value. */
export function containsPassword(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsPassword);
  if (value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.toLowerCase() === 'password') return true;
    if (containsPassword(v)) return true;
  }
  return false;
}

/** RFC 7644 §3.4.2.2: a filter compValue is a JSON string, so `"` and `\` are escaped. */
export function filterString(value: string): string {
  return JSON.stringify(value);
}

/** Flips the case of every letter: `Alice-1` → `aLICE-1` (a case variant with the same letters). */
export function swapCase(s: string): string {
  let out = '';
  for (const ch of s) {
    const up = ch.toUpperCase();
    out += ch === up ? ch.toLowerCase() : up;
  }
  return out;
}

export function usersPath(ctx: CheckContext): string {
  return ctx.target.endpoints.users;
}

export function userPath(ctx: CheckContext, id: string): string {
  return `${ctx.target.endpoints.users}/${encodeURIComponent(id)}`;
}

export function groupsPath(ctx: CheckContext): string {
  const groups = ctx.target.endpoints.groups;
  if (!groups) ctx.skip('target has no Group resource type');
  return groups;
}

/** The id of a made-up resource that no target holds. */
export function unknownId(): string {
  return `scimcheck-missing-${crypto.randomUUID()}`;
}

/**
 * POSTs a User body to the Users endpoint; a 201 (or any 2xx carrying an id) is registered for
 * cleanup so a lenient target that wrongly accepts a bad body never leaks resources.
 */
export async function postUser(
  ctx: CheckContext,
  body: unknown,
  extra: Partial<HttpRequest> = {},
): Promise<HttpResponse> {
  const res = await ctx.http.send({ method: 'POST', path: usersPath(ctx), body, ...extra });
  trackIfCreated(ctx, 'user', res);
  return res;
}

export function trackIfCreated(ctx: CheckContext, kind: 'user' | 'group', res: HttpResponse): void {
  if (res.status >= 200 && res.status < 300) {
    const id = attr(res.json, 'id');
    if (typeof id === 'string' && id !== '') ctx.fixtures.track(kind, id);
  }
}

/** GETs a user by id. */
export function getUser(ctx: CheckContext, id: string, extra: Partial<HttpRequest> = {}): Promise<HttpResponse> {
  return ctx.http.send({ method: 'GET', path: userPath(ctx, id), ...extra });
}

/** RFC 7644 §3.5.2: a PatchOp message body. */
export function patchBody(operations: { op: string; path?: string; value?: unknown }[]): Record<string, unknown> {
  return { schemas: [SCHEMA_URN.patchOp], Operations: operations };
}

/** A copy of a resource without server-managed parts, suitable as a PUT body (RFC 7644 §3.5.1). */
export function putBodyFrom(resource: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource)) {
    const lk = k.toLowerCase();
    if (lk === 'meta' || lk === 'groups') continue;
    body[k] = v;
  }
  return body;
}

/** Fails unless the response is a 2xx, with what came back. */
export function expectSuccess(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (res.status < 200 || res.status >= 300) {
    ctx.fail(`${what}: expected a 2xx answer, got HTTP ${res.status}`, {
      expected: '2xx',
      actual: { status: res.status, body: res.text.slice(0, 500) },
    });
  }
}

/** Fails when the target answered a client mistake with a server error (RFC 7644 §3.12: 4xx are the client's). */
export function expectNot5xx(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (res.status >= 500) {
    ctx.fail(`${what}: the target answered a client error with HTTP ${res.status}`, {
      expected: '4xx',
      actual: { status: res.status, body: res.text.slice(0, 500) },
    });
  }
}

/** RFC 7644 §3.12: the error body carries the Error schema URN. */
export function isScimErrorBody(json: unknown): boolean {
  const schemas = attr(json, 'schemas');
  return Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.error.toLowerCase());
}

/** The resource's ETag version: the ETag header, else meta.version (RFC 7644 §3.14). */
export function versionOf(res: HttpResponse): string | undefined {
  const etag = header(res, 'etag');
  if (etag) return etag;
  const v = attrPath(res.json, 'meta.version');
  return typeof v === 'string' ? v : undefined;
}

/** Weak and strong forms of one tag compare equal here (RFC 7232 §2.3.2 weak comparison). */
export function sameEtag(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return strip(a) === strip(b);
}

/** A minimal valid PUT/POST body for the user currently stored (fresh GET), without meta. */
export async function currentUser(ctx: CheckContext, id: string): Promise<Record<string, unknown>> {
  const res = await getUser(ctx, id);
  if (res.status !== 200 || typeof res.json !== 'object' || res.json === null) {
    ctx.fail(`GET of a user the check just created should answer 200 with the resource`, {
      expected: 200,
      actual: { status: res.status, body: res.text.slice(0, 500) },
    });
  }
  return res.json as Record<string, unknown>;
}

/** Sends a request and returns it; used to keep check bodies short. */
export function send(ctx: CheckContext, req: HttpRequest): Promise<HttpResponse> {
  return ctx.http.send(req);
}

/** Status is a number in a short "HTTP n" form for messages. */
export function brief(res: HttpResponse): { status: number; body: string } {
  return { status: res.status, body: res.text.slice(0, 500) };
}

/** An ISO 8601 / xsd:dateTime string (RFC 7643 §2.3.5). */
export function isDateTime(v: unknown): boolean {
  return (
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
    !Number.isNaN(Date.parse(v))
  );
}

/** True for an absolute http(s) URL. */
export function isAbsoluteUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Compares two URLs ignoring a trailing slash and host case. */
export function sameUrl(a: string, b: string): boolean {
  try {
    const ua = new URL(a);
    const ub = new URL(b);
    const norm = (u: URL) => `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/$/, '')}${u.search}`;
    return norm(ua) === norm(ub);
  } catch {
    return a === b;
  }
}
