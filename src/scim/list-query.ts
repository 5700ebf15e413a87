/**
 * The query of a list request: GET query parameters (RFC 7644 §3.4.2) or a POST /.search
 * SearchRequest body (RFC 7644 §3.4.3), parsed and validated into a ListQuery. Pure.
 *
 * Decisions:
 * - sortBy naming no attribute of the resource type (or a never-returned one such as password) is
 *   400 invalidValue. RFC 7644 §3.4.2.3 does not say what to do with it; silently ignoring it would
 *   hide a client's typo, and a strict reference provider is there to show such things.
 * - sortOrder other than exactly "ascending" / "descending" is 400 invalidValue (RFC 7644 §3.4.2.3
 *   lists just those two); without sortBy it is validated and otherwise has no effect.
 * - unknown query parameters are ignored (RFC 7644 §3.4.2 defines no error for them).
 */
import { parseAttrPath } from './attribute-path.ts';
import { isScimError, scimError } from './errors.ts';
import { parseFilter, validateFilter } from './filter/index.ts';
import { normalizePaging } from './paging.ts';
import { parseAttributeList } from './projection.ts';
import { getMember, isPlainObject, resolvePath, type ResourceContext } from './resource-access.ts';
import { SCHEMA_URN, type AttrPath, type ListQuery } from './types.ts';

export interface ListQueryContext extends ResourceContext {
  /** The provider's page-size cap (RFC 7643 §5 filter.maxResults); also the count when none is asked for. */
  maxResults: number;
}

type Raw = {
  filter?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  startIndex?: unknown;
  count?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
};

const NAMES = ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'attributes', 'excludedAttributes'] as const;

/** `attr[valFilter].sub op value` as a whole filter: the form Entra matches users with (see below). */
const ENTRA_VALUE_PATH_COMPARISON = /^\s*([A-Za-z][\w$-]*)\[([^\[\]]+)\]\.([A-Za-z][\w$-]*)\s+(eq|ne|co|sw|ew|gt|ge|lt|le)\s+("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*$/i;

/**
 * Leniency (Entra): `emails[type eq "work"].value eq "x"`, the match query Entra's provisioning service sends (its
 * SCIM tutorial asks service providers to accept it), is read as `emails[type eq "work" and value eq "x"]`. RFC 7644
 * §3.4.2.2 has no `.sub` after a valuePath in a filter; docs/leniencies.md. Anything else is parsed as written.
 */
export function entraValuePathComparison(filter: string): string {
  const m = ENTRA_VALUE_PATH_COMPARISON.exec(filter);
  return m ? `${m[1]}[(${m[2]}) and ${m[3]} ${m[4]} ${m[5]}]` : filter;
}

/** Parses a list request's query parameters or a SearchRequest body. Throws ScimError 400. */
export function parseListQuery(params: URLSearchParams | Record<string, unknown>, ctx: ListQueryContext): ListQuery {
  const fromBody = !(params instanceof URLSearchParams);
  const raw: Raw = {};
  if (fromBody) {
    // RFC 7644 §3.4.3: the body is a SearchRequest whose "schemas" holds its message URN.
    if (!isPlainObject(params)) throw scimError.invalidSyntax('a SearchRequest body must be a JSON object (RFC 7644 §3.4.3)');
    const schemas = getMember(params, 'schemas');
    if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_URN.searchRequest.toLowerCase())) {
      throw scimError.invalidSyntax(`a SearchRequest's 'schemas' must contain '${SCHEMA_URN.searchRequest}' (RFC 7644 §3.4.3)`);
    }
    // RFC 7643 §2.1: member names are case-insensitive.
    for (const name of NAMES) {
      const v = getMember(params, name);
      if (v !== undefined && v !== null) raw[name] = v;
    }
  } else {
    for (const name of NAMES) {
      const v = params.get(name);
      if (v !== null) raw[name] = v;
    }
  }

  const query: ListQuery = {};
  if (raw.filter !== undefined) {
    // RFC 7644 §3.4.2.2: the filter is a string in the filter grammar; RFC 7644 §3.12: invalidFilter otherwise.
    if (typeof raw.filter !== 'string') throw scimError.invalidFilter(`'filter' must be a string`);
    const filter = parseFilter(entraValuePathComparison(raw.filter));
    validateFilter(filter, ctx);
    query.filter = filter;
  }
  if (raw.sortBy !== undefined) {
    query.sortBy = sortAttribute(raw.sortBy, ctx);
    // RFC 7644 §3.4.2.3: "If a value for 'sortBy' is provided and no 'sortOrder' is specified, 'sortOrder' SHALL default to ascending."
    query.sortOrder = 'ascending';
  }
  if (raw.sortOrder !== undefined) {
    // RFC 7644 §3.4.2.3: sortOrder is "ascending" or "descending".
    if (raw.sortOrder !== 'ascending' && raw.sortOrder !== 'descending') {
      throw scimError.invalidValue(`'sortOrder' must be "ascending" or "descending", got ${JSON.stringify(raw.sortOrder)}`);
    }
    if (query.sortBy) query.sortOrder = raw.sortOrder;
  }
  // RFC 7644 §3.4.2.4: startIndex and count.
  const paging = normalizePaging({ startIndex: pagingValue('startIndex', raw.startIndex), count: pagingValue('count', raw.count) }, { maxResults: ctx.maxResults });
  query.startIndex = paging.startIndex;
  query.count = paging.count;
  // RFC 7644 §3.4.2.5 (query: comma-separated) and §3.4.3 (SearchRequest: "a multi-valued list of strings").
  const attributes = attributeList('attributes', raw.attributes, fromBody);
  if (attributes) query.attributes = attributes;
  const excluded = attributeList('excludedAttributes', raw.excludedAttributes, fromBody);
  if (excluded) query.excludedAttributes = excluded;
  return query;
}

function sortAttribute(raw: unknown, ctx: ListQueryContext): AttrPath {
  if (typeof raw !== 'string') throw scimError.invalidValue(`'sortBy' must be an attribute name`);
  let path: AttrPath;
  try {
    path = parseAttrPath(raw);
  } catch (e) {
    if (isScimError(e)) throw scimError.invalidValue(`'sortBy': ${e.detail}`);
    throw e;
  }
  const resolved = resolvePath(path, ctx);
  // See the header: an unknown sortBy is refused rather than ignored.
  if (!resolved) throw scimError.invalidValue(`'sortBy' names '${raw}', which is not an attribute of ${ctx.resourceType}`);
  // RFC 7643 §2.2: a returned "never" attribute (password) must not leak through the order of results.
  if ((resolved.sub ?? resolved.attr).returned === 'never') throw scimError.invalidValue(`'sortBy' cannot name '${raw}': it is never returned`);
  return path;
}

function pagingValue(name: string, v: unknown): string | number | undefined {
  if (v === undefined || typeof v === 'string' || typeof v === 'number') return v;
  throw scimError.invalidValue(`'${name}' must be an integer`);
}

function attributeList(name: string, v: unknown, fromBody: boolean): AttrPath[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && !fromBody) return parseAttributeList(v);
  if (!fromBody || !Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw scimError.invalidValue(`'${name}' in a SearchRequest must be an array of attribute names (RFC 7644 §3.4.3)`);
  }
  return v.flatMap((s) => parseAttributeList(s));
}
