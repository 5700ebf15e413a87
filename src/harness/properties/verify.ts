/**
 * The requests the property suites send and how each answer is judged against the model. Every
 * judgement throws PropertyMismatch with what the model expected and what came back.
 */
import type { HttpResponse } from '../check.ts';
import { jsonEqual } from '../json-equal.ts';
import { printFilter } from '../../scim/filter/index.ts';
import { ERROR_SCHEMA } from '../../scim/errors.ts';
import type { FilterNode } from '../../scim/types.ts';
import { comparableView, type Kind, type Model, type Prediction } from './model.ts';
import { scoped } from './filters.ts';
import { PropertyMismatch, type Session } from './session.ts';
import type { PropertyTarget } from './target.ts';

export function endpointOf(target: PropertyTarget, kind: Kind): string {
  return kind === 'User' ? target.endpoints.users : (target.endpoints.groups ?? '/Groups');
}

const brief = (res: HttpResponse) => ({ status: res.status, body: res.json ?? (res.text.length > 300 ? `${res.text.slice(0, 300)}…` : res.text) });

export function expectStatus(res: HttpResponse, expected: number, what: string, detail?: string): void {
  if (res.status !== expected) {
    throw new PropertyMismatch(`${what}: expected HTTP ${expected}${detail ? ` (${detail})` : ''}, got ${res.status}`, { status: expected, ...(detail ? { why: detail } : {}) }, brief(res));
  }
}

/** The resource in an answer shows exactly the attributes the model holds (see comparableView). */
export function expectResource(kind: Kind, actual: unknown, expected: unknown, what: string): void {
  const a = comparableView(kind, actual);
  const e = comparableView(kind, expected);
  if (!jsonEqual(a, e)) throw new PropertyMismatch(`${what}: the ${kind} differs from the model`, e, a);
}

/**
 * The answer that carries a successful PATCH's resource. RFC 7644 §3.5.2: the server "either MUST return a 200
 * OK response code and the entire resource within the response body ... or MAY return HTTP status code 204 (No
 * Content)"; after a 204 the resource is read back with GET (recorded: it is part of the step).
 */
export async function patchedResource(session: Session, res: HttpResponse, path: string, what: string): Promise<HttpResponse> {
  if (res.status !== 204) return res;
  const read = await session.send({ method: 'GET', path });
  expectStatus(read, 200, `${what}: GET after 204`);
  return read;
}

/** The statuses a write may legally succeed with when the model predicts `predicted`. */
function successStatuses(method: 'POST' | 'PUT' | 'PATCH', predicted: number): number[] {
  // RFC 7644 §3.5.2: PATCH success is 200 with the resource or 204 without it; POST is 201, PUT 200 (§3.3, §3.5.1).
  return method === 'PATCH' && predicted === 200 ? [200, 204] : [predicted];
}

/**
 * A write's answer against the model's prediction; on success the model takes the write. Returns the id.
 * `path` is the resource's URL path (for reading a PATCH's 204 back).
 */
export async function judgeWrite(
  model: Model,
  kind: Kind,
  res: HttpResponse,
  p: Prediction,
  what: string,
  how: { session: Session; method: 'POST' | 'PUT' | 'PATCH'; path: string },
): Promise<string | undefined> {
  const legal = successStatuses(how.method, p.status);
  if (!legal.includes(res.status)) expectStatus(res, p.status, what, p.detail);
  if (!p.resource) return undefined;
  // RFC 7644 §3.3 / §3.5.1 / §3.5.2: the answer (or, after a PATCH's 204, a GET) carries the resource as now stored.
  const answer = how.method === 'PATCH' ? await patchedResource(how.session, res, how.path, what) : res;
  expectResource(kind, answer.json, p.resource, what);
  const id = answer.json?.id;
  if (typeof id !== 'string' || id === '') throw new PropertyMismatch(`${what}: the answer has no id (RFC 7643 §3.1)`, 'a string id', answer.json?.id);
  model.commit(kind, p.resource, answer.json);
  return id;
}

/** RFC 7644 §3.12: an error answer is a SCIM Error message whose status matches the HTTP status. */
export function isScimErrorAnswer(res: HttpResponse): boolean {
  const schemas = res.json?.schemas;
  return Array.isArray(schemas) && schemas.includes(ERROR_SCHEMA) && String(res.json?.status) === String(res.status);
}

/** A 400 that says the filter is not supported (RFC 7644 §3.12 invalidFilter; scimType is optional there). */
export function isUnsupportedFilter(res: HttpResponse): boolean {
  const scimType = res.json?.scimType;
  return res.status === 400 && (scimType === undefined || scimType === 'invalidFilter');
}

export interface Listed {
  ids: string[];
  resources: Record<string, unknown>[];
}

/**
 * The resources of a ListResponse page. RFC 7644 §3.4.2: "Resources" is "a multi-valued list of complex objects";
 * absent or not a list it lists nothing (the ids then differ from the model's), and a list holding anything but
 * objects (null, a number) is the target's failure, said as such (issue 11 #16: it was a TypeError, `errored`).
 */
export function listedResources(json: unknown, what: string): Record<string, unknown>[] {
  const list: unknown = json !== null && typeof json === 'object' ? (json as { Resources?: unknown }).Resources : undefined;
  if (!Array.isArray(list)) return [];
  const bad = list.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0) throw new PropertyMismatch(`${what}: Resources[${bad}] is ${JSON.stringify(list[bad])}, not a resource (RFC 7644 §3.4.2: a list of complex objects)`, 'a JSON object', list[bad]);
  return list as Record<string, unknown>[];
}

/**
 * Every resource a filter selects, page by page (RFC 7644 §3.4.2.4), stopping at totalResults or an
 * empty page; a non-200 answer is returned as the status.
 */
export async function listAll(session: Session, endpoint: string, filter: FilterNode, pageSize: number, maxPages = 50): Promise<Listed | { status: number; res: HttpResponse }> {
  const resources: Record<string, unknown>[] = [];
  let start = 1;
  for (let page = 0; page < maxPages; page++) {
    const res = await session.send({ method: 'GET', path: endpoint, query: { filter: printFilter(filter), startIndex: start, count: pageSize } });
    if (res.status !== 200) return { status: res.status, res };
    const got = listedResources(res.json, `GET ${endpoint} (startIndex=${start})`);
    resources.push(...got);
    const total = Number(res.json?.totalResults);
    start += got.length;
    if (got.length === 0 || (Number.isFinite(total) && start > total)) break;
  }
  return { ids: resources.map((r) => String(r.id)), resources };
}

const sortedIds = (ids: string[]) => [...ids].sort();

/** The set of ids a list answered equals the model's, without duplicates (RFC 7644 §3.4.2.2). */
export function expectSameIds(actual: string[], expected: string[], what: string, names?: Map<string, string>): void {
  const label = (ids: string[]) => sortedIds(ids).map((id) => names?.get(id) ?? id);
  if (new Set(actual).size !== actual.length) throw new PropertyMismatch(`${what}: the answer lists a resource more than once`, label(expected), label(actual));
  if (!jsonEqual(sortedIds(actual), sortedIds(expected))) throw new PropertyMismatch(`${what}: the resources returned differ from the model's`, label(expected), label(actual));
}

/**
 * The target's whole state for this run equals the model: every live resource reads back as modelled
 * (RFC 7644 §3.4.1), every deleted one is 404 (§3.6), and a prefix search finds exactly the live ones.
 */
export async function expectFinalState(session: Session, model: Model, target: PropertyTarget, kinds: Kind[]): Promise<void> {
  session.step('readWholeState()');
  for (const kind of kinds) {
    const endpoint = endpointOf(target, kind);
    for (const r of model.list(kind)) {
      const res = await session.send({ method: 'GET', path: `${endpoint}/${encodeURIComponent(r.id)}` });
      expectStatus(res, 200, `final GET ${kind} ${r.id}`);
      expectResource(kind, res.json, r.resource, `final GET ${kind} ${r.id}`);
    }
    for (const d of model.deleted.filter((x) => x.kind === kind)) {
      const res = await session.send({ method: 'GET', path: `${endpoint}/${encodeURIComponent(d.id)}` });
      // RFC 7644 §3.6: "the service provider MUST return a 404 (Not Found) error" for a deleted resource.
      expectStatus(res, 404, `final GET of deleted ${kind} ${d.id}`);
    }
    // The run's users are listed with the run's scope (filters.ts); groups only where `sw` scopes them (their names
    // share the run prefix). Each resource was read by id above, so a target that cannot scope loses no coverage of state.
    const filter: FilterNode | undefined =
      kind === 'User' ? scoped(target.scope, session.prefix, undefined) : target.scope.kind === 'sw' ? { op: 'sw', path: { attr: 'displayName' }, value: session.prefix } : undefined;
    if (filter) {
      const expected = kind === 'User' ? model.predictList('User', filter) : { status: 200 as const, ids: model.list(kind).map((r) => r.id) };
      const listed = await listAll(session, endpoint, filter, target.maxResults ?? 100);
      if ('status' in listed) expectStatus(listed.res, 200, `final list of ${kind}s`);
      else if (expected.status === 200) expectSameIds(listed.ids, expected.ids, `final list of ${kind}s of this run (${printFilter(filter)})`);
    }
  }
}
