/**
 * `scimcheck run --self-test`: proves the harness bites (issue 3, "Proving the harness"). The reference
 * provider's deliberate faults (src/provider/faults.ts, `serve --fault NAME`) are real-world SCIM bugs; for
 * each, the conformance suite runs against a provider carrying it, restricted to the areas where the bug
 * shows, and the checks this table names must fail. The clean provider must pass every check.
 *
 * Its mirror image (issue 10, "Legal variants"): the provider's variants (src/provider/variants.ts, `serve
 * --variant NAME`) are RFC-legal choices real servers make; against each, the conformance suite must report no
 * failure and no harness error. Every failed or errored result there is a false alarm, listed by variant.
 *
 * The harness never imports the provider: the caller hands in the fault and variant names and a way to run
 * against a provider with given faults or variants (src/commands/run.ts starts the embedded one).
 */
import type { CheckResult, Status } from './check.ts';
import type { FaultSignature } from './root-causes.ts';

export interface FaultExpectation {
  /** `--only` patterns for this fault's run: the areas where the bug shows (keeps the self-test short). */
  only: string[];
  /** Checks that must fail against this fault (`failed` for MUST, `warned` for SHOULD/MAY): each one looks
   *  at exactly the behaviour the fault breaks. Derived by running every fault, then reviewed for relevance. */
  mustFail: string[];
}

/**
 * Fault → the checks that catch it. Collateral failures (a fault that breaks POST also fails every check that
 * creates a user) are left out: a listed check names the broken behaviour itself.
 */
export const FAULT_CATCHES: Readonly<Record<string, FaultExpectation>> = {
  // RFC 7644 §3.3: a successful create answers 201 Created.
  'create-returns-200': { only: ['users.create', 'groups.create'], mustFail: ['users.create.returns-201', 'groups.create.empty'] },
  // RFC 7644 §3.4.2.2: the filter selects; a server that ignores it returns everything.
  'filter-ignored': {
    only: ['filter', 'search', 'groups.filter'],
    // The once-per-run probe (support/filter-support.ts) sees every operator answered wrongly: each operator's own
    // check fails; the checks that need those operators are skipped as blocked by them, not failed again.
    mustFail: ['filter.operator.eq', 'filter.operator.sw', 'filter.operator.co', 'filter.operator.ew'],
  },
  // RFC 7643 §4.1.1: userName is caseExact false, so uniqueness and `eq` ignore case.
  'username-case-sensitive': {
    only: ['uniqueness.username', 'filter.eq'],
    mustFail: [
      'uniqueness.username.case-variant-409',
      'uniqueness.username.put-case-variant-409',
      'filter.eq.username-case-insensitive',
      'filter.eq.bare-lookup-case-insensitive',
    ],
  },
  // RFC 7644 §3.4.2.2: string comparisons follow the attribute's caseExact.
  'filter-case-sensitive': {
    only: ['filter'],
    mustFail: [
      'filter.eq.username-case-insensitive',
      'filter.eq.bare-lookup-case-insensitive',
      'filter.case-folding.sw',
      'filter.case-folding.co',
      'filter.case-folding.ew',
      'filter.case-folding.ne',
    ],
  },
  // RFC 7644 §3.5.2: PATCH applies its operations (and refuses invalid ones) instead of answering 200 unchanged.
  'patch-ignored': {
    only: ['patch', 'groups.patch', 'etag.patch'],
    mustFail: [
      'patch.add.single-valued',
      'patch.add.single-valued-replaces',
      'patch.add.multivalued-append',
      'patch.add.no-path',
      'patch.replace.with-path',
      'patch.replace.no-path',
      'patch.replace.sub-attribute',
      'patch.replace.value-filter',
      'patch.replace.multivalued-whole',
      'patch.remove.attribute',
      'patch.remove.value-filter',
      'patch.remove.no-path',
      'patch.remove.multivalued-all',
      'patch.extension.urn-path',
      'patch.active.deactivate-idempotent',
      'patch.invalid.path',
      'patch.invalid.op',
      'groups.patch.add-member',
      'groups.patch.add-several',
      'groups.patch.remove-member-filter',
      'groups.patch.replace-members',
      'groups.patch.remove-all-members',
      'groups.patch.rename',
      // etag.patch.version-changes needs patch.replace.with-path: blocked here, by design (issue 10 #4).
    ],
  },
  // RFC 7644 §3.5.2.2: remove with a value filter, or of all members, removes them.
  'member-removal-ignored': { only: ['groups.patch'], mustFail: ['groups.patch.remove-member-filter', 'groups.patch.remove-all-members'] },
  // RFC 7644 §3.6: a deleted resource is gone: GET, PUT and DELETE answer 404.
  'delete-not-deleting': {
    only: ['users.delete', 'groups.delete', 'groups.member', 'bulk.delete'],
    mustFail: [
      'users.delete.then-get-404',
      'users.delete.twice-404',
      'users.delete.then-put-404',
      'groups.delete.then-404',
      'groups.member.deleted-user-leaves',
      'bulk.delete.user',
    ],
  },
  // RFC 7644 §3.12: errors are JSON bodies with the Error schema, in application/scim+json (§8.1).
  'errors-plain-text': {
    only: ['errors', 'content-type.response.error-*', 'discovery.schemas.unknown-404', 'discovery.resource-types.unknown-404'],
    mustFail: [
      'errors.body.error-schema',
      'errors.body.status-string-400',
      'errors.body.status-string-401',
      'errors.body.status-string-404',
      'errors.body.status-string-409',
      // errors.body.detail-present needs errors.body.error-schema: blocked here, by design (issue 10 #4).
      'errors.unknown-endpoint.scim-404',
      'content-type.response.error-400',
      'content-type.response.error-401',
      'content-type.response.error-404',
      'content-type.response.error-409',
      'discovery.schemas.unknown-404',
      'discovery.resource-types.unknown-404',
    ],
  },
  // RFC 7643 §4.1.1: password is returned "never".
  'password-echoed': {
    only: ['security.password'],
    mustFail: [
      'security.password.not-returned-post',
      'security.password.not-returned-get',
      'security.password.not-returned-put',
      'security.password.not-returned-patch',
      'security.password.not-returned-when-requested',
    ],
  },
  // RFC 7644 §3.4.2: totalResults is the number of matches, not the page size.
  'total-results-wrong': {
    only: ['paging', 'search.paging'],
    mustFail: ['paging.total-results.consistent', 'paging.count.zero', 'paging.start-index.beyond-end', 'search.paging'],
  },
  // RFC 7644 §3.4.2.4: startIndex is the 1-based index of the first result.
  'start-index-ignored': {
    only: ['paging', 'search.paging', 'sort.with-paging'],
    mustFail: ['paging.start-index.echoed', 'paging.start-index.offsets', 'paging.walk.complete', 'paging.start-index.beyond-end', 'sort.with-paging', 'search.paging'],
  },
  // RFC 7644 §3.3 / §3.12: a uniqueness conflict is 409 with scimType uniqueness.
  'conflict-as-500': {
    only: ['uniqueness', 'groups.create.duplicate-display-name'],
    mustFail: [
      'uniqueness.username.duplicate-409',
      'uniqueness.username.case-variant-409',
      'uniqueness.username.put-rename-409',
      'uniqueness.username.put-case-variant-409',
      'uniqueness.username.patch-rename-409',
      // uniqueness.username.concurrent-creates needs duplicate-409: blocked here, by design (issue 10 #4).
      'groups.create.duplicate-display-name',
    ],
  },
  // RFC 7644 §2: every endpoint requires authentication; RFC 7235 §3.1: 401 with WWW-Authenticate.
  'auth-not-enforced': {
    only: ['auth'],
    mustFail: [
      'auth.missing.list-users',
      'auth.missing.get-user',
      'auth.missing.search',
      'auth.missing.create-user',
      'auth.empty-bearer.list-users',
      'auth.wrong-token.list-users',
      'auth.wrong-token.delete-user',
      'auth.wrong-token.put-user',
      'auth.wrong-token.patch-user',
      'auth.wrong-basic.list-users',
      'auth.wrong-scheme.list-users',
      // auth.www-authenticate.on-401 needs auth.missing.list-users: blocked here, by design (issue 10 #4).
    ],
  },
  // RFC 7644 §3.14: a stale If-Match is 412 Precondition Failed and changes nothing.
  'if-match-ignored': {
    only: ['etag.if-match'],
    mustFail: ['etag.if-match.stale-put-412', 'etag.if-match.stale-patch-412', 'etag.if-match.stale-delete-412', 'etag.if-match.real-stale-after-change'],
  },
  // RFC 7644 §3.3: the 201 carries a Location header (location-equals-meta needs it, so is blocked, not failed).
  'location-missing': { only: ['users.create'], mustFail: ['users.create.location-header'] },
  // RFC 7644 §8.1: responses are application/scim+json.
  'content-type-json': {
    only: ['content-type'],
    mustFail: [
      'content-type.response.get-user',
      'content-type.response.list-users',
      'content-type.response.post-user',
      'content-type.response.put-user',
      'content-type.response.patch-user',
      'content-type.response.error-400',
      'content-type.response.error-401',
      'content-type.response.error-404',
      'content-type.response.error-409',
      'content-type.response.service-provider-config',
      'content-type.response.schemas',
      'content-type.response.resource-types',
    ],
  },
  // RFC 7644 §3.5.1: PUT replaces; attributes absent from the body are cleared.
  'put-merges': { only: ['users.put'], mustFail: ['users.put.replaces-omitted-attribute'] },
  // RFC 7644 §3.5.1: a PUT's readWrite values replace the existing ones, active included.
  'put-ignores-active': { only: ['users.attributes'], mustFail: ['users.attributes.active-round-trip'] },
  // RFC 7644 §3.5.2: a PATCH is atomic; a failing operation leaves the resource as it was.
  // (A PATCH refused for a taken userName counts: its earlier operation must not stay applied either.)
  'patch-not-atomic': { only: ['patch.atomic'], mustFail: ['patch.atomic.failing-last-op', 'patch.atomic.refused-write-unchanged'] },
  // RFC 7644 §3.4.2.5: excludedAttributes removes the named attributes from the response.
  'excluded-attributes-ignored': {
    only: ['projection', 'groups.list', 'search.excluded-attributes'],
    mustFail: [
      'projection.excluded.emails',
      'projection.excluded.case-insensitive-name',
      'projection.list.excluded',
      'projection.groups.excluded-members',
      'groups.list.excluded-members',
      'search.excluded-attributes',
    ],
  },
  // RFC 7644 §3.4.2.3: sortBy / sortOrder order the results.
  'sort-ignored': {
    only: ['sort', 'search.sort'],
    mustFail: [
      'sort.username.ascending',
      'sort.username.descending',
      'sort.order.default-ascending',
      'sort.sort-by.case-insensitive-name',
      'sort.sort-by.sub-attribute',
      'sort.with-paging',
      'sort.case-insensitive-values',
      'sort.descending.sub-attribute',
      'search.sort',
    ],
  },
  // RFC 7643 §4.1.2: User.groups is readOnly; a write through it must not change membership.
  'groups-writable': { only: ['security.groups', 'groups.user'], mustFail: ['security.groups.readonly-on-patch', 'groups.user.groups-readonly-patch'] },
  // RFC 7644 §3.4.2.4: count is the most results one page holds. (paging.count.capped-at-max-results also
  // catches it, but only while the target holds more than filter.maxResults users, so it is not listed.)
  'count-ignored': {
    only: ['paging', 'sort.with-paging', 'search.paging'],
    mustFail: ['paging.count.honoured', 'paging.count.zero', 'paging.start-index.offsets', 'search.paging'],
  },
  // RFC 7643 §4.2: members are resources that exist; a deleted user leaves its groups.
  'deleted-user-stays-member': { only: ['groups.member'], mustFail: ['groups.member.deleted-user-leaves'] },
  // RFC 7644 §3.14: meta.version (the ETag) changes with the resource.
  'version-unchanged': {
    only: ['etag'],
    mustFail: ['etag.put.version-changes', 'etag.patch.version-changes', 'etag.if-match.real-stale-after-change'],
  },
  // RFC 7643 §3.1: id is assigned by the service provider, never taken from the client.
  'id-from-body': { only: ['users.create'], mustFail: ['users.create.id-from-body-ignored'] },
  // RFC 7644 §3.5.2: a 200 answer to PATCH carries the resource (or the answer is 204).
  'empty-patch-body': {
    only: ['patch.response', 'etag.patch', 'projection.patch'],
    mustFail: ['patch.response.body-or-204', 'etag.patch.header', 'projection.patch.attributes'],
  },
  // RFC 7643 §3: schemas is REQUIRED on every resource, projected or found by /.search.
  'schemas-dropped-by-projection': {
    only: ['projection', 'search.users.schemas-returned'],
    mustFail: ['projection.attributes.single', 'projection.excluded.schemas-returned', 'projection.list.schemas-returned', 'search.users.schemas-returned'],
  },
  // RFC 7643 §7: canonicalValues are suggestions a provider MAY ignore (MAY: caught as a warning only).
  'non-canonical-type-refused': { only: ['validation.multivalued'], mustFail: ['validation.multivalued.type-outside-canonical-values'] },
  // RFC 7644 §3.4.2.2: compValues are literals, never patterns.
  'filter-values-as-regex': {
    only: ['filter.value'],
    mustFail: ['filter.value.literal-dot', 'filter.value.literal-plus', 'filter.value.literal-parentheses', 'filter.value.literal-wildcard', 'filter.value.literal-email'],
  },
  // RFC 7643 §4.1.1: userName is caseExact false, also in the bare lookup IdPs send before a create.
  'bare-lookup-case-sensitive': { only: ['filter.eq'], mustFail: ['filter.eq.bare-lookup-case-insensitive'] },
  // RFC 7644 §3.4.2.2: gt and lt are strict ("greater than", "less than"); the probe's own checks catch it.
  'ordering-inclusive': { only: ['filter.operator', 'filter.gt'], mustFail: ['filter.operator.gt', 'filter.operator.lt'] },
  // RFC 7644 §3.4.2.2 Table 3: ge and le include equal values.
  'ordering-exclusive': { only: ['filter.operator'], mustFail: ['filter.operator.ge', 'filter.operator.le'] },
  // RFC 7644 §3.4.2.2 Table 3: ne is "not equal".
  'ne-as-eq': { only: ['filter.operator'], mustFail: ['filter.operator.ne'] },
  // RFC 7644 §3.4.2.2 Table 3: pr is "present (has value)".
  'pr-inverted': { only: ['filter.operator'], mustFail: ['filter.operator.pr'] },
  // RFC 7644 §3.4.2.2 Table 4: and, or and not mean what logic says.
  'and-as-or': { only: ['filter.operator.eq', 'filter.logical'], mustFail: ['filter.logical.and'] },
  'or-as-and': { only: ['filter.operator.eq', 'filter.logical'], mustFail: ['filter.logical.or'] },
  'not-ignored': { only: ['filter.operator.eq', 'filter.logical'], mustFail: ['filter.logical.not'] },
  // RFC 7644 §3.4.2.2: grouping operators come first in the order of operations.
  'parentheses-ignored': { only: ['filter.operator.eq', 'filter.logical', 'filter.grouping'], mustFail: ['filter.grouping.parentheses'] },
  // RFC 7644 §3.4.2.2 Table 5: a value path selects by the filter inside the brackets.
  'value-path-ignored': { only: ['filter.operator.eq', 'filter.value-path'], mustFail: ['filter.value-path'] },
  // RFC 7644 §3.4.2.2: caseExact decides case sensitivity for every operator, not only eq.
  'case-insensitive-eq-only': {
    only: ['filter.case-folding'],
    mustFail: ['filter.case-folding.sw', 'filter.case-folding.co', 'filter.case-folding.ew', 'filter.case-folding.ne'],
  },
  // RFC 7644 §3.4.3: POST {endpoint}/.search is a query.
  'search-creates': { only: ['search.users.never-creates'], mustFail: ['search.users.never-creates'] },
  // RFC 7644 §3.7.3: status is a string in every example, with no keyword (MAY: caught as a warning only).
  'bulk-status-number': { only: ['bulk.response'], mustFail: ['bulk.response.status-string'] },
  // RFC 7644 §3.7.3: location is REQUIRED in a response, DELETE included.
  'bulk-delete-no-location': { only: ['bulk.response'], mustFail: ['bulk.response.delete-location'] },
  // RFC 7643 §3.1 / RFC 7644 §3.3: a 201 carries the id, and Location names the created resource.
  'location-undefined': { only: ['users.create'], mustFail: ['users.create.id-assigned', 'users.create.location-names-id'] },
  // Two untyped values are valid input (RFC 7643 §2.4): stored or 400, never a crash (SHOULD: a warning).
  'untyped-duplicates-500': { only: ['validation.multivalued'], mustFail: ['validation.multivalued.untyped-values'] },
  // RFC 7644 §3.12 Table 8: a resource that does not exist is 404, directly and in /Bulk.
  'delete-unknown-500': {
    only: ['users.delete.unknown-404', 'groups.delete.unknown-404', 'bulk.delete.unknown-404'],
    mustFail: ['users.delete.unknown-404', 'groups.delete.unknown-404', 'bulk.delete.unknown-404'],
  },
  // RFC 7643 §4.1.1: "Each User MUST include a non-empty userName value"; null is unassigned (RFC 7643 §2.5).
  'username-not-required': {
    only: ['validation.required'],
    mustFail: ['validation.required.username-missing', 'validation.required.username-empty', 'validation.required.username-null'],
  },
  // RFC 7644 §3.4.2.4: a negative count SHALL be read as 0, a startIndex below 1 as 1: neither is an error.
  'paging-out-of-range-refused': { only: ['paging'], mustFail: ['paging.count.negative', 'paging.start-index.below-one'] },
  // RFC 7644 §3.6: a successful DELETE SHALL answer 204 No Content.
  'delete-returns-200': { only: ['users.delete.returns-204'], mustFail: ['users.delete.returns-204'] },
  // RFC 7644 §3.14: with etag supported, single-resource answers MUST carry the ETag header.
  'etag-header-missing': { only: ['etag'], mustFail: ['etag.get.header', 'etag.post.header', 'etag.put.header', 'etag.patch.header'] },
  // RFC 7643 §3.1: meta SHALL be ignored when provided by clients.
  'meta-from-body': {
    only: ['users.create.meta-from-body-ignored', 'validation.readonly.meta-created-ignored'],
    mustFail: ['users.create.meta-from-body-ignored', 'validation.readonly.meta-created-ignored'],
  },
  // RFC 7643 §3.1: lastModified is when the resource was last updated.
  'last-modified-frozen': {
    only: ['users.put.last-modified-advances', 'patch.meta.last-modified-advances'],
    mustFail: ['users.put.last-modified-advances', 'patch.meta.last-modified-advances'],
  },
  // RFC 7644 §3.4.2: itemsPerPage is the number of resources in this page.
  'items-per-page-total': { only: ['paging.items-per-page'], mustFail: ['paging.items-per-page.matches'] },
  // RFC 7644 §2: a 401 names the supported schemes in WWW-Authenticate.
  'www-authenticate-missing': { only: ['auth'], mustFail: ['auth.www-authenticate.on-401'] },
  // RFC 7644 §3.5.1: a PUT keeping the user's own userName (recased) replaces it; a user never conflicts with itself.
  'own-name-recase-conflict': { only: ['uniqueness.username.own-name-put-ok'], mustFail: ['uniqueness.username.own-name-put-ok'] },
  // RFC 7644 §3.4.2: a query without matches SHALL answer 200 with totalResults 0.
  'no-match-404': { only: ['filter.operator.eq', 'filter.empty-result'], mustFail: ['filter.empty-result'] },
  // RFC 7643 §3.1: created is when the resource was added; a PUT does not move it.
  'created-reset-on-put': { only: ['users.put.created-unchanged'], mustFail: ['users.put.created-unchanged'] },
  // RFC 7644 §3.7: after failOnErrors errors the rest of the request is not processed.
  'bulk-fail-on-errors-ignored': { only: ['bulk.fail-on-errors'], mustFail: ['bulk.fail-on-errors.stops'] },
  // RFC 7644 §3.9: attributes overrides the default set, on every operation that returns resources.
  'attributes-ignored': {
    only: ['projection.attributes', 'projection.list', 'projection.post', 'projection.put', 'projection.patch', 'search.attributes'],
    mustFail: [
      'projection.attributes.sub-attribute',
      'projection.attributes.several',
      'projection.attributes.enterprise-urn',
      'projection.attributes.urn-core',
      'projection.list.attributes',
      'projection.post.attributes',
      'projection.put.attributes',
      'search.attributes',
    ],
  },
  // RFC 7644 §3.7: without failOnErrors the service provider MUST go on past a failed operation.
  'bulk-stops-at-first-error': { only: ['bulk.errors'], mustFail: ['bulk.errors.continue'] },
  // RFC 7644 §3.14: an If-Match naming the current version lets the write proceed.
  'if-match-unquoted': { only: ['etag.if-match'], mustFail: ['etag.if-match.current-200'] },
  // RFC 7644 §3.7.4: a request over bulk.maxOperations MUST answer 413.
  'bulk-max-operations-unenforced': { only: ['bulk.limits'], mustFail: ['bulk.limits.max-operations'] },
  // RFC 7644 §3.5.1: values provided in a PUT replace the existing ones, multi-valued ones included.
  'put-appends-multivalued': {
    only: ['users.put', 'groups.put'],
    mustFail: ['users.put.multivalued-replaced', 'groups.put.replace-members'],
  },
  // RFC 7643 §4.1.1: a User without userName is refused, and a refused create leaves nothing behind.
  'rejected-create-stored': {
    only: ['filter.operator.eq', 'validation.required.username-missing', 'users.create.bad-request-not-created'],
    mustFail: ['users.create.bad-request-not-created'],
  },
  // RFC 7643 §2.3.2: a boolean is the JSON literal true or false.
  'active-as-string': { only: ['users.attributes'], mustFail: ['users.attributes.active-boolean-type'] },
  // RFC 7644 §3.4.2.5: excludedAttributes has no effect on attributes returned "always" (id).
  'excluded-id-dropped': { only: ['projection.excluded'], mustFail: ['projection.excluded.id-kept'] },
  // RFC 7643 §4.1.1: a password is never returnable, not even inside an error.
  'password-in-error-detail': {
    only: ['validation.required.username-missing', 'security.password.not-echoed-in-errors'],
    mustFail: ['security.password.not-echoed-in-errors'],
  },
  // RFC 7644 §3.14: 304 only when the resource has not changed; another version gets the resource.
  'if-none-match-always-304': { only: ['etag.if-none-match'], mustFail: ['etag.if-none-match.stale-200'] },
  // RFC 7644 §3.3: the Location header names the created resource, as meta.location does.
  'location-is-collection': { only: ['users.create'], mustFail: ['users.create.location-equals-meta'] },
  // RFC 7643 §3: schemas names every schema whose attributes the resource holds, extensions included.
  'schemas-core-only': { only: ['users.enterprise'], mustFail: ['users.enterprise.schemas-lists-extension'] },
  // RFC 7643 §6: meta.resourceType is the resource type's name.
  'resource-type-lowercase': { only: ['users.create.meta-resource-type'], mustFail: ['users.create.meta-resource-type'] },
  // RFC 7643 §3.1: created and lastModified are DateTimes.
  'timestamps-as-epoch': { only: ['users.create.meta-timestamps'], mustFail: ['users.create.meta-timestamps'] },
  // RFC 7643 §3.1: externalId is issued by the client only.
  'external-id-assigned': { only: ['users.attributes.external-id-round-trip'], mustFail: ['users.attributes.external-id-round-trip'] },
  // RFC 7644 §3.4.2.2: an unrecognised operator is 400 invalidFilter; an unknown attribute matches nothing or is refused.
  'invalid-filter-ignored': {
    only: ['filter.invalid'],
    mustFail: ['filter.invalid.operator', 'filter.invalid.unknown-attribute', 'filter.invalid.syntax', 'filter.invalid.unbalanced-parentheses'],
  },
};

export interface FaultRow {
  fault: string;
  only: string[];
  /** Listed checks (FAULT_CATCHES); empty when the fault has no entry. */
  expected: string[];
  /** Every check that failed or warned in this fault's run. */
  caught: string[];
  /** Listed checks that did not fail as their level says. */
  missing: string[];
  /** Checks where the harness itself broke. */
  errored: string[];
  ok: boolean;
  note?: string;
}

/** A legal variant to prove free of false alarms, as the caller describes it. */
export interface VariantSpec {
  name: string;
  /** What the provider does differently, in one line. */
  description: string;
  /**
   * Harness settings the variant's run needs, when the RFC alone cannot tell (the target says so out of band):
   * `disable-on-delete` is judged with `deprovision: 'disable'`, as a Files.com site is.
   */
  config?: { deprovision?: 'delete' | 'disable' };
}

export interface VariantRow {
  variant: string;
  description: string;
  /** Every failed or errored result: the harness blamed a legal server (or broke on it). */
  falseAlarms: { id: string; status: Status; message?: string }[];
  /** Warnings are allowed (the RFC's SHOULDs); counted for the record. */
  warned: number;
  ok: boolean;
}

export interface SelfTestOutcome {
  clean: { ok: boolean; notPassing: { id: string; status: Status; message?: string }[] };
  rows: FaultRow[];
  /** Variant -> false alarms (must be none). */
  variants: VariantRow[];
  ok: boolean;
}

/**
 * Runs the conformance suite against a provider with these faults, restricted to `only` (all when empty); with
 * `variant`, against a provider making that legal choice (and the harness settings it names).
 */
export type RunAgainst = (faults: string[], only: string[], variant?: VariantSpec) => Promise<CheckResult[]>;

export interface SelfTestOptions {
  /** Fault names to prove, in order (the provider's FAULTS, or a subset). */
  faults: readonly string[];
  /** Legal variants to prove free of false alarms, in order (the provider's VARIANTS, or a subset); default none. */
  variants?: readonly VariantSpec[];
  runAgainst: RunAgainst;
  /** Runs (each its own provider) at a time; default 2. */
  parallel?: number;
  signal?: AbortSignal;
  /** Told about the clean run, each fault and each variant as it finishes. */
  onClean?(clean: SelfTestOutcome['clean']): void;
  onRow?(row: FaultRow): void;
  onVariant?(row: VariantRow): void;
}

/** The status a failing check gets at its level (RFC 2119 levels mapped to result levels). */
function failingStatus(r: CheckResult): Status {
  return r.level === 'MUST' ? 'failed' : 'warned';
}

export function isNotPassing(r: CheckResult): boolean {
  return r.status === 'failed' || r.status === 'warned' || r.status === 'errored';
}

/** Judges one fault run: every listed check failed at its level, and the harness did not break. */
export function judgeFault(fault: string, expectation: FaultExpectation | undefined, results: readonly CheckResult[]): FaultRow {
  const byId = new Map(results.map((r) => [r.id, r]));
  const caught = results.filter((r) => r.status === 'failed' || r.status === 'warned').map((r) => r.id);
  const errored = results.filter((r) => r.status === 'errored').map((r) => r.id);
  const expected = expectation?.mustFail ?? [];
  const missing = expected.filter((id) => {
    const r = byId.get(id);
    return !r || r.status !== failingStatus(r);
  });
  const notes: string[] = [];
  if (!expectation) notes.push('no entry in FAULT_CATCHES: any failing check counts');
  if (errored.length > 0) notes.push(`harness errors: ${errored.join(', ')}`);
  const ok = caught.length > 0 && missing.length === 0 && errored.length === 0;
  return { fault, only: expectation?.only ?? [], expected, caught, missing, errored, ok, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

/** Judges one variant run: a legal server gets no failure and breaks no check. */
export function judgeVariant(variant: VariantSpec, results: readonly CheckResult[]): VariantRow {
  const falseAlarms = results
    .filter((r) => r.status === 'failed' || r.status === 'errored')
    .map((r) => ({ id: r.id, status: r.status, ...(r.message !== undefined ? { message: r.message } : {}) }));
  return { variant: variant.name, description: variant.description, falseAlarms, warned: results.filter((r) => r.status === 'warned').length, ok: falseAlarms.length === 0 };
}

export function judgeClean(results: readonly CheckResult[]): SelfTestOutcome['clean'] {
  const notPassing = results.filter(isNotPassing).map((r) => ({ id: r.id, status: r.status, ...(r.message !== undefined ? { message: r.message } : {}) }));
  return { ok: notPassing.length === 0, notPassing };
}

async function pool<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
}

/**
 * The clean run, one run per fault and one full conformance run per variant, `parallel` at a time; rows come
 * back in the order of `faults` and `variants`.
 */
export async function runSelfTest(opts: SelfTestOptions): Promise<SelfTestOutcome> {
  const variants = opts.variants ?? [];
  type Job = { kind: 'clean' } | { kind: 'fault'; fault: string; i: number } | { kind: 'variant'; variant: VariantSpec; i: number };
  const jobs: Job[] = [
    { kind: 'clean' },
    ...opts.faults.map((fault, i) => ({ kind: 'fault' as const, fault, i })),
    ...variants.map((variant, i) => ({ kind: 'variant' as const, variant, i })),
  ];
  const rows: (FaultRow | undefined)[] = new Array(opts.faults.length);
  const variantRows: (VariantRow | undefined)[] = new Array(variants.length);
  let clean: SelfTestOutcome['clean'] = { ok: false, notPassing: [] };
  await pool(jobs, opts.parallel ?? 2, async (job) => {
    if (opts.signal?.aborted) return;
    if (job.kind === 'clean') {
      clean = judgeClean(await opts.runAgainst([], []));
      opts.onClean?.(clean);
    } else if (job.kind === 'fault') {
      const expectation = FAULT_CATCHES[job.fault];
      const row = judgeFault(job.fault, expectation, await opts.runAgainst([job.fault], expectation?.only ?? []));
      rows[job.i] = row;
      opts.onRow?.(row);
    } else {
      const row = judgeVariant(job.variant, await opts.runAgainst([], [], job.variant));
      variantRows[job.i] = row;
      opts.onVariant?.(row);
    }
  });
  const done = rows.filter((r): r is FaultRow => r !== undefined);
  const doneVariants = variantRows.filter((r): r is VariantRow => r !== undefined);
  const complete = done.length === opts.faults.length && doneVariants.length === variants.length && !opts.signal?.aborted;
  return { clean, rows: done, variants: doneVariants, ok: complete && clean.ok && done.every((r) => r.ok) && doneVariants.every((r) => r.ok) };
}

/** One console line per fault. */
export function selfTestLine(row: FaultRow): string {
  const verdict = row.ok ? 'caught ' : 'MISSED ';
  const listed = row.expected.length > 0 ? row.expected.filter((id) => !row.missing.includes(id)) : row.caught;
  const extra = row.missing.length > 0 ? `; did not fail: ${row.missing.join(', ')}` : '';
  return `${verdict} ${row.fault.padEnd(28)} ${listed.join(', ') || '(no check failed)'}${extra}${row.note ? ` [${row.note}]` : ''}`;
}

/** One console line per variant: its false alarms, or that there were none. */
export function variantLine(row: VariantRow): string {
  const alarms = row.falseAlarms.map((a) => `${a.id} (${a.status}${a.message ? `: ${a.message.split('\n')[0]!.slice(0, 120)}` : ''})`);
  return `${row.ok ? 'clean  ' : 'FALSE  '} ${row.variant.padEnd(28)} ${row.ok ? 'no false alarms' : `${row.falseAlarms.length} false alarm${row.falseAlarms.length === 1 ? '' : 's'}: ${alarms.join('; ')}`}${row.warned ? ` (${row.warned} warned)` : ''}`;
}

/** The fault → checks table as Markdown (self-test.md). */
export function selfTestMarkdown(outcome: SelfTestOutcome): string {
  const cell = (ids: readonly string[]) => (ids.length > 0 ? ids.map((id) => `\`${id}\``).join(', ') : '—');
  const lines = [
    `# scimcheck self-test`,
    '',
    `Clean provider: ${outcome.clean.ok ? 'every check passes' : `**${outcome.clean.notPassing.length} check(s) did not pass**: ${cell(outcome.clean.notPassing.map((r) => `${r.id} (${r.status})`))}`}`,
    '',
    '| fault | caught | run with --only | relevant checks that failed | other failing checks |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of outcome.rows) {
    const relevant = r.expected.filter((id) => !r.missing.includes(id));
    const others = r.caught.filter((id) => !r.expected.includes(id));
    const caught = r.ok ? 'yes' : `**no**${r.missing.length ? ` (did not fail: ${cell(r.missing)})` : ''}${r.note ? ` — ${r.note}` : ''}`;
    lines.push(`| \`${r.fault}\` | ${caught} | ${r.only.length ? r.only.join(', ') : 'all'} | ${cell(relevant)} | ${cell(others)} |`);
  }
  if (outcome.variants.length > 0) {
    // The mirror image: legal variants, where every failure is the harness's false alarm.
    const text = (t: string) => t.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
    lines.push('', '## Legal variants: false alarms (must be none)', '', '| variant | what the provider does | false alarms | warned |', '| --- | --- | --- | ---: |');
    for (const v of outcome.variants) {
      const alarms = v.falseAlarms.map((a) => `\`${a.id}\` (${a.status}${a.message ? `: ${text(a.message.split('\n')[0]!.slice(0, 200))}` : ''})`);
      lines.push(`| \`${v.variant}\` | ${text(v.description)} | ${alarms.length ? `**${alarms.length}**: ${alarms.join('<br>')}` : 'none'} | ${v.warned} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * FAULT_CATCHES as fault signatures for root causes' `likely` (src/harness/root-causes.ts). The descriptions
 * come from the caller (the provider's FAULTS): the harness never imports the provider.
 */
export function faultSignatures(descriptions: Readonly<Record<string, string>>): FaultSignature[] {
  return Object.entries(FAULT_CATCHES).map(([name, e]) => ({ name, description: descriptions[name] ?? name, checks: e.mustFail }));
}
