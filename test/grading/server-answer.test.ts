/**
 * The server-side passive rules (src/grading/server-answer.ts), one exchange or a short sequence each: the answer
 * that breaks a rule draws exactly that finding with its clause; the legal neighbour draws none.
 */
import { describe, expect, it } from 'vitest';
import type { GradedAnswer, GradedRequest } from '../../src/grading/finding.ts';
import { createServerAnswerGrader, SERVER_RULES } from '../../src/grading/server-answer.ts';
import { rewriteJson, rewriteUrl } from '../../src/proxy/rewrite.ts';

const SCIM = { 'content-type': 'application/scim+json' };
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const loc = (id: string) => `https://sp.example/scim/v2/Users/${id}`;
const user = (id: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER], id, userName: 'ann@example.test', meta: { resourceType: 'User', location: loc(id), version: 'W/"1"' }, ...extra });

function req(method: string, path: string, body?: unknown, query: Record<string, string> = {}, headers: Record<string, string> = { accept: 'application/scim+json' }): GradedRequest {
  return { method, path, query, headers, ...(body !== undefined ? { body, rawBody: JSON.stringify(body) } : {}) };
}
function ans(status: number, body?: unknown, headers: Record<string, string> = SCIM): GradedAnswer {
  return { status, headers, ...(body !== undefined ? { body, rawBody: JSON.stringify(body) } : {}) };
}

type Exchange = [GradedRequest, GradedAnswer];
/** A case: exchanges in order; the finding ids the last one must draw (exactly). */
const CASES: { what: string; exchanges: Exchange[]; finds: string[] }[] = [
  { what: 'a clean create', exchanges: [[req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test' }), ans(201, user('1'), { ...SCIM, location: loc('1'), etag: 'W/"1"' })]], finds: [] },
  { what: 'a create answered 200', exchanges: [[req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test' }), ans(200, user('1'))]], finds: [SERVER_RULES.createStatus.id] },
  { what: 'a 201 without Location', exchanges: [[req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test' }), ans(201, user('1'))]], finds: [SERVER_RULES.createLocation.id] },
  { what: 'a 201 whose Location differs from meta.location', exchanges: [[req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test' }), ans(201, user('1'), { ...SCIM, location: loc('2') })]], finds: [SERVER_RULES.createLocation.id] },
  { what: 'a 201 without id', exchanges: [[req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test' }), ans(201, { schemas: [USER], userName: 'ann@example.test' }, { ...SCIM, location: loc('undefined') })]], finds: [SERVER_RULES.idPresent.id] },
  { what: 'a DELETE answered 200', exchanges: [[req('DELETE', '/Users/1'), ans(200, undefined, {})]], finds: [SERVER_RULES.deleteStatus.id] },
  { what: 'a read after a DELETE answered 200', exchanges: [[req('DELETE', '/Users/1'), ans(204, undefined, {})], [req('GET', '/Users/1'), ans(200, user('1'))]], finds: [SERVER_RULES.deletedGone.id] },
  { what: 'a read after a DELETE answered 404', exchanges: [[req('DELETE', '/Users/1'), ans(204, undefined, {})], [req('GET', '/Users/1'), ans(404, { schemas: [ERROR], status: '404' })]], finds: [] },
  { what: 'a PATCH answered 200 with an empty body', exchanges: [[req('PATCH', '/Users/1', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }), ans(200, undefined, {})]], finds: [SERVER_RULES.patchBody.id] },
  { what: 'a PATCH answered 204', exchanges: [[req('PATCH', '/Users/1', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }), ans(204, undefined, {})]], finds: [] },
  { what: 'application/json to a client that asked for scim+json', exchanges: [[req('GET', '/Users/1'), ans(200, user('1'), { 'content-type': 'application/json' })]], finds: [SERVER_RULES.mediaType.id] },
  { what: 'application/json to a client that accepts it', exchanges: [[req('GET', '/Users/1', undefined, {}, { accept: 'application/json' }), ans(200, user('1'), { 'content-type': 'application/json' })]], finds: [] },
  { what: 'a plain-text error', exchanges: [[req('GET', '/Users/x'), ans(404, undefined, { 'content-type': 'text/plain' })]], finds: [SERVER_RULES.errorBody.id] },
  { what: 'an Error whose status is a number', exchanges: [[req('GET', '/Users/x'), ans(404, { schemas: [ERROR], status: 404 })]], finds: [SERVER_RULES.errorStatus.id] },
  { what: 'a list without totalResults', exchanges: [[req('GET', '/Users'), ans(200, { schemas: [LIST], Resources: [] })]], finds: [SERVER_RULES.listTotal.id] },
  { what: 'a list without the ListResponse schema', exchanges: [[req('GET', '/Users'), ans(200, { totalResults: 0, Resources: [] })]], finds: [SERVER_RULES.listSchemas.id] },
  { what: 'more resources than count', exchanges: [[req('GET', '/Users', undefined, { count: '1' }), ans(200, { schemas: [LIST], totalResults: 2, startIndex: 1, itemsPerPage: 2, Resources: [user('1'), user('2')] })]], finds: [SERVER_RULES.listCount.id] },
  { what: 'a partial page without paging fields', exchanges: [[req('GET', '/Users'), ans(200, { schemas: [LIST], totalResults: 5, Resources: [user('1')] })]], finds: [SERVER_RULES.listPaging.id] },
  { what: 'a BulkResponse DELETE without location', exchanges: [[req('POST', '/Bulk', {}), ans(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'], Operations: [{ method: 'DELETE', status: '204' }] })]], finds: [SERVER_RULES.bulkLocation.id] },
  { what: 'a BulkResponse failed POST without location', exchanges: [[req('POST', '/Bulk', {}), ans(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'], Operations: [{ method: 'POST', bulkId: 'a', status: '409', response: { schemas: [ERROR], status: '409', scimType: 'uniqueness' } }] })]], finds: [] },
  { what: 'an ETag that is not meta.version', exchanges: [[req('GET', '/Users/1'), ans(200, user('1'), { ...SCIM, etag: 'W/"2"' })]], finds: [SERVER_RULES.etagVersion.id] },
  { what: 'a password in a list', exchanges: [[req('GET', '/Users'), ans(200, { schemas: [LIST], totalResults: 1, Resources: [user('1', { password: 'secret' })] })]], finds: [SERVER_RULES.password.id] },
  { what: 'another resource at /Users/1', exchanges: [[req('GET', '/Users/1'), ans(200, user('2'))]], finds: [SERVER_RULES.idStable.id] },
  {
    what: 'a filtered list with a resource that does not match',
    exchanges: [[req('GET', '/Users', undefined, { filter: 'userName eq "bob@example.test"' }), ans(200, { schemas: [LIST], totalResults: 1, Resources: [user('1')] })]],
    finds: [SERVER_RULES.listFiltered.id],
  },
  {
    what: 'a filtered list matching in another case (the target may fold case)',
    exchanges: [[req('GET', '/Users', undefined, { filter: 'userName eq "ANN@example.test"' }), ans(200, { schemas: [LIST], totalResults: 1, Resources: [user('1')] })]],
    finds: [],
  },
  {
    what: 'a filtered list projected without the filtered attribute (not judged)',
    exchanges: [[req('GET', '/Users', undefined, { filter: 'displayName eq "Bob"', attributes: 'id' }), ans(200, { schemas: [LIST], totalResults: 1, Resources: [{ id: '1' }] })]],
    finds: [],
  },
  {
    what: 'a filter with ne (not judged: case folding would change its answer)',
    exchanges: [[req('GET', '/Users', undefined, { filter: 'userName ne "ann@example.test"' }), ans(200, { schemas: [LIST], totalResults: 1, Resources: [user('1')] })]],
    finds: [],
  },
  {
    what: 'a PATCH answered 200 with the old value',
    exchanges: [
      [req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test', displayName: 'Old' }), ans(201, user('1', { displayName: 'Old' }), { ...SCIM, location: loc('1') })],
      [req('PATCH', '/Users/1', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'New' }] }), ans(200, user('1', { displayName: 'Old' }))],
    ],
    finds: [SERVER_RULES.writeReadBack.id],
  },
  {
    what: 'Entra\'s "False" read back as false',
    exchanges: [
      [req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test', active: true }), ans(201, user('1', { active: true }), { ...SCIM, location: loc('1') })],
      [req('PATCH', '/Users/1', { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }), ans(200, user('1', { active: false }))],
      [req('GET', '/Users/1'), ans(200, user('1', { active: false }))],
    ],
    finds: [],
  },
  {
    what: 'a userName read back in another case (caseExact false)',
    exchanges: [
      [req('POST', '/Users', { schemas: [USER], userName: 'Ann@Example.test' }), ans(201, user('1'), { ...SCIM, location: loc('1') })],
      [req('GET', '/Users/1'), ans(200, user('1'))],
    ],
    finds: [],
  },
  {
    what: 'a readOnly attribute written and ignored (RFC 7643 §2.2)',
    exchanges: [
      [req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test', meta: { created: '2020-01-01T00:00:00Z' } }), ans(201, user('1', { meta: { created: '2026-01-01T00:00:00Z', location: loc('1') } }), { ...SCIM, location: loc('1') })],
      [req('GET', '/Users/1'), ans(200, user('1'))],
    ],
    finds: [],
  },
];

describe('server-side passive rules', () => {
  it.each(CASES)('$what', ({ exchanges, finds }) => {
    const g = createServerAnswerGrader();
    let last: string[] = [];
    for (const [q, a] of exchanges) last = g.grade(q, a).findings.map((f) => f.id);
    expect(last.sort()).toEqual([...finds].sort());
  });

  it('every rule has a case above that draws it', () => {
    const drawn = new Set(CASES.flatMap((c) => c.finds));
    expect(Object.values(SERVER_RULES).map((r) => r.id).filter((id) => !drawn.has(id))).toEqual([]);
  });

  it('every finding carries its rule: side server, level, clause and the quoted sentence', () => {
    const g = createServerAnswerGrader();
    const [f] = g.grade(req('POST', '/Users', { schemas: [USER], userName: 'ann@example.test' }), ans(200, user('1'))).findings;
    expect(f).toEqual({ id: SERVER_RULES.createStatus.id, side: 'server', level: 'MUST', rfc: 'RFC 7644 §3.3', quote: SERVER_RULES.createStatus.quote, message: 'POST /Users succeeded with HTTP 200, not 201' });
  });

  it('every MUST rule quotes a MUST, SHALL or REQUIRED sentence (or one of the level exceptions)', () => {
    for (const r of Object.values(SERVER_RULES)) {
      if (r.level !== 'MUST') continue;
      // 'lowercase-must' (ETag = meta.version) is the one exception of test/harness/levels.test.ts used here.
      expect(/\b(MUST|SHALL|REQUIRED)\b/.test(r.quote) || r.id === SERVER_RULES.etagVersion.id, r.id).toBe(true);
    }
  });

  it('under a disable policy a read after DELETE may still answer', () => {
    const g = createServerAnswerGrader({ deprovision: 'disable' });
    g.grade(req('DELETE', '/Users/1'), ans(204, undefined, {}));
    expect(g.grade(req('GET', '/Users/1'), ans(200, user('1', { active: false }))).findings).toEqual([]);
  });
});

describe('URL rewriting (proxy)', () => {
  const from = 'https://sp.example';
  const to = 'http://127.0.0.1:8080';
  it.each([
    ['https://sp.example/scim/v2/Users/1', 'http://127.0.0.1:8080/scim/v2/Users/1'],
    ['HTTPS://SP.EXAMPLE/scim/v2/Users/1', 'http://127.0.0.1:8080/scim/v2/Users/1'],
    ['https://sp.example', 'http://127.0.0.1:8080'],
    ['https://sp.example.evil/x', undefined],
    ['https://other.example/scim/v2/Users/1', undefined],
  ])('%s -> %s', (url, want) => {
    expect(rewriteUrl(url, from, to)).toBe(want);
  });

  it('meta.location, Bulk location and $ref are rewritten; other strings are not', () => {
    const body = {
      meta: { location: `${from}/scim/v2/Groups/g` },
      members: [{ value: 'u', $ref: `${from}/scim/v2/Users/u` }],
      Operations: [{ location: `${from}/scim/v2/Users/u`, status: '201' }],
      documentationUri: `${from}/help`,
      __proto__: 'kept as a key',
    };
    const { value, changed } = rewriteJson(JSON.parse(JSON.stringify(body)), from, to);
    expect(changed).toBe(3);
    expect(value).toMatchObject({ meta: { location: `${to}/scim/v2/Groups/g` }, members: [{ $ref: `${to}/scim/v2/Users/u` }], Operations: [{ location: `${to}/scim/v2/Users/u` }], documentationUri: `${from}/help` });
  });
});
