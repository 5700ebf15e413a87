/**
 * Tests for the checks-a areas: the shared helpers, the check-set metadata (ids, citations, levels),
 * and that every check can fail: against a target that answers everything with a bare 500, no check passes.
 */
import { describe, expect, it } from 'vitest';
import { CheckFailure, CheckSkipped, type Check, type Fixtures, type HttpClient, type HttpRequest, type HttpResponse, type TargetInfo } from '../../src/harness/check.ts';
import { createCheckContext } from '../../src/harness/context.ts';
import { isKnownSection } from '../../src/scim/citations.ts';
import { SCHEMA_URN } from '../../src/scim/types.ts';
import { checks as discovery } from '../../src/harness/checks/discovery.ts';
import { checks as auth } from '../../src/harness/checks/auth.ts';
import { checks as users } from '../../src/harness/checks/users.ts';
import { checks as uniqueness } from '../../src/harness/checks/uniqueness.ts';
import { checks as validation } from '../../src/harness/checks/validation.ts';
import { checks as contentType } from '../../src/harness/checks/content-type.ts';
import { checks as errors } from '../../src/harness/checks/errors.ts';
import { checks as security } from '../../src/harness/checks/security.ts';
import { checks as etag } from '../../src/harness/checks/etag.ts';
import { attr, attrPath, containsPassword, isDateTime } from '../../src/harness/checks/support/attributes.ts';
import { filterString, swapCase } from '../../src/harness/checks/support/names.ts';
import { isScimErrorBody, mediaType } from '../../src/harness/checks/support/http.ts';
import { sameEtag } from '../../src/harness/checks/support/resources.ts';

const AREAS: Record<string, Check[]> = {
  discovery,
  auth,
  users,
  uniqueness,
  validation,
  'content-type': contentType,
  errors,
  security,
  etag,
};
const ALL = Object.values(AREAS).flat();

function response(status: number, text: string, headers: Record<string, string> = {}): HttpResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json, durationMs: 0 };
}

const target: TargetInfo = {
  baseUrl: 'http://127.0.0.1:1/scim/v2',
  serviceProviderConfig: {},
  schemas: [
    {
      id: SCHEMA_URN.user,
      attributes: [
        { name: 'userName', type: 'string', multiValued: false, required: true, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'server' },
        { name: 'password', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'writeOnly', returned: 'never', uniqueness: 'none' },
      ],
    },
    {
      id: 'urn:example:ext:1.0:User',
      attributes: [{ name: 'hireDate', type: 'dateTime', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' }],
    },
  ],
  resourceTypes: [
    {
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      schema: SCHEMA_URN.user,
      schemaExtensions: [
        { schema: SCHEMA_URN.enterpriseUser, required: false },
        { schema: 'urn:example:ext:1.0:User', required: false },
      ],
    },
  ],
  endpoints: { users: '/Users', groups: '/Groups' },
  capabilities: new Set(['patch', 'bulk', 'filter', 'sort', 'etag', 'changePassword', 'write', 'groups']),
  limits: {},
  deprovision: 'delete',
  prefix: 'scimcheck-test',
};

/** Runs one check against a target whose every answer is `answer`; returns how it ended. */
async function runAgainst(check: Check, answer: () => HttpResponse): Promise<'passed' | 'failed' | 'skipped' | Error> {
  const sent: HttpRequest[] = [];
  const http: HttpClient = {
    async send(req) {
      sent.push(req);
      return answer();
    },
  };
  let n = 0;
  const fixtures: Fixtures = {
    uniqueName: (kind = 'x') => `scimcheck-test-${kind}-${++n}`,
    userBody: (overrides = {}) => ({ schemas: [SCHEMA_URN.user], userName: `scimcheck-test-u-${++n}`, ...overrides }),
    groupBody: (overrides = {}) => ({ schemas: [SCHEMA_URN.group], displayName: `scimcheck-test-g-${++n}`, ...overrides }),
    async createUser() {
      const res = await http.send({ method: 'POST', path: '/Users', body: {} });
      throw new CheckFailure(`precondition: could not create a user (HTTP ${res.status})`);
    },
    async createGroup() {
      const res = await http.send({ method: 'POST', path: '/Groups', body: {} });
      throw new CheckFailure(`precondition: could not create a group (HTTP ${res.status})`);
    },
    track() {},
  };
  const ctx = createCheckContext({ http, target, fixtures, signal: new AbortController().signal });
  try {
    await check.run(ctx);
    return 'passed';
  } catch (e) {
    if (e instanceof CheckFailure) return 'failed';
    if (e instanceof CheckSkipped) return 'skipped';
    return e as Error;
  }
}

describe('checks-a helpers', () => {
  it('reads attribute names case-insensitively (RFC 7643 §2.1)', () => {
    const r = { UserName: 'a', Meta: { Location: 'http://x/Users/1' } };
    expect(attr(r, 'userName')).toBe('a');
    expect(attrPath(r, 'meta.location')).toBe('http://x/Users/1');
    expect(attr(null, 'x')).toBeUndefined();
    expect(attr([1], 'length')).toBeUndefined();
  });

  it('finds password keys anywhere in a JSON value', () => {
    expect(containsPassword({ a: [{ b: { Password: 'x' } }] })).toBe(true);
    expect(containsPassword({ passwordPolicy: 1, a: ['password'] })).toBe(false);
  });

  it('escapes filter values as JSON strings (RFC 7644 §3.4.2.2)', () => {
    expect(filterString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('flips letter case and leaves other characters', () => {
    expect(swapCase('Alice-1@Example.com')).toBe('aLICE-1@eXAMPLE.COM');
  });

  it('compares entity tags weakly and recognises xsd:dateTime', () => {
    expect(sameEtag('W/"abc"', '"abc"')).toBe(true);
    expect(sameEtag('W/"abc"', 'W/"abd"')).toBe(false);
    expect(sameEtag(undefined, 'W/"abc"')).toBe(false);
    expect(isDateTime('2024-05-01T10:00:00Z')).toBe(true);
    expect(isDateTime('2024-05-01T10:00:00.123+02:00')).toBe(true);
    expect(isDateTime('next tuesday')).toBe(false);
  });

  it('reads media types and SCIM error bodies', () => {
    expect(mediaType(response(200, '{}', { 'Content-Type': 'application/scim+json; charset=utf-8' }))).toBe('application/scim+json');
    expect(isScimErrorBody({ schemas: [SCHEMA_URN.error], status: '404' })).toBe(true);
    expect(isScimErrorBody({ schemas: [SCHEMA_URN.user] })).toBe(false);
  });
});

describe('checks-a check set', () => {
  it('has at least 80 checks with unique slug ids prefixed by their area', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(80);
    expect(new Set(ALL.map((c) => c.id)).size).toBe(ALL.length);
    for (const [area, list] of Object.entries(AREAS)) {
      for (const c of list) {
        expect(c.area, c.id).toBe(area);
        expect(c.id.startsWith(`${area}.`), c.id).toBe(true);
        expect(c.id, c.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/);
      }
    }
  });

  it('cites real RFC 7643/7644 sections with a quote and a valid level', () => {
    for (const c of ALL) {
      expect(isKnownSection(c.cite.rfc, c.cite.section), `${c.id} cites ${c.cite.rfc} §${c.cite.section}`).toBe(true);
      expect(c.cite.quote && c.cite.quote.length > 10, `${c.id} quotes its sentence`).toBe(true);
      expect(['MUST', 'SHOULD', 'MAY']).toContain(c.level);
    }
  });

  it('every check can fail: against a target answering 500 to everything, none passes', async () => {
    const passed: string[] = [];
    const broke: string[] = [];
    // These assert only that something is absent from whatever comes back (a stack trace; a password, which a 500
    // to a password filter does not carry), so a bare 500 rightly passes them; each has its own failing test.
    const absenceOnly = new Set(['errors.detail.no-stack-trace', 'security.password.filter-never-5xx']);
    for (const c of ALL.filter((c) => !absenceOnly.has(c.id))) {
      const outcome = await runAgainst(c, () => response(500, 'Internal Server Error', { 'content-type': 'text/plain' }));
      if (outcome === 'passed') passed.push(c.id);
      if (outcome instanceof Error) broke.push(`${c.id}: ${outcome.message}`);
    }
    expect(broke).toEqual([]);
    expect(passed).toEqual([]);
  });

  it('every check can fail: against a target answering an empty 200 JSON object, almost none passes', async () => {
    // A 200 with {} satisfies only checks about status and media type of successful reads.
    const mayPass = new Set([
      'auth.valid.accepted',
      'content-type.accept.scim-json',
      'content-type.response.list-users',
      'content-type.response.service-provider-config',
      'content-type.response.schemas',
      'content-type.response.resource-types',
      'content-type.accept.application-json',
      'auth.missing.discovery',
      // These assert only the absence of a 5xx (or allow a supported /Me): a 200 is a correct answer for them.
      'validation.types.never-5xx',
      'errors.detail.no-stack-trace',
      'errors.me.unsupported-501',
      'security.password.filter-never-5xx',
    ]);
    const passed: string[] = [];
    const broke: string[] = [];
    for (const c of ALL) {
      const outcome = await runAgainst(c, () => response(200, '{}', { 'content-type': 'application/scim+json' }));
      if (outcome === 'passed' && !mayPass.has(c.id)) passed.push(c.id);
      if (outcome instanceof Error) broke.push(`${c.id}: ${outcome.message}`);
    }
    expect(broke).toEqual([]);
    expect(passed).toEqual([]);
  });

  it('security.password.filter-never-5xx fails when a filter on password returns one, and passes a refusal', async () => {
    const check = ALL.find((c) => c.id === 'security.password.filter-never-5xx')!;
    const leak = JSON.stringify({ schemas: [SCHEMA_URN.listResponse], totalResults: 1, Resources: [{ id: '1', userName: 'x', password: 'guess' }] });
    expect(await runAgainst(check, () => response(200, leak, { 'content-type': 'application/scim+json' }))).toBe('failed');
    const refused = JSON.stringify({ schemas: [SCHEMA_URN.error], status: '400', scimType: 'invalidFilter' });
    expect(await runAgainst(check, () => response(400, refused, { 'content-type': 'application/scim+json' }))).toBe('passed');
  });

  it('errors.detail.no-stack-trace fails when an error carries a stack trace', async () => {
    const check = ALL.find((c) => c.id === 'errors.detail.no-stack-trace')!;
    const trace = JSON.stringify({
      schemas: [SCHEMA_URN.error],
      status: '400',
      detail: "TypeError: Cannot read properties of undefined (reading 'x')\n    at parseUser (/srv/app/node_modules/scim/user.js:12:5)",
    });
    expect(await runAgainst(check, () => response(400, trace, { 'content-type': 'application/scim+json' }))).toBe('failed');
    const clean = JSON.stringify({ schemas: [SCHEMA_URN.error], status: '400', detail: 'userName is required' });
    expect(await runAgainst(check, () => response(400, clean, { 'content-type': 'application/scim+json' }))).toBe('passed');
  });
});
