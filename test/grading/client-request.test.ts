/**
 * The client-side grader (issue 14): clean traffic from every built-in IdP profile draws no MUST finding;
 * broken requests draw the finding of the right rule and clause.
 */
import { describe, expect, it } from 'vitest';
import type { DirGroup, DirUser } from '../../src/idp/directory.ts';
import type { IdpRequest } from '../../src/idp/http.ts';
import { PROFILES } from '../../src/idp/profiles/index.ts';
import type { BuildContext, Profile } from '../../src/idp/profiles/types.ts';
import type { GradedRequest } from '../../src/grading/finding.ts';
import { gradeClientRequest, recogniseClient, type ClientRecognition } from '../../src/grading/client-request.ts';
import { SchemaRegistry } from '../../src/scim/schema-registry.ts';

const registry = SchemaRegistry.fromSpecs();
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const before: DirUser = { key: 'alice', idpId: 'idp-alice', userName: 'alice@example.test', givenName: 'Alice', familyName: 'Tester', displayName: 'Alice Tester', email: 'alice@example.test', title: 'Dev', department: 'Sales', active: true };
const after: DirUser = { ...before, userName: 'alice.new@example.test', familyName: 'Newname', email: 'alice.new@example.test', title: 'Lead', department: 'Ops', organization: 'Example', employeeNumber: '42', manager: 'boss' };
const group: DirGroup = { key: 'eng', idpId: 'idp-eng', displayName: 'Engineering', members: ['alice'] } as DirGroup;
const build: BuildContext = {
  targetIdOf: (key) => (key === 'boss' ? 'u-boss' : undefined),
  refOf: (kind, id) => `http://127.0.0.1/scim/v2/${kind}/${id}`,
  password: () => 'Generated-Pa55!',
};
/** The resource as the reference provider returns it, which Okta reads before its PUT. */
const current = {
  schemas: [USER],
  id: 'u-1',
  userName: before.userName,
  name: { givenName: 'Alice', familyName: 'Tester' },
  active: true,
  groups: [],
  meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z', location: 'http://127.0.0.1/scim/v2/Users/u-1', version: 'W/"1"' },
};

function asGraded(profile: Profile, req: IdpRequest): GradedRequest {
  const hasBody = req.body !== undefined;
  // Header names lower-cased, as GradedRequest carries them; a header the profile leaves out stays out.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(profile.headers)) if (value !== undefined && (hasBody || name !== 'Content-Type')) headers[name.toLowerCase()] = value;
  return { method: req.method, path: req.path, query: req.query ?? {}, headers, rawBody: hasBody ? JSON.stringify(req.body) : undefined, body: req.body };
}

/** Every request shape a profile builds, from its own builders. */
function trafficOf(profile: Profile): IdpRequest[] {
  return [
    ...profile.connectionTest('0f8fad5b-d9cb-469f-a165-70867728950e').map((p) => p.req),
    { method: 'GET', path: '/Users', query: profile.matching.query(profile.matching.default, before) },
    { method: 'POST', path: '/Users', body: profile.createUser(before, build) },
    ...profile.updateUser.build(before, after, 'u-1', current, build),
    ...profile.setActive.build(before, 'u-1', false, current, build),
    ...profile.setActive.build(before, 'u-1', true, current, build),
    ...(profile.groups.matchQuery ? [{ method: 'GET' as const, path: '/Groups', query: profile.groups.matchQuery(group) }] : []),
    { method: 'POST', path: '/Groups', body: profile.groups.create(group) },
    profile.groups.rename('g-1', { ...group, displayName: 'Engineering (all)' }),
    profile.groups.addMembers('g-1', [{ id: 'u-1', display: 'Alice Tester' }, { id: 'u-2' }]),
    profile.groups.removeMembers('g-1', [{ id: 'u-1' }]),
    { method: 'DELETE', path: '/Users/u-1' },
  ];
}

describe('clean traffic from every built-in profile', () => {
  for (const [name, profile] of Object.entries(PROFILES)) {
    it(`${name}: no MUST finding on any request it builds`, () => {
      const traffic = trafficOf(profile);
      expect(traffic.length).toBeGreaterThan(10);
      const must = traffic.flatMap((req) => gradeClientRequest(asGraded(profile, req), { registry }).filter((f) => f.level === 'MUST').map((f) => `${req.method} ${req.path}: ${f.id}: ${f.message}`));
      expect(must).toEqual([]);
    });
  }

  it('notes the legal habits it sees: Entra capitalised ops and application/json, Okta echoing id and readOnly attributes on PUT', () => {
    const idsOf = (profile: Profile) => new Set(trafficOf(profile).flatMap((req) => gradeClientRequest(asGraded(profile, req), { registry }).map((f) => `${f.level} ${f.id}`)));
    expect([...idsOf(PROFILES.entra!)]).toEqual(expect.arrayContaining(['INFO client.patch.op-case', 'INFO client.content-type.plain-json', 'INFO client.create.readonly']));
    expect(idsOf(PROFILES['entra-2020']!).has('INFO client.patch.op-case')).toBe(false);
    expect([...idsOf(PROFILES.okta!)]).toEqual(expect.arrayContaining(['INFO client.patch.echoed', 'INFO client.replace.readonly']));
  });
});

const scim = { 'content-type': 'application/scim+json' };
function req(method: string, path: string, body?: unknown, extra: Partial<GradedRequest> = {}): GradedRequest {
  return { method, path, query: {}, headers: body === undefined ? {} : { ...scim }, rawBody: body === undefined ? undefined : JSON.stringify(body), body, ...extra };
}
const patch = (ops: unknown[], schemas: unknown = [PATCH_OP]) => req('PATCH', '/Users/u-1', { schemas, Operations: ops });
const user = (extra: Record<string, unknown> = {}) => ({ schemas: [USER], userName: 'bjensen', ...extra });

/** [what the client did wrong, the request, the finding id, its level, its clause, a word of the message]. */
const BROKEN: [string, GradedRequest, string, string, string, RegExp][] = [
  ['an unknown PATCH op', patch([{ op: 'delete', path: 'title' }]), 'client.patch.op-name', 'MUST', 'RFC 7644 §3.5.2', /"delete"/],
  ['a PATCH without schemas', patch([{ op: 'replace', path: 'title', value: 'x' }], null), 'client.patch.schemas', 'MUST', 'RFC 7644 §3.5.2', /PatchOp/],
  ['a PATCH with an empty Operations', req('PATCH', '/Users/u-1', { schemas: [PATCH_OP], Operations: [] }), 'client.patch.operations', 'MUST', 'RFC 7644 §3.5.2', /Operations/],
  ['a remove without path', patch([{ op: 'remove' }]), 'client.patch.path-required', 'MUST', 'RFC 7644 §3.5.2', /remove/],
  ['an add without value', patch([{ op: 'add', path: 'title' }]), 'client.patch.add-value', 'MUST', 'RFC 7644 §3.5.2.1', /without "value"/],
  ['a pathless replace of a string', patch([{ op: 'replace', value: 'x' }]), 'client.patch.replace-value', 'MUST', 'RFC 7644 §3.5.2.3', /not an object/],
  ['a PATCH path that is no path', patch([{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }]), 'client.patch.path-syntax', 'MUST', 'RFC 7644 §3.5.2', /emails/],
  ['a PATCH path naming no attribute', patch([{ op: 'replace', path: 'shoeSize', value: 44 }]), 'client.patch.path-schema', 'MUST', 'RFC 7644 §3.5.2', /no attribute of User/],
  ['a PATCH writing readOnly meta', patch([{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }]), 'client.patch.mutability', 'MUST', 'RFC 7644 §3.5.2', /readOnly/],
  ['a pathless PATCH changing id', patch([{ op: 'replace', value: { id: 'other', title: 'x' } }]), 'client.patch.mutability', 'MUST', 'RFC 7644 §3.5.2', /'id'/],
  ['a PATCH writing readOnly groups', patch([{ op: 'add', path: 'groups', value: [{ value: 'g-1' }] }]), 'client.patch.mutability', 'MUST', 'RFC 7644 §3.5.2', /groups/],
  ['a PATCH replacing an immutable member value', req('PATCH', '/Groups/g-1', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'members[value eq "u-1"].value', value: 'u-2' }] }), 'client.patch.mutability', 'MUST', 'RFC 7644 §3.5.2', /immutable/],
  ['a filter with no operator', req('GET', '/Users', undefined, { query: { filter: 'userName "bjensen"' } }), 'client.filter.syntax', 'MUST', 'RFC 7644 §3.4.2.2', /userName/],
  ['an unterminated filter string', req('GET', '/Users', undefined, { query: { filter: 'userName eq "bjensen' } }), 'client.filter.syntax', 'MUST', 'RFC 7644 §3.4.2.2', /bjensen/],
  ['a SearchRequest without its schema', req('POST', '/Users/.search', { filter: 'userName eq "x"' }), 'client.search.schemas', 'MUST', 'RFC 7644 §3.4.3', /SearchRequest/],
  ['a SearchRequest with an invalid filter', req('POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq' }), 'client.filter.syntax', 'MUST', 'RFC 7644 §3.4.2.2', /SearchRequest/],
  ['a create without schemas', req('POST', '/Users', { userName: 'bjensen' }), 'client.schemas.required', 'MUST', 'RFC 7643 §3', /schemas/],
  ['a Group created with the User schema', req('POST', '/Groups', { schemas: [USER], displayName: 'x' }), 'client.schemas.foreign', 'MUST', 'RFC 7643 §3', /not a schema or extension of Group/],
  ['extension attributes not listed in schemas', req('POST', '/Users', user({ [ENT]: { department: 'x' } })), 'client.schemas.required', 'MUST', 'RFC 7643 §3', /does not list/],
  ['a create choosing its id', req('POST', '/Users', user({ id: 'mine' })), 'client.id.specified', 'MUST', 'RFC 7643 §3.1', /"mine"/],
  ['a replace changing the id', req('PUT', '/Users/u-1', user({ id: 'u-2' })), 'client.id.specified', 'MUST', 'RFC 7643 §3.1', /u-2/],
  ['a create echoing meta', req('POST', '/Users', user({ meta: { resourceType: 'User' } })), 'client.create.readonly', 'INFO', 'RFC 7644 §3.3', /'meta'/],
  ['a JSON body sent as text/plain', req('POST', '/Users', user(), { headers: { 'content-type': 'text/plain' } }), 'client.content-type.not-json', 'MUST', 'RFC 7644 §3.8', /text\/plain/],
  ['a body without Content-Type', req('POST', '/Users', user(), { headers: {} }), 'client.content-type.missing', 'SHOULD', 'RFC 7231 §3.1.1.5', /no Content-Type/],
  ['a body that is no JSON', req('POST', '/Users', undefined, { headers: { ...scim }, rawBody: 'userName=bjensen' }), 'client.schemas.required', 'MUST', 'RFC 7643 §3', /not JSON/],
  ['an unquoted If-Match', req('PUT', '/Users/u-1', user(), { headers: { ...scim, 'if-match': 'W/abc' } }), 'client.if-match.form', 'MAY', 'RFC 7644 §3.14', /W\/abc/],
  ['a Bulk operation version that is no entity-tag', req('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'DELETE', path: '/Users/u-1', version: '3694e05e' }] }), 'client.if-match.form', 'MAY', 'RFC 7644 §3.14', /Operations\[0\]\.version/],
  ['a Bulk request without schemas', req('POST', '/Bulk', { Operations: [{ method: 'DELETE', path: '/Users/u-1' }] }), 'client.schemas.required', 'MUST', 'RFC 7643 §3', /BulkRequest/],
  ['a Bulk request without operations', req('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'] }), 'client.bulk.operations', 'MUST', 'RFC 7644 §3.7', /Operations/],
  ['a Bulk POST without bulkId', req('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'POST', path: '/Users', data: user() }] }), 'client.bulk.bulkid', 'MUST', 'RFC 7644 §3.7', /bulkId/],
  ['a Bulk operation with a made-up method', req('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'MERGE', path: '/Users/u-1' }] }), 'client.bulk.method', 'MUST', 'RFC 7644 §3.7', /MERGE/],
  ['a Bulk PUT without data', req('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'PUT', path: '/Users/u-1' }] }), 'client.bulk.data', 'MUST', 'RFC 7644 §3.7', /no "data"/],
  ['a Bulk PATCH whose data has a bad op', req('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'PATCH', path: '/Users/u-1', data: { schemas: [PATCH_OP], Operations: [{ op: 'merge', value: {} }] } }] }), 'client.patch.op-name', 'MUST', 'RFC 7644 §3.5.2', /Operations\[0\] \(PATCH \/Users\/u-1\)/],
];

describe('broken requests draw the right finding', () => {
  for (const [what, request, id, level, rfc, message] of BROKEN) {
    it(`${what} → ${id} (${level}, ${rfc})`, () => {
      const findings = gradeClientRequest(request, { registry });
      const hit = findings.find((f) => f.id === id);
      expect(hit, JSON.stringify(findings, null, 2)).toBeDefined();
      expect(hit).toMatchObject({ side: 'client', level, rfc });
      expect(hit!.message).toMatch(message);
      expect(hit!.quote.length).toBeGreaterThan(20);
    });
  }

  it('a clean request draws nothing at all', () => {
    expect(gradeClientRequest(req('POST', '/Users', user({ [ENT]: { department: 'x' }, schemas: [USER, ENT] }), { headers: { ...scim, 'if-match': 'W/"1", "2"' } }), { registry })).toEqual([]);
    expect(gradeClientRequest(patch([{ op: 'replace', path: 'name.givenName', value: 'B' }, { op: 'remove', path: 'emails[type eq "work"]' }]), { registry })).toEqual([]);
    expect(gradeClientRequest(req('GET', '/Users', undefined, { query: { filter: 'emails[type eq "work" and value co "@example.com"] or not (active eq false)' } }), { registry })).toEqual([]);
  });
});

describe('recogniseClient', () => {
  const seen = (profile: Profile): ClientRecognition => {
    let r: ClientRecognition | undefined;
    for (const request of trafficOf(profile)) r = recogniseClient(asGraded(profile, request), r);
    return r!;
  };

  it('names each built-in profile from its User-Agent and habits', () => {
    expect(seen(PROFILES.okta!)).toMatchObject({ profile: 'okta', label: 'Okta' });
    expect(seen(PROFILES.onelogin!)).toMatchObject({ profile: 'onelogin' });
    expect(seen(PROFILES.entra!)).toMatchObject({ profile: 'entra', label: 'Microsoft Entra ID without aadOptscim062020' });
    expect(seen(PROFILES['entra-2020']!)).toMatchObject({ profile: 'entra-2020', label: 'Microsoft Entra ID with aadOptscim062020' });
  });

  it('recognises Entra without a User-Agent from capitalised ops, and says when the flag is not yet shown', () => {
    const r = recogniseClient(patch([{ op: 'Replace', path: 'active', value: 'False' }]));
    expect(r).toMatchObject({ family: 'entra', profile: 'entra' });
    expect(r.evidence[0]).toMatch(/capitalised/);
    const early = recogniseClient(req('GET', '/Users', undefined, { headers: { 'user-agent': 'Microsoft Entra ID SCIM Client' } }));
    expect(early.profile).toBeUndefined();
    expect(early.label).toMatch(/not yet shown/);
    expect(recogniseClient(req('GET', '/Users', undefined, { headers: { 'user-agent': 'curl/8.0' } })).label).toBe('unknown client');
  });
});
