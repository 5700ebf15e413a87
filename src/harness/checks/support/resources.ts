/**
 * Creating, reading and changing single resources on the target, and the bodies for it.
 * Thin wrappers over ctx.http / ctx.fixtures; no state.
 */
import type { CheckContext, HttpRequest, HttpResponse } from '../../check.ts';
import type { ScimResource } from '../../../scim/types.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { attr, attrPath, isObject } from './attributes.ts';
import { brief, groupPath, header, userPath, usersPath } from './http.ts';
import { describeBody } from '../../context.ts';

export type PatchOperation = { op: string; path?: string; value?: unknown };

/** Registers a created resource (any 2xx carrying an id) for cleanup, so a lenient target never leaks resources. */
export function trackIfCreated(ctx: CheckContext, kind: 'user' | 'group', res: HttpResponse): void {
  if (res.status >= 200 && res.status < 300) {
    const id = attr(res.json, 'id');
    if (typeof id === 'string' && id !== '') ctx.fixtures.track(kind, id);
  }
}

/** POSTs a User body to the Users endpoint; whatever gets created is registered for cleanup. */
export async function postUser(ctx: CheckContext, body: unknown, extra: Partial<HttpRequest> = {}): Promise<HttpResponse> {
  const res = await ctx.http.send({ method: 'POST', path: usersPath(ctx), body, ...extra });
  trackIfCreated(ctx, 'user', res);
  return res;
}

/** GETs a user by id. */
export function getUser(ctx: CheckContext, id: string, extra: Partial<HttpRequest> = {}): Promise<HttpResponse> {
  return ctx.http.send({ method: 'GET', path: userPath(ctx, id), ...extra });
}

/**
 * GET one resource and require 200 with a single resource (not a ListResponse, not an error, not HTML): the
 * answer and the resource as an object. Issue 11 #16: a check reads fields of what a target answered only
 * through this (or attr()), so a login page served with 200 is the target's failure, never a TypeError of ours.
 */
export async function readResource(ctx: CheckContext, path: string, query?: HttpRequest['query']): Promise<{ res: HttpResponse; resource: Record<string, any> }> {
  const res = await ctx.http.send({ method: 'GET', path, query });
  if (res.status !== 200) ctx.fail(`GET ${path} should answer 200 with the resource, got HTTP ${res.status}`, { expected: 200, actual: brief(res) });
  if (!isObject(res.json) || isListResponse(res.json)) {
    ctx.fail(`GET ${path} should answer the resource itself; it answered ${describeBody(res.json)}`, { expected: 'a single resource', actual: brief(res) });
  }
  return { res, resource: res.json };
}

/** GET one resource and require 200 with a single resource (not a ListResponse, not an error). */
export async function read(ctx: CheckContext, path: string, query?: HttpRequest['query']): Promise<Record<string, any>> {
  return (await readResource(ctx, path, query)).resource;
}

/** RFC 7644 §3.4.2: a ListResponse is recognised by its message URN. */
function isListResponse(json: unknown): boolean {
  const schemas = attr(json, 'schemas');
  return Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.listResponse.toLowerCase());
}

/** The user as currently stored (fresh GET), failing the check unless it answers 200 with the resource. */
export function currentUser(ctx: CheckContext, id: string): Promise<Record<string, any>> {
  return read(ctx, userPath(ctx, id));
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

/** RFC 7644 §3.5.2: a PatchOp message body. */
export function patchBody(operations: PatchOperation[]): Record<string, unknown> {
  return { schemas: [SCHEMA_URN.patchOp], Operations: operations };
}

export function patchUser(ctx: CheckContext, id: string, ops: PatchOperation[], query?: HttpRequest['query']): Promise<HttpResponse> {
  return ctx.http.send({ method: 'PATCH', path: userPath(ctx, id), body: patchBody(ops), query });
}

export function patchGroup(ctx: CheckContext, id: string, ops: PatchOperation[], query?: HttpRequest['query']): Promise<HttpResponse> {
  return ctx.http.send({ method: 'PATCH', path: groupPath(ctx, id), body: patchBody(ops), query });
}

/** RFC 7644 §3.5.2: PATCH succeeds with 200 (resource) or 204; anything else fails the check with what came back. */
export function expectPatchOk(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (res.status !== 200 && res.status !== 204) {
    ctx.fail(`${what}: expected 200 or 204, got HTTP ${res.status}`, { expected: [200, 204], actual: brief(res) });
  }
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

/** True when the target's User resource type lists the enterprise extension (RFC 7643 §6 schemaExtensions). */
export function hasEnterpriseExtension(ctx: CheckContext): boolean {
  const usersEp = usersPath(ctx).toLowerCase();
  return ctx.target.resourceTypes.some(
    (rt) =>
      (rt.name === 'User' || rt.endpoint.toLowerCase() === usersEp) &&
      (rt.schemaExtensions ?? []).some((e) => e.schema.toLowerCase() === SCHEMA_URN.enterpriseUser.toLowerCase()),
  );
}

/** Names of a resource schema's attributes with returned "always" (RFC 7643 §7), lower-cased, plus id and schemas. */
export function alwaysReturned(ctx: CheckContext, schemaUrn: string): Set<string> {
  const out = new Set(['id', 'schemas']);
  const schema = ctx.target.schemas.find((s) => s.id.toLowerCase() === schemaUrn.toLowerCase());
  for (const a of schema?.attributes ?? []) if (a.returned === 'always') out.add(a.name.toLowerCase());
  return out;
}

/** A User body with a fixture base, our overrides, and the enterprise URN in schemas when an extension is set. */
export function userBodyWith(ctx: CheckContext, overrides: Record<string, unknown>): ScimResource {
  const body = ctx.fixtures.userBody(overrides) as Record<string, any>;
  const schemas: string[] = Array.isArray(body.schemas) ? [...body.schemas] : [SCHEMA_URN.user];
  if (SCHEMA_URN.enterpriseUser in overrides && !schemas.includes(SCHEMA_URN.enterpriseUser)) schemas.push(SCHEMA_URN.enterpriseUser);
  body.schemas = schemas;
  return body;
}
