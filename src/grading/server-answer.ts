/**
 * Server-side passive grading (issue 14, `scimcheck proxy`): what a service provider's answers to someone
 * else's requests tell about it, without sending anything ourselves. The passive subset of the conformance
 * checks: status codes per method, the SCIM media type, error bodies, Location = meta.location, ListResponse
 * fields and counts, ETag = meta.version, passwords never returned, ids that never change, a deleted resource
 * that still answers, and a 2xx write that a later read contradicts.
 *
 * Levels follow the project's rule: a MUST finding quotes a MUST / SHALL / REQUIRED sentence (or one of the
 * exceptions of test/harness/levels.test.ts: 'lowercase-must', 'round-trip'); SHOULD warns; MAY never fails.
 *
 * The grader keeps what it learned from earlier exchanges (ids, last written values, deleted resources) in the
 * object `createServerAnswerGrader` returns: one per proxied session, nothing module-level.
 */
import { parsePatchPath } from '../scim/attribute-path.ts';
import { matchesFilter, parseFilter } from '../scim/filter/index.ts';
import { SchemaRegistry, registryFromDiscovery } from '../scim/schema-registry.ts';
import type { AttributeDef, AttrPath, FilterNode } from '../scim/types.ts';
import { SCHEMA_URN } from '../scim/types.ts';
import type { Finding, GradedAnswer, GradedRequest } from './finding.ts';
// RFC 7643 §2.1: attribute names are case-insensitive.
import { getMember as member, isPlainObject as isObject } from '../scim/resource-access.ts';

/** One rule of the server side: its id, title, level, clause and quoted sentence. */
export interface ServerRule {
  id: string;
  title: string;
  level: Finding['level'];
  rfc: string;
  quote: string;
}

const rule = (id: string, title: string, level: Finding['level'], rfc: string, quote: string): ServerRule => ({ id, title, level, rfc, quote });

/** Every server-side rule, by id (the report lists each one that applied, passed or not). */
export const SERVER_RULES = {
  createStatus: rule('server.create.status-201', 'a successful create answers 201 Created', 'MUST', 'RFC 7644 §3.3',
    'When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created).'),
  createLocation: rule('server.create.location-equals-meta', 'a 201 carries a Location header equal to meta.location', 'MUST', 'RFC 7644 §3.3',
    'The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP body, a JSON representation [RFC7159] with the attribute "meta.location".'),
  deleteStatus: rule('server.delete.status-204', 'a successful DELETE answers 204 No Content', 'MUST', 'RFC 7644 §3.6',
    'In response to a successful DELETE, the service provider SHALL return a successful HTTP status code 204 (No Content).'),
  deletedGone: rule('server.delete.gone-after', 'a deleted resource answers 404 afterwards', 'MUST', 'RFC 7644 §3.6',
    'Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.'),
  patchBody: rule('server.patch.200-has-resource', 'a PATCH answered 200 returns the resource', 'MUST', 'RFC 7644 §3.5.2',
    'On successful completion, the server either MUST return a 200 OK response code and the entire resource within the response body ... or MAY return HTTP status code 204 (No Content)'),
  mediaType: rule('server.content-type.scim-json', 'JSON answers are application/scim+json when the client asked for it', 'MUST', 'RFC 7644 §3.8',
    'Service providers MUST support the "Accept" header "Accept: application/scim+json".'),
  errorBody: rule('server.error.json-body', 'an error answer carries a SCIM Error body', 'MUST', 'RFC 7644 §3.12',
    'In addition to returning an HTTP response code, implementers MUST return the errors in the body of the response in a JSON format, using the attributes described below.'),
  errorStatus: rule('server.error.status-string', 'an Error body carries the HTTP status as a string', 'MUST', 'RFC 7644 §3.12',
    'status: The HTTP status code (see Section 6 of [RFC7231]) expressed as a JSON string. REQUIRED.'),
  listTotal: rule('server.list.total-results', 'a ListResponse carries totalResults, at least the resources returned', 'MUST', 'RFC 7644 §3.4.2',
    'totalResults: The total number of results returned by the list or query operation. The value may be larger than the number of resources returned, such as when returning a single page (see Section 3.4.2.4) of results where multiple pages are available. REQUIRED.'),
  listSchemas: rule('server.list.schemas', 'a list answer names the ListResponse schema', 'MUST', 'RFC 7644 §3.4.2',
    'Responses MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:ListResponse".'),
  listCount: rule('server.list.count-respected', 'a list answer holds no more resources than `count` asked', 'MUST', 'RFC 7644 §3.4.2.4',
    'When specified, the service provider MUST NOT return more results than specified, although it MAY return fewer results.'),
  listFiltered: rule('server.list.filter-respected', 'a filtered list returns only resources matching the filter', 'MUST', 'RFC 7644 §3.4.2.2',
    'When specified, only those resources matching the filter expression SHALL be returned.'),
  listPaging: rule('server.list.paging-fields', 'a partial list answer carries startIndex and itemsPerPage', 'MUST', 'RFC 7644 §3.4.2',
    'itemsPerPage: The number of resources returned in a list response page. REQUIRED when partial results are returned due to pagination.'),
  bulkLocation: rule('server.bulk.location', 'each BulkResponse operation carries its location (a failed POST excepted)', 'MUST', 'RFC 7644 §3.7.3',
    'location: The resource endpoint URL. REQUIRED in a response, except in the event of a POST failure.'),
  etagVersion: rule('server.etag.equals-meta-version', 'the ETag header equals meta.version', 'MUST', 'RFC 7643 §3.1',
    'version: The version of the resource being returned. This value must have the same value as the "ETag" HTTP response header (see Sections 2.1 and 2.3 of [RFC7232]).'),
  password: rule('server.password.never-returned', 'a password is never returned', 'MUST', 'RFC 7643 §4.1.1',
    'The cleartext value or the hashed value of a password SHALL NOT be returnable by a service provider.'),
  idPresent: rule('server.id.present', 'every resource representation carries a non-empty id', 'MUST', 'RFC 7643 §3.1',
    'Each representation of the resource MUST include a non-empty "id" value.'),
  idStable: rule('server.id.stable', 'a resource keeps its id across exchanges', 'MUST', 'RFC 7643 §3.1',
    'It MUST be a stable, non-reassignable identifier that does not change when the same resource is returned in subsequent requests.'),
  // The PUT sentence; for PATCH the same holds by definition (the 'definition' / 'round-trip' exceptions of
  // test/harness/levels.test.ts): a readWrite attribute the target declares holds what a 2xx write set.
  writeReadBack: rule('server.write.read-back', 'a 2xx write is not contradicted by a later read', 'MUST', 'RFC 7644 §3.5.1',
    'readWrite, writeOnly: Any values provided SHALL replace the existing attribute values.'),
} as const satisfies Record<string, ServerRule>;

export type ServerRuleKey = keyof typeof SERVER_RULES;

export interface ServerGrade {
  findings: Finding[];
  /** Rules that had something to judge in this exchange (a rule without findings passed here). */
  applied: string[];
}

export interface ServerAnswerGrader {
  grade(req: GradedRequest, answer: GradedAnswer): ServerGrade;
  /** The schemas in use (RFC 7643 defaults until the client reads /Schemas and /ResourceTypes through us). */
  registry(): SchemaRegistry;
}

type Json = Record<string, unknown>;
const lower = (s: string) => s.toLowerCase();

/** The media type of a Content-Type value, parameters dropped. */
function mediaTypeOf(value: string | undefined): string | undefined {
  return value?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** What a request path names: a resource endpoint, one resource, a search, or something else. */
export type Target =
  | { kind: 'collection'; endpoint: string }
  | { kind: 'resource'; endpoint: string; id: string }
  | { kind: 'search'; endpoint?: string }
  | { kind: 'bulk' }
  | { kind: 'discovery'; name: 'Schemas' | 'ResourceTypes' | 'ServiceProviderConfig' }
  | { kind: 'other' };

/** Reads a base-relative path ('/Users/abc') against the resource types known (User and Group at least). */
export function targetOf(path: string, registry: SchemaRegistry): Target {
  const segments = path.split('/').filter((s) => s !== '');
  const first = segments[0];
  if (!first) return { kind: 'other' };
  if (segments.length === 1 && lower(first) === '.search') return { kind: 'search' };
  if (segments.length === 1 && lower(first) === 'bulk') return { kind: 'bulk' };
  for (const name of ['Schemas', 'ResourceTypes', 'ServiceProviderConfig'] as const) {
    if (lower(first) === lower(name)) return { kind: 'discovery', name };
  }
  const rt = registry.resourceType(`/${first}`);
  if (!rt) return { kind: 'other' };
  const endpoint = rt.endpoint;
  if (segments.length === 1) return { kind: 'collection', endpoint };
  if (segments.length === 2 && lower(segments[1] as string) === '.search') return { kind: 'search', endpoint };
  if (segments.length === 2) return { kind: 'resource', endpoint, id: segments[1] as string };
  return { kind: 'other' };
}

/** A fact a 2xx write established about one attribute of one resource, for a later read to be held to. */
interface Claim {
  /** Where the value lives, case-folded: 'username', 'name.givenname', '<urn>:employeenumber'. */
  key: string;
  /** How to read the value back from a representation. */
  read: (resource: Json) => unknown;
  value: string | number | boolean;
  caseExact: boolean;
  /** The exchange that wrote it, for the message. */
  wrote: string;
}

/** Membership facts: member value -> present (an add answered 2xx) or absent (a remove answered 2xx). */
type Membership = Map<string, { present: boolean; wrote: string }>;

interface Known {
  /** The id of the resource as first answered (for `id.stable`). */
  id: string;
  claims: Map<string, Claim>;
  members: Membership;
  deleted?: string;
}

/** A scalar the server must hand back as written; booleans may arrive as strings ("False", Entra's habit). */
function sameScalar(written: Claim['value'], read: unknown, caseExact: boolean): boolean {
  if (typeof written === 'boolean' || typeof read === 'boolean') return lower(String(written)) === lower(String(read));
  if (typeof written === 'number') return typeof read === 'number' ? read === written : String(read) === String(written);
  if (typeof read !== 'string') return false;
  return caseExact ? read === written : lower(read) === lower(written);
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export function createServerAnswerGrader(opts: { deprovision?: 'delete' | 'disable' } = {}): ServerAnswerGrader {
  let registry = SchemaRegistry.fromSpecs();
  /** Discovery answers seen, so the registry can follow the target's own /Schemas (RFC 7643 §7). */
  let seenSchemas: unknown[] | undefined;
  let seenResourceTypes: unknown[] | undefined;
  /** Resources by `${endpoint}/${id}` (case-folded endpoint). */
  const known = new Map<string, Known>();
  const deprovision = opts.deprovision ?? 'delete';

  const keyOf = (endpoint: string, id: string) => `${lower(endpoint)}/${id}`;
  const entry = (endpoint: string, id: string): Known => {
    const k = keyOf(endpoint, id);
    let e = known.get(k);
    if (!e) {
      e = { id, claims: new Map(), members: new Map() };
      known.set(k, e);
    }
    return e;
  };

  function learnDiscovery(name: 'Schemas' | 'ResourceTypes' | 'ServiceProviderConfig', body: unknown): void {
    if (name === 'ServiceProviderConfig' || !isObject(body)) return;
    const items = Array.isArray(member(body, 'Resources')) ? (member(body, 'Resources') as unknown[]) : [];
    if (name === 'Schemas') seenSchemas = items;
    else seenResourceTypes = items;
    if (seenSchemas && seenResourceTypes) {
      const next = registryFromDiscovery(seenSchemas, seenResourceTypes);
      // A target whose discovery we cannot read keeps the RFC defaults: better than no resource types at all.
      if (next.resourceTypes().length > 0) registry = next;
    }
  }

  /** The attribute definition for a claim key, when the schemas know it and a read can be held to it. */
  function trackable(endpoint: string, urn: string | undefined, attr: string, sub?: string): AttributeDef | undefined {
    const rt = registry.resourceType(endpoint);
    if (!rt) return undefined;
    const resolved = registry.resolve(rt.name, { ...(urn ? { schema: urn } : {}), attr, ...(sub ? { subAttr: sub } : {}) });
    if (!resolved) return undefined;
    const def = resolved.sub ?? resolved.attr;
    // Only what the client may write and the server hands back: readOnly values are the server's (RFC 7643
    // §2.2 "SHALL be ignored"), writeOnly / returned never are never read back, multi-valued ones are merged.
    if (def.mutability === 'readOnly' || def.mutability === 'writeOnly' || def.returned === 'never') return undefined;
    if (def.multiValued || (resolved.sub && resolved.attr.multiValued) || def.type === 'complex') return undefined;
    return def;
  }

  /** Reads `[urn:]attr[.sub]` from a representation, case-insensitively. */
  function reader(urn: string | undefined, attr: string, sub?: string): (r: Json) => unknown {
    return (r) => {
      const holder = urn && !isCoreUrn(urn) ? member(r, urn) : r;
      if (!isObject(holder)) return undefined;
      const v = member(holder, attr);
      if (sub === undefined) return v;
      return isObject(v) ? member(v, sub) : undefined;
    };
  }

  function isCoreUrn(urn: string): boolean {
    const rtCore = registry.resourceTypes().map((rt) => lower(rt.schema));
    return rtCore.includes(lower(urn));
  }

  /** Claims a write body makes: scalar attributes (and sub-attributes of singular complex ones) it sets. */
  function claimsOfObject(endpoint: string, value: Json, wrote: string, urn?: string): Claim[] {
    const out: Claim[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (lower(k) === 'schemas' || lower(k) === 'id' || lower(k) === 'meta') continue;
      if (!urn && k.includes(':')) {
        // An extension's attributes sit under its URN key (RFC 7643 §3.3); a URN-qualified attribute key
        // ("urn:…:User:department", Entra's pathless PATCH values) names one attribute of that schema.
        if (isObject(v)) out.push(...claimsOfObject(endpoint, v, wrote, k));
        else {
          const cut = k.lastIndexOf(':');
          out.push(...claimsOfObject(endpoint, { [k.slice(cut + 1)]: v }, wrote, k.slice(0, cut)));
        }
        continue;
      }
      // Entra's pathless PATCH values name sub-attributes with dotted keys ({"name.givenName": "Ann"}).
      const [attr, sub] = k.includes('.') ? [k.slice(0, k.indexOf('.')), k.slice(k.indexOf('.') + 1)] : [k, undefined];
      if (isScalar(v)) {
        const def = trackable(endpoint, urn, attr, sub);
        if (def) out.push({ key: lower(`${urn ? `${urn}:` : ''}${attr}${sub ? `.${sub}` : ''}`), read: reader(urn, attr, sub), value: v, caseExact: def.caseExact, wrote });
      } else if (isObject(v) && !sub) {
        for (const [s, sv] of Object.entries(v)) {
          if (!isScalar(sv)) continue;
          const def = trackable(endpoint, urn, k, s);
          if (def) out.push({ key: lower(`${urn ? `${urn}:` : ''}${k}.${s}`), read: reader(urn, k, s), value: sv, caseExact: def.caseExact, wrote });
        }
      }
    }
    return out;
  }

  /** A PATCH path as [urn, attr, sub], when it is a plain attribute path (no value filter). */
  function plainPath(path: string): { urn?: string; attr: string; sub?: string } | undefined {
    try {
      const p = parsePatchPath(path);
      if (p.valueFilter) return undefined;
      return { ...(p.attrPath.schema ? { urn: p.attrPath.schema } : {}), attr: p.attrPath.attr, ...(p.attrPath.subAttr ? { sub: p.attrPath.subAttr } : {}) };
    } catch {
      return undefined;
    }
  }

  /** `members[value eq "x"]` → 'x' (the shape Okta, Entra and OneLogin remove members with). */
  function memberFilterValue(path: string): string | undefined {
    try {
      const p = parsePatchPath(path);
      const f = p.valueFilter as FilterNode | undefined;
      if (lower(p.attrPath.attr) !== 'members' || !f || f.op !== 'eq' || lower(f.path.attr) !== 'value' || typeof f.value !== 'string') return undefined;
      return f.value;
    } catch {
      return undefined;
    }
  }

  const memberValues = (v: unknown): string[] =>
    (Array.isArray(v) ? v : [v]).map((m) => (isObject(m) ? member(m, 'value') : undefined)).filter((x): x is string => typeof x === 'string');

  /** Drops the facts about `key` and its sub-attributes: a write changed them in a way not followed here. */
  function forget(e: Known, key: string): void {
    const k = lower(key);
    for (const c of [...e.claims.keys()]) if (c === k || c.startsWith(`${k}.`)) e.claims.delete(c);
  }

  /** Records what a 2xx write set, replacing earlier facts about the same attributes. */
  function learnWrite(endpoint: string, id: string, req: GradedRequest, wrote: string): void {
    const e = entry(endpoint, id);
    const body = req.body;
    if (!isObject(body)) return;
    if (req.method === 'POST' || req.method === 'PUT') {
      // A PUT replaces the resource (RFC 7644 §3.5.1): earlier facts no longer hold.
      e.claims.clear();
      e.members.clear();
      for (const c of claimsOfObject(endpoint, body, wrote)) e.claims.set(c.key, c);
      for (const m of memberValues(member(body, 'members'))) e.members.set(m, { present: true, wrote });
      return;
    }
    if (req.method !== 'PATCH') return;
    const ops = member(body, 'Operations');
    if (!Array.isArray(ops)) return;
    for (const raw of ops) {
      if (!isObject(raw)) continue;
      const op = typeof member(raw, 'op') === 'string' ? lower(member(raw, 'op') as string) : '';
      const path = typeof member(raw, 'path') === 'string' ? (member(raw, 'path') as string) : undefined;
      const value = member(raw, 'value');
      if (op !== 'add' && op !== 'replace' && op !== 'remove') continue;
      if (path === undefined) {
        if (op === 'remove' || !isObject(value)) continue;
        // A complex value may replace the whole attribute: what it leaves out is no longer known.
        for (const [k, v] of Object.entries(value)) if (isObject(v) && !k.includes(':')) forget(e, k);
        for (const c of claimsOfObject(endpoint, value, wrote)) e.claims.set(c.key, c);
        const ms = memberValues(member(value, 'members'));
        if (op === 'replace' && member(value, 'members') !== undefined) e.members.clear();
        for (const m of ms) e.members.set(m, { present: true, wrote });
        continue;
      }
      const filtered = memberFilterValue(path);
      if (filtered !== undefined) {
        if (op === 'remove') e.members.set(filtered, { present: false, wrote });
        continue;
      }
      const plain = plainPath(path);
      if (!plain) {
        // A path with a value filter on anything but members: its attribute is no longer known.
        forget(e, path.split('[')[0] ?? path);
        continue;
      }
      if (!plain.urn && !plain.sub && lower(plain.attr) === 'members') {
        if (op === 'replace') e.members.clear();
        // Entra removes members with a value list on `path: members` (a form RFC 7644 §3.5.2.2 leaves open).
        for (const m of memberValues(value)) e.members.set(m, { present: op !== 'remove', wrote });
        if (op === 'remove' && value === undefined) {
          for (const [m] of e.members) e.members.set(m, { present: false, wrote });
        }
        continue;
      }
      const key = lower(`${plain.urn ? `${plain.urn}:` : ''}${plain.attr}${plain.sub ? `.${plain.sub}` : ''}`);
      if (op === 'remove' || !(isScalar(value) || isObject(value))) {
        forget(e, key);
        continue;
      }
      if (isObject(value)) forget(e, key);
      if (isScalar(value)) {
        const def = trackable(endpoint, plain.urn, plain.attr, plain.sub);
        if (def) e.claims.set(key, { key, read: reader(plain.urn, plain.attr, plain.sub), value, caseExact: def.caseExact, wrote });
      } else if (isObject(value) && !plain.sub) {
        // `path: name, value: { givenName }` sets sub-attributes of a singular complex attribute.
        for (const [s, sv] of Object.entries(value)) {
          if (!isScalar(sv)) continue;
          const def = trackable(endpoint, plain.urn, plain.attr, s);
          const k = lower(`${plain.urn ? `${plain.urn}:` : ''}${plain.attr}.${s}`);
          if (def) e.claims.set(k, { key: k, read: reader(plain.urn, plain.attr, s), value: sv, caseExact: def.caseExact, wrote });
        }
      }
    }
  }

  return {
    registry: () => registry,
    grade(req, answer) {
      const findings: Finding[] = [];
      const applied = new Set<string>();
      const method = req.method.toUpperCase();
      const target = targetOf(req.path, registry);
      const ok = answer.status >= 200 && answer.status < 300;
      const here = `${method} ${req.path}`;
      const find = (r: ServerRule, message: string) => findings.push({ id: r.id, side: 'server', level: r.level, rfc: r.rfc, quote: r.quote, message });
      const judge = (r: ServerRule, holds: boolean, message: () => string) => {
        applied.add(r.id);
        if (!holds) find(r, message());
      };
      const body = answer.body;
      const bodyText = answer.rawBody ?? '';

      // Media type: RFC 7644 §3.8 lets a client ask for application/json too; only an answer to a client that
      // asked for application/scim+json alone (or named nothing: the default is scim+json) is held to it.
      if (bodyText.trim() !== '' && body !== undefined) {
        const accept = lower(req.headers.accept ?? '');
        const wantsScimOnly = accept === '' || (accept.includes('application/scim+json') && !accept.includes('application/json') && !accept.includes('*/*'));
        if (wantsScimOnly) {
          const got = mediaTypeOf(answer.headers['content-type']);
          judge(SERVER_RULES.mediaType, got === 'application/scim+json', () => `${here} answered HTTP ${answer.status} with Content-Type ${answer.headers['content-type'] ?? '(absent)'} to Accept ${req.headers.accept ?? '(absent)'}`);
        }
      }

      // Errors (RFC 7644 §3.12).
      if (answer.status >= 400) {
        const isError = isObject(body) && Array.isArray(member(body, 'schemas')) && (member(body, 'schemas') as unknown[]).some((s) => typeof s === 'string' && lower(s) === lower(SCHEMA_URN.error));
        judge(SERVER_RULES.errorBody, isError, () => `${here} answered HTTP ${answer.status} without a SCIM Error body (${bodyText.trim() === '' ? 'empty body' : `body: ${bodyText.slice(0, 120)}`})`);
        if (isError) {
          const status = member(body as Json, 'status');
          judge(SERVER_RULES.errorStatus, typeof status === 'string' && status.trim() === String(answer.status), () => `${here} answered HTTP ${answer.status} with an Error body whose status is ${JSON.stringify(status ?? null)}`);
        }
      }

      // Passwords, wherever a representation sits in the answer (resource, list, bulk response).
      if (ok && isObject(body)) {
        applied.add(SERVER_RULES.password.id);
        for (const r of representations(body)) {
          const pw = member(r, 'password');
          if (pw !== undefined && pw !== null && pw !== '') {
            find(SERVER_RULES.password, `${here} returned a password value${typeof member(r, 'id') === 'string' ? ` for ${member(r, 'id') as string}` : ''}`);
            break;
          }
        }
      }

      if (target.kind === 'discovery' && ok && method === 'GET') learnDiscovery(target.name, body);

      // Status per method.
      if (ok && method === 'POST' && target.kind === 'collection') {
        judge(SERVER_RULES.createStatus, answer.status === 201, () => `POST ${req.path} succeeded with HTTP ${answer.status}, not 201`);
      }
      if (ok && method === 'DELETE' && target.kind === 'resource') {
        judge(SERVER_RULES.deleteStatus, answer.status === 204, () => `DELETE ${req.path} succeeded with HTTP ${answer.status}, not 204`);
      }
      if (method === 'PATCH' && target.kind === 'resource' && answer.status === 200) {
        judge(SERVER_RULES.patchBody, isObject(body), () => `PATCH ${req.path} answered 200 ${bodyText.trim() === '' ? 'with an empty body' : 'without a resource in its body'}`);
      }

      // Location = meta.location on 201 (RFC 7644 §3.3).
      if (answer.status === 201 && method === 'POST' && target.kind === 'collection') {
        const location = answer.headers.location;
        const meta = isObject(body) && isObject(member(body, 'meta')) ? member(member(body, 'meta') as Json, 'location') : undefined;
        judge(SERVER_RULES.createLocation, typeof location === 'string' && location !== '' && (meta === undefined || meta === location), () =>
          location ? `the 201 to POST ${req.path} has Location ${location} but meta.location ${JSON.stringify(meta ?? null)}` : `the 201 to POST ${req.path} has no Location header`,
        );
      }

      // ListResponse (RFC 7644 §3.4.2).
      const isList = ok && ((method === 'GET' && target.kind === 'collection') || (method === 'POST' && target.kind === 'search'));
      if (isList) {
        const schemas = isObject(body) ? member(body, 'schemas') : undefined;
        judge(SERVER_RULES.listSchemas, Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && lower(s) === lower(SCHEMA_URN.listResponse)), () => `${here} answered a list without the ListResponse schema (schemas: ${JSON.stringify(schemas ?? null)})`);
        const total = isObject(body) ? member(body, 'totalResults') : undefined;
        const resources = isObject(body) ? member(body, 'Resources') : undefined;
        const count = Array.isArray(resources) ? resources.length : 0;
        judge(SERVER_RULES.listTotal, Number.isInteger(total) && (total as number) >= count, () =>
          Number.isInteger(total) ? `${here} answered totalResults ${total as number} with ${count} resources in the page` : `${here} answered a list without an integer totalResults (got ${JSON.stringify(total ?? null)})`,
        );
        const asked = method === 'GET' ? req.query.count : isObject(req.body) ? String(member(req.body, 'count') ?? '') : '';
        if (asked !== undefined && /^\d+$/.test(asked)) {
          judge(SERVER_RULES.listCount, count <= Number(asked), () => `${here} asked for count=${asked} and got ${count} resources`);
        }
        const filterText = method === 'GET' ? req.query.filter : isObject(req.body) && typeof member(req.body, 'filter') === 'string' ? (member(req.body, 'filter') as string) : undefined;
        const rt = endpointOf(target) ? registry.resourceType(endpointOf(target) as string) : undefined;
        if (filterText !== undefined && rt && Array.isArray(resources)) {
          const misfits = unmatched(filterText, resources.filter(isObject), { registry, resourceType: rt.name });
          if (misfits !== undefined) {
            judge(SERVER_RULES.listFiltered, misfits.length === 0, () => `${here} with filter ${filterText} returned ${misfits.length} resource${misfits.length === 1 ? '' : 's'} that do not match it (${misfits.slice(0, 3).join(', ')}${misfits.length > 3 ? ', …' : ''})`);
          }
        }
        if (Number.isInteger(total) && count < (total as number) && count > 0) {
          const b = body as Json;
          judge(SERVER_RULES.listPaging, Number.isInteger(member(b, 'startIndex')) && Number.isInteger(member(b, 'itemsPerPage')), () =>
            `${here} returned ${count} of ${total as number} results without ${['startIndex', 'itemsPerPage'].filter((k) => !Number.isInteger(member(b, k))).join(' and ')}`,
          );
        }
      }

      // BulkResponse operations (RFC 7644 §3.7.3).
      if (ok && method === 'POST' && target.kind === 'bulk' && isObject(body) && Array.isArray(member(body, 'Operations'))) {
        (member(body, 'Operations') as unknown[]).filter(isObject).forEach((op, i) => {
          const opMethod = typeof member(op, 'method') === 'string' ? (member(op, 'method') as string).toUpperCase() : '';
          const status = Number(member(op, 'status'));
          if (opMethod === 'POST' && !(status >= 200 && status < 300)) return;
          const location = member(op, 'location');
          judge(SERVER_RULES.bulkLocation, typeof location === 'string' && location !== '', () => `${here}: Operations[${i}] (${opMethod || 'no method'}, status ${JSON.stringify(member(op, 'status') ?? null)}) has no location`);
        });
      }

      // ETag = meta.version when both are present (RFC 7643 §3.1, RFC 7644 §3.14).
      if (ok && isObject(body) && answer.headers.etag !== undefined) {
        const meta = member(body, 'meta');
        const version = isObject(meta) ? member(meta, 'version') : undefined;
        if (typeof version === 'string') {
          judge(SERVER_RULES.etagVersion, version === answer.headers.etag, () => `${here} answered ETag ${answer.headers.etag} but meta.version ${version}`);
        }
      }

      // Everything below follows resources across exchanges: only the User / Group (and discovered) endpoints.
      const endpoint = target.kind === 'collection' || target.kind === 'resource' || (target.kind === 'search' && target.endpoint) ? (target as { endpoint: string }).endpoint : undefined;
      if (!endpoint) return { findings, applied: [...applied] };

      // A deleted resource answers 404 to everything (RFC 7644 §3.6) — under a delete policy only.
      if (target.kind === 'resource') {
        const e = known.get(keyOf(endpoint, target.id));
        if (e?.deleted && deprovision === 'delete') {
          judge(SERVER_RULES.deletedGone, answer.status === 404, () => `${here} answered HTTP ${answer.status} after ${e.deleted} deleted it`);
          if (answer.status === 404) return { findings, applied: [...applied] };
        }
      }

      // Learn what this write set before judging its own answer: the answer shows the resource after it.
      if (ok && target.kind === 'collection' && method === 'POST' && isObject(body) && typeof member(body, 'id') === 'string') {
        const id = member(body, 'id') as string;
        entry(endpoint, id);
        learnWrite(endpoint, id, req, `POST ${req.path} (HTTP ${answer.status})`);
      } else if (ok && target.kind === 'resource' && (method === 'PUT' || method === 'PATCH')) {
        learnWrite(endpoint, target.id, req, `${method} ${req.path} (HTTP ${answer.status})`);
      } else if (ok && target.kind === 'resource' && method === 'DELETE') {
        entry(endpoint, target.id).deleted = `DELETE ${req.path} (HTTP ${answer.status})`;
        // A deleted user is no member of anything any more: facts naming it are void.
        for (const e of known.values()) e.members.delete(target.id);
      }

      // Every representation in the answer: id present, id stable, and written facts held.
      if (ok && isObject(body)) {
        const reps = isList ? (Array.isArray(member(body, 'Resources')) ? (member(body, 'Resources') as unknown[]).filter(isObject) : []) : [body];
        // id is returned "always" (RFC 7643 §3.1): a projected list still carries it.
        for (const r of reps) {
          const id = member(r, 'id');
          judge(SERVER_RULES.idPresent, typeof id === 'string' && id !== '', () => `${here} returned a resource without a non-empty id${answer.status === 201 ? ` (Location: ${answer.headers.location ?? 'absent'})` : ''}`);
          if (typeof id !== 'string' || id === '') continue;
          if (target.kind === 'resource') {
            judge(SERVER_RULES.idStable, id === target.id, () => `${here} returned the resource with id ${JSON.stringify(id)}, not the ${JSON.stringify(target.id)} it was asked for`);
          }
          const e = known.get(keyOf(endpoint, id));
          if (!e) continue;
          for (const c of e.claims.values()) {
            const read = c.read(r);
            if (read === undefined || read === null) continue;
            judge(SERVER_RULES.writeReadBack, sameScalar(c.value, read, c.caseExact), () => `${here} returned ${c.key} = ${JSON.stringify(read)} for ${id}, but ${c.wrote} set it to ${JSON.stringify(c.value)}`);
          }
          const membersRead = member(r, 'members');
          if (Array.isArray(membersRead) && e.members.size > 0) {
            const present = new Set(memberValues(membersRead));
            for (const [m, fact] of e.members) {
              judge(SERVER_RULES.writeReadBack, present.has(m) === fact.present, () =>
                `${here} returned ${id} ${fact.present ? 'without' : 'still with'} member ${m}, but ${fact.wrote} ${fact.present ? 'added' : 'removed'} it`,
              );
            }
          }
        }
      }

      return { findings, applied: [...applied] };
    },
  };
}

/** Resources inside an answer: the answer itself, a list's Resources, a BulkResponse's operation responses. */
function representations(body: Json): Json[] {
  const out: Json[] = [body];
  const list = member(body, 'Resources');
  if (Array.isArray(list)) out.push(...list.filter(isObject));
  const ops = member(body, 'Operations');
  if (Array.isArray(ops)) for (const op of ops) if (isObject(op) && isObject(member(op, 'response'))) out.push(member(op, 'response') as Json);
  return out;
}

function endpointOf(target: Target): string | undefined {
  return target.kind === 'collection' || target.kind === 'resource' || target.kind === 'search' ? target.endpoint : undefined;
}

/** Comparisons whose answer only widens when case is folded: a resource they reject is rejected by any target. */
const POSITIVE_OPS = new Set(['and', 'or', 'eq', 'co', 'sw', 'ew', 'pr', 'valuePath']);

function positiveOnly(node: FilterNode): boolean {
  if (!POSITIVE_OPS.has(node.op)) return false;
  if (node.op === 'and' || node.op === 'or') return positiveOnly(node.left) && positiveOnly(node.right);
  if (node.op === 'valuePath') return positiveOnly(node.filter);
  return true;
}

/** The top-level attributes a filter reads (URN-qualified ones under their schema's key). */
function attributesRead(node: FilterNode, out: { urn?: string; attr: string }[] = []): { urn?: string; attr: string }[] {
  if (node.op === 'and' || node.op === 'or') {
    attributesRead(node.left, out);
    attributesRead(node.right, out);
  } else if ('path' in node) {
    out.push({ ...(node.path.schema ? { urn: node.path.schema } : {}), attr: node.path.attr });
  }
  return out;
}

/** Case folding keeps a comparison's meaning only on text: a dateTime compared as text after folding is no dateTime. */
function foldSafe(node: FilterNode, ctx: { registry: SchemaRegistry; resourceType: string }, parent?: AttrPath): boolean {
  if (node.op === 'and' || node.op === 'or') return foldSafe(node.left, ctx, parent) && foldSafe(node.right, ctx, parent);
  if (node.op === 'not') return false;
  if (node.op === 'valuePath') return foldSafe(node.filter, ctx, node.path);
  if (!('value' in node)) return true;
  if (typeof node.value !== 'string') return true;
  const path: AttrPath = parent ? { ...(parent.schema ? { schema: parent.schema } : {}), attr: parent.attr, subAttr: node.path.attr } : node.path;
  const resolved = ctx.registry.resolve(ctx.resourceType, path);
  const type = (resolved?.sub ?? resolved?.attr)?.type;
  // A multi-valued complex attribute compared directly is compared on its `value` sub-attribute.
  const effective = type === 'complex' ? (resolved?.attr.subAttributes?.find((a) => lower(a.name) === 'value')?.type ?? type) : type;
  return effective === 'string' || effective === 'reference' || effective === 'binary';
}

const foldCase = (v: unknown): unknown =>
  typeof v === 'string' ? v.toLowerCase() : Array.isArray(v) ? v.map(foldCase) : isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, foldCase(x)])) : v;

function foldFilter(node: FilterNode): FilterNode {
  if (node.op === 'and' || node.op === 'or') return { ...node, left: foldFilter(node.left), right: foldFilter(node.right) };
  if (node.op === 'not') return { ...node, filter: foldFilter(node.filter) };
  if (node.op === 'valuePath') return { ...node, filter: foldFilter(node.filter) };
  if (!('value' in node)) return node;
  return { ...node, value: typeof node.value === 'string' ? node.value.toLowerCase() : node.value };
}

/**
 * The ids (or positions) of list resources that do not match the filter, judged conservatively: only filters of
 * positive comparisons (no not / ne / ordering), with case folded on both sides (the target's caseExact choices
 * are unknown), and only resources that carry every attribute the filter reads (a projection may have left one
 * out). Undefined when the filter cannot be judged this way (unparseable, or another operator).
 */
function unmatched(filterText: string, resources: Json[], ctx: { registry: SchemaRegistry; resourceType: string }): string[] | undefined {
  let node: FilterNode;
  try {
    node = parseFilter(filterText);
  } catch {
    // A filter the grammar refuses is the client's finding, not the server's.
    return undefined;
  }
  if (!positiveOnly(node) || !foldSafe(node, ctx)) return undefined;
  const read = attributesRead(node);
  const folded = foldFilter(node);
  const out: string[] = [];
  resources.forEach((r, i) => {
    const carries = read.every(({ urn, attr }) => {
      const holder = urn ? member(r, urn) ?? r : r;
      return isObject(holder) && member(holder, attr) !== undefined;
    });
    if (!carries) return;
    let matched: boolean;
    try {
      matched = matchesFilter(folded, foldCase(r) as Json, ctx);
    } catch {
      // An attribute the schemas do not know, a comparison the evaluator refuses: not judged.
      return;
    }
    if (!matched) out.push(typeof member(r, 'id') === 'string' ? (member(r, 'id') as string) : `Resources[${i}]`);
  });
  return out;
}
