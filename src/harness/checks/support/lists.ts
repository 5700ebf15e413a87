/**
 * Reading ListResponses (RFC 7644 §3.4.2) and comparing the resources they return. No state.
 */
import type { CheckContext, HttpResponse } from '../../check.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { attr, isObject } from './attributes.ts';
import { brief } from './http.ts';

/** RFC 7644 §3.4.2: the Resources of a ListResponse ([] when absent, as for an empty result). */
export function resourcesOf(json: unknown): any[] {
  const r = attr(json, 'Resources');
  return Array.isArray(r) ? r : [];
}

export function idsOf(resources: unknown[]): string[] {
  return resources.map((r) => attr(r, 'id')).filter((id): id is string => typeof id === 'string');
}

/**
 * Fails unless `res` is a 200 ListResponse (RFC 7644 §3.4.2: schemas carries the ListResponse URN and
 * totalResults is a non-negative integer; Resources is an array when present).
 */
export function expectListResponse(ctx: CheckContext, res: HttpResponse, what: string): any {
  if (res.status !== 200) {
    ctx.fail(`${what}: expected 200 with a ListResponse, got HTTP ${res.status}`, { expected: 200, actual: brief(res) });
  }
  const json = res.json;
  if (!isObject(json)) ctx.fail(`${what}: the response body is not a JSON object`, { expected: 'ListResponse', actual: brief(res) });
  const schemas = attr(json, 'schemas');
  const isList = Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.listResponse.toLowerCase());
  if (!isList) ctx.fail(`${what}: schemas must contain ${SCHEMA_URN.listResponse}`, { expected: SCHEMA_URN.listResponse, actual: schemas });
  const total = attr(json, 'totalResults');
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) {
    ctx.fail(`${what}: totalResults must be a non-negative integer`, { expected: 'integer >= 0', actual: total });
  }
  const resources = attr(json, 'Resources');
  if (resources !== undefined && !Array.isArray(resources)) {
    ctx.fail(`${what}: Resources must be an array`, { expected: 'array', actual: resources });
  }
  return json;
}

/** GET a list endpoint and require a ListResponse. */
export async function list(
  ctx: CheckContext,
  path: string,
  query: Record<string, string | number | undefined>,
  what: string,
): Promise<{ res: HttpResponse; json: any; resources: any[] }> {
  const res = await ctx.http.send({ method: 'GET', path, query });
  const json = expectListResponse(ctx, res, what);
  return { res, json, resources: resourcesOf(json) };
}

/** Fails unless the resources' ids are exactly `expected` (as a set, order ignored). */
export function expectIdSet(ctx: CheckContext, resources: unknown[], expected: string[], what: string, names?: Map<string, string>): void {
  const got = idsOf(resources);
  const label = (ids: string[]) => ids.map((id) => names?.get(id) ?? id).sort();
  const same = got.length === expected.length && new Set(got).size === got.length && expected.every((id) => got.includes(id));
  if (!same) ctx.fail(`${what}: the result set differs from the expected resources`, { expected: label(expected), actual: label(got) });
}

/** Fails unless the resources' ids are exactly `expected`, in this order. */
export function expectIdOrder(ctx: CheckContext, resources: unknown[], expected: string[], what: string, names?: Map<string, string>): void {
  const got = idsOf(resources);
  const label = (ids: string[]) => ids.map((id) => names?.get(id) ?? id);
  if (got.length !== expected.length || got.some((id, i) => id !== expected[i])) {
    ctx.fail(`${what}: the resources are not in the expected order`, { expected: label(expected), actual: label(got) });
  }
}
