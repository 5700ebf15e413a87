/**
 * RFC-legal choices real SCIM servers make (`scimcheck serve --variant NAME`): the mirror image of faults.ts.
 * A fault is a bug the harness must catch; a variant is a lawful difference on which the harness must report
 * zero failures. Each flips one behaviour, checked where that behaviour lives (the strict path and the variant
 * path are the same code with a flag), and quotes the RFC sentence that makes it legal.
 */
import { UsageError } from '../usage-error.ts';

export interface Variant {
  /** What the provider does differently, in one line. */
  summary: string;
  /** The RFC sentence (quoted) that allows it. */
  rfc: string;
  /** Where that sentence lives, e.g. 'RFC 7644 §3.5.2'. */
  clause: string;
  /**
   * Settings a harness run needs to judge this variant fairly, when the RFC alone cannot tell it (the target
   * says so out of band, as a Files.com site's admin would): e.g. `deprovision: disable`.
   */
  harness?: { deprovision?: 'disable' };
}

export const VARIANTS = {
  'patch-204': {
    summary: 'a successful PATCH answers 204 No Content without a body (200 with the resource when ?attributes= is given)',
    rfc: 'On successful completion, the server either MUST return a 200 OK response code and the entire resource within the response body, subject to the "attributes" query parameter (see Section 3.9), or MAY return HTTP status code 204 (No Content) and the appropriate response headers for a successful PATCH request. The server MUST return a 200 OK if the "attributes" parameter is specified in the request.',
    clause: 'RFC 7644 §3.5.2',
  },
  'minimal-schema': {
    summary: 'the User schema declares only userName, name, displayName, emails, active (plus id, externalId, meta); no groups, no password, no enterprise extension',
    rfc: 'An HTTP GET to this endpoint is used to retrieve information about resource schemas supported by a SCIM service provider.',
    clause: 'RFC 7644 §4 (/Schemas); RFC 7643 §4.1: only userName is REQUIRED',
  },
  'eq-only-filters': {
    summary: 'filters may use only `eq` and `and`; any other operator, `or`, `not` or a value path [..] is 400 invalidFilter',
    rfc: 'invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1), or the specified attribute and filter comparison combination is not supported.',
    clause: 'RFC 7644 §3.12 (Table 9)',
  },
  'no-search': {
    summary: 'POST /.search and POST /{Users,Groups}/.search answer 501 Not Implemented (a SCIM error); everything else unchanged',
    rfc: '501 NOT IMPLEMENTED: Service provider does not support the request operation, e.g., PATCH.',
    clause: 'RFC 7644 §3.12 (Table 8); /.search is the client\'s option, RFC 7644 §3.4.3: "Clients MAY execute queries ... using the HTTP POST verb combined with the "/.search" path extension."',
  },
  'json-when-accepted': {
    summary: 'answers are labelled application/json when the request\'s Accept prefers application/json to application/scim+json (names it with a higher q, earlier at equal q, or names only it)',
    rfc: 'Service providers MUST support the accept header "Accept: application/scim+json" and SHOULD support the header "Accept: application/json", both of which specify JSON documents conforming to [RFC7159].',
    clause: 'RFC 7644 §3.8; RFC 7231 §5.3.2 (Accept)',
  },
  'empty-list-no-resources': {
    summary: 'a ListResponse whose totalResults is 0 has no `Resources` member',
    rfc: 'Resources: A multi-valued list of complex objects containing the requested resources. This MAY be a subset of the full set of resources if pagination (Section 3.4.2.4) is requested. REQUIRED if "totalResults" is non-zero.',
    clause: 'RFC 7644 §3.4.2',
  },
  'small-max-results': {
    summary: 'filter.maxResults is 10: a larger `count`, or none, is capped silently at 10 per page (itemsPerPage says so, totalResults stays the full number)',
    rfc: 'When specified, the service provider MUST NOT return more results than specified, although it MAY return fewer results. If unspecified, the maximum number of results is set by the service provider.',
    clause: 'RFC 7644 §3.4.2.4 (count); RFC 7643 §5 filter.maxResults',
  },
  'integer-ids': {
    summary: 'ids are decimal integers as JSON strings ("1", "2", ...), one sequence for Users and Groups, never reissued',
    rfc: 'id: A unique identifier for a SCIM resource as defined by the service provider. ... This identifier MUST be unique across the SCIM service provider\'s entire set of resources.',
    clause: 'RFC 7643 §3.1 (id is a string the service provider defines)',
  },
  'required-email': {
    summary: 'the User schema marks `emails` (and emails.value) required: a POST/PUT/PATCH leaving a user without an email is 400 invalidValue',
    rfc: 'required: A Boolean value that specifies whether or not the attribute is required.',
    clause: 'RFC 7643 §7 (the provider\'s schema decides; RFC 7643 §2.2)',
  },
  'weak-etags': {
    summary: 'ETag and meta.version are weak tags W/"..."; If-Match compares them weakly (the default is strong tags, compared strongly)',
    rfc: 'If a service provider provides "version" (entity-tag) for a representation and the generation of that entity-tag does not satisfy all of the characteristics described in Section 2.3 of [RFC7232], then the origin server MUST mark the "version" (entity-tag) as weak by prefixing its opaque value with "W/" (case sensitive).',
    clause: 'RFC 7643 §3.1 (meta.version); RFC 7644 §3.14',
  },
  'slow-bad-login': {
    summary: 'requests with wrong or missing credentials are answered 401 after 2 s (anti brute force); good credentials are answered at once',
    rfc: '401 UNAUTHORIZED: Authorization failure. The authorization header is invalid or missing.',
    clause: 'RFC 7644 §3.12 (Table 8; the RFC sets no answer time)',
  },
  'disable-on-delete': {
    summary: 'DELETE /Users/{id} answers 204 and sets active=false, keeping the user (the code path of policy `deprovision: disable`)',
    rfc: 'Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.',
    clause: 'RFC 7644 §3.6, departed from knowingly as Files.com does: the harness is told with `deprovision: disable` (docs/policy.md)',
    harness: { deprovision: 'disable' },
  },
} as const satisfies Record<string, Variant>;

export type VariantName = keyof typeof VARIANTS;

export function isVariantName(name: string): name is VariantName {
  return Object.prototype.hasOwnProperty.call(VARIANTS, name);
}

/** The usage error for names that are not variants, listing the valid ones. */
export function unknownVariantError(unknown: readonly string[]): UsageError {
  return new UsageError(`unknown variant '${unknown.join("', '")}' (valid: ${Object.keys(VARIANTS).join(', ')})`);
}

/** The active variants of one provider; `has` is what code paths ask. */
export class VariantSet {
  private readonly active: ReadonlySet<VariantName>;

  constructor(names: readonly string[] = []) {
    const unknown = names.filter((n) => !isVariantName(n));
    if (unknown.length > 0) throw unknownVariantError(unknown);
    this.active = new Set(names as VariantName[]);
  }

  has(name: VariantName): boolean {
    return this.active.has(name);
  }

  list(): VariantName[] {
    return [...this.active];
  }
}
