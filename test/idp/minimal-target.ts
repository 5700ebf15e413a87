/**
 * The reference provider seen through a filter that makes it a smaller, still RFC-legal server: User attributes
 * it does not declare (RFC 7643 §4.1 requires only userName) are gone from /Schemas, from every answer, and a
 * PATCH path naming one is refused with 400 invalidPath (RFC 7644 §3.5.2), as a server without them answers.
 */
import { SCHEMA_URN } from '../../src/scim/types.ts';

const JSON_TYPE = { 'content-type': 'application/scim+json' };

export interface Hidden {
  /** Core User attributes the target does not have, e.g. ['groups', 'title']. */
  attrs: string[];
  /** Also no enterprise extension (RFC 7643 §4.3). */
  enterprise?: boolean;
}

function strip(resource: any, h: Hidden): any {
  if (!resource || typeof resource !== 'object') return resource;
  const out = { ...resource };
  for (const k of Object.keys(out)) if (h.attrs.includes(k)) delete out[k];
  if (h.enterprise) {
    delete out[SCHEMA_URN.enterpriseUser];
    if (Array.isArray(out.schemas)) out.schemas = out.schemas.filter((s: string) => s !== SCHEMA_URN.enterpriseUser);
  }
  return out;
}

function refusedPath(body: any, h: Hidden): string | undefined {
  for (const op of Array.isArray(body?.Operations) ? body.Operations : []) {
    const path = typeof op?.path === 'string' ? op.path : '';
    const head = path.split(/[.[]/)[0]!;
    if (h.attrs.includes(head) || (h.enterprise && path.startsWith(SCHEMA_URN.enterpriseUser))) return path;
  }
  return undefined;
}

export function minimalTarget(inner: (r: Request) => Promise<Response>, h: Hidden): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const path = new URL(req.url).pathname;
    const isUsers = /\/Users(\/|$)/.test(path);
    if (req.method === 'PATCH' && isUsers) {
      const body = await req.clone().json().catch(() => undefined);
      const bad = refusedPath(body, h);
      if (bad) {
        const error = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidPath', detail: `no attribute '${bad}'` };
        return new Response(JSON.stringify(error), { status: 400, headers: JSON_TYPE });
      }
    }
    const res = await inner(req);
    if (!/json/.test(res.headers.get('content-type') ?? '') || res.status === 204) return res;
    const json = await res.json();
    let out = json;
    if (/\/Schemas$/.test(path)) {
      out = { ...json, Resources: json.Resources.filter((s: any) => !(h.enterprise && s.id === SCHEMA_URN.enterpriseUser)).map((s: any) => (s.id === SCHEMA_URN.user ? { ...s, attributes: s.attributes.filter((a: any) => !h.attrs.includes(a.name)) } : s)) };
      out.totalResults = out.Resources.length;
    } else if (/\/ResourceTypes$/.test(path) && h.enterprise) {
      out = { ...json, Resources: json.Resources.map((t: any) => (t.name === 'User' ? { ...t, schemaExtensions: [] } : t)) };
    } else if (isUsers) {
      out = Array.isArray(json.Resources) ? { ...json, Resources: json.Resources.map((r: any) => strip(r, h)) } : strip(json, h);
    }
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify(out), { status: res.status, headers });
  }) as typeof fetch;
}
