/**
 * Issue 11 "Honest benchmarks": the provider's fast lane (src/provider/fast-lane.ts) answers a plain GET by id or
 * `attr eq "v"` at once from the render cache. It must never answer differently from the general path: every
 * generated request (paths with escapes, dot segments and case games, queries with every list parameter and
 * encoding, filters near and far from the plain form, odd Hosts, good and bad credentials) is put to both, and
 * wherever the lane answers, its answer equals `provider.answer`'s exactly. The same over real sockets: one
 * provider behind the mount with its lane and behind a mount without it, byte for byte.
 */
import fc from 'fast-check';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, type Provider } from '../../src/provider/create-provider.ts';
import { createScimServer } from '../../src/provider/http-server.ts';
import { BadRequestTarget, requestUrl } from '../../src/provider/node-request.ts';
import type { ProviderOptions } from '../../src/provider/options.ts';
import type { PlainGet, ScimAnswer, ScimRequest } from '../../src/provider/scim-request.ts';
import type { VariantName } from '../../src/provider/variants.ts';

const TOKEN = 'lane-token';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const NAMES = ['ada', 'Bob', 'bob.smith', 'ÄRGER', 'quote"d', 'back\\slash', 'plus+sign', 'per%cent', 'space name', 'ünï'];
const GROUPS = ['Admins', 'admins two', 'Staff'];

/** The general path's request for a PlainGet, as the node mount builds it (node-request.ts requestUrl). */
function generalRequest(get: PlainGet): ScimRequest | BadRequestTarget {
  const incoming = { url: get.target, headers: { host: get.host }, socket: { encrypted: get.secure } } as unknown as IncomingMessage;
  let url: string;
  try {
    url = requestUrl(incoming, undefined);
  } catch (err) {
    if (err instanceof BadRequestTarget) return err;
    throw err;
  }
  const fields: Record<string, string | null> = { host: get.host, authorization: get.authorization };
  return {
    method: 'GET',
    url,
    headers: { get: (name) => fields[name] ?? null },
    readBody: async () => '',
    toRequest: () => new Request(url),
  };
}

interface Setup {
  name: string;
  options: ProviderOptions;
}
const base = (extra: ProviderOptions = {}): ProviderOptions => ({ auth: { tokens: [{ token: TOKEN }] }, ...extra });
const VARIANTS: VariantName[] = [
  'patch-204',
  'minimal-schema',
  'eq-only-filters',
  'no-search',
  'empty-list-no-resources',
  'small-max-results',
  'integer-ids',
  'required-email',
  'weak-etags',
  'disable-on-delete',
];
const SETUPS: Setup[] = [
  { name: 'default', options: base() },
  { name: 'another base path, public discovery', options: base({ basePath: '/api/scim', publicDiscovery: true }) },
  { name: 'a policy', options: base({ policy: { deprovision: 'disable', provisionGroups: 'Admins, Staff*', siteAdminGroups: 'admins two' } }) },
  ...VARIANTS.map((v) => ({ name: `variant ${v}`, options: base({ variants: [v] }) })),
];

interface World {
  provider: Provider;
  basePath: string;
  userIds: string[];
  groupIds: string[];
}

async function world(setup: Setup): Promise<World> {
  const provider = createProvider(setup.options);
  const basePath = provider.basePath;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await provider.fetch(
      new Request(`http://127.0.0.1:8080${basePath}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const userIds: string[] = [];
  for (const [i, userName] of NAMES.entries()) {
    const u = await call('POST', '/Users', { schemas: [USER], userName, externalId: `E-${i % 4}`, displayName: `D ${i % 3}`, emails: [{ value: `u${i}@example.com`, type: 'work' }] });
    userIds.push(u.id);
  }
  const groupIds: string[] = [];
  for (const [i, displayName] of GROUPS.entries()) {
    const g = await call('POST', '/Groups', { schemas: [GROUP], displayName, ...(setup.options.variants?.includes('minimal-schema') ? {} : { externalId: `G-${i}` }), members: userIds.slice(i, i + 3).map((value) => ({ value })) });
    groupIds.push(g.id);
  }
  return { provider, basePath, userIds, groupIds };
}

/** A PATCH through the general path: any write empties the render cache (render-cache.ts). */
async function write(w: World, i: number): Promise<void> {
  const id = w.userIds[i % w.userIds.length]!;
  const res = await w.provider.fetch(
    new Request(`http://127.0.0.1:8080${w.basePath}/Users/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: `changed ${i}` }] }),
    }),
  );
  expect(res.status).toBeLessThan(300);
}

// ---- generated requests -------------------------------------------------------------------------

const ENCODINGS: ((s: string) => string)[] = [
  encodeURIComponent,
  (s) => encodeURIComponent(s).replaceAll('%20', '+'),
  (s) => s,
  (s) => encodeURIComponent(s).replaceAll('%22', '"'),
  (s) => encodeURIComponent(encodeURIComponent(s)),
  (s) => encodeURIComponent(s).toLowerCase(),
];
const ATTRS = ['userName', 'USERNAME', 'username', 'externalId', 'displayName', 'DisplayName', 'emails', 'id', `${USER}:userName`, 'name.givenName', 'password', 'userName.x', 'members'];
const OPS = ['eq', 'EQ', 'Eq', 'ne', 'co', 'sw', 'gt'];
const SPACES = [' ', ' ', ' ', '  ', '\t'];
const VALUES = [
  ...NAMES.map((n) => JSON.stringify(n)),
  ...NAMES.map((n) => JSON.stringify(n.toUpperCase())),
  ...GROUPS.map((n) => JSON.stringify(n)),
  '"E-1"',
  '"e-1"',
  '"G-0"',
  '"D 1"',
  '"\\u0061da"',
  '"x\\"y"',
  '""',
  '"unterminated',
  'true',
  'null',
  '5',
];

const filterText = fc
  .tuple(fc.constantFrom(...ATTRS), fc.constantFrom(...SPACES), fc.constantFrom(...OPS), fc.constantFrom(...SPACES), fc.constantFrom(...VALUES), fc.constantFrom('', '', '', ' and userName eq "ada"', ' or externalId eq "E-2"', ' ', ' or id pr', ' and userName pr', ')', ' and active eq true'))
  .chain(([attr, s1, op, s2, value, tail]) => fc.constantFrom(`${attr}${s1}${op}${s2}${value}${tail}`, `(${attr}${s1}${op}${s2}${value})${tail}`, `${attr}${s1}${op}${s2}${value}${tail}`));

const PAGING = ['1', '0', '-1', '2', '01', '+1', ' 1', 'x', '1.5', '99999999999999999999', ''];
const param = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(filterText, fc.constantFrom(...ENCODINGS)).map(([f, enc]) => `filter=${enc(f)}`) },
  { weight: 2, arbitrary: fc.constantFrom(...PAGING).map((v) => `startIndex=${encodeURIComponent(v)}`) },
  { weight: 2, arbitrary: fc.constantFrom(...PAGING).map((v) => `count=${encodeURIComponent(v)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('attributes=id', 'excludedAttributes=meta', 'sortBy=userName', 'sortOrder=descending', 'foo=bar', '', 'filter', 'filt%65r=userName%20eq%20%22ada%22', 'count=1&count=2', 'filter=%ZZ', '#frag', 'x=%E2%82'),
  },
);
const query = fc.oneof(fc.constant(''), fc.constant('?'), fc.array(param, { minLength: 1, maxLength: 4 }).map((ps) => `?${ps.join('&')}`));

function target(w: World): fc.Arbitrary<string> {
  const ids = [...w.userIds, ...w.groupIds];
  const idish = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => `${id}/`) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => `${id}#x`) },
    { weight: 1, arbitrary: fc.constantFrom('%31', '.', '..', '.search', 'nope', '', '..%2F', 'a%2Fb', '~x', '-') },
  );
  const bp = w.basePath;
  const prefix = fc.constantFrom(bp, bp, bp, bp, `${bp}/`, `${bp}//`.replace('//', '/'), `/x${bp}`, bp.toUpperCase(), `${bp}/.`, `${bp.replace(/\/[^/]*$/, '')}/./${bp.split('/').pop()}`);
  const endpoint = fc.constantFrom('/Users', '/Users', '/Groups', '/Groups', '/users', '/Users/', '/Me', '/.search', '/Users/.search', '//Users', '/ServiceProviderConfig');
  return fc.oneof(
    // GET by id
    { weight: 4, arbitrary: fc.tuple(prefix, endpoint, idish, fc.oneof(fc.constant(''), fc.constant(''), query)).map(([p, e, id, q]) => `${p}${e}/${id}${q}`) },
    // a list, usually filtered
    { weight: 5, arbitrary: fc.tuple(prefix, endpoint, query).map(([p, e, q]) => `${p}${e}${q}`) },
    { weight: 1, arbitrary: fc.constantFrom('http://127.0.0.1:8080/scim/v2/Users', '*', '', 'Users/1') },
  );
}

const host = fc.constantFrom('127.0.0.1:8080', '127.0.0.1:8080', 'localhost:9000', 'LOCALHOST:9000', '2130706433:8080', 'example.com', 'a:80', 'a:70000', 'exa mple', '[::1]:8080', 'user@host:8080', '', 'x.:1234');
const authorization = fc.constantFrom<string | null>(`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer  ${TOKEN}`, 'Bearer wrong', null, '', `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}`);

/** Requests the lane should take (an IdP's reads), each maybe bent a little by one of the wild generators. */
function idpRead(w: World): fc.Arbitrary<PlainGet> {
  const bp = w.basePath;
  const value = fc.constantFrom(...NAMES, ...NAMES.map((n) => n.toUpperCase()), ...GROUPS, 'E-1', 'e-1', 'G-0', 'D 1', 'nobody');
  // Now and then a tail that turns the plain form into another filter (or no filter at all).
  const tail = fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', ' or id pr', ' and active eq true', ')', ' and userName pr', ']') });
  const eq = fc
    .tuple(fc.constantFrom('userName', 'UserName', 'externalId', 'displayName'), fc.constantFrom('eq', 'EQ'), value, tail, fc.constantFrom(...ENCODINGS.slice(0, 2)))
    .map(([attr, op, v, t, enc]) => `filter=${enc(`${attr} ${op} ${JSON.stringify(v)}${t}`)}`);
  const paging = fc.constantFrom('', '', '&startIndex=1&count=100', '&count=1', '&startIndex=2', '&count=0', '&startIndex=0&count=-1');
  const read = fc.oneof(
    fc.tuple(fc.constantFrom('/Users/', '/Groups/'), fc.constantFrom(...w.userIds, ...w.groupIds)).map(([e, id]) => `${bp}${e}${id}`),
    fc.tuple(fc.constantFrom('/Users', '/Groups'), eq, paging).map(([e, f, pg]) => `${bp}${e}?${f}${pg}`),
  );
  return fc.record({
    target: fc.oneof({ weight: 4, arbitrary: read }, { weight: 1, arbitrary: target(w) }),
    host: fc.oneof({ weight: 4, arbitrary: fc.constant('127.0.0.1:8080') }, { weight: 1, arbitrary: host }),
    secure: fc.boolean(),
    authorization: fc.oneof({ weight: 4, arbitrary: fc.constant<string | null>(`Bearer ${TOKEN}`) }, { weight: 1, arbitrary: authorization }),
  });
}

function plainGet(w: World): fc.Arbitrary<PlainGet> {
  return fc.oneof(idpRead(w), fc.record({ target: target(w), host, secure: fc.boolean(), authorization }));
}

/** Puts one request to the lane and to the general path: where the lane answers, it answers the same. */
async function compare(w: World, get: PlainGet): Promise<'lane' | 'general'> {
  const fast = w.provider.answerNow?.(get);
  const req = generalRequest(get);
  if (req instanceof BadRequestTarget) {
    // The mount answers 400 before any handler: the lane must have declined too.
    expect(fast, JSON.stringify(get)).toBeUndefined();
    return 'general';
  }
  const general: ScimAnswer = await w.provider.answer(req);
  if (fast === undefined) return 'general';
  expect(fast, JSON.stringify(get)).toEqual(general);
  return 'lane';
}

describe('the fast lane answers exactly as the general path', () => {
  for (const setup of SETUPS) {
    it(`over generated requests: ${setup.name}`, async () => {
      const w = await world(setup);
      expect(w.provider.answerNow).toBeTypeOf('function');
      const answered = { id: 0, eq: 0 };
      let asked = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(plainGet(w), { minLength: 1, maxLength: 8 }), fc.nat({ max: 9 }), async (gets, writeAt) => {
          for (const [i, get] of gets.entries()) {
            // Now and then a write between two requests: the cache is emptied and must not answer stale.
            if (i === writeAt) await write(w, i);
            // Each request twice: the first may fill the cache the second is then answered from.
            for (let k = 0; k < 2; k++) {
              asked++;
              if ((await compare(w, get)) === 'lane') answered[get.target.includes('?') ? 'eq' : 'id']++;
            }
          }
        }),
        { numRuns: setup.name === 'default' ? 300 : 60 },
      );
      // A lane that never answers would pass the comparison trivially (empty-list-no-resources has no eq lane).
      expect(answered.id).toBeGreaterThan(asked / 50);
      if (setup.name === 'variant empty-list-no-resources') expect(answered.eq).toBe(0);
      else expect(answered.eq).toBeGreaterThan(asked / 50);
    }, 60_000);
  }

  it('answers the IdPs’ reads: GET by id, Entra’s userName eq, Okta’s with startIndex and count, a Group by displayName', async () => {
    const w = await world(SETUPS[0]!);
    const get = (target: string): PlainGet => ({ target, host: '127.0.0.1:8080', secure: false, authorization: `Bearer ${TOKEN}` });
    const reads = [
      `/scim/v2/Users/${w.userIds[0]}`,
      `/scim/v2/Users?filter=${encodeURIComponent('userName eq "ADA"')}`,
      `/scim/v2/Users?startIndex=1&count=100&filter=${encodeURIComponent('userName eq "bob"').replaceAll('%20', '+')}`,
      `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "admins two"')}`,
      `/scim/v2/Users?filter=${encodeURIComponent('externalId eq "E-9"')}`,
      `/scim/v2/Groups/${w.groupIds[1]}`,
    ];
    for (const target of reads) {
      await compare(w, get(target));
      expect(await compare(w, get(target)), target).toBe('lane');
    }
    // Bob and bob.smith differ; 'bob' matches Bob only (userName is caseExact false, RFC 7643 §4.1.1).
    const bob = JSON.parse(w.provider.answerNow!(get(reads[2]!))!.body!);
    expect(bob).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ userName: 'Bob' }] });
    // externalId is caseExact true (RFC 7643 §3.1): the index finds "E-1" for "e-1" but the filter does not match.
    expect(JSON.parse(w.provider.answerNow!(get(`/scim/v2/Users?filter=${encodeURIComponent('externalId eq "e-1"')}`))!.body!).totalResults).toBe(0);
  });

  it('takes an id as written only where the URL parser would leave it so (a state file may hold any id)', async () => {
    const w = await world(SETUPS[0]!);
    // Ids a hand-edited --state file could carry: one with an escape, one spelling another after decoding.
    for (const id of ['a%62c', 'abc', 'x.']) await w.provider.store.create('User', { schemas: [USER], id, userName: `odd-${id}`, meta: { resourceType: 'User', version: `W/"${id}"` } });
    const get = (id: string): PlainGet => ({ target: `/scim/v2/Users/${id}`, host: '127.0.0.1:8080', secure: false, authorization: `Bearer ${TOKEN}` });
    // A plain list renders (and so caches) every record, the odd ones too.
    await compare(w, { ...get(''), target: '/scim/v2/Users' });
    for (const id of ['a%62c', 'abc', 'x.', 'x%2E']) {
      await compare(w, get(id));
      await compare(w, get(id));
    }
    expect(await compare(w, get('abc'))).toBe('lane');
    expect(w.provider.answerNow!(get('a%62c'))).toBeUndefined();
  });

  it('has no lane where the answer depends on what it does not read', async () => {
    // json-when-accepted labels by Accept; under a fault the render cache (and so the lane) is off.
    expect(createProvider(base({ variants: ['json-when-accepted'] })).answerNow).toBeUndefined();
    expect(createProvider(base({ faults: ['filter-ignored'] })).answerNow).toBeUndefined();
    expect(createProvider(base({ renderCacheChars: 0 })).answerNow).toBeUndefined();
  });

  it('declines while the provider is closing', async () => {
    const w = await world(SETUPS[0]!);
    const get: PlainGet = { target: `/scim/v2/Users/${w.userIds[0]}`, host: '127.0.0.1:8080', secure: false, authorization: `Bearer ${TOKEN}` };
    await compare(w, get);
    expect(await compare(w, get)).toBe('lane');
    await w.provider.close();
    expect(w.provider.answerNow!(get)).toBeUndefined();
  });
});

// ---- over sockets -------------------------------------------------------------------------------

/** Sends raw bytes (so duplicate or odd header fields go out exactly as written) and returns the raw answer. */
function sendRaw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (answer += d));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

describe('the mount with its lane answers byte for byte as the mount without it', () => {
  let provider: Provider;
  const servers: Server[] = [];
  const ports: number[] = [];
  let laneAnswers = 0;
  let ids: string[];
  beforeAll(async () => {
    const w = await world({ name: 'sockets', options: base({ variants: ['integer-ids'] }) });
    provider = w.provider;
    ids = w.userIds;
    const counted = {
      answer: (req: ScimRequest) => provider.answer(req),
      answerNow: (get: PlainGet) => {
        const a = provider.answerNow!(get);
        if (a) laneAnswers++;
        return a;
      },
    };
    servers.push(createScimServer(counted), createScimServer({ answer: (req) => provider.answer(req) }));
    for (const s of servers) {
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      ports.push((s.address() as AddressInfo).port);
    }
  });
  afterAll(() => {
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
  });

  const auth = `Authorization: Bearer ${TOKEN}\r\n`;
  const rows = (): [string, string][] => [
    ['GET by id', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: scim.test:8080\r\n${auth}Connection: close\r\n\r\n`],
    ['userName eq', `GET /scim/v2/Users?filter=userName+eq+%22ada%22 HTTP/1.1\r\nHost: scim.test:8080\r\n${auth}Connection: close\r\n\r\n`],
    ['Okta paging', `GET /scim/v2/Users?startIndex=1&count=2&filter=userName%20eq%20%22bob%22 HTTP/1.1\r\nhost: scim.test:8080\r\n${auth}Connection: close\r\n\r\n`],
    ['two Authorization fields', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: scim.test:8080\r\n${auth}${auth}Connection: close\r\n\r\n`],
    ['two Host fields', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: scim.test:8080\r\nHost: other.test:8080\r\n${auth}Connection: close\r\n\r\n`],
    ['If-None-Match', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: scim.test:8080\r\n${auth}If-None-Match: *\r\nConnection: close\r\n\r\n`],
    ['HTTP/1.0 without Host', `GET /scim/v2/Users/${ids[0]} HTTP/1.0\r\n${auth}\r\n`],
    ['HTTP/1.1 without Host', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\n${auth}Connection: close\r\n\r\n`],
    ['an empty Host', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost:\r\n${auth}Connection: close\r\n\r\n`],
    ['absolute-form target', `GET http://scim.test:8080/scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: scim.test:8080\r\n${auth}Connection: close\r\n\r\n`],
    ['no credentials', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: scim.test:8080\r\nConnection: close\r\n\r\n`],
    ['HEAD', `HEAD /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: scim.test:8080\r\n${auth}Connection: close\r\n\r\n`],
    ['an unknown id', `GET /scim/v2/Users/999 HTTP/1.1\r\nHost: scim.test:8080\r\n${auth}Connection: close\r\n\r\n`],
    ['a numeric Host the URL parser rewrites', `GET /scim/v2/Users/${ids[0]} HTTP/1.1\r\nHost: 2130706433:8080\r\n${auth}Connection: close\r\n\r\n`],
  ];

  it('request by request, each sent twice (the second is the lane’s when it may answer)', async () => {
    const byLane: string[] = [];
    for (const [name, request] of rows()) {
      laneAnswers = 0;
      for (let k = 0; k < 2; k++) {
        const withLane = await sendRaw(ports[0]!, request);
        const without = await sendRaw(ports[1]!, request);
        // Only the Date header may differ between two answers.
        const strip = (s: string) => s.replace(/\r\nDate: [^\r]*/i, '');
        expect([name, strip(withLane)]).toEqual([name, strip(without)]);
      }
      if (laneAnswers > 0) byLane.push(name);
    }
    expect(byLane).toEqual(['GET by id', 'userName eq', 'Okta paging', 'a numeric Host the URL parser rewrites']);
  });
});
