/**
 * The shared vocabulary of the SCIM core. Every part (provider, idp, harness) speaks in these types.
 * Hand-written only where the generated types (src/scim/generated/, from specs/) cannot express the
 * shape: parsed filter and path ASTs, and the schema-attribute view used at run time.
 */

/** RFC 7643 §2.3: attribute data types. */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'binary'
  | 'complex';

/** RFC 7643 §7: attribute characteristics as they appear in a Schema resource. */
export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description?: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

/** RFC 7643 §7: a Schema resource. */
export interface SchemaDef {
  id: string;
  name?: string;
  description?: string;
  attributes: AttributeDef[];
  meta?: { resourceType: 'Schema'; location?: string };
}

/** RFC 7643 §6: a ResourceType resource. */
export interface ResourceTypeDef {
  schemas?: string[];
  id: string;
  name: string;
  endpoint: string;
  description?: string;
  schema: string;
  schemaExtensions?: { schema: string; required: boolean }[];
  meta?: { resourceType: 'ResourceType'; location?: string };
}

/** A SCIM resource as JSON. Core attributes at top level, extension attributes under their URN key. */
export type ScimResource = Record<string, unknown> & {
  schemas?: string[];
  id?: string;
  externalId?: string;
  meta?: ScimMeta;
};

/** RFC 7643 §3.1 */
export interface ScimMeta {
  resourceType?: string;
  created?: string;
  lastModified?: string;
  location?: string;
  version?: string;
}

/**
 * RFC 7644 §3.10 / RFC 7643 §3.10: `[URN ":"] attrName ["." subAttr]`.
 * `schema` is the URN as written (compare case-insensitively); absent means "the core schema or
 * whichever schema of the resource type defines the name".
 */
export interface AttrPath {
  schema?: string;
  attr: string;
  subAttr?: string;
}

/** RFC 7644 §3.4.2.2 comparison operators (Table 3). */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A filter literal: JSON string, number, true/false/null (RFC 7644 §3.4.2.2 compValue). */
export type FilterValue = string | number | boolean | null;

/** The parsed filter AST (RFC 7644 §3.4.2.2, Figure 1 ABNF). */
export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'not'; filter: FilterNode }
  | { op: 'pr'; path: AttrPath }
  | { op: CompareOp; path: AttrPath; value: FilterValue }
  /** valuePath: `emails[type eq "work" and value co "@x"]`; inner paths are relative to `path`. */
  | { op: 'valuePath'; path: AttrPath; filter: FilterNode };

/**
 * RFC 7644 §3.5.2 PATCH path: `attrPath | valuePath ["." subAttr]`,
 * e.g. `members[value eq "2819c223"]`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
 */
export interface PatchPath {
  attrPath: AttrPath;
  /** Present when the path has `[...]`. Its inner paths are relative to `attrPath`. */
  valueFilter?: FilterNode;
  /** The `.subAttr` after a `[...]` filter (RFC 7644 §3.5.2 valuePath ["." subAttr]). */
  subAttr?: string;
}

/** RFC 7644 §3.5.2: one PATCH operation as received. `op` is normalised to lower case. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

export const SCHEMA_URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  bulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  bulkResponse: 'urn:ietf:params:scim:api:messages:2.0:BulkResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

/** RFC 7644 §3.4.2: a ListResponse. */
export interface ListResponse<T = ScimResource> {
  schemas: [typeof SCHEMA_URN.listResponse];
  totalResults: number;
  startIndex?: number;
  itemsPerPage?: number;
  Resources: T[];
}

/** The query part of a list or /.search request, already parsed (RFC 7644 §3.4.2, §3.4.3). */
export interface ListQuery {
  filter?: FilterNode;
  sortBy?: AttrPath;
  sortOrder?: 'ascending' | 'descending';
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex?: number;
  count?: number;
  attributes?: AttrPath[];
  excludedAttributes?: AttrPath[];
}
