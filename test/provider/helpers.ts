/** A tiny client over the provider's fetch handler: no ports, JSON in and out. */
import { createProvider, type Provider } from '../../src/provider/create-provider.ts';
import type { ProviderOptions } from '../../src/provider/options.ts';

export const TOKEN = 'test-token';
export const ORIGIN = 'http://127.0.0.1:9999';
export const BASE = `${ORIGIN}/scim/v2`;
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface Client {
  provider: Provider;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  get(path: string, headers?: Record<string, string>): Promise<Res>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Res>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Res>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<Res>;
  del(path: string, headers?: Record<string, string>): Promise<Res>;
  createUser(userName: string, extra?: Record<string, unknown>): Promise<any>;
  createGroup(displayName: string, members?: string[], extra?: Record<string, unknown>): Promise<any>;
}

export function client(options: ProviderOptions = {}): Client {
  const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] }, ...options });
  const req = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers },
    };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await provider.fetch(new Request(path.startsWith('http') ? path : `${BASE}${path}`, init));
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const c: Client = {
    provider,
    req,
    get: (p, h) => req('GET', p, undefined, h),
    post: (p, b, h) => req('POST', p, b, h),
    put: (p, b, h) => req('PUT', p, b, h),
    patch: (p, b, h) => req('PATCH', p, b, h),
    del: (p, h) => req('DELETE', p, undefined, h),
    async createUser(userName, extra = {}) {
      const r = await req('POST', '/Users', { schemas: [USER_SCHEMA], userName, ...extra });
      if (r.status !== 201) throw new Error(`createUser ${userName}: ${r.status} ${r.text}`);
      return r.json;
    },
    async createGroup(displayName, members = [], extra = {}) {
      const body: Record<string, unknown> = { schemas: [GROUP_SCHEMA], displayName, ...extra };
      if (members.length > 0) body.members = members.map((value) => ({ value }));
      const r = await req('POST', '/Groups', body);
      if (r.status !== 201) throw new Error(`createGroup ${displayName}: ${r.status} ${r.text}`);
      return r.json;
    },
  };
  return c;
}

export const patchOp = (...Operations: Record<string, unknown>[]) => ({ schemas: [PATCH_SCHEMA], Operations });

/** RFC 7644 §3.12: the shape every error answer must have. */
export function expectScimError(res: Res, status: number, scimType?: string): void {
  const problems: string[] = [];
  if (res.status !== status) problems.push(`status ${res.status} != ${status}`);
  if (!/^application\/scim\+json/.test(res.headers.get('content-type') ?? '')) problems.push(`content-type ${res.headers.get('content-type')}`);
  if (!res.json || !Array.isArray(res.json.schemas) || res.json.schemas[0] !== 'urn:ietf:params:scim:api:messages:2.0:Error') problems.push('no Error schema');
  if (res.json && res.json.status !== String(status)) problems.push(`body status ${res.json?.status}`);
  if (scimType !== undefined && res.json?.scimType !== scimType) problems.push(`scimType ${res.json?.scimType} != ${scimType}`);
  if (problems.length > 0) throw new Error(`not the expected SCIM error: ${problems.join('; ')}\n${res.text}`);
}
