/**
 * RFC sentences quoted by checks in several areas, in the RFC's own words. A check's level is the RFC 2119
 * keyword of the sentence it quotes (docs/levels-audit.md; test/harness/levels.test.ts keeps it so).
 */
import type { Cite } from '../../check.ts';

/**
 * RFC 7644 §3.12 introduces its status table with a SHOULD, so a check whose only ground is a row of Table 8 is a
 * SHOULD check: "Implementers SHOULD handle the identified HTTP status codes as described below."
 */
const TABLE_8_INTRO = 'Implementers SHOULD handle the identified HTTP status codes as described below.';

export const TABLE_8_ROWS = {
  400: '400 BAD REQUEST | GET, POST, PUT, PATCH, DELETE | Request is unparsable, syntactically incorrect, or violates schema.',
  401: '401 UNAUTHORIZED | ALL | Authorization failure. The authorization header is invalid or missing.',
  404: '404 NOT FOUND | GET, PUT, PATCH, DELETE | Specified resource (e.g., User) or endpoint does not exist.',
} as const;

/** The cite of a Table 8 row (a SHOULD): RFC 7644 §3.12. */
export function table8(status: keyof typeof TABLE_8_ROWS): Cite {
  return { rfc: 7644, section: '3.12', quote: `${TABLE_8_INTRO} ... ${TABLE_8_ROWS[status]}` };
}

/** RFC 7644 §3.4.2.2: the sentence that makes every filter's result set normative. */
export const FILTER_SHALL = 'When specified, only those resources matching the filter expression SHALL be returned.';

/** A §3.4.2.2 cite: the SHALL above, then the sentence that defines the match the check examines. */
export function filterCite(definition: string): Cite {
  return { rfc: 7644, section: '3.4.2.2', quote: `${FILTER_SHALL} ... ${definition}` };
}

/** RFC 7644 §3.9: what `attributes` / `excludedAttributes` require of every resource returned, on any operation. */
export const ATTRIBUTES_SHALL =
  'attributes: When specified, the default list of attributes SHALL be overridden, and each resource returned MUST contain the minimum set of resource attributes and any attributes or sub-attributes explicitly requested by the "attributes" parameter.';
export const EXCLUDED_MUST =
  'excludedAttributes: When specified, each resource returned MUST contain the minimum set of resource attributes. Additionally, the default set of attributes minus those attributes listed in excludedAttributes is returned.';

/** RFC 7644 §3.3: read-only content of a request body is ignored. */
export const READ_ONLY_IGNORED_ON_CREATE =
  'In the request body, attributes whose mutability is "readOnly" (see Sections 2.2 and 7 of [RFC7643]) SHALL be ignored.';

/** RFC 7644 §3.5.2: an operation against a readOnly attribute is refused with an error. */
export const PATCH_MUTABILITY_SHALL =
  'An operation that is not compatible with an attribute\'s mutability or schema SHALL return the appropriate HTTP response status code and a JSON detail error response as defined in Section 3.12.';

/** RFC 7643 §4.1.2: User.groups is readOnly; membership changes go through the Group. */
export const GROUPS_READONLY_MUST =
  'Since this attribute has a mutability of "readOnly", group membership changes MUST be applied via the "Group" Resource (Section 4.2).';

/** RFC 7643 §4.1.1: userName is unique and case-insensitive. */
export const USERNAME_UNIQUE_MUST =
  'This identifier MUST be unique across the service provider\'s entire set of Users. This attribute is REQUIRED and is case insensitive.';

/** RFC 7644 §2: a request is served only for an authenticated client mapped to an access control policy. */
export const ACCESS_POLICY_MUST =
  'the SCIM service provider MUST be able to map the authenticated client to an access control policy in order to determine the client\'s authorization to retrieve and update SCIM resources.';
