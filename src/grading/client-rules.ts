/**
 * What the client-side grader can say, as a table: one rule per sentence of the RFCs it rests on. A rule's
 * level is the keyword of the sentence it quotes (MUST/SHALL/REQUIRED fail, SHOULD warns, MAY never fails;
 * INFO notes legal habits worth knowing). test/grading/client-rules.test.ts keeps each quote's keyword and
 * each clause in the citation index.
 *
 * Why some levels are lower than a strict reading would give:
 * - readOnly attributes in a POST or PUT body: RFC 7644 §3.3 / §3.5.1 tell the service provider to ignore
 *   them, so a client echoing `meta` or `groups` breaks nothing (INFO). Only `id` chosen by the client on a
 *   create, or changed on a replace, breaks a client MUST NOT (RFC 7643 §3.1).
 * - PATCH against a readOnly attribute is a client MUST NOT (RFC 7644 §3.5.2) — except `id` equal to the
 *   resource's own id, `meta` and `schemas` inside a pathless value, which modify nothing (Okta's group rename).
 * - `op` names in another case ("Replace"): RFC 7644 spells them in lower case; servers read them
 *   case-insensitively and Entra's default job depends on that (INFO).
 * - application/json instead of application/scim+json: servers MUST accept JSON (INFO).
 */
import type { Finding } from './finding.ts';

export interface ClientRule {
  title: string;
  level: Finding['level'];
  /** e.g. 'RFC 7644 §3.5.2' */
  rfc: string;
  quote: string;
}

const PATCH_COMPATIBLE =
  'Each operation against an attribute MUST be compatible with the attribute\'s mutability and schema as defined in Sections 2.2 and 2.3 of [RFC7643]. For example, a client MUST NOT modify an attribute that has mutability "readOnly" or "immutable".';

export const CLIENT_RULES = {
  'client.content-type.missing': {
    title: 'A request with a body says its media type',
    level: 'SHOULD',
    rfc: 'RFC 7231 §3.1.1.5',
    quote: 'A sender that generates a message containing a payload body SHOULD generate a Content-Type header field in that message unless the intended media type of the enclosed representation is unknown to the sender.',
  },
  'client.content-type.not-json': {
    title: 'A JSON body is not labelled as another format',
    level: 'MUST',
    rfc: 'RFC 7644 §3.8',
    quote: 'Clients using other encodings MUST specify the format in which the data is submitted via an HTTP "Content-Type" header as specified in Section 3.1.1.5 of [RFC7231]',
  },
  'client.content-type.plain-json': {
    title: 'The body is sent as application/json rather than application/scim+json',
    level: 'INFO',
    rfc: 'RFC 7644 §3.8',
    quote: 'Servers MUST accept requests and be able to return JSON structured responses using UTF-8 encoding [RFC3629].',
  },
  'client.schemas.required': {
    title: 'A resource or message body carries "schemas" naming what it holds',
    level: 'MUST',
    rfc: 'RFC 7643 §3',
    quote: 'The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing URIs that are used to indicate the namespaces of the SCIM schemas that define the attributes present in the current JSON structure.',
  },
  'client.schemas.foreign': {
    title: 'A resource\'s "schemas" names only its resource type\'s schema and extensions',
    level: 'MUST',
    rfc: 'RFC 7643 §3',
    quote: 'The "schemas" attribute for a resource MUST only contain values defined as "schema" and "schemaExtensions" for the resource\'s defined "resourceType".',
  },
  'client.id.specified': {
    title: 'The client never chooses a resource\'s id',
    level: 'MUST',
    rfc: 'RFC 7643 §3.1',
    quote: 'The value of the "id" attribute is always issued by the service provider and MUST NOT be specified by the client.',
  },
  'client.create.readonly': {
    title: 'readOnly attributes in a create are ignored by the service provider',
    level: 'INFO',
    rfc: 'RFC 7644 §3.3',
    quote: 'In the request body, attributes whose mutability is "readOnly" (see Sections 2.2 and 7 of [RFC7643]) SHALL be ignored.',
  },
  'client.replace.readonly': {
    title: 'readOnly attributes in a replace are ignored by the service provider',
    level: 'INFO',
    rfc: 'RFC 7644 §3.5.1',
    quote: 'readOnly: Any values provided SHALL be ignored.',
  },
  'client.patch.schemas': {
    title: 'A PATCH body names the PatchOp message schema',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2',
    quote: 'The body of each request MUST contain the "schemas" attribute with the URI value of "urn:ietf:params:scim:api:messages:2.0:PatchOp".',
  },
  'client.patch.operations': {
    title: 'A PATCH body carries one or more operations',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2',
    quote: 'The body of an HTTP PATCH request MUST contain the attribute "Operations", whose value is an array of one or more PATCH operations.',
  },
  'client.patch.op-name': {
    title: 'Each PATCH operation is add, remove or replace',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2',
    quote: 'Each PATCH operation object MUST have exactly one "op" member, whose value indicates the operation to perform and MAY be one of "add", "remove", or "replace".',
  },
  'client.patch.op-case': {
    title: 'PATCH op names in another case than the RFC\'s (read case-insensitively by servers)',
    level: 'INFO',
    rfc: 'RFC 7644 §3.5.2',
    quote: 'Each PATCH operation object MUST have exactly one "op" member, whose value indicates the operation to perform and MAY be one of "add", "remove", or "replace".',
  },
  // The sentence defining "path" ("a String containing an attribute path", Figure 7) has no keyword; a path that
  // does not parse names no attribute of the schema, so the MUST it breaks is compatibility with the schema.
  'client.patch.path-syntax': {
    title: 'A PATCH path parses as an attribute path (RFC 7644 Figure 7) of the target\'s schema',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2',
    quote: PATCH_COMPATIBLE,
  },
  'client.patch.path-required': {
    title: 'A remove operation names its path',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2',
    quote: 'The "path" attribute is OPTIONAL for "add" and "replace" and is REQUIRED for "remove" operations.',
  },
  'client.patch.path-schema': {
    title: 'A PATCH path names an attribute of the target\'s schema, in a form its type allows',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2',
    quote: PATCH_COMPATIBLE,
  },
  'client.patch.mutability': {
    title: 'PATCH never modifies a readOnly attribute, nor replaces or removes an immutable one',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2',
    quote: PATCH_COMPATIBLE,
  },
  'client.patch.echoed': {
    title: 'A pathless PATCH value echoes id, meta or schemas (modifies nothing)',
    level: 'INFO',
    rfc: 'RFC 7644 §3.5.2',
    quote: PATCH_COMPATIBLE,
  },
  'client.patch.add-value': {
    title: 'An add operation carries the value to add',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2.1',
    quote: 'The operation MUST contain a "value" member whose content specifies the value to be added.',
  },
  'client.patch.replace-value': {
    title: 'A pathless replace carries an object of the attributes to replace',
    level: 'MUST',
    rfc: 'RFC 7644 §3.5.2.3',
    quote: 'If the "path" parameter is omitted, the target is assumed to be the resource itself. In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced.',
  },
  'client.filter.syntax': {
    title: 'A filter follows the filter grammar (RFC 7644 Figure 1)',
    level: 'MUST',
    rfc: 'RFC 7644 §3.4.2.2',
    quote: 'The "filter" parameter MUST contain at least one valid expression (see Table 3).',
  },
  'client.search.schemas': {
    title: 'A /.search body names the SearchRequest message schema',
    level: 'MUST',
    rfc: 'RFC 7644 §3.4.3',
    quote: 'Query requests MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:SearchRequest".',
  },
  'client.bulk.operations': {
    title: 'A Bulk request carries its operations',
    level: 'MUST',
    rfc: 'RFC 7644 §3.7',
    quote: 'Operations: Defines operations within a bulk job. Each operation corresponds to a single HTTP request against a resource endpoint. REQUIRED.',
  },
  'client.bulk.method': {
    title: 'Each Bulk operation names its method',
    level: 'MUST',
    rfc: 'RFC 7644 §3.7',
    quote: 'method: The HTTP method of the current operation. Possible values are "POST", "PUT", "PATCH", or "DELETE". REQUIRED.',
  },
  'client.bulk.bulkid': {
    title: 'Each Bulk POST carries a bulkId unique within the request',
    level: 'MUST',
    rfc: 'RFC 7644 §3.7',
    quote: 'bulkId: The transient identifier of a newly created resource, unique within a bulk request and created by the client. ... REQUIRED when "method" is "POST".',
  },
  'client.bulk.path': {
    title: 'Each Bulk operation names its path',
    level: 'MUST',
    rfc: 'RFC 7644 §3.7',
    quote: 'path: The resource\'s relative path to the SCIM service provider\'s root. ... REQUIRED in a request.',
  },
  'client.bulk.path-shape': {
    title: 'A Bulk POST names a resource type endpoint, the other methods one resource',
    level: 'INFO',
    rfc: 'RFC 7644 §3.7',
    quote: 'If "method" is "POST", the value must specify a resource type endpoint, e.g., /Users or /Groups, whereas all other "method" values must specify the path to a specific resource',
  },
  'client.bulk.data': {
    title: 'Bulk POST, PUT and PATCH operations carry their data',
    level: 'MUST',
    rfc: 'RFC 7644 §3.7',
    quote: 'data: The resource data as it would appear for a single SCIM POST, PUT, or PATCH operation. REQUIRED in a request when "method" is "POST", "PUT", or "PATCH".',
  },
  'client.if-match.form': {
    title: 'If-Match carries entity-tags ("…" or W/"…") or *',
    level: 'MAY',
    rfc: 'RFC 7644 §3.14',
    quote: 'If the service provider supports versioning of resources, the client MAY supply an If-Match header [RFC7232] for PUT and PATCH operations to ensure that the requested operation succeeds only if the supplied ETag matches the latest service provider resource',
  },
} as const satisfies Record<string, ClientRule>;

export type ClientRuleId = keyof typeof CLIENT_RULES;

/** One finding of a rule: the rule's level, clause and quote with what this request did. */
export function clientFinding(id: ClientRuleId, message: string): Finding {
  const rule: ClientRule = CLIENT_RULES[id];
  return { id, side: 'client', level: rule.level, rfc: rule.rfc, quote: rule.quote, message };
}
