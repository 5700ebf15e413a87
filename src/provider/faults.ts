/**
 * Deliberately broken behaviours (`scimcheck serve --fault NAME`), each a bug seen in real SCIM servers.
 * They exist to prove the harness notices: every fault flips one behaviour, checked where that
 * behaviour lives, so the strict path and the faulty path are the same code with a flag.
 */
import { randomUUID } from 'node:crypto';
import { ScimError, isScimError, scimError } from '../scim/errors.ts';
import type { SchemaOfType } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type AttributeDef, type ScimResource } from '../scim/types.ts';
import { UsageError } from '../usage-error.ts';

export const FAULTS = {
  'create-returns-200': 'POST answers 200 instead of 201 Created (RFC 7644 §3.3)',
  'filter-ignored': 'list endpoints ignore `filter` and return every resource (RFC 7644 §3.4.2.2)',
  'username-case-sensitive': 'userName uniqueness and `userName eq` compare case-sensitively (RFC 7643 §4.1.1 caseExact false)',
  'filter-case-sensitive': 'filter string comparisons are case-sensitive even where caseExact is false (RFC 7644 §3.4.2.2)',
  'patch-ignored': 'PATCH answers 200 with the unchanged resource (RFC 7644 §3.5.2)',
  'member-removal-ignored': 'PATCH remove of Group members is accepted but nothing is removed (RFC 7644 §3.5.2.2)',
  'delete-not-deleting': 'DELETE answers 204 but the resource is still there (RFC 7644 §3.6)',
  'errors-plain-text': 'error bodies are text/plain instead of SCIM JSON (RFC 7644 §3.12)',
  'password-echoed': 'the password is returned in responses (RFC 7643 §4.1.1 returned "never")',
  'total-results-wrong': 'totalResults is the page size instead of the number of matches (RFC 7644 §3.4.2)',
  'start-index-ignored': 'startIndex is ignored: every page starts at the first result (RFC 7644 §3.4.2.4)',
  'conflict-as-500': 'a uniqueness conflict answers 500 instead of 409 (RFC 7644 §3.3)',
  'auth-not-enforced': 'requests without valid credentials are served (RFC 7644 §2)',
  'if-match-ignored': 'If-Match is ignored: stale writes succeed (RFC 7644 §3.14)',
  'location-missing': 'POST answers without a Location header (RFC 7644 §3.3)',
  'content-type-json': 'responses say application/json instead of application/scim+json (RFC 7644 §8.1)',
  'put-merges': 'PUT keeps attributes absent from the body instead of clearing them (RFC 7644 §3.5.1)',
  'put-ignores-active': 'PUT leaves a user\'s `active` as it was, so (de)activation works only through PATCH (RFC 7644 §3.5.1: values provided SHALL replace the existing ones)',
  'patch-not-atomic': 'operations before a failing PATCH operation (invalid, or a uniqueness conflict) stay applied (RFC 7644 §3.5.2)',
  'excluded-attributes-ignored': '`excludedAttributes` is ignored (RFC 7644 §3.4.2.5)',
  'sort-ignored': '`sortBy` / `sortOrder` are ignored (RFC 7644 §3.4.2.3)',
  'groups-writable': 'User.groups is accepted on write instead of rejected as readOnly (RFC 7643 §4.1.2)',
  'count-ignored': '`count` is ignored: all results come back in one page (RFC 7644 §3.4.2.4)',
  'deleted-user-stays-member': 'deleting a user leaves it in its groups\' members (RFC 7643 §4.2)',
  'version-unchanged': 'meta.version / ETag is not bumped on change (RFC 7644 §3.14)',
  'id-from-body': 'a client-supplied `id` is honoured on POST (RFC 7643 §3.1: id is assigned by the service provider)',
  'empty-patch-body': 'PATCH answers 200 with an empty body (RFC 7644 §3.5.2)',
  'schemas-dropped-by-projection': '`schemas` is missing from resources shaped by attributes / excludedAttributes and from /.search answers (RFC 7643 §3: schemas is REQUIRED)',
  'non-canonical-type-refused': 'a `type` outside the attribute\'s canonicalValues (or any type where none are published) is refused with 400 (RFC 7643 §7: canonical values are suggestions)',
  'filter-values-as-regex': 'string compValues are used as regular expressions: `userName eq ".*"` matches everyone, `.` `+` `(` misbehave (RFC 7644 §3.4.2.2)',
  'bare-lookup-case-sensitive': 'a bare `filter=userName eq "X"` is looked up case-sensitively, while the same clause inside and/or is not (RFC 7643 §4.1.1 caseExact false)',
  'ordering-inclusive': '`gt` / `lt` include equal values, as `ge` / `le` do (RFC 7644 §3.4.2.2: gt is "greater than", not "or equal")',
  'ordering-exclusive': '`ge` / `le` exclude equal values, as `gt` / `lt` do (RFC 7644 §3.4.2.2 Table 3: ge is "greater than or equal to")',
  'ne-as-eq': '`ne` is evaluated as `eq` (RFC 7644 §3.4.2.2 Table 3: ne is "not equal")',
  'pr-inverted': '`pr` matches resources WITHOUT a value for the attribute (RFC 7644 §3.4.2.2 Table 3: pr is "present (has value)")',
  'and-as-or': '`and` is evaluated as `or` (RFC 7644 §3.4.2.2 Table 4: and is true only if both expressions are)',
  'or-as-and': '`or` is evaluated as `and` (RFC 7644 §3.4.2.2 Table 4: or is true if either expression is)',
  'not-ignored': '`not (…)` is evaluated as the bare group, the negation dropped (RFC 7644 §3.4.2.2 Table 4)',
  'parentheses-ignored': 'grouping parentheses are dropped, so `(a or b) and c` is evaluated as `a or (b and c)` (RFC 7644 §3.4.2.2: "Filters MUST be evaluated using the following order of operations ... 1. Grouping operators")',
  'value-path-ignored': '`attr[filter]` matches every resource with any value of attr, the bracketed filter ignored (RFC 7644 §3.4.2.2 Table 5)',
  'case-insensitive-eq-only': 'only `eq` folds case; ne / co / sw / ew / gt.. compare exactly even where caseExact is false (RFC 7644 §3.4.2.2)',
  'search-creates': 'POST /{Users|Groups}/.search is routed to create and stores a new resource (RFC 7644 §3.4.3)',
  'bulk-status-number': 'BulkResponse operation `status` is a JSON number instead of a string (RFC 7644 §3.7.3)',
  'bulk-delete-no-location': 'BulkResponse DELETE operations carry no `location` (RFC 7644 §3.7.3: REQUIRED in a response)',
  'location-undefined': 'a 201 Created carries no `id` and a Location ending in `/undefined` (RFC 7643 §3.1, RFC 7644 §3.3)',
  'untyped-duplicates-500': 'two values of a multi-valued attribute without `type` (two emails) answer 500 (RFC 7644 §3.12)',
  'delete-unknown-500': 'DELETE of an unknown resource, directly or in /Bulk, answers 500 instead of 404 (RFC 7644 §3.6, §3.12)',
  'username-not-required': 'a User POSTed without a userName (missing, "" or null) is stored under a generated one and answered 201 (RFC 7643 §4.1.1: "Each User MUST include a non-empty userName value")',
  'paging-out-of-range-refused': 'a negative `count` or a `startIndex` below 1 answers 400 instead of being read as 0 / 1 (RFC 7644 §3.4.2.4: "A negative value SHALL be interpreted as \'0\'", "A value less than 1 SHALL be interpreted as 1")',
  'delete-returns-200': 'DELETE of a User or Group answers 200 instead of 204 No Content (RFC 7644 §3.6: "the service provider SHALL return a successful HTTP status code 204 (No Content)")',
  'etag-header-missing': 'no ETag header on single-resource answers while ServiceProviderConfig says etag is supported (RFC 7644 §3.14: "the server MUST return an ETag HTTP header")',
  'meta-from-body': 'the `meta` of a POST body (created, lastModified, resourceType...) is stored over the server\'s (RFC 7643 §3.1: meta "SHALL be ignored when provided by clients")',
  'last-modified-frozen': 'meta.lastModified stays the creation time through PUT and PATCH (RFC 7643 §3.1: lastModified is "the most recent DateTime that the details of this resource were updated")',
  'items-per-page-total': 'itemsPerPage is totalResults instead of the number of resources in the page (RFC 7644 §3.4.2: "The number of resources returned in a list response page")',
  'www-authenticate-missing': 'a 401 carries no WWW-Authenticate header (RFC 7644 §2: "a SCIM service provider SHALL indicate supported HTTP authentication schemes via the \'WWW-Authenticate\' header")',
  'own-name-recase-conflict': 'a PUT or PATCH that changes only the case of the user\'s own userName answers 409: the self-exclusion of the uniqueness test compares names exactly (RFC 7644 §3.5.1: values provided SHALL replace the existing ones)',
  'no-match-404': 'a filter that matches nothing answers 404 instead of 200 with totalResults 0 (RFC 7644 §3.4.2: "A query that does not return any matches SHALL return success (HTTP status code 200)")',
  'created-reset-on-put': 'a PUT stores the resource anew, with a new meta.created (RFC 7643 §3.1: created is "the DateTime that the resource was added to the service provider")',
  'bulk-fail-on-errors-ignored': '`failOnErrors` is ignored: a /Bulk request goes on after the errors it allows (RFC 7644 §3.7: "the number of errors that the service provider will accept before the operation is terminated")',
  'attributes-ignored': '`attributes` is ignored: every resource comes back in its default form (RFC 7644 §3.9: "When specified, the default list of attributes SHALL be overridden")',
  'bulk-stops-at-first-error': 'a /Bulk request without `failOnErrors` stops at its first error (RFC 7644 §3.7: "The service provider MUST continue performing as many changes as possible and disregard partial failures")',
  'if-match-unquoted': 'If-Match is compared with the version stripped of its quotes, so even the current ETag answers 412 (RFC 7644 §3.14 and RFC 7232 §3.1: a matching entity-tag lets the request proceed)',
  'bulk-max-operations-unenforced': 'a /Bulk request with more operations than bulk.maxOperations is processed instead of refused with 413 (RFC 7644 §3.7.4: "If either limits are exceeded, the service provider MUST return HTTP response code 413")',
  'put-appends-multivalued': 'a PUT appends the values of multi-valued attributes (emails, Group members) to the stored ones instead of replacing them (RFC 7644 §3.5.1: "Any values provided SHALL replace the existing attribute values")',
  'rejected-create-stored': 'a POST refused for its body (400, e.g. no userName) has already stored a record: validation runs after the insert and nothing rolls back (RFC 7643 §4.1.1: "Each User MUST include a non-empty userName value")',
  'active-as-string': 'User `active` is returned as the string "true" / "false" instead of a JSON boolean (RFC 7643 §2.3.2: "Boolean: The literal \'true\' or \'false\'")',
  'excluded-id-dropped': '`excludedAttributes=id` removes `id` from the answer (RFC 7644 §3.4.2.5: "This parameter SHALL have no effect on attributes whose schema \'returned\' setting is \'always\'")',
  'password-in-error-detail': 'a refused create quotes the request body, password included, in the error detail (RFC 7643 §4.1.1: "The cleartext value or the hashed value of a password SHALL NOT be returnable by a service provider")',
  'if-none-match-always-304': 'a GET with any If-None-Match answers 304, the tag never compared (RFC 7644 §3.14: 304 only "If the resource has not changed")',
  'location-is-collection': 'the Location of a 201 is the collection URL the POST went to, not the created resource (RFC 7644 §3.3: "The URI of the created resource SHALL include, in the HTTP \'Location\' header and the HTTP body ... \'meta.location\'")',
  'schemas-core-only': 'a resource\'s `schemas` lists only its core schema, even when it holds extension attributes (RFC 7643 §3: schemas contains the URIs of "the SCIM schemas that define the attributes present")',
  'resource-type-lowercase': 'meta.resourceType is "user" / "group", not the resource type\'s name "User" / "Group" (RFC 7643 §6: the name "is referenced by the \'meta.resourceType\' attribute in all resources")',
  'timestamps-as-epoch': 'meta.created and meta.lastModified are epoch milliseconds (JSON numbers), as a Java Date serialises by default (RFC 7643 §3.1: created "MUST be a DateTime")',
  'external-id-assigned': 'a created resource\'s externalId is overwritten with the server\'s own id (RFC 7643 §3.1: externalId "is always issued by the provisioning client and MUST NOT be specified by the service provider")',
  'invalid-filter-ignored': 'a filter that does not parse, or names an unknown operator or attribute, is dropped: the list answers 200 with every resource instead of 400 invalidFilter (RFC 7644 §3.4.2.2: "Providers MUST decline to filter results if the specified filter operation is not recognized")',
} as const satisfies Record<string, string>;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(name: string): name is FaultName {
  return Object.prototype.hasOwnProperty.call(FAULTS, name);
}

/** The active faults of one provider; `has` is what code paths ask. */
export class FaultSet {
  private readonly active: ReadonlySet<FaultName>;

  constructor(names: readonly string[] = []) {
    const unknown = names.filter((n) => !isFaultName(n));
    if (unknown.length > 0) {
      throw new UsageError(
        `unknown fault '${unknown.join("', '")}' (valid: ${Object.keys(FAULTS).join(', ')})`,
      );
    }
    this.active = new Set(names as FaultName[]);
  }

  has(name: FaultName): boolean {
    return this.active.has(name);
  }

  list(): FaultName[] {
    return [...this.active];
  }
}

const GROUP_URN_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:group:';

/**
 * What the `member-removal-ignored` fault drops: a PATCH operation removing Group members (RFC 7644
 * §3.5.2.2), by `members`, `members[value eq "..."]` or the URN-qualified path, in any case.
 */
export function isMemberRemoval(op: unknown): boolean {
  if (typeof op !== 'object' || op === null || Array.isArray(op)) return false;
  const o = op as Record<string, unknown>;
  const opName = Object.keys(o).find((k) => k.toLowerCase() === 'op');
  const pathKey = Object.keys(o).find((k) => k.toLowerCase() === 'path');
  if (opName === undefined || String(o[opName]).toLowerCase() !== 'remove') return false;
  let path = pathKey === undefined ? '' : String(o[pathKey] ?? '').trim().toLowerCase();
  if (path.startsWith(GROUP_URN_PREFIX)) path = path.slice(GROUP_URN_PREFIX.length);
  return path === 'members' || path.startsWith('members[') || path.startsWith('members.');
}

/** Every multi-valued complex attribute of a resource with a `type` sub-attribute: its definition and values. */
function typedMultiValues(resource: ScimResource, schemas: readonly SchemaOfType[]): { def: AttributeDef; typeDef: AttributeDef; values: unknown[] }[] {
  const out: { def: AttributeDef; typeDef: AttributeDef; values: unknown[] }[] = [];
  for (const s of schemas) {
    const holder = s.isExtension ? resource[s.schema.id] : resource;
    if (typeof holder !== 'object' || holder === null) continue;
    for (const def of s.schema.attributes) {
      const typeDef = def.subAttributes?.find((sa) => sa.name.toLowerCase() === 'type');
      if (!def.multiValued || def.type !== 'complex' || !typeDef) continue;
      const key = Object.keys(holder).find((k) => k.toLowerCase() === def.name.toLowerCase());
      const values = key === undefined ? undefined : (holder as Record<string, unknown>)[key];
      if (Array.isArray(values)) out.push({ def, typeDef, values });
    }
  }
  return out;
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === 'type');
  const t = key === undefined ? undefined : (value as Record<string, unknown>)[key];
  return typeof t === 'string' ? t : undefined;
}

/**
 * What the `non-canonical-type-refused` fault enforces: every `type` must be one of its canonicalValues, so an
 * attribute that publishes none (roles, entitlements, x509Certificates) refuses every type. RFC 7643 §7 calls
 * canonicalValues "suggested" values a provider MAY ignore; a strict list breaks IdPs that send their own labels.
 */
export function refuseNonCanonicalTypes(resource: ScimResource, schemas: readonly SchemaOfType[]): void {
  for (const { def, typeDef, values } of typedMultiValues(resource, schemas)) {
    const allowed = (typeDef.canonicalValues ?? []).map((v) => v.toLowerCase());
    for (const v of values) {
      const t = typeOf(v);
      if (t !== undefined && !allowed.includes(t.toLowerCase())) {
        throw scimError.invalidValue(`${def.name}.type '${t}' is not a canonical value (${allowed.join(', ') || 'none published'})`);
      }
    }
  }
}

/**
 * What the `untyped-duplicates-500` fault does: a store keyed by (attribute, type) meets two values without a
 * type and fails with an unhandled constraint error, answered 500 (RFC 7644 §3.12: bad input is the client's 4xx,
 * and two untyped values are not even bad input: RFC 7643 §2.4 makes `type` optional).
 */
export function crashOnUntypedDuplicates(resource: ScimResource, schemas: readonly SchemaOfType[]): void {
  for (const { values } of typedMultiValues(resource, schemas)) {
    if (values.filter((v) => typeOf(v) === undefined).length >= 2) throw new ScimError(500, 'Internal server error');
  }
}

/**
 * What the `search-creates` fault's misrouted create stores for POST {endpoint}/.search: a SearchRequest
 * carries no resource attributes, so the lenient create names the new resource itself.
 */
export function resourceFromSearch(kind: 'User' | 'Group'): ScimResource {
  const name = `search-${randomUUID()}`;
  return kind === 'User' ? { schemas: [SCHEMA_URN.user], userName: name } : { schemas: [SCHEMA_URN.group], displayName: name };
}

/**
 * What the `username-not-required` fault does on create: a server keyed by its own id (or by email) treats userName
 * as optional and makes one up, so a User without a non-empty userName is stored and answered 201. RFC 7643 §4.1.1:
 * "Each User MUST include a non-empty userName value"; null is unassigned (RFC 7643 §2.5), so it counts as missing.
 */
export function withGeneratedUserName(body: Record<string, unknown>): Record<string, unknown> {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'username');
  const value = key === undefined ? undefined : body[key];
  // A wrongly typed value (a number, an object) stays the validator's to refuse.
  const blank = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  if (!blank) return body;
  const out = { ...body };
  if (key !== undefined) delete out[key];
  out.userName = `generated-${randomUUID()}`;
  return out;
}

/**
 * What the `meta-from-body` fault keeps of a POST body: a server that stores the body as sent keeps the client's
 * `meta` members over its own (all but the version, which it still issues). RFC 7643 §3.1: meta "SHALL be ignored
 * when provided by clients".
 */
export function clientMeta(body: Record<string, unknown>): Record<string, unknown> {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'meta');
  const meta = key === undefined ? undefined : body[key];
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return {};
  return Object.fromEntries(Object.entries(meta).filter(([k]) => k.toLowerCase() !== 'version'));
}

/** What the `created-reset-on-put` fault stamps as meta.created: now, and at least a millisecond past the old value. */
export function laterThan(created: string): string {
  return new Date(Math.max(Date.now(), Date.parse(created) + 1)).toISOString();
}

/**
 * What the `put-appends-multivalued` fault sends on to the replace: every multi-valued attribute of the body (but
 * `schemas`) holds the stored values first, their `primary` flags dropped so the new value stays the one primary.
 * RFC 7644 §3.5.1: "Any values provided SHALL replace the existing attribute values".
 */
export function withStoredValuesAppended(body: Record<string, unknown>, stored: ScimResource): Record<string, unknown> {
  const out = { ...body };
  for (const [key, value] of Object.entries(body)) {
    if (!Array.isArray(value) || key.toLowerCase() === 'schemas') continue;
    const storedKey = Object.keys(stored).find((k) => k.toLowerCase() === key.toLowerCase());
    const before = storedKey === undefined ? undefined : stored[storedKey];
    if (!Array.isArray(before)) continue;
    const kept = before.map((v) => {
      if (typeof v !== 'object' || v === null) return v;
      const { primary: _dropped, ...rest } = v as Record<string, unknown>;
      return rest;
    });
    out[key] = [...kept, ...value];
  }
  return out;
}

/** A paging parameter of a query string or SearchRequest body (member names case-insensitive, RFC 7643 §2.1). */
function pagingParam(source: URLSearchParams | Record<string, unknown>, name: string): number | undefined {
  let raw: unknown;
  if (source instanceof URLSearchParams) raw = source.get(name) ?? undefined;
  else raw = source[Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase()) ?? ''];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : undefined;
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/**
 * What the `paging-out-of-range-refused` fault does: a server validating its query object with minimums (startIndex
 * >= 1, count >= 0) answers 400 where RFC 7644 §3.4.2.4 says how to read the value: "A value less than 1 SHALL be
 * interpreted as 1" (startIndex); "A negative value SHALL be interpreted as '0'" (count).
 */
export function refuseOutOfRangePaging(source: URLSearchParams | Record<string, unknown>): void {
  const startIndex = pagingParam(source, 'startIndex');
  const count = pagingParam(source, 'count');
  if (startIndex !== undefined && startIndex < 1) throw scimError.invalidValue(`'startIndex' must be at least 1, got ${startIndex}`);
  if (count !== undefined && count < 0) throw scimError.invalidValue(`'count' must not be negative, got ${count}`);
}

/**
 * What the `invalid-filter-ignored` fault does with a query whose filter was refused as invalidFilter: a lenient
 * parser drops what it cannot read and lists everything. RFC 7644 §3.4.2.2: "Providers MUST decline to filter
 * results if the specified filter operation is not recognized and return an HTTP 400 error with a 'scimType' error
 * of 'invalidFilter'". Returns the query without its filter, or undefined when the error is not invalidFilter.
 */
export function droppingInvalidFilter(
  source: URLSearchParams | Record<string, unknown>,
  error: unknown,
): URLSearchParams | Record<string, unknown> | undefined {
  if (!isScimError(error) || error.scimType !== 'invalidFilter') return undefined;
  if (source instanceof URLSearchParams) {
    const copy = new URLSearchParams(source);
    copy.delete('filter');
    return copy;
  }
  return Object.fromEntries(Object.entries(source).filter(([k]) => k.toLowerCase() !== 'filter'));
}
