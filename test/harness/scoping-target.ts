/**
 * Test targets for the scoping and payload tests: the reference provider behind a wrapper that makes one
 * RFC-legal choice about filters (only some features; others 400 invalidFilter, RFC 7644 §3.12) or about its
 * User schema (publishes fewer attributes and refuses writes that carry others, 400 invalidValue), or one
 * deliberate mistake (an operator that behaves like another). In-process, through the provider's fetch handler.
 */
import { createProvider } from '../../src/provider/create-provider.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { discover } from '../../src/harness/discovery.ts';
import { createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { runSuites } from '../../src/harness/runner.ts';
import type { Check, CheckResult } from '../../src/harness/check.ts';
import { FILTER_FEATURES, filterFeatures, type FilterFeature } from '../../src/harness/checks/support/filter-support.ts';

const TOKEN = 'scoping-test-token';
const BASE = 'http://target.test/scim/v2';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

export interface TargetShape {
  /** Filter features the target accepts; any other is 400 invalidFilter. Default: all. */
  features?: readonly FilterFeature[];
  /** An operator answered as if it were another (a bug): `{ co: 'sw' }`. */
  confused?: Partial<Record<FilterFeature, FilterFeature>>;
  /** User attributes the published schema keeps (top-level names); the target refuses writes carrying others. */
  userAttributes?: readonly string[];
  /** User attributes the schema marks required besides userName. */
  required?: readonly string[];
  /** Refuse to create a user without emails although the schema says emails is optional. */
  insistOnEmails?: boolean;
  /** RFC-legal choices of the reference provider itself (src/provider/variants.ts). */
  variants?: string[];
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/scim+json' } });
const refuse = (status: number, scimType: string, detail: string) => json(status, { schemas: [ERROR], status: String(status), scimType, detail });

/** Top-level attribute names a write carries (PATCH: the first segment of each path, or the keys of a no-path value). */
function writtenAttributes(method: string, body: any): string[] {
  if (!body || typeof body !== 'object') return [];
  if (method === 'PATCH') {
    const out: string[] = [];
    for (const op of Array.isArray(body.Operations) ? body.Operations : []) {
      if (typeof op?.path === 'string') out.push(op.path.split(/[.[]/)[0]);
      else if (op?.value && typeof op.value === 'object') out.push(...Object.keys(op.value));
    }
    return out;
  }
  return Object.keys(body);
}

export function shapedTarget(shape: TargetShape = {}) {
  const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] }, variants: shape.variants ?? [] });
  const allowed = new Set<FilterFeature>(shape.features ?? FILTER_FEATURES);
  const keep = shape.userAttributes ? new Set(['id', 'externalid', 'meta', 'schemas', 'username', ...shape.userAttributes.map((a) => a.toLowerCase())]) : undefined;

  const checkFilter = (filter: string): Response | string => {
    let used: Set<FilterFeature>;
    try {
      used = filterFeatures(filter);
    } catch {
      return filter; // the provider answers the syntax error itself
    }
    const missing = [...used].find((f) => !allowed.has(f));
    if (missing) return refuse(400, 'invalidFilter', `this target does not support ${missing} in filters`);
    let out = filter;
    for (const [from, to] of Object.entries(shape.confused ?? {})) out = out.replace(new RegExp(` ${from} `, 'gi'), ` ${to} `);
    return out;
  };

  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname.replace(/^\/scim\/v2/, '');
    if (req.method === 'GET' && url.searchParams.has('filter') && /^\/(Users|Groups)$/.test(path)) {
      const r = checkFilter(url.searchParams.get('filter')!);
      if (r instanceof Response) return r;
      url.searchParams.set('filter', r);
      return provider.fetch(new Request(url, req));
    }
    if (req.method === 'POST' && /\/\.search$/.test(path)) {
      const body = await req.clone().json().catch(() => undefined);
      if (body && typeof body.filter === 'string') {
        const r = checkFilter(body.filter);
        if (r instanceof Response) return r;
        return provider.fetch(new Request(req.url, { method: 'POST', headers: req.headers, body: JSON.stringify({ ...body, filter: r }) }));
      }
      return provider.fetch(req);
    }
    if (keep && path === '/Schemas' && req.method === 'GET') {
      const res = await provider.fetch(req);
      if (res.status !== 200) return res;
      const list = await res.json();
      for (const s of list.Resources ?? []) {
        if (s.id !== USER) continue;
        s.attributes = s.attributes
          .filter((a: any) => keep.has(a.name.toLowerCase()))
          .map((a: any) => ({ ...a, required: a.name === 'userName' || (shape.required ?? []).includes(a.name) }));
      }
      return json(200, list);
    }
    if (keep && path === '/ResourceTypes' && req.method === 'GET') {
      const res = await provider.fetch(req);
      if (res.status !== 200) return res;
      const list = await res.json();
      for (const rt of list.Resources ?? []) if (rt.name === 'User') rt.schemaExtensions = [];
      return json(200, list);
    }
    if (/^\/Users(\/[^/]+)?$/.test(path) && ['POST', 'PUT', 'PATCH'].includes(req.method)) {
      const body = await req.clone().json().catch(() => undefined);
      // Unparseable or non-object bodies are the provider's to refuse.
      if (!body || typeof body !== 'object' || Array.isArray(body)) return provider.fetch(req);
      const written = writtenAttributes(req.method, body).map((a) => a.toLowerCase());
      const undeclared = keep ? written.find((a) => !keep.has(a) && !a.startsWith('urn:')) : undefined;
      if (undeclared) return refuse(400, 'invalidValue', `the User schema has no attribute ${undeclared}`);
      if (keep && written.some((a) => a.startsWith('urn:') && a !== USER.toLowerCase())) return refuse(400, 'invalidValue', 'this target has no User extensions');
      if (shape.insistOnEmails && req.method === 'POST' && !(Array.isArray(body?.emails) && body.emails.length > 0)) {
        return refuse(400, 'invalidValue', 'an email is required');
      }
      const missing = req.method !== 'PATCH' ? (shape.required ?? []).find((a) => body?.[a] === undefined) : undefined;
      if (missing) return refuse(400, 'invalidValue', `${missing} is required`);
    }
    return provider.fetch(req);
  };
  return { fetch, provider };
}

/** Runs checks against a shaped target the way `scimcheck run` does (discovery, fixtures, cleanup). */
export async function runAgainstShape(checks: readonly Check[], shape: TargetShape = {}): Promise<Record<string, CheckResult>> {
  const { fetch } = shapedTarget(shape);
  const http = createHttpClient({ baseUrl: BASE, auth: { kind: 'bearer', token: TOKEN }, fetch });
  const target = await discover(http, { baseUrl: BASE, prefix: `scimcheck-${Math.random().toString(16).slice(2, 8)}` });
  const fixtures = createFixtureRegistry(target);
  const out = await runSuites({ checks, target, http, fixtures, concurrency: 4 });
  return Object.fromEntries(out.results.map((r) => [r.id, r]));
}
