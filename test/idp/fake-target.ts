/**
 * A small recording SCIM target for wire-shape tests: it answers enough of RFC 7644 for the engine to
 * proceed (create, lookup by userName, read, replace, patch acknowledged, delete) and records every request.
 * It does not apply PATCH semantics: the tests here assert what the IdP sends, not what a server does.
 */
export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: any;
}

export interface FakeTarget {
  fetch: typeof fetch;
  requests: Recorded[];
  users: Map<string, any>;
  groups: Map<string, any>;
  /** Answer the next matching request with this status instead (one shot). */
  failNext(method: string, pathPrefix: string, status: number, headers?: Record<string, string>): void;
}

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function fakeTarget(): FakeTarget {
  const requests: Recorded[] = [];
  const users = new Map<string, any>();
  const groups = new Map<string, any>();
  const failures: { method: string; pathPrefix: string; status: number; headers?: Record<string, string> }[] = [];
  let seq = 0;
  const json = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/scim+json', ...headers } });
  const handler = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const path = url.pathname.replace(/^\/scim\/v2/, '');
    const text = await req.text();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: req.method, path, query: url.searchParams, headers: req.headers, body });
    const f = failures.findIndex((x) => x.method === req.method && path.startsWith(x.pathPrefix));
    if (f >= 0) {
      const [hit] = failures.splice(f, 1);
      return json(hit.status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(hit.status), detail: 'injected' }, hit.headers);
    }
    const [, kind, id] = path.split('/');
    const store = kind === 'Users' ? users : groups;
    if (req.method === 'GET' && !id) {
      const filter = url.searchParams.get('filter') ?? '';
      const m = /^(userName|displayName) eq "(.*)"$/.exec(filter);
      const all = [...store.values()];
      const hits = m ? all.filter((r) => String(r[m[1]]).toLowerCase() === m[2].toLowerCase()) : filter ? [] : all;
      return json(200, { schemas: [LIST], totalResults: hits.length, startIndex: 1, itemsPerPage: hits.length, Resources: hits });
    }
    if (req.method === 'POST') {
      const created = { ...body, id: `${kind === 'Users' ? 'u' : 'g'}${++seq}` };
      delete created.password;
      store.set(created.id, created);
      return json(201, created);
    }
    const current = store.get(id);
    if (!current) return json(404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'not found' });
    if (req.method === 'GET') return json(200, current);
    if (req.method === 'PUT') {
      store.set(id, { ...body, id });
      return json(200, store.get(id));
    }
    if (req.method === 'PATCH') return json(200, current);
    if (req.method === 'DELETE') {
      store.delete(id);
      return new Response(null, { status: 204 });
    }
    return json(405, {});
  };
  return {
    fetch: handler as typeof fetch,
    requests,
    users,
    groups,
    failNext: (method, pathPrefix, status, headers) => failures.push({ method, pathPrefix, status, headers }),
  };
}
