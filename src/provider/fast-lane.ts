/**
 * The provider's fast lane: the two reads an IdP makes most — `GET /Users/{id}` and `GET /Users?filter=userName eq
 * "x"` (Okta and Entra send the filter before every create, and Okta adds startIndex/count) — answered without
 * any async step, straight from the render cache (render-cache.ts), when the request is plain. Issue 11
 * "Honest benchmarks": the general path spends ~7 µs (GET by id) and ~21 µs (`eq`) in promise hops, URL and
 * query parsing, and the general filter parser on these; here they cost a string scan and two Map reads.
 *
 * The lane never decides anything the general path would decide differently. It answers only a request it can
 * read completely and only from what the general path itself produced (a render-cache hit); for everything
 * else — an escape or dot segment in the path, any other query parameter, a filter not in the one plain form,
 * an If-None-Match, a failed credential, an unknown id, a cache miss, a provider still loading or closing — it
 * answers `undefined` and the request takes `provider.answer` as before. The filter's meaning comes from the
 * same code the general path runs: which attributes qualify is decided at start by the real parser, validator
 * and index planner on `attr eq "x"`, and the comparison is the evaluator's own (compileEqualityWithLateOperand);
 * test/provider/fast-lane.test.ts holds the two paths byte-equal over generated requests.
 */
import { SchemaRegistry } from '../scim/schema-registry.ts';
import { compileEqualityWithLateOperand, parseFilter, validateFilter } from '../scim/filter/index.ts';
import { normalizePaging, pageOf } from '../scim/paging.ts';
import type { ScimResource } from '../scim/types.ts';
import type { Authenticator } from './auth.ts';
import { jsonTextResponse, type ResponseStyle } from './http.ts';
import { indexableEquality, listTextAround, plainEnvelope, readsOnlyVerbatim } from './list.ts';
// A Host the general path takes as written (no URL parse that could refuse it).
import { PLAIN_HOST } from './node-request.ts';
import type { RenderCache, WriteCountingMemoryStore } from './render-cache.ts';
import type { PlainGet, ScimAnswer } from './scim-request.ts';
import type { IndexedAttr, ResourceKind } from './store.ts';

export interface FastLaneDeps {
  basePath: string;
  registry: SchemaRegistry;
  /** The registry filters are evaluated with (the fast lane exists only without faults, so the strict one). */
  filterRegistry: SchemaRegistry;
  store: WriteCountingMemoryStore;
  renderCache: RenderCache;
  auth: Authenticator;
  style: ResponseStyle;
  maxResults: number;
  /** False while a --state file is loading and once the provider is closing (the general path answers then). */
  isOpen(): boolean;
  /** The eq lane is off under variants that shape a list answer (empty-list-no-resources). */
  listLane: boolean;
}

const ENDPOINTS: readonly [string, ResourceKind][] = [
  ['Users', 'User'],
  ['Groups', 'Group'],
];
const INDEXED: Record<ResourceKind, IndexedAttr[]> = { User: ['userName', 'externalId'], Group: ['displayName', 'externalId'] };

/**
 * An id the lane takes: unreserved characters only (RFC 3986 §2.3) and not starting with '.', so no escape to
 * decode and no dot segment ('.', '..') or '.search' that URL parsing or routing would treat otherwise.
 */
const PLAIN_ID = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
/** A query the lane can split by itself: printable ASCII, no '#' (a fragment the URL parser would cut off). */
const PLAIN_QUERY = /^[!"$-~]*$/;
/** A base path the request target spells exactly as the URL parser leaves it (no escapes, no dot segments). */
const PLAIN_BASE_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/;
const MAX_ORIGINS = 64;

interface EqAttr {
  attr: IndexedAttr;
  matches: (record: ScimResource, value: string) => boolean;
}

/** `attr eq "x"` as the general path plans it: valid, index-narrowed on `attr`, decided on the stored record. */
function eqAttrsOf(kind: ResourceKind, deps: FastLaneDeps): Map<string, EqAttr> {
  const out = new Map<string, EqAttr>();
  for (const attr of INDEXED[kind]) {
    try {
      const node = parseFilter(`${attr} eq "x"`);
      validateFilter(node, { registry: deps.registry, resourceType: kind });
      if (node.op !== 'eq' || indexableEquality(node, kind)?.attr !== attr || !readsOnlyVerbatim(node, kind)) continue;
      out.set(attr.toLowerCase(), { attr, matches: compileEqualityWithLateOperand(node.path, { registry: deps.filterRegistry, resourceType: kind }) });
    } catch {
      // Not declared here (minimal-schema has no externalId on Groups, say): the general path answers its 400.
    }
  }
  return out;
}

/** URLSearchParams' decoding for the inputs decodeURIComponent takes; undefined where they might differ. */
function decodeParam(text: string): string | undefined {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.includes('+') ? text.replaceAll('+', ' ') : text);
  } catch {
    return undefined;
  }
}

/**
 * The one filter form, read from the raw parameter: `attr eq "value"` with single spaces (written `%20` or `+`)
 * and its quotes (`%22` or `"`). The parts split at whole escapes, so decoding the value alone gives what decoding
 * the whole parameter gives there; a name or operator written with escapes is left to the general path.
 */
const RAW_EQ = /^([A-Za-z]+)(?:%20|\+)[eE][qQ](?:%20|\+)(?:%22|")(.*)(?:%22|")$/;
/** A decoded value the filter lexer reads back unchanged: no quote, backslash or control character (JSON). */
const PLAIN_VALUE = /^[^"\\\u0000-\u001f]*$/;

interface EqQuery {
  attr: string;
  value: string;
  startIndex?: string;
  count?: string;
}

/**
 * `filter=attr eq "v"`, with startIndex and count (Okta's form), each at most once and nothing else, as the
 * general path's URLSearchParams would read them; undefined for any other query.
 */
function eqQuery(query: string): EqQuery | undefined {
  let filter: string | undefined;
  let startIndex: string | undefined;
  let count: string | undefined;
  for (let from = 0; from <= query.length; ) {
    let to = query.indexOf('&', from);
    if (to < 0) to = query.length;
    const eq = query.indexOf('=', from);
    if (eq < 0 || eq > to) return undefined;
    const name = query.slice(from, eq);
    const raw = query.slice(eq + 1, to);
    if (name === 'filter' && filter === undefined) filter = raw;
    else if (name === 'startIndex' && startIndex === undefined) startIndex = decodeParam(raw) ?? '?';
    else if (name === 'count' && count === undefined) count = decodeParam(raw) ?? '?';
    else return undefined;
    from = to + 1;
  }
  const form = filter === undefined ? null : RAW_EQ.exec(filter);
  const value = form ? decodeParam(form[2]!) : undefined;
  if (value === undefined || !PLAIN_VALUE.test(value)) return undefined;
  return { attr: form![1]!, value, startIndex, count };
}

/** Builds the lane: `(get) => answer`, or undefined when the general path must answer. Never throws. */
export function createFastLane(deps: FastLaneDeps): (get: PlainGet) => ScimAnswer | undefined {
  if (!PLAIN_BASE_PATH.test(deps.basePath)) return () => undefined;
  const eqAttrs: Record<ResourceKind, Map<string, EqAttr>> = { User: eqAttrsOf('User', deps), Group: eqAttrsOf('Group', deps) };
  const prefixes = ENDPOINTS.map(([endpoint, kind]) => [`${deps.basePath}/${endpoint}`, kind] as const);
  // The base URL a Host gives, as the general path derives it (new URL(...).origin normalises e.g. 2130706433).
  const baseUrls = new Map<string, string>();
  let authorization: string | null = null;
  // Reused for every check: the lane is synchronous, so no other request can be reading it meanwhile.
  const credentials = { headers: { get: (name: string) => (name === 'authorization' ? authorization : null) } };

  function baseUrlOf(get: PlainGet): string | undefined {
    const key = get.secure ? `s ${get.host}` : get.host;
    let base = baseUrls.get(key);
    if (base === undefined) {
      if (!PLAIN_HOST.test(get.host)) return undefined;
      if (baseUrls.size >= MAX_ORIGINS) baseUrls.clear();
      base = deps.renderCache.baseUrl(`${new URL(`${get.secure ? 'https' : 'http'}://${get.host}/`).origin}${deps.basePath}`);
      baseUrls.set(key, base);
    }
    return base;
  }

  function authorized(get: PlainGet): boolean {
    authorization = get.authorization;
    try {
      deps.auth.check(credentials);
      return true;
    } catch {
      // A 401 (and the slow-bad-login variant's delay) is the general path's to give.
      return false;
    } finally {
      authorization = null;
    }
  }

  /** RFC 7644 §3.4.1 and §3.14: the resource with its version as ETag, as handleResource answers a GET. */
  function byId(kind: ResourceKind, id: string, baseUrl: string): ScimAnswer | undefined {
    if (!PLAIN_ID.test(id)) return undefined;
    const record = deps.store.getNow(kind, id);
    const text = record && deps.renderCache.get(kind, record, baseUrl);
    if (text === undefined) return undefined;
    const version = record!.meta?.version;
    return jsonTextResponse(deps.style, 200, text, version ? { ETag: version } : {});
  }

  /** RFC 7644 §3.4.2: `attr eq "v"` over the store's index, paged (§3.4.2.4), as listResponseText answers it. */
  function byEquality(kind: ResourceKind, query: string, baseUrl: string): ScimAnswer | undefined {
    if (!deps.listLane || !PLAIN_QUERY.test(query)) return undefined;
    const params = eqQuery(query);
    const eq = params && eqAttrs[kind].get(params.attr.toLowerCase());
    if (!eq) return undefined;
    const value = params!.value;
    let paging: { startIndex: number; count: number };
    try {
      // A startIndex or count that does not decode reads '?' here: not an integer, so the general path answers it.
      paging = normalizePaging({ startIndex: params!.startIndex, count: params!.count }, { maxResults: deps.maxResults });
    } catch {
      return undefined;
    }
    const matched: (ScimResource & { id: string })[] = [];
    // The index's candidates in the order store.lookup gives them, with their current records (store.ts).
    for (const record of deps.store.lookupNow(kind, eq.attr, value)?.values() ?? []) if (eq.matches(record, value)) matched.push(record);
    const texts: string[] = [];
    for (const record of pageOf(matched, paging.startIndex, paging.count)) {
      const text = deps.renderCache.get(kind, record, baseUrl);
      if (text === undefined) return undefined;
      texts.push(text);
    }
    return jsonTextResponse(deps.style, 200, listTextAround(plainEnvelope(matched.length, paging.startIndex, texts.length), texts));
  }

  return (get) => {
    try {
      if (!deps.isOpen()) return undefined;
      const q = get.target.indexOf('?');
      const path = q < 0 ? get.target : get.target.slice(0, q);
      for (const [prefix, kind] of prefixes) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length);
        // GET /Users/{id} with no query, or GET /Users?filter=...: anything else is the general path's.
        const lane = rest.length > 1 && rest[0] === '/' && q < 0 ? 'id' : rest === '' && q >= 0 ? 'eq' : undefined;
        if (lane === undefined) return undefined;
        const baseUrl = baseUrlOf(get);
        if (baseUrl === undefined || !authorized(get)) return undefined;
        return lane === 'id' ? byId(kind, rest.slice(1), baseUrl) : byEquality(kind, get.target.slice(q + 1), baseUrl);
      }
      return undefined;
    } catch {
      // Never an answer of its own: whatever went wrong, the general path answers (and reports it).
      return undefined;
    }
  };
}
