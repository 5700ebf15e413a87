/**
 * The level audit cannot rot (issue 10 #5, #10): a check's level is the RFC 2119 keyword of the sentence it quotes.
 * MUST checks quote MUST / SHALL / REQUIRED, SHOULD checks SHOULD / RECOMMENDED, MAY checks MAY / OPTIONAL, unless
 * the check is listed below with the reason its level stands without that word (docs/levels-audit.md).
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/harness/checks/index.ts';
import { CheckFailure, type Check, type CheckContext, type HttpResponse, type Level } from '../../src/harness/check.ts';
import { createCheckContext, describeBody } from '../../src/harness/context.ts';
import { read } from '../../src/harness/checks/support/resources.ts';
import { expectRefused } from '../../src/harness/checks/support/http.ts';
import { SCHEMA_URN } from '../../src/scim/types.ts';

/** RFC 2119 keywords count only in capitals (RFC 8174); lower-case "must" is the "lowercase-must" exception. */
const KEYWORDS: Record<Level, RegExp> = {
  MUST: /\b(MUST|SHALL|REQUIRED)\b/,
  SHOULD: /\b(SHOULD|RECOMMENDED)\b/,
  MAY: /\b(MAY|OPTIONAL)\b/,
};

type Exception = { level: Level; because: keyof typeof REASONS };

/** Why a level can stand without its keyword in the quoted sentence. One reason per kind, not per check. */
const REASONS = {
  definition:
    'The RFC defines the outcome of an operation the target accepted (a PATCH operation, a replace, a conditional request, pagination, a meta value) in plain words, without an RFC 2119 keyword. A success answer whose effect contradicts that definition is not the operation the RFC defines, so the check fails (MUST).',
  enumeration:
    'The RFC lists the only valid values ("Valid values are …", "Valid keywords are as follows", "Allowed values are …"): a stated value outside the list is invalid by definition (MUST). Omitted values take their RFC 7643 §2.2 default and are not judged.',
  'round-trip':
    'A readWrite attribute that the target\'s own schema declares holds what was written: RFC 7643 §2.2 readWrite "MAY be updated and read at any time". RFC 7644 §3.3 lets a server "alter and/or ignore POSTed content (e.g., read-only attributes)", which is about content the server owns, not about silently dropping values of attributes it declares writable (MUST).',
  'lowercase-must':
    'RFC 7643/7644 predate RFC 8174 and write this requirement in lower case ("must have the same value", "must be the URI"); it is a requirement, not a description (MUST).',
  premise:
    'The check is the premise of the whole run (a User resource type to provision, the run\'s own credentials accepted): when it fails, every other verdict is void, so it fails the run (MUST).',
  'deferred-http':
    'RFC 7644 §3.14 hands conditional requests to RFC 7232 ("ETags … as per [RFC7232]"), where this answer is required; the SCIM text itself only describes it, so scimcheck warns (SHOULD) instead of failing.',
  'described-only':
    'The RFC describes the behaviour (an example, "can be returned", a client-side MUST, a list the server "contains") without a server-side keyword, or says nothing about it at all: the target\'s answer is its choice. The check records it (passes or skips with a note) and at most warns (MAY).',
} as const;

/** Checks whose quoted sentence lacks the keyword of their level, and why the level stands. */
const EXCEPTIONS: Record<string, Exception> = {
  // discovery
  'discovery.schemas.attribute-name-type': { level: 'MUST', because: 'enumeration' },
  'discovery.schemas.characteristic-values-valid': { level: 'MUST', because: 'enumeration' },
  'discovery.schemas.user-by-urn': { level: 'MAY', because: 'described-only' },
  'discovery.schemas.group-by-urn': { level: 'MAY', because: 'described-only' },
  'discovery.schemas.each-retrievable': { level: 'MAY', because: 'described-only' },
  'discovery.resource-types.user-by-name': { level: 'MAY', because: 'described-only' },
  // auth
  'auth.valid.accepted': { level: 'MUST', because: 'premise' },
  // users
  'users.get.meta-location-resolves': { level: 'MUST', because: 'definition' },
  'users.put.created-unchanged': { level: 'MUST', because: 'definition' },
  'users.put.last-modified-advances': { level: 'MUST', because: 'definition' },
  'users.attributes.active-boolean-type': { level: 'MUST', because: 'definition' },
  'users.attributes.name-round-trip': { level: 'MUST', because: 'round-trip' },
  'users.attributes.emails-primary-round-trip': { level: 'MUST', because: 'round-trip' },
  'users.enterprise.attributes-round-trip': { level: 'MUST', because: 'round-trip' },
  // Accepting a user with only the schema's required attributes is asked by no sentence; refusing one warns.
  'users.create.required-only': { level: 'MAY', because: 'described-only' },
  // bulk: RFC 7644 §3.7.3 shows status as a string only in its examples.
  // validation
  'validation.unknown-attribute.ignored': { level: 'MAY', because: 'described-only' },
  'validation.coercion.active-string': { level: 'MAY', because: 'described-only' },
  // etag
  'etag.get.header-equals-meta-version': { level: 'MUST', because: 'lowercase-must' },
  'etag.get.stable': { level: 'MUST', because: 'definition' },
  'etag.put.version-changes': { level: 'MUST', because: 'definition' },
  'etag.patch.version-changes': { level: 'MUST', because: 'definition' },
  'etag.if-none-match.current-304': { level: 'SHOULD', because: 'deferred-http' },
  'etag.if-none-match.stale-200': { level: 'MUST', because: 'definition' },
  'etag.if-match.stale-put-412': { level: 'MUST', because: 'definition' },
  'etag.if-match.stale-patch-412': { level: 'MUST', because: 'definition' },
  'etag.if-match.stale-delete-412': { level: 'MUST', because: 'definition' },
  'etag.if-match.real-stale-after-change': { level: 'MUST', because: 'definition' },
  'etag.if-match.current-200': { level: 'MUST', because: 'definition' },
  // filter
  'filter.complex.implied-value': { level: 'MAY', because: 'described-only' },
  'filter.urn.core-attribute': { level: 'MUST', because: 'definition' },
  'filter.urn.enterprise-attribute': { level: 'MUST', because: 'definition' },
  // paging, sort, projection
  'paging.start-index.offsets': { level: 'MUST', because: 'definition' },
  'paging.walk.complete': { level: 'MUST', because: 'definition' },
  'paging.invalid.non-numeric': { level: 'MAY', because: 'described-only' },
  'sort.sort-by.case-insensitive-name': { level: 'MUST', because: 'definition' },
  'sort.with-paging': { level: 'MUST', because: 'definition' },
  'projection.attributes.enterprise-urn': { level: 'MUST', because: 'definition' },
  'projection.attributes.urn-core': { level: 'MUST', because: 'definition' },
  'projection.excluded.case-insensitive-name': { level: 'MUST', because: 'definition' },
  // patch
  'patch.add.single-valued': { level: 'MUST', because: 'definition' },
  'patch.add.single-valued-replaces': { level: 'MUST', because: 'definition' },
  'patch.add.multivalued-append': { level: 'MUST', because: 'definition' },
  'patch.add.no-path': { level: 'MUST', because: 'definition' },
  'patch.replace.with-path': { level: 'MUST', because: 'definition' },
  'patch.replace.multivalued-whole': { level: 'MUST', because: 'definition' },
  'patch.remove.value-filter': { level: 'MUST', because: 'definition' },
  'patch.remove.no-path': { level: 'MUST', because: 'definition' },
  'patch.invalid.missing-schemas': { level: 'MAY', because: 'described-only' },
  'patch.extension.urn-path': { level: 'MUST', because: 'definition' },
  'patch.active.deactivate-idempotent': { level: 'MUST', because: 'definition' },
  'patch.active.reactivate': { level: 'MUST', because: 'definition' },
  'patch.meta.last-modified-advances': { level: 'MUST', because: 'definition' },
  'patch.username.rename-then-filter': { level: 'MUST', because: 'definition' },
  // groups
  'groups.create.with-members': { level: 'MUST', because: 'round-trip' },
  'groups.members.ref-and-display': { level: 'MUST', because: 'lowercase-must' },
  'groups.get.by-id': { level: 'MUST', because: 'definition' },
  'groups.patch.add-member': { level: 'MUST', because: 'definition' },
  'groups.patch.add-several': { level: 'MUST', because: 'definition' },
  'groups.patch.remove-member-filter': { level: 'MUST', because: 'definition' },
  'groups.patch.replace-members': { level: 'MUST', because: 'definition' },
  'groups.patch.rename': { level: 'MUST', because: 'definition' },
  'groups.create.duplicate-display-name': { level: 'MAY', because: 'described-only' },
  'groups.user.groups-derived': { level: 'MAY', because: 'described-only' },
  'groups.member.unknown-id': { level: 'MAY', because: 'described-only' },
  // bulk, search
  'bulk.fail-on-errors.stops': { level: 'MUST', because: 'definition' },
  'bulk.invalid.missing-schema': { level: 'MAY', because: 'described-only' },
  'search.missing-schema': { level: 'MAY', because: 'described-only' },
  'search.get-not-allowed': { level: 'MAY', because: 'described-only' },
  'bulk.response.status-string': { level: 'MAY', because: 'described-only' },
};

const checks = allChecks();
const byId = new Map(checks.map((c) => [c.id, c]));

function keywordMissing(c: Check): boolean {
  return !KEYWORDS[c.level].test(c.cite.quote ?? '');
}

describe('levels follow the quoted RFC sentence', () => {
  it('every check quotes its sentence', () => {
    const unquoted = checks.filter((c) => !c.cite.quote || c.cite.quote.trim().length < 10).map((c) => c.id);
    expect(unquoted).toEqual([]);
  });

  it('every MUST / SHOULD / MAY check quotes a sentence with its keyword, or is a listed exception', () => {
    const offenders = checks
      .filter((c) => keywordMissing(c) && !(EXCEPTIONS[c.id] && EXCEPTIONS[c.id]!.level === c.level))
      .map((c) => `${c.level} ${c.id}: "${c.cite.quote}"`);
    expect(offenders).toEqual([]);
  });

  it('every exception is still needed: the check exists, has that level, and its quote lacks the keyword', () => {
    const stale = Object.entries(EXCEPTIONS)
      .filter(([id, e]) => {
        const c = byId.get(id);
        return !c || c.level !== e.level || !keywordMissing(c);
      })
      .map(([id, e]) => `${id} (listed as ${e.level}, ${e.because}; check is ${byId.get(id)?.level ?? 'gone'})`);
    expect(stale).toEqual([]);
  });

  it('a SHOULD or MAY check does not quote only a server MUST (it would be a MUST check)', () => {
    // A quote with MUST/SHALL but neither SHOULD nor MAY is a MUST sentence; a softer level needs a softer sentence.
    const softened = checks
      .filter((c) => c.level !== 'MUST' && KEYWORDS.MUST.test(c.cite.quote ?? '') && !KEYWORDS.SHOULD.test(c.cite.quote ?? '') && !KEYWORDS.MAY.test(c.cite.quote ?? ''))
      .filter((c) => !EXCEPTIONS[c.id])
      .map((c) => `${c.level} ${c.id}`);
    expect(softened).toEqual([]);
  });

  it('one defect counted in several areas shares a topic (issue 10 #4: User.groups ×5, Location ×2, 401 body ×12)', () => {
    const withTopic = (t: string) => checks.filter((c) => c.topic === t).map((c) => c.id).sort();
    expect(withTopic('user.groups-readonly')).toEqual([
      'groups.user.groups-readonly-patch',
      'groups.user.groups-readonly-put',
      'security.groups.readonly-on-create',
      'security.groups.readonly-on-patch',
      'security.groups.readonly-on-put',
    ]);
    expect(withTopic('user.location-header')).toEqual(expect.arrayContaining(['users.create.location-header', 'users.create.location-equals-meta']));
    // Every check that reads the answer to missing or wrong credentials.
    const refusal = withTopic('auth.refusal');
    const sentWithoutCredentials = checks.filter((c) => c.phase === 'bad-credentials' && (c.area === 'auth' || c.id.endsWith('-401'))).map((c) => c.id);
    expect(refusal).toEqual(expect.arrayContaining(sentWithoutCredentials));
    expect(refusal.length).toBeGreaterThanOrEqual(12);
  });

  it('the known misreadings of issue 10 stay fixed', () => {
    const level = (id: string) => byId.get(id)?.level;
    expect(level('users.put.replaces-omitted-attribute')).toBe('MAY');
    expect(level('groups.user.groups-derived')).toBe('MAY');
    expect(level('search.root.filter')).toBe('MAY');
    expect(byId.has('discovery.schemas.attribute-characteristics-complete')).toBe(false);
    expect(checks.filter((c) => c.id.startsWith('discovery.method.'))).toEqual([]);
    // The unknown-operator check must not send an operator a server may legally implement (RFC 7644 §3.4.2.2).
    const op = byId.get('filter.invalid.operator');
    expect(op?.level).toBe('MUST');
    expect(op?.title).not.toMatch(/regex/);
  });
});

/** A context whose every request gets `answer` (no target needed: these judge answers only). */
function contextAnswering(answer: () => HttpResponse): CheckContext {
  return createCheckContext({
    http: { send: async () => answer() },
    target: { endpoints: { users: '/Users' } } as never,
    fixtures: {} as never,
    signal: new AbortController().signal,
  });
}

function scimError(status: number, extra: Record<string, unknown> = {}): HttpResponse {
  const json = { schemas: [SCHEMA_URN.error], status: String(status), ...extra };
  return { status, headers: { 'content-type': 'application/json' }, text: JSON.stringify(json), json, durationMs: 0 };
}

/** The failure message, or 'ok'. */
function outcome(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof CheckFailure) return e.message;
    throw e;
  }
}

describe('scimType is OPTIONAL (RFC 7644 §3.12) unless the quoted MUST names it', () => {
  const ctx = contextAnswering(() => scimError(400));

  it('a missing scimType passes, and fails only when required', () => {
    expect(outcome(() => ctx.expectScimError(scimError(400), 400, 'mutability'))).toBe('ok');
    expect(outcome(() => ctx.expectScimError(scimError(400), 400, 'invalidFilter', { scimTypeRequired: true }))).toMatch(/carries no scimType/);
  });

  it('a scimType naming another error fails, required or not', () => {
    expect(outcome(() => ctx.expectScimError(scimError(400, { scimType: 'invalidValue' }), 400, 'mutability'))).toMatch(/should be "mutability"/);
    expect(outcome(() => ctx.expectScimError(scimError(409, { scimType: 'uniqueness' }), 409, 'uniqueness', { scimTypeRequired: true }))).toBe('ok');
  });

  it('the error body is still judged: JSON with the Error URN and the status as a string', () => {
    const plain: HttpResponse = { status: 404, headers: { 'content-type': 'text/plain' }, text: 'Not Found', json: undefined, durationMs: 0 };
    expect(outcome(() => ctx.expectScimError(plain, 404))).toMatch(/not a SCIM error.*no JSON body/);
    expect(outcome(() => ctx.expectScimError(scimError(404, { status: 404 }), 404))).toMatch(/must be the string "404"/);
    // The media type is the content-type area's verdict, not every error check's.
    expect(outcome(() => ctx.expectScimError(scimError(404), 404))).toBe('ok');
  });

  it('a refusal without a named status passes any 4xx SCIM error, and nothing else', () => {
    expect(outcome(() => expectRefused(ctx, scimError(409), 'rename'))).toBe('ok');
    expect(outcome(() => expectRefused(ctx, scimError(422, { scimType: 'uniqueness' }), 'rename', 'uniqueness'))).toBe('ok');
    expect(outcome(() => expectRefused(ctx, { ...scimError(200), status: 200 }, 'rename'))).toMatch(/refused with a 4xx/);
    expect(outcome(() => expectRefused(ctx, scimError(500), 'rename'))).toMatch(/refused with a 4xx/);
  });
});

describe('messages say what came back (issue 10 #9)', () => {
  it('names a ListResponse, an error or another object instead of "undefined"', () => {
    expect(describeBody({ schemas: [SCHEMA_URN.listResponse], totalResults: 3, Resources: [{}, {}] })).toMatch(/ListResponse \(totalResults 3, 2 resource/);
    expect(describeBody({ schemas: [SCHEMA_URN.error], status: '404', detail: 'no such user' })).toMatch(/SCIM error \(status "404": no such user\)/);
    expect(describeBody({ a: 1, b: 2 })).toBe('a JSON object with attributes a, b');
    expect(describeBody(undefined)).toBe('no JSON body');
  });

  it('reading one resource that comes back as a ListResponse fails with that, not with a missing field', async () => {
    const list = { schemas: [SCHEMA_URN.listResponse], totalResults: 1, Resources: [{ id: 'x' }] };
    const ctx = contextAnswering(() => ({ status: 200, headers: {}, text: JSON.stringify(list), json: list, durationMs: 0 }));
    await expect(read(ctx, '/Users/x')).rejects.toThrow(/answered a ListResponse \(totalResults 1/);
  });
});

describe('users.create.location-equals-meta reports the header as the actual value', () => {
  it('expected is meta.location, actual the Location header', async () => {
    const check = byId.get('users.create.location-equals-meta')!;
    const body = { schemas: [SCHEMA_URN.user], id: 'u1', userName: 'x', meta: { location: 'https://sp.example/Users/u1' } };
    const ctx = createCheckContext({
      http: { send: async () => ({ status: 201, headers: { location: 'https://sp.example/Users/other' }, text: JSON.stringify(body), json: body, durationMs: 0 }) },
      target: { endpoints: { users: '/Users' } } as never,
      fixtures: { userBody: () => ({ schemas: [SCHEMA_URN.user], userName: 'x' }), track() {} } as never,
      signal: new AbortController().signal,
    });
    const failure = await check.run(ctx).then(
      () => undefined,
      (e: unknown) => e as CheckFailure,
    );
    expect(failure).toBeInstanceOf(CheckFailure);
    expect(failure?.expected).toBe('https://sp.example/Users/u1');
    expect(failure?.actual).toBe('https://sp.example/Users/other');
  });
});
