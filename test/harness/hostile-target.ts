/**
 * A hostile target for "a target's wrong answer is its failure, never our error" tests (issue 11 #16): the
 * reference provider answers discovery honestly, every other request gets the next scripted answer — the
 * provider's own, the provider's own with one JSON member of the wrong shape, or a made-up status, headers and
 * body (HTML 200s, truncated JSON, wrong types in a ListResponse). In-process: no port, no traffic.
 */
import fc from 'fast-check';
import { createProvider } from '../../src/provider/create-provider.ts';

export const HOSTILE_TOKEN = 'hostile-answers-token';
const DISCOVERY = /\/(ServiceProviderConfig|Schemas|ResourceTypes)(\/|$)/;

export type Answer =
  | { real: true }
  | { real: true; mutate: { pick: number; value: unknown } }
  | { real: true; reshape: Record<string, unknown> }
  | { real: false; status: number; headers: Record<string, string>; body: string };

/** The provider's answer with its pick-th member (objects' keys and arrays' items, depth first) replaced. */
export async function mutated(res: Response, m: { pick: number; value: unknown }): Promise<Response> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Response(text || null, { status: res.status, headers: res.headers });
  }
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push([v, i]), walk(x)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) slots.push([v as Record<string, unknown>, k]), walk(x);
  };
  walk(json);
  const slot = slots[m.pick % Math.max(1, slots.length)];
  if (slot) (slot[0] as Record<string | number, unknown>)[slot[1]] = m.value;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(slots.length === 0 ? JSON.stringify(m.value) : JSON.stringify(json), { status: res.status, headers });
}

/** The provider's answer with the given attributes set on the resource (or on every resource of a ListResponse). */
export async function reshaped(res: Response, attrs: Record<string, unknown>): Promise<Response> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Response(text || null, { status: res.status, headers: res.headers });
  }
  if (json === null || typeof json !== 'object') return new Response(text, { status: res.status, headers: res.headers });
  const list = (json as { Resources?: unknown }).Resources;
  for (const r of Array.isArray(list) ? list : [json]) if (r !== null && typeof r === 'object' && 'id' in r) Object.assign(r, attrs);
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(json), { status: res.status, headers });
}

/**
 * A fresh provider behind a fetch that answers the n-th non-discovery request with answers[n % length]. The
 * fetch takes (input, init) like the global one, so every client (the IdP's, the harness's) can use it.
 */
export function hostileFetch(answers: readonly Answer[]): { fetch: typeof fetch; close(): Promise<void> } {
  const provider = createProvider({ auth: { tokens: [{ token: HOSTILE_TOKEN }] } });
  let n = 0;
  const handle = async (req: Request): Promise<Response> => {
    if (DISCOVERY.test(new URL(req.url).pathname)) return provider.fetch(req);
    const a = answers[n++ % answers.length] as Answer;
    if (a.real) return 'mutate' in a ? mutated(await provider.fetch(req), a.mutate) : 'reshape' in a ? reshaped(await provider.fetch(req), a.reshape) : provider.fetch(req);
    // Fetch's Response cannot carry a body with a null-body status (204, 205, 304).
    return new Response([204, 205, 304].includes(a.status) || a.body === '' ? null : a.body, { status: a.status, headers: a.headers });
  };
  const f = ((input: RequestInfo | URL, init?: RequestInit) => handle(input instanceof Request ? input : new Request(input, init))) as typeof fetch;
  return { fetch: f, close: () => provider.close() };
}

const scim = { 'content-type': 'application/scim+json' };
export const html = (status = 200): Answer => ({ real: false, status, headers: { 'content-type': 'text/html' }, body: '<html><body>Login</body></html>' });
export const json = (body: unknown, status = 200, headers: Record<string, string> = scim): Answer => ({ real: false, status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
export const REAL: Answer = { real: true };

/** SCIM's keys, every one of the wrong type, as in a ListResponse, an error or a resource. */
export const WRONG_TYPES = json({ schemas: 'x', id: 5, meta: 'm', Resources: { a: 1 }, totalResults: '7', Operations: null, userName: [], emails: 'e', members: 3, groups: 'g', active: 'yes', name: 'n', itemsPerPage: -1, startIndex: 1e400 }, 200, { ...scim, etag: '', location: 'not a url' });

/** Named scripts: each a shape seen from real targets or a hostile one. */
export function hostileScripts(): Record<string, Answer[]> {
  const scripts: Record<string, Answer[]> = {
    'real writes, HTML reads': [REAL, html(), REAL, html(), html(), REAL],
    'HTML 200 for everything': [html()],
    'empty 200': [{ real: false, status: 200, headers: scim, body: '' }],
    'truncated JSON': [json('{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{"id":'), REAL],
    'JSON null / array / string / number': [json(null), json([]), json('x'), json(1e308), REAL],
    'SCIM keys of the wrong type': [REAL, WRONG_TYPES, json({ id: null, meta: { version: 7, location: 9, resourceType: [] }, Resources: [null, 1, 'x', []], totalResults: 1e21 }, 201), REAL],
    'ListResponse members of the wrong type': [json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 2, Resources: [null, { id: 7, userName: {}, members: 'x', groups: 5 }] }), REAL],
    'errors with odd bodies': [json({ status: 400, scimType: 5, detail: { x: 1 } }, 400), json('<oops>', 409, { 'content-type': 'text/plain' }), json([], 412), REAL, json({}, 500)],
  };
  for (const [name, hostile] of Object.entries({ HTML: html(), 'JSON null': json(null), 'wrong types': WRONG_TYPES })) {
    for (const period of [2, 3]) for (let offset = 0; offset < period; offset++) scripts[`${name} every ${period}th answer (offset ${offset})`] = Array.from({ length: period }, (_, i) => (i === offset ? hostile : REAL));
  }
  // Multi-valued attributes (RFC 7643 §2.4) of the wrong shape on every resource read, writes answered for real.
  for (const value of [7, 'x', [null], [1, 'a'], [{ value: 5 }], { value: 'x' }]) {
    scripts[`members, groups and emails as ${JSON.stringify(value)} on every read`] = [{ real: true, reshape: { members: value, groups: value, emails: value } }];
  }
  for (const value of [null, 'x', 7, [], {}]) scripts[`real answers with one member replaced by ${JSON.stringify(value)}`] = [0, 1, 2, 3, 5, 8, 13, 21].map((pick) => ({ real: true, mutate: { pick, value } }));
  return scripts;
}

/** A body a target might send: any JSON, JSON with SCIM's keys holding anything, HTML, empty, broken JSON. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .record(
      {
        schemas: fc.jsonValue({ maxDepth: 2 }),
        id: fc.jsonValue({ maxDepth: 1 }),
        meta: fc.jsonValue({ maxDepth: 2 }),
        Resources: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.record({ id: fc.jsonValue({ maxDepth: 1 }), userName: fc.jsonValue({ maxDepth: 1 }), members: fc.jsonValue({ maxDepth: 2 }), groups: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }))),
        totalResults: fc.oneof(fc.integer(), fc.double(), fc.constant(1e400), fc.string()),
        Operations: fc.jsonValue({ maxDepth: 3 }),
        userName: fc.jsonValue({ maxDepth: 1 }),
        displayName: fc.jsonValue({ maxDepth: 1 }),
        active: fc.jsonValue({ maxDepth: 1 }),
        members: fc.jsonValue({ maxDepth: 2 }),
        groups: fc.jsonValue({ maxDepth: 2 }),
        emails: fc.jsonValue({ maxDepth: 2 }),
        name: fc.jsonValue({ maxDepth: 2 }),
        status: fc.jsonValue({ maxDepth: 1 }),
        scimType: fc.jsonValue({ maxDepth: 1 }),
        detail: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.constantFrom('', '<html>hi</html>', '{"id":', '[1,2', 'null', '{"totalResults": 1e400, "Resources": [1e400]}', '\u0000\uffff'),
);

/** Any answer: the provider's, the provider's with one member of the wrong shape, or any status, headers and body. */
export const anyAnswer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(REAL) },
  { weight: 3, arbitrary: fc.record({ real: fc.constant(true as const), mutate: fc.record({ pick: fc.nat({ max: 400 }), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, '', [], {}, 1e308, -1, '<html>')) }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      real: fc.constant(false as const),
      status: fc.oneof(fc.constantFrom(200, 201, 204, 304, 400, 401, 404, 409, 412, 429, 500), fc.integer({ min: 200, max: 599 })),
      headers: fc.record(
        {
          'content-type': fc.constantFrom('application/scim+json', 'application/json', 'text/html', 'text/plain; charset=utf-8', ''),
          etag: fc.oneof(fc.constantFrom('W/"1"', '"x"', '', 'garbage'), fc.stringMatching(/^[!-~]{0,10}$/)),
          location: fc.constantFrom('http://127.0.0.1:9/scim/v2/Users/x', '/relative', 'not a url', 'http://[::1', ''),
          'retry-after': fc.constantFrom('0', '1', 'soon', '-5'),
        },
        { requiredKeys: ['content-type'] },
      ),
      body,
    }),
  },
);
