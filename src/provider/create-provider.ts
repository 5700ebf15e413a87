/**
 * The reference SCIM service provider as ONE fetch-style handler (Request -> Response), mounted by
 * `scimcheck serve`, by msw handlers, and called directly in tests. Every piece of state lives in the
 * object this returns, so several providers can share a process.
 */
import { ScimError, isScimError, scimError } from '../scim/errors.ts';
import { SchemaRegistry } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type ListQuery, type ScimResource } from '../scim/types.ts';
import { BAD_LOGIN_DELAY_MS, createAuthenticator } from './auth.ts';
import { handleBulk } from './bulk.ts';
import { parseAttributeList, parseListQuery, projectResource } from './core.ts';
import { createDiscovery, refuseDiscoveryFilter } from './discovery.ts';
import { FaultSet, droppingInvalidFilter, refuseOutOfRangePaging, resourceFromSearch } from './faults.ts';
import { dropGroupingParentheses } from './fault-filters.ts';
import {
  SCIM_CONTENT_TYPE,
  emptyResponse,
  errorResponse,
  jsonResponse,
  jsonTextResponse,
  readJsonObject,
  type BodyLimits,
  type ResponseStyle,
} from './http.ts';
import { listResources, listResponseText, withCaseExact } from './list.ts';
import { Mutex } from './mutex.ts';
import { compilePolicy, joinDefaultGroups, withPolicyDecision, withPolicyExtension } from './policy/index.ts';
import { DEFAULT_LIMITS, SMALL_MAX_RESULTS, normalizeBasePath, type ProviderLimits, type ProviderOptions } from './options.ts';
import { integerIds } from './id-issuer.ts';
import { labelAsPlainJson, prefersPlainJson } from './negotiation.ts';
import { declaresUserAttribute, variantRegistry } from './variant-schemas.ts';
import { VariantSet } from './variants.ts';
import { UsageError } from '../usage-error.ts';
import { scryptCost } from './password.ts';
import { ENDPOINT, derivedDropped, locationOf, present } from './present.ts';
import { ResourceService, etagMatches, newVersion, type Stored, type WriteResult } from './resources.ts';
import { answerToResponse, scimRequestFromFetch, type PlainGet, type ScimAnswer, type ScimRequest } from './scim-request.ts';
import { createFastLane } from './fast-lane.ts';
import { RenderCache, WriteCountingMemoryStore } from './render-cache.ts';
import { StateFile } from './state-file.ts';
import type { ResourceKind, ResourceStore } from './store.ts';

export interface Provider {
  /** Answers one HTTP request. Never rejects: unexpected failures become a generic 500 SCIM error. */
  fetch(req: Request): Promise<Response>;
  /** The same handler on the small request/answer pair the node mount uses (http-server.ts); never rejects either. */
  answer(req: ScimRequest): Promise<ScimAnswer>;
  /**
   * The fast lane (fast-lane.ts): a plain GET by id or `attr eq "v"` answered at once from the render cache, or
   * undefined when `answer` must take it. Absent while the render cache is off (a fault, a custom store).
   */
  answerNow?(get: PlainGet): ScimAnswer | undefined;
  store: ResourceStore;
  /** The base path the endpoints live under, e.g. '/scim/v2'. */
  basePath: string;
  /** Waits for pending state writes; the provider answers 503 afterwards. */
  close(): Promise<void>;
}

// A Map, not an object literal: a path segment like 'constructor' must not find a prototype member.
const KINDS = new Map<string, ResourceKind>([
  ['Users', 'User'],
  ['Groups', 'Group'],
]);
const DISCOVERY = new Set(['ServiceProviderConfig', 'Schemas', 'ResourceTypes']);

function methodNotAllowed(method: string, allow: string[]): ScimError {
  const e = scimError.methodNotAllowed(`${method} is not supported here; allowed: ${allow.join(', ')}`);
  (e as ScimError & { allow?: string }).allow = allow.join(', ');
  return e;
}

export function createProvider(options: ProviderOptions = {}): Provider {
  const basePath = normalizeBasePath(options.basePath);
  const faults = new FaultSet(options.faults ?? []);
  const variants = new VariantSet(options.variants ?? []);
  if (variants.has('integer-ids') && options.statePath) {
    // RFC 7643 §3.1: an id is never reassigned; the sequence lives in memory, so a restart could reissue a deleted one.
    throw new UsageError("the variant 'integer-ids' cannot be combined with --state: its id sequence is not persisted, and a restart could reissue a deleted id (RFC 7643 §3.1)");
  }
  const limits: ProviderLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // RFC 7644 §3.4.2.4: the provider sets the most results per page; the variant's 10 is shown in the SPC too.
  if (variants.has('small-max-results')) limits.maxResults = Math.min(limits.maxResults, SMALL_MAX_RESULTS);
  const policyRules = options.policy ? compilePolicy(options.policy) : undefined;
  // Variants may cut down or tighten the schemas (variant-schemas.ts); every later reader sees the result.
  const specRegistry = variantRegistry(SchemaRegistry.fromSpecs(), variants);
  // The policy extension is advertised only when a policy is active (RFC 7644 §4: discovery says what this instance does).
  const registry = policyRules ? withPolicyExtension(specRegistry) : specRegistry;
  // minimal-schema declares no User.groups: it is then neither computed nor returned (RFC 7643 §2.2 "returned").
  const userGroupsDeclared = declaresUserAttribute(registry, 'groups');
  // Under a case fault the filter evaluator sees caseExact=true where the fault says so.
  const filterRegistry = faults.has('filter-case-sensitive')
    ? withCaseExact(registry, () => true)
    : faults.has('username-case-sensitive')
      ? withCaseExact(registry, (urn, name) => urn === SCHEMA_URN.user && name === 'userName')
      : registry;
  // The provider's own store counts its writes, which the render cache needs to stay exact.
  const store = options.store ?? new WriteCountingMemoryStore();
  // A fault may reshape an answer per request (an echoed password, a dropped id): no cache then.
  const renderCacheChars = options.renderCacheChars ?? 8 * 1024 * 1024;
  const renderCache =
    store instanceof WriteCountingMemoryStore && (options.faults ?? []).length === 0 && renderCacheChars > 0 ? new RenderCache(store, renderCacheChars) : undefined;
  const auth = createAuthenticator(options.auth ?? {});
  const authSchemes: ('bearer' | 'basic')[] = [];
  if ((options.auth?.tokens?.length ?? 0) > 0 || (options.auth?.basic?.length ?? 0) === 0) authSchemes.push('bearer');
  if ((options.auth?.basic?.length ?? 0) > 0) authSchemes.push('basic');
  const discovery = createDiscovery(registry, limits, authSchemes);
  const style: ResponseStyle = {
    contentType: faults.has('content-type-json') ? 'application/json; charset=utf-8' : SCIM_CONTENT_TYPE,
    errorContentType: faults.has('errors-plain-text')
      ? 'text/plain; charset=utf-8'
      : faults.has('content-type-json')
        ? 'application/json; charset=utf-8'
        : SCIM_CONTENT_TYPE,
  };
  const bodyLimits: BodyLimits = { maxBodyBytes: limits.maxBodyBytes, maxDepth: limits.maxJsonDepth };
  const bulkBodyLimits: BodyLimits = { maxBodyBytes: limits.bulkMaxPayloadSize, maxDepth: limits.maxJsonDepth };
  // One write lock for the service and the state file: undoing a failed journal write never interleaves with a write.
  const writeLock = new Mutex();
  const stateFile = options.statePath ? new StateFile(options.statePath, store, { writeLock, recover: options.stateRecover, onNotice: options.onNotice }) : undefined;
  const initialSnapshot = stateFile?.initial;
  const ready: Promise<void> = initialSnapshot ? store.load(initialSnapshot) : Promise.resolve();
  // Without a state file there is nothing to wait for: no await (one promise hop) per request.
  const readyAtOnce = initialSnapshot === undefined;
  let closed = false;
  let loaded = readyAtOnce;
  if (!loaded) void ready.then(() => (loaded = true), () => undefined);

  const service = new ResourceService({
    registry,
    store,
    faults,
    lock: writeLock,
    uniqueGroupDisplayName: options.uniqueGroupDisplayName ?? true,
    passwordCost: scryptCost(options.passwordHashCost),
    afterWrite: async () => {
      if (stateFile) await stateFile.save();
    },
    // disable-on-delete is the policy's `deprovision: disable` path itself, and wins over a policy's `delete`.
    deprovision: variants.has('disable-on-delete') ? 'disable' : options.policy?.deprovision,
    afterUserCreate: options.policy?.defaultGroups?.length
      ? (id) => joinDefaultGroups(store, id, options.policy!.defaultGroups!, () => newVersion(variants.has('weak-etags')))
      : undefined,
    newId: variants.has('integer-ids') ? integerIds(store) : undefined,
    weakEtags: variants.has('weak-etags'),
  });

  /** The wire form before projection; with a policy, Users carry its decision, computed at read time. */
  async function view(kind: ResourceKind, r: Stored, baseUrl: string, omit?: ReadonlySet<'members' | 'groups'>): Promise<ScimResource> {
    // The policy decides from group names even where the schema declares no User.groups (minimal-schema).
    const out = await present(kind, r, { store, faults, baseUrl, omit, userGroups: userGroupsDeclared || policyRules !== undefined });
    const decided = policyRules && kind === 'User' ? withPolicyDecision(out, policyRules) : out;
    if (!userGroupsDeclared) delete decided.groups;
    return decided;
  }

  /** ?attributes / ?excludedAttributes (RFC 7644 §3.9), parsed; a bad list is 400 invalidValue. */
  function projectionQuery(url: URL) {
    const attributes = faults.has('attributes-ignored') ? null : url.searchParams.get('attributes');
    const excluded = faults.has('excluded-attributes-ignored') ? null : url.searchParams.get('excludedAttributes');
    return {
      attributes: attributes !== null ? parseAttributeList(attributes) : undefined,
      excludedAttributes: excluded !== null ? parseAttributeList(excluded) : undefined,
    };
  }

  /** The wire form of one resource, shaped by ?attributes / ?excludedAttributes (RFC 7644 §3.4.2.5, §3.9). */
  async function render(kind: ResourceKind, r: Stored, baseUrl: string, url: URL, echoedPassword?: string): Promise<ScimResource> {
    const query = projectionQuery(url);
    const ctx = { registry, resourceType: kind };
    // A member list the projection drops is not rendered (a PATCH with ?attributes=id on a 10k-member group).
    const presented = await view(kind, r, baseUrl, derivedDropped(kind, query, ctx));
    // Always projected: it also drops returned "never" / "request" attributes (RFC 7643 §2.2).
    const shaped = projectResource(presented, query, ctx);
    // Fault excluded-id-dropped: excludedAttributes is applied to `id` too, though it is returned "always".
    if (faults.has('excluded-id-dropped') && query.excludedAttributes?.some((p) => !p.subAttr && p.attr.toLowerCase() === 'id')) delete shaped.id;
    // RFC 7643 §3: schemas is REQUIRED on every resource; the fault's projection keeps only what was named.
    if (faults.has('schemas-dropped-by-projection') && (query.attributes || query.excludedAttributes)) delete shaped.schemas;
    if (faults.has('password-echoed')) {
      const echoed = echoedPassword ?? r.password;
      if (echoed !== undefined) shaped.password = echoed;
    }
    return shaped;
  }

  /**
   * The JSON text of one resource's answer, as `render` makes it; its default form (no ?attributes /
   * ?excludedAttributes, RFC 7644 §3.9) is remembered in the render cache and served from it while no write
   * has happened since (render-cache.ts).
   */
  async function renderText(kind: ResourceKind, r: Stored, baseUrl: string, url: URL, echoedPassword?: string): Promise<string> {
    if (!cacheableQuery(url)) return JSON.stringify(await render(kind, r, baseUrl, url, echoedPassword));
    return renderCache!.get(kind, r, baseUrl) ?? defaultText(kind, r, baseUrl, undefined);
  }

  /** The default answer (no ?attributes / ?excludedAttributes), which the render cache holds, while it is on. */
  function cacheableQuery(url: URL): boolean {
    return renderCache !== undefined && (url.search === '' || (!url.searchParams.has('attributes') && !url.searchParams.has('excludedAttributes')));
  }

  /**
   * Renders a resource's default answer (no projection asked, RFC 7644 §3.9; the render cache is off under
   * any fault, so none applies) and remembers it. `presented` is its wire form if a list filter built it.
   */
  async function defaultText(kind: ResourceKind, r: Stored, baseUrl: string, presented: ScimResource | undefined): Promise<string> {
    const stamp = renderCache!.stamp();
    // Always projected, as render() does: it drops returned "never" / "request" attributes (RFC 7643 §2.2).
    const shaped = projectResource(presented ?? (await view(kind, r, baseUrl)), {}, { registry, resourceType: kind });
    const text = JSON.stringify(shaped);
    renderCache!.put(kind, r, baseUrl, stamp, text);
    return text;
  }

  /** RFC 7644 §3.14: every single-resource response carries the version as ETag. */
  function renderedResponse(status: number, text: string, version: string | undefined, extra: Record<string, string> = {}): ScimAnswer {
    return jsonTextResponse(style, status, text, version && !faults.has('etag-header-missing') ? { ...extra, ETag: version } : extra);
  }

  /** RFC 7644 §3.14: every single-resource response carries the version as ETag. */
  function resourceResponse(status: number, body: ScimResource, version: string | undefined, extra: Record<string, string> = {}): ScimAnswer {
    const headers: Record<string, string> = { ...extra };
    if (version && !faults.has('etag-header-missing')) headers.ETag = version;
    return jsonResponse(style, status, body, headers);
  }

  async function handleResource(req: ScimRequest, url: URL, baseUrl: string, kind: ResourceKind, id: string): Promise<ScimAnswer> {
    const pre = { ifMatch: req.headers.get('if-match') };
    switch (req.method) {
      case 'GET': {
        const r = await service.get(kind, id);
        const version = r.meta?.version;
        // RFC 7644 §3.14: If-None-Match naming the current version answers 304 without a body.
        const inm = req.headers.get('if-none-match');
        // Fault if-none-match-always-304: the header's presence is taken for a match.
        if (inm !== null && (faults.has('if-none-match-always-304') || etagMatches(inm, version))) return emptyResponse(style, 304, version ? { ETag: version } : {});
        // A cache hit is answered without another async step (issue 11 "Honest benchmarks": promise hops per GET).
        const hit = cacheableQuery(url) ? renderCache!.get(kind, r, baseUrl) : undefined;
        return renderedResponse(200, hit ?? (await renderText(kind, r, baseUrl, url)), version);
      }
      case 'PUT': {
        const body = await readJsonObject(req, bodyLimits);
        const res = await service.replace(kind, id, body, pre);
        // RFC 7644 §3.5.1: 200 with the resource as now stored.
        return renderedResponse(200, await renderText(kind, res.resource, baseUrl, url, res.echoedPassword), res.resource.meta?.version);
      }
      case 'PATCH': {
        const body = await readJsonObject(req, bodyLimits);
        const res = await service.patch(kind, id, body, pre);
        if (faults.has('empty-patch-body')) return emptyResponse(style, 200);
        // RFC 7644 §3.5.2: 204 with the response headers (ETag) is allowed, but "attributes" MUST get 200 and the resource.
        if (variants.has('patch-204') && !url.searchParams.has('attributes')) {
          const version = res.resource.meta?.version;
          return emptyResponse(style, 204, version ? { ETag: version } : {});
        }
        // RFC 7644 §3.5.2: 200 with the resource (honouring ?attributes), or 204; we always return it.
        return renderedResponse(200, await renderText(kind, res.resource, baseUrl, url, res.echoedPassword), res.resource.meta?.version);
      }
      case 'DELETE':
        await service.delete(kind, id, pre);
        // RFC 7644 §3.6: 204 No Content.
        return emptyResponse(style, faults.has('delete-returns-200') ? 200 : 204);
      default:
        throw methodNotAllowed(req.method, ['GET', 'PUT', 'PATCH', 'DELETE']);
    }
  }

  async function created(res: WriteResult, kind: ResourceKind, baseUrl: string, url: URL): Promise<ScimAnswer> {
    // Fault: the answer is built from the record before its id was read back, so `${id}` renders "undefined".
    const idLost = faults.has('location-undefined');
    const location = idLost ? `${baseUrl}${ENDPOINT[kind]}/undefined` : locationOf(baseUrl, kind, res.resource.id);
    const headers: Record<string, string> = {};
    // RFC 7644 §3.3: 201 Created with Location equal to meta.location.
    if (!faults.has('location-missing')) headers.Location = faults.has('location-is-collection') ? `${baseUrl}${ENDPOINT[kind]}` : location;
    const status = faults.has('create-returns-200') ? 200 : 201;
    if (!idLost) return renderedResponse(status, await renderText(kind, res.resource, baseUrl, url, res.echoedPassword), res.resource.meta?.version, headers);
    const body = await render(kind, res.resource, baseUrl, url, res.echoedPassword);
    delete body.id;
    body.meta = { ...body.meta, location };
    return resourceResponse(status, body, res.resource.meta?.version, headers);
  }

  const listContext = {
    registry,
    filterRegistry,
    store,
    faults,
    variants,
    maxResults: limits.maxResults,
  };

  async function list(kinds: ResourceKind[], source: URLSearchParams | Record<string, unknown>, baseUrl: string): Promise<ScimAnswer> {
    if (faults.has('parentheses-ignored')) source = withoutGrouping(source);
    if (faults.has('paging-out-of-range-refused')) refuseOutOfRangePaging(source);
    // RFC 7644 §3.4.3: at the root the query only has to make sense for one of the resource types;
    // listResources then skips the types the filter does not fit.
    let query: ListQuery | undefined;
    let firstError: unknown;
    for (const kind of kinds) {
      try {
        query = parseListQuery(source, { registry, resourceType: kind, maxResults: limits.maxResults });
        break;
      } catch (err) {
        firstError ??= err;
      }
    }
    if (!query) {
      // Fault invalid-filter-ignored: a filter refused as invalidFilter is dropped and everything listed.
      const unfiltered = faults.has('invalid-filter-ignored') ? droppingInvalidFilter(source, firstError) : undefined;
      if (unfiltered) return list(kinds, unfiltered, baseUrl);
      throw firstError;
    }
    // No projection asked: each resource's text comes from the render cache (list.ts listResponseText).
    if (renderCache !== undefined && !query.attributes && !query.excludedAttributes) {
      const text = await listResponseText(kinds, query, {
        ...listContext,
        present: (kind, r) => view(kind, r, baseUrl),
        resourceText: (kind, r, presented) => Promise.resolve(renderCache.get(kind, r, baseUrl) ?? defaultText(kind, r, baseUrl, presented)),
      });
      return jsonTextResponse(style, 200, text);
    }
    const body = await listResources(kinds, query, {
      ...listContext,
      present: (kind, r) => view(kind, r, baseUrl),
    });
    // Fault no-match-404 (RFC 7644 §3.4.2: no match is 200 with totalResults 0): an empty result is "not found".
    if (faults.has('no-match-404') && query.filter && body.totalResults === 0) throw scimError.notFound('no resource matches the filter');
    // Fault (RFC 7643 §3, schemas REQUIRED): a /.search answer, or a projected list, leaves schemas out.
    if (faults.has('schemas-dropped-by-projection') && (!(source instanceof URLSearchParams) || query.attributes || query.excludedAttributes)) {
      for (const r of body.Resources ?? []) delete r.schemas;
    }
    return jsonResponse(style, 200, body);
  }

  /** Fault parentheses-ignored: the query's filter as a parser that drops grouping reads it. */
  function withoutGrouping(source: URLSearchParams | Record<string, unknown>): URLSearchParams | Record<string, unknown> {
    if (source instanceof URLSearchParams) {
      const filter = source.get('filter');
      if (filter === null) return source;
      const copy = new URLSearchParams(source);
      copy.set('filter', dropGroupingParentheses(filter));
      return copy;
    }
    return typeof source.filter === 'string' ? { ...source, filter: dropGroupingParentheses(source.filter) } : source;
  }

  /** no-search variant: POST /.search is an operation this provider does not support (RFC 7644 §3.12: 501). */
  function refuseSearchUnderVariant(): void {
    if (variants.has('no-search')) throw scimError.notImplemented('POST /.search is not supported by this service provider: query with GET and ?filter= (RFC 7644 §3.4.2)');
  }

  async function route(req: ScimRequest, url: URL, segments: string[], baseUrl: string): Promise<ScimAnswer> {
    const [first, second, ...rest] = segments;
    const method = req.method;
    if (first === undefined) throw scimError.notFound('No SCIM endpoint at the base URL itself');

    if (DISCOVERY.has(first)) {
      // RFC 7644 §4: discovery is read-only; writes are 405.
      if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
      refuseDiscoveryFilter(url);
      if (first === 'ServiceProviderConfig') {
        if (second !== undefined) throw scimError.notFound('ServiceProviderConfig has no sub-resources');
        return jsonResponse(style, 200, discovery.serviceProviderConfig(baseUrl));
      }
      if (rest.length > 0) throw scimError.notFound(`No such path under /${first}`);
      if (first === 'Schemas') return jsonResponse(style, 200, second === undefined ? discovery.schemas(baseUrl) : discovery.schema(baseUrl, second));
      return jsonResponse(style, 200, second === undefined ? discovery.resourceTypes(baseUrl) : discovery.resourceType(baseUrl, second));
    }

    // RFC 7644 §3.11: /Me is optional; this provider has no authenticated-subject mapping, so 501.
    if (first === 'Me') throw scimError.notImplemented('/Me is not supported by this service provider');

    if (first === '.search' && second === undefined) {
      if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
      refuseSearchUnderVariant();
      // RFC 7644 §3.4.3: a search at the root covers every resource type.
      return list(['User', 'Group'], await readJsonObject(req, bodyLimits), baseUrl);
    }

    if (first === 'Bulk' && second === undefined) {
      if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
      const body = await readJsonObject(req, bulkBodyLimits);
      const out = await handleBulk(body, { service, faults, variants, limits, baseUrl, onInternalError: (err) => options.onInternalError?.(err, req.toRequest()) });
      return jsonResponse(style, 200, out);
    }

    const kind = KINDS.get(first);
    if (!kind) throw scimError.notFound(`No endpoint /${first}`);
    // Issue 11 #4: the parameters that shape a write's answer (RFC 7644 §3.9) are checked before the write, so a 400 never follows a committed change.
    const writes = second === undefined ? method === 'POST' : second !== '.search' && (method === 'PUT' || method === 'PATCH');
    if (writes) projectionQuery(url);
    if (second === undefined) {
      if (method === 'GET') return list([kind], url.searchParams, baseUrl);
      if (method === 'POST') return created(await service.create(kind, await readJsonObject(req, bodyLimits)), kind, baseUrl, url);
      throw methodNotAllowed(method, ['GET', 'POST']);
    }
    if (rest.length > 0) throw scimError.notFound(`No such path /${segments.join('/')}`);
    if (second === '.search') {
      if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
      refuseSearchUnderVariant();
      // Fault: the create route also matches {endpoint}/.search (RFC 7644 §3.4.3 makes it a query).
      if (faults.has('search-creates')) return created(await service.create(kind, resourceFromSearch(kind)), kind, baseUrl, url);
      // RFC 7644 §3.4.3: POST {endpoint}/.search queries one resource type.
      return list([kind], await readJsonObject(req, bodyLimits), baseUrl);
    }
    return handleResource(req, url, baseUrl, kind, second);
  }

  async function handle(req: ScimRequest): Promise<ScimAnswer> {
    if (!readyAtOnce) await ready;
    if (closed) return errorResponse(style, new ScimError(503, 'The service provider is shutting down'));
    const url = new URL(req.url);
    const pathname = url.pathname;
    const path = pathname.endsWith('/') ? pathname.replace(/\/+$/, '') : pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) {
      return errorResponse(style, scimError.notFound(`No SCIM endpoint at ${url.pathname} (base path is ${basePath})`));
    }
    let segments: string[];
    try {
      segments = [];
      // Empty segments dropped; only a segment with an escape needs decoding (one array, no closures per request).
      for (const part of path.slice(basePath.length).split('/')) if (part !== '') segments.push(part.includes('%') ? decodeURIComponent(part) : part);
    } catch {
      return errorResponse(style, scimError.notFound('Malformed path'));
    }
    // RFC 7644 §4 lets discovery be public; everything else (and, by default, discovery too) needs credentials.
    const publicRequest = options.publicDiscovery === true && req.method === 'GET' && segments.length > 0 && DISCOVERY.has(segments[0]!);
    if (!publicRequest && !faults.has('auth-not-enforced')) {
      try {
        auth.check(req);
      } catch (err) {
        // RFC 7644 §2 / RFC 7235 §3.1: 401 carries a WWW-Authenticate challenge.
        const e = isScimError(err) ? err : scimError.unauthorized();
        // slow-bad-login variant: a wrong or missing credential waits before its 401, as anti-brute-force servers do.
        if (variants.has('slow-bad-login')) await new Promise((resolve) => setTimeout(resolve, BAD_LOGIN_DELAY_MS));
        return errorResponse(style, e, faults.has('www-authenticate-missing') ? {} : { 'WWW-Authenticate': auth.challenge() });
      }
    }
    const baseUrl = `${url.origin}${basePath}`;
    try {
      return await route(req, url, segments, baseUrl);
    } catch (err) {
      if (isScimError(err)) {
        const allow = (err as ScimError & { allow?: string }).allow;
        return errorResponse(style, err, allow ? { Allow: allow } : {});
      }
      throw err;
    }
  }

  async function answer(req: ScimRequest): Promise<ScimAnswer> {
    try {
      const res = await handle(req);
      // json-when-accepted variant: the label follows the client's Accept (RFC 7644 §3.8); the body is the same JSON.
      return variants.has('json-when-accepted') && prefersPlainJson(req.headers.get('accept')) ? labelAsPlainJson(res) : res;
    } catch (err) {
      // A bug, never bad input: a generic SCIM error without a stack trace (RFC 7644 §3.12).
      try {
        options.onInternalError?.(err, req.toRequest());
      } catch {
        // A failing logger must not turn a 500 into a rejected promise.
      }
      return errorResponse(style, new ScimError(500, 'Internal server error'));
    }
  }

  // json-when-accepted labels an answer by the request's Accept, which the lane does not read: no lane then.
  const answerNow =
    renderCache !== undefined && store instanceof WriteCountingMemoryStore && !variants.has('json-when-accepted')
      ? createFastLane({
          basePath,
          registry,
          filterRegistry,
          store,
          renderCache,
          auth,
          style,
          maxResults: limits.maxResults,
          isOpen: () => loaded && !closed,
          listLane: !variants.has('empty-list-no-resources'),
        })
      : undefined;

  return {
    basePath,
    store,
    answer,
    ...(answerNow ? { answerNow } : {}),
    async fetch(req: Request): Promise<Response> {
      return answerToResponse(await answer(scimRequestFromFetch(req)));
    },
    async close(): Promise<void> {
      closed = true;
      await stateFile?.settle();
    },
  };
}
