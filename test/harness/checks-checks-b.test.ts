import { describe, expect, it } from 'vitest';
import { CheckFailure, CheckSkipped, type CheckContext, type HttpRequest, type HttpResponse } from '../../src/harness/check.ts';
import { attr, attrPath, memberIds } from '../../src/harness/checks/support/attributes.ts';
import { emailToken, filterString, nameVariant, swapCase, variantPrefix } from '../../src/harness/checks/support/names.ts';
import { expectIdOrder, expectIdSet, expectListResponse, resourcesOf } from '../../src/harness/checks/support/lists.ts';
import { checks as filterChecks } from '../../src/harness/checks/filter.ts';
import { checks as pagingChecks } from '../../src/harness/checks/paging.ts';
import { checks as sortChecks } from '../../src/harness/checks/sort.ts';
import { checks as projectionChecks } from '../../src/harness/checks/projection.ts';
import { checks as patchChecks } from '../../src/harness/checks/patch.ts';
import { checks as groupsChecks } from '../../src/harness/checks/groups.ts';
import { checks as bulkChecks } from '../../src/harness/checks/bulk.ts';
import { checks as searchChecks } from '../../src/harness/checks/search.ts';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

function response(status: number, json: unknown): HttpResponse {
  return { status, headers: {}, text: json === undefined ? '' : JSON.stringify(json), json, durationMs: 0 };
}

/** A context whose fail/skip throw like the runner's, answering every request with `answer`. */
function fakeContext(answer: (req: HttpRequest) => HttpResponse = () => response(404, {})): CheckContext {
  const ctx = {
    http: { send: async (req: HttpRequest) => answer(req) },
    target: {
      baseUrl: 'http://127.0.0.1:1/scim/v2',
      serviceProviderConfig: {},
      schemas: [],
      resourceTypes: [],
      endpoints: { users: '/Users', groups: '/Groups' },
      capabilities: new Set(),
      limits: {},
      deprovision: 'delete',
      prefix: 'scimcheck-test',
    },
    fixtures: {} as CheckContext['fixtures'],
    fail(message: string, detail?: { expected?: unknown; actual?: unknown }): never {
      throw new CheckFailure(message, detail?.expected, detail?.actual);
    },
    skip(reason: string): never {
      throw new CheckSkipped(reason);
    },
    expectStatus() {},
    expectScimError() {},
    expectEqual(actual: unknown, expected: unknown, what: string) {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new CheckFailure(what, expected, actual);
    },
    expectTrue(cond: unknown, what: string) {
      if (!cond) throw new CheckFailure(what);
    },
    signal: new AbortController().signal,
  };
  return ctx as unknown as CheckContext;
}

describe('checks-b helpers', () => {
  it('reads attributes case-insensitively, including dotted paths', () => {
    const r = { UserName: 'x', Name: { FamilyName: 'F' } };
    expect(attr(r, 'userName')).toBe('x');
    expect(attrPath(r, 'name.familyName')).toBe('F');
    expect(attr(null, 'x')).toBeUndefined();
  });

  it('escapes quotes and backslashes in filter literals (RFC 7644 §3.4.2.2 JSON strings)', () => {
    expect(filterString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('flips case letter by letter', () => {
    expect(swapCase('Bob-x1')).toBe('bOB-X1');
  });

  it('builds userName variants that keep an email shape and share a prefix', () => {
    expect(nameVariant('run-u-1', 'alice')).toBe('run-u-1-alice');
    expect(nameVariant('run-u-1@example.com', 'alice')).toBe('run-u-1-alice@example.com');
    expect(variantPrefix('run-u-1@example.com')).toBe('run-u-1-');
    expect(nameVariant('run-u-1@example.com', 'Bob').startsWith(variantPrefix('run-u-1@example.com'))).toBe(true);
    expect(emailToken('Run_U 1-')).toBe('runu1-');
  });

  it('reads Resources as [] when absent and member ids from members', () => {
    expect(resourcesOf({ totalResults: 0 })).toEqual([]);
    expect(memberIds({ members: [{ value: 'a' }, { value: 'b' }, {}] })).toEqual(['a', 'b']);
  });

  it('accepts a well-formed ListResponse and rejects a bad one', () => {
    const ctx = fakeContext();
    expect(() => expectListResponse(ctx, response(200, { schemas: [LIST], totalResults: 0 }), 'ok')).not.toThrow();
    expect(() => expectListResponse(ctx, response(200, { schemas: [], totalResults: 0 }), 'no schema')).toThrow(CheckFailure);
    expect(() => expectListResponse(ctx, response(200, { schemas: [LIST], totalResults: -1 }), 'negative')).toThrow(CheckFailure);
    expect(() => expectListResponse(ctx, response(500, {}), 'status')).toThrow(CheckFailure);
  });

  it('compares result sets regardless of order and fails on extras, gaps or duplicates', () => {
    const ctx = fakeContext();
    const rs = (...ids: string[]) => ids.map((id) => ({ id }));
    expect(() => expectIdSet(ctx, rs('b', 'a'), ['a', 'b'], 'same')).not.toThrow();
    expect(() => expectIdSet(ctx, rs('a', 'b', 'c'), ['a', 'b'], 'extra')).toThrow(CheckFailure);
    expect(() => expectIdSet(ctx, rs('a'), ['a', 'b'], 'gap')).toThrow(CheckFailure);
    expect(() => expectIdSet(ctx, rs('a', 'a'), ['a', 'b'], 'dupe')).toThrow(CheckFailure);
    expect(() => expectIdOrder(ctx, rs('b', 'a'), ['a', 'b'], 'order')).toThrow(CheckFailure);
    expect(() => expectIdOrder(ctx, rs('a', 'b'), ['a', 'b'], 'order')).not.toThrow();
  });
});

describe('checks-b check definitions', () => {
  const all = [...filterChecks, ...pagingChecks, ...sortChecks, ...projectionChecks, ...patchChecks, ...groupsChecks, ...bulkChecks, ...searchChecks];

  it('has at least 80 checks with unique, area-prefixed ids', () => {
    expect(all.length).toBeGreaterThanOrEqual(80);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) expect(c.id.startsWith(`${c.area}.`)).toBe(true);
  });

  it('cites a quote on every check and declares write on every check that creates data', () => {
    for (const c of all) {
      expect(c.cite.quote, c.id).toBeTruthy();
      const src = c.run.toString();
      if (/fixtures\.create|createPopulation|createNamedUsers|method: 'POST'|method: 'PUT'|method: 'PATCH'|method: 'DELETE'|patchUser|patchGroup|sendBulk/.test(src)) {
        expect(c.requires ?? [], c.id).toContain('write');
      }
    }
  });

  it('fails an invalid-filter check when the target answers 200 to a malformed filter', async () => {
    const check = filterChecks.find((c) => c.id === 'filter.invalid.syntax')!;
    const ctx = fakeContext(() => response(200, { schemas: [LIST], totalResults: 0, Resources: [] }));
    await expect(check.run(ctx)).rejects.toBeInstanceOf(CheckFailure);
  });

  it('passes an invalid-filter check when the target answers 400 invalidFilter', async () => {
    const check = filterChecks.find((c) => c.id === 'filter.invalid.syntax')!;
    const ctx = fakeContext(() =>
      response(400, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter' }),
    );
    await expect(check.run(ctx)).resolves.toBeUndefined();
  });

  it('fails the maxResults cap check when more resources than maxResults come back', async () => {
    const check = pagingChecks.find((c) => c.id === 'paging.count.capped-at-max-results')!;
    const ctx = fakeContext(() => response(200, { schemas: [LIST], totalResults: 3, Resources: [{ id: '1' }, { id: '2' }, { id: '3' }] }));
    (ctx.target.limits as { maxResults?: number }).maxResults = 2;
    await expect(check.run(ctx)).rejects.toBeInstanceOf(CheckFailure);
  });

  it('skips the maxResults cap check when the target does not advertise maxResults', async () => {
    const check = pagingChecks.find((c) => c.id === 'paging.count.capped-at-max-results')!;
    await expect(check.run(fakeContext())).rejects.toBeInstanceOf(CheckSkipped);
  });

  it('fails GET-on-/.search when the target answers it with 200', async () => {
    const check = searchChecks.find((c) => c.id === 'search.get-not-allowed')!;
    await expect(check.run(fakeContext(() => response(200, {})))).rejects.toBeInstanceOf(CheckFailure);
    await expect(check.run(fakeContext(() => response(404, {})))).resolves.toBeUndefined();
  });
});
