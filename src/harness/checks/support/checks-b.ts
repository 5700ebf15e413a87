/**
 * Helpers shared by the checks-b areas (filter, paging, sort, projection, patch, groups, bulk, search).
 * Pure functions or thin wrappers over ctx.http / ctx.fixtures; no module-level state.
 */
import type { CheckContext, HttpRequest, HttpResponse } from '../../check.ts';
import type { ScimResource } from '../../../scim/types.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';

// ---------------------------------------------------------------------------------------------
// Reading JSON the SCIM way

/** RFC 7643 §2.1: attribute names are case-insensitive, so look them up that way. */
export function attr(obj: unknown, name: string): any {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (name in rec) return rec[name];
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(rec)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** True when the object has the attribute (any case) with a value other than null / [] (RFC 7643 §2.5). */
export function hasAttr(obj: unknown, name: string): boolean {
  const v = attr(obj, name);
  if (v === undefined || v === null) return false;
  if (Array.isArray(v) && v.length === 0) return false;
  return true;
}

/** Reads a dotted path (`name.familyName`, `meta.version`) case-insensitively. */
export function attrPath(obj: unknown, path: string): any {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = attr(cur, part);
  return cur;
}

/** The extension object of a resource, keyed by its schema URN (RFC 7643 §3.3), looked up case-insensitively. */
export function extension(obj: unknown, urn: string): any {
  return attr(obj, urn);
}

/** RFC 7644 §3.4.2.2: compValue is a JSON string, so `"` and `\` are escaped by JSON rules. */
export function lit(value: string): string {
  return JSON.stringify(value);
}

/** Flips the case of every letter: `Bob-x1` → `bOB-X1`. */
export function swapCase(s: string): string {
  let out = '';
  for (const ch of s) {
    const up = ch.toUpperCase();
    out += ch === up ? ch.toLowerCase() : up;
  }
  return out;
}

/** A short response summary for failure messages. */
export function brief(res: HttpResponse): { status: number; body: string } {
  return { status: res.status, body: res.text.slice(0, 600) };
}

export function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Endpoints

export function usersPath(ctx: CheckContext): string {
  return ctx.target.endpoints.users;
}

export function groupsPath(ctx: CheckContext): string {
  const groups = ctx.target.endpoints.groups;
  if (!groups) ctx.skip('target has no Group resource type');
  return groups;
}

export function userPath(ctx: CheckContext, id: string): string {
  return `${usersPath(ctx)}/${encodeURIComponent(id)}`;
}

export function groupPath(ctx: CheckContext, id: string): string {
  return `${groupsPath(ctx)}/${encodeURIComponent(id)}`;
}

export function unknownId(): string {
  return `scimcheck-missing-${crypto.randomUUID()}`;
}

// ---------------------------------------------------------------------------------------------
// Responses

export function expect2xx(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (res.status < 200 || res.status >= 300) {
    ctx.fail(`${what}: expected a 2xx answer, got HTTP ${res.status}`, { expected: '2xx', actual: brief(res) });
  }
}

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

/** GET one resource and require 200 with a JSON object. */
export async function read(ctx: CheckContext, path: string, query?: HttpRequest['query']): Promise<Record<string, any>> {
  const res = await ctx.http.send({ method: 'GET', path, query });
  if (res.status !== 200 || !isObject(res.json)) {
    ctx.fail(`GET ${path} should answer 200 with the resource`, { expected: 200, actual: brief(res) });
  }
  return res.json;
}

export function isScimErrorBody(json: unknown): boolean {
  const schemas = attr(json, 'schemas');
  return Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.error.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Names and payloads

/**
 * A variant of a fixture userName: `base-suffix`, or `local-suffix@domain` when the target uses an
 * email as userName (e.g. the Files.com preset), so every variant keeps the target's shape.
 */
export function nameVariant(base: string, suffix: string): string {
  const at = base.lastIndexOf('@');
  if (at > 0) return `${base.slice(0, at)}-${suffix}${base.slice(at)}`;
  return `${base}-${suffix}`;
}

/** The part of a fixture userName every variant starts with: `userName sw` on it selects exactly the variants. */
export function variantPrefix(base: string): string {
  const at = base.lastIndexOf('@');
  return `${at > 0 ? base.slice(0, at) : base}-`;
}

/** A lower-case token safe inside an e-mail local part. */
export function emailToken(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]/g, '').slice(-40);
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

/** RFC 7644 §3.5.2: a PatchOp message. */
export function patchBody(ops: { op: string; path?: string; value?: unknown }[]): Record<string, unknown> {
  return { schemas: [SCHEMA_URN.patchOp], Operations: ops };
}

export function patchUser(ctx: CheckContext, id: string, ops: { op: string; path?: string; value?: unknown }[], query?: HttpRequest['query']): Promise<HttpResponse> {
  return ctx.http.send({ method: 'PATCH', path: userPath(ctx, id), body: patchBody(ops), query });
}

export function patchGroup(ctx: CheckContext, id: string, ops: { op: string; path?: string; value?: unknown }[], query?: HttpRequest['query']): Promise<HttpResponse> {
  return ctx.http.send({ method: 'PATCH', path: groupPath(ctx, id), body: patchBody(ops), query });
}

/** RFC 7644 §3.5.2: PATCH succeeds with 200 (resource) or 204; anything else fails the check with what came back. */
export function expectPatchOk(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (res.status !== 200 && res.status !== 204) {
    ctx.fail(`${what}: expected 200 or 204, got HTTP ${res.status}`, { expected: [200, 204], actual: brief(res) });
  }
}

/** The emails (or any multi-valued complex attribute) as an array. */
export function multi(obj: unknown, name: string): any[] {
  const v = attr(obj, name);
  return Array.isArray(v) ? v : [];
}

/** The member ids of a Group (RFC 7643 §4.2 members.value). */
export function memberIds(group: unknown): string[] {
  return multi(group, 'members')
    .map((m) => attr(m, 'value'))
    .filter((v): v is string => typeof v === 'string');
}

export function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && new Set(a).size === a.length && b.every((x) => a.includes(x));
}

// ---------------------------------------------------------------------------------------------
// The filter population

export interface Person {
  key: 'alice' | 'bob' | 'carol' | 'dave';
  user: ScimResource & { id: string };
  userName: string;
}

export interface Population {
  /** `userName sw <prefix>` selects exactly the population. */
  prefix: string;
  /** The same as a filter clause, ready to combine: `userName sw "<prefix>"`. */
  scope: string;
  alice: Person;
  bob: Person;
  carol: Person;
  dave: Person;
  all: Person[];
  enterprise: boolean;
  /** id → readable key, for failure messages. */
  names: Map<string, string>;
  /** The lower-case token inside every email address of the population. */
  token: string;
}

/**
 * Four users with distinct, prefixed userNames (one mixed case), several typed emails, titles (one
 * missing), userType, active, externalId, a quoted displayName and (when offered) enterprise attributes.
 *   alice: Engineer, Employee, active, work@corp + home@home, externalId …-ExtA, dept Research
 *   Bob:   Manager, Contractor, active, work@home + home@corp (the cross-element trap), dept Sales
 *   carol: no title, Employee, inactive, home@home only
 *   dave:  Engineer, Intern, active, work@corp, displayName with `"` and `\`
 */
export async function createPopulation(ctx: CheckContext): Promise<Population> {
  const base = String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('f'));
  const prefix = variantPrefix(base);
  const token = emailToken(prefix);
  const enterprise = hasEnterpriseExtension(ctx);
  const ent = (v: Record<string, unknown>) => (enterprise ? { [SCHEMA_URN.enterpriseUser]: v } : {});
  const mail = (who: string, type: string, host: string, primary?: boolean) => ({
    value: `${who}.${token}@${host}`,
    type,
    ...(primary ? { primary: true } : {}),
  });
  const specs: { key: Person['key']; suffix: string; body: Record<string, unknown> }[] = [
    {
      key: 'alice',
      suffix: 'alice',
      body: {
        name: { givenName: 'Alice', familyName: 'Smith' },
        displayName: 'Alice Smith',
        title: 'Engineer',
        userType: 'Employee',
        active: true,
        externalId: `${prefix}ExtA`,
        emails: [mail('alice', 'work', 'corp.example.com', true), mail('alice', 'home', 'home.example.org')],
        ...ent({ employeeNumber: '701', department: 'Research' }),
      },
    },
    {
      key: 'bob',
      suffix: 'Bob',
      body: {
        name: { givenName: 'Bob', familyName: 'Jones' },
        displayName: 'Bob Jones',
        title: 'Manager',
        userType: 'Contractor',
        active: true,
        externalId: `${prefix}ExtB`,
        emails: [mail('bob', 'work', 'home.example.org', true), mail('bob', 'home', 'corp.example.com')],
        ...ent({ employeeNumber: '702', department: 'Sales' }),
      },
    },
    {
      key: 'carol',
      suffix: 'carol',
      body: {
        name: { givenName: 'Carol', familyName: 'Smithers' },
        displayName: 'Carol Smithers',
        userType: 'Employee',
        active: false,
        externalId: `${prefix}ExtC`,
        emails: [mail('carol', 'home', 'home.example.org', true)],
      },
    },
    {
      key: 'dave',
      suffix: 'dave',
      body: {
        name: { givenName: 'Dave', familyName: 'Brown' },
        displayName: 'Dave "DQ" Back\\slash',
        title: 'Engineer',
        userType: 'Intern',
        active: true,
        externalId: `${prefix}ExtD`,
        emails: [mail('dave', 'work', 'corp.example.com', true)],
      },
    },
  ];
  const people: Person[] = [];
  for (const s of specs) {
    const userName = nameVariant(base, s.suffix);
    const overrides: Record<string, unknown> = { userName, ...s.body };
    const body = userBodyWith(ctx, overrides);
    const user = await ctx.fixtures.createUser(body as Record<string, unknown>);
    people.push({ key: s.key, user, userName });
  }
  const by = (k: Person['key']) => people.find((p) => p.key === k)!;
  const names = new Map(people.map((p) => [p.user.id, p.key]));
  return {
    prefix,
    scope: `userName sw ${lit(prefix)}`,
    alice: by('alice'),
    bob: by('bob'),
    carol: by('carol'),
    dave: by('dave'),
    all: people,
    enterprise,
    names,
    token,
  };
}

/** Runs `scope and (<clause>)` on the Users endpoint and requires exactly `expected`. */
export async function expectFilter(ctx: CheckContext, pop: Population, clause: string, expected: Person[], what: string): Promise<void> {
  const filter = `${pop.scope} and (${clause})`;
  const { resources } = await list(ctx, usersPath(ctx), { filter }, `GET ${usersPath(ctx)}?filter=${filter}`);
  expectIdSet(ctx, resources, expected.map((p) => p.user.id), `${what} (filter: ${filter})`, pop.names);
}

/**
 * Creates `n` users whose userNames are `<prefix><suffix>` for the given suffixes, in the order given.
 * Returns them with the prefix for a `userName sw` scope.
 */
export async function createNamedUsers(
  ctx: CheckContext,
  suffixes: string[],
  extra: (suffix: string, i: number) => Record<string, unknown> = () => ({}),
): Promise<{ prefix: string; scope: string; users: (ScimResource & { id: string })[]; names: Map<string, string> }> {
  const base = String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('p'));
  const prefix = variantPrefix(base);
  const token = emailToken(prefix);
  const users: (ScimResource & { id: string })[] = [];
  for (const [i, s] of suffixes.entries()) {
    const body = userBodyWith(ctx, {
      userName: nameVariant(base, s),
      emails: [{ value: `${emailToken(s)}.${token}@example.com`, type: 'work', primary: true }],
      ...extra(s, i),
    });
    users.push(await ctx.fixtures.createUser(body as Record<string, unknown>));
  }
  const names = new Map(users.map((u, i) => [u.id, suffixes[i]]));
  return { prefix, scope: `userName sw ${lit(prefix)}`, users, names };
}
