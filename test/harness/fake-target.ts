/** A tiny in-memory SCIM-ish target as a fetch function, for harness tests (not a reference: just enough). */
export interface FakeTarget {
  fetch: (req: Request) => Promise<Response>;
  requests: { method: string; path: string; auth: string | null; body?: string }[];
  users: Map<string, Record<string, unknown>>;
}

/**
 * `bulkDelete`: advertise Bulk and answer Bulk DELETE operations, with or without `location` / `bulkId`, in the
 * request's order or reversed. `discovery: 'spc-only'`: a ServiceProviderConfig but no /Schemas, /ResourceTypes.
 */
export interface BulkDeleteStyle {
  location: boolean;
  bulkId: boolean;
  reversed?: boolean;
}

export function fakeTarget(
  opts: { token?: string; spc?: Record<string, unknown>; echoPassword?: boolean; discovery?: boolean | 'spc-only'; bulkDelete?: BulkDeleteStyle } = {},
): FakeTarget {
  const requests: FakeTarget['requests'] = [];
  const users = new Map<string, Record<string, unknown>>();
  let next = 1;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/scim+json' } });
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname.replace(/^\/scim\/v2/, '');
    const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await req.text();
    requests.push({ method: req.method, path, auth: req.headers.get('authorization'), ...(body !== undefined ? { body } : {}) });
    if (opts.token && req.headers.get('authorization') !== `Bearer ${opts.token}`) {
      return json(401, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'no' });
    }
    if (path === '/ServiceProviderConfig' && opts.discovery === 'spc-only') return json(200, opts.spc ?? { patch: { supported: false } });
    if (opts.discovery !== false && opts.discovery !== 'spc-only') {
      if (path === '/ServiceProviderConfig') {
        return json(200, opts.spc ?? { patch: { supported: true }, sort: { supported: false }, filter: { supported: true, maxResults: 50 }, bulk: { supported: !!opts.bulkDelete, maxOperations: 10 } });
      }
      if (path === '/Schemas') {
        return json(200, {
          Resources: [
            {
              id: 'urn:ietf:params:scim:schemas:core:2.0:User',
              attributes: [
                { name: 'userName', type: 'string', required: true, uniqueness: 'server' },
                { name: 'emails', type: 'complex', multiValued: true, subAttributes: [{ name: 'value', type: 'string' }] },
                { name: 'title', type: 'string', required: true },
              ],
            },
            { id: 'urn:ietf:params:scim:schemas:core:2.0:Group', attributes: [{ name: 'displayName', type: 'string', required: true }] },
            { id: 'urn:example:ext', attributes: [{ name: 'costCenter', type: 'string', required: true }] },
          ],
        });
      }
      if (path === '/ResourceTypes') {
        return json(200, {
          Resources: [
            { id: 'User', name: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User', schemaExtensions: [{ schema: 'urn:example:ext', required: true }] },
            { id: 'Group', name: 'Group', endpoint: '/Groups', schema: 'urn:ietf:params:scim:schemas:core:2.0:Group' },
          ],
        });
      }
    }
    if (path === '/Users' && req.method === 'POST') {
      const u = { ...(JSON.parse(body ?? '{}') as Record<string, unknown>), id: String(next++) };
      users.set(u.id, u);
      const out = opts.echoPassword ? u : { ...u, password: undefined };
      return json(201, out);
    }
    if (path === '/Bulk' && req.method === 'POST' && opts.bulkDelete) {
      const style = opts.bulkDelete;
      const ops = ((JSON.parse(body ?? '{}') as { Operations?: { method: string; path: string; bulkId?: string }[] }).Operations ?? []).map((op) => {
        const id = decodeURIComponent(op.path.split('/').pop() as string);
        const status = users.delete(id) ? '204' : '404';
        return { method: op.method, status, ...(style.location ? { location: `${url.origin}/scim/v2${op.path}` } : {}), ...(style.bulkId && op.bulkId ? { bulkId: op.bulkId } : {}) };
      });
      return json(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'], Operations: style.reversed ? ops.reverse() : ops });
    }
    const m = /^\/(Users|Groups)\/([^/]+)$/.exec(path);
    if (m && req.method === 'DELETE') {
      return users.delete(m[2] as string) ? new Response(null, { status: 204 }) : json(404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    }
    if (m && req.method === 'GET') {
      const u = users.get(m[2] as string);
      return u ? json(200, opts.echoPassword ? u : { ...u, password: undefined }) : json(404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'not found' });
    }
    return json(404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'no route' });
  };
  return { fetch, requests, users };
}
