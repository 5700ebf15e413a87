import { describe, expect, it } from 'vitest';
import type { Check, CheckContext } from '../../src/harness/check.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { discover, isServiceProviderConfig } from '../../src/harness/discovery.ts';
import { cleanupSummary, createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { planChecks, runSuites } from '../../src/harness/runner.ts';
import { fakeTarget } from './fake-target.ts';

const TOKEN = 'runner-secret-token-0001';

function check(id: string, run: (ctx: CheckContext) => Promise<void>, extra: Partial<Check> = {}): Check {
  return { id, title: id, area: id.split('.')[0] as string, cite: { rfc: 7644, section: '3.3' }, level: 'MUST', run, ...extra };
}

async function setup(opts: { readOnly?: boolean } = {}) {
  const fake = fakeTarget({ token: TOKEN });
  const baseUrl = 'http://target.test/scim/v2';
  const http = createHttpClient({ baseUrl, auth: { kind: 'bearer', token: TOKEN }, fetch: fake.fetch, readOnly: opts.readOnly });
  const target = await discover(http, { baseUrl, prefix: 'scimcheck-abc123', readOnly: opts.readOnly });
  return { fake, http, target, fixtures: createFixtureRegistry(target) };
}

describe('runner', () => {
  it('maps outcomes to passed / failed / warned / skipped / errored and cleans up', async () => {
    const { fake, http, target, fixtures } = await setup();
    const checks: Check[] = [
      check('users.get.ok', async (ctx) => {
        const u = await ctx.fixtures.createUser();
        const res = await ctx.http.send({ method: 'GET', path: `/Users/${u.id}` });
        ctx.expectStatus(res, 200);
      }),
      check('users.get.wrong-status', async (ctx) => {
        const res = await ctx.http.send({ method: 'GET', path: '/Users/nope' });
        ctx.expectStatus(res, 200, 'GET a missing user');
      }),
      check('users.should.thing', async (ctx) => ctx.fail('not quite', { expected: 1, actual: 2 }), { level: 'SHOULD' }),
      check('users.skips.itself', async (ctx) => ctx.skip('not applicable here')),
      check('users.harness.bug', async () => {
        throw new TypeError('oops');
      }),
      check('users.error.shape', async (ctx) => {
        const res = await ctx.http.send({ method: 'GET', path: '/Users/missing' });
        ctx.expectScimError(res, 404);
      }),
      check('sort.needs.sort', async () => undefined, { requires: ['sort'] }),
      check('patch.needs.patch', async () => undefined, { requires: ['patch'] }),
    ];
    const seen: string[] = [];
    const out = await runSuites({ checks, target, http, fixtures, onResult: (r) => seen.push(r.id) });
    const status = Object.fromEntries(out.results.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      'users.get.ok': 'passed',
      'users.get.wrong-status': 'failed',
      'users.should.thing': 'warned',
      'users.skips.itself': 'skipped',
      'users.harness.bug': 'errored',
      'users.error.shape': 'passed',
      'sort.needs.sort': 'skipped',
      'patch.needs.patch': 'passed',
    });
    const byId = Object.fromEntries(out.results.map((r) => [r.id, r]));
    expect(byId['sort.needs.sort']?.message).toBe('target does not advertise sort (ServiceProviderConfig.sort.supported=false)');
    expect(byId['users.get.wrong-status']?.expected).toBe(200);
    expect(byId['users.get.wrong-status']?.reproduce).toContain("curl -sS -i -H");
    expect(byId['users.get.wrong-status']?.reproduce).not.toContain(TOKEN);
    expect(byId['users.get.ok']?.transcript).toHaveLength(2);
    expect(byId['users.get.ok']?.rfc).toBe('RFC7644 §3.3');
    expect(seen).toHaveLength(checks.length);
    // The user the first check created was deleted at the end.
    expect(fake.users.size).toBe(0);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(out.cleanupWarnings).toEqual([]);
  });

  it('a check that expects a SCIM error fails on a wrong status, a missing schema or a wrong scimType', async () => {
    const { http, target, fixtures } = await setup();
    const out = await runSuites({
      checks: [
        check('errors.wrong.type', async (ctx) => {
          const res = await ctx.http.send({ method: 'GET', path: '/Users/missing' });
          // A scimType that names another error is wrong whether or not the keyword is required here.
          ctx.expectScimError({ ...res, json: { ...res.json, scimType: 'mutability' } }, 404, 'invalidValue');
        }),
        check('errors.wrong.status', async (ctx) => {
          const res = await ctx.http.send({ method: 'GET', path: '/Users/missing' });
          ctx.expectScimError(res, 400);
        }),
      ],
      target,
      http,
      fixtures,
    });
    expect(out.results.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(out.results[0]?.message).toContain('scimType');
  });

  it('--only / --exclude / --read-only leave checks out with the reason', async () => {
    const { target } = await setup({ readOnly: true });
    const noop = async () => undefined;
    const plan = planChecks(
      [check('users.a.one', noop), check('patch.b.two', noop), check('users.c.write', noop, { requires: ['write'] }), check('users.d.gone', noop)],
      target,
      { only: ['users.*'], exclude: ['users.d'], readOnly: true },
    );
    expect(plan.map((p) => p.skip)).toEqual([undefined, 'left out by --only', 'left out by --read-only (the check writes to the target)', 'left out by --exclude']);
  });

  it('read-only mode skips a check that tries to write without declaring it', async () => {
    const { http, target, fixtures, fake } = await setup({ readOnly: true });
    const out = await runSuites({ checks: [check('users.sneaky.write', async (ctx) => void (await ctx.fixtures.createUser()))], target, http, fixtures });
    expect(out.results[0]?.status).toBe('skipped');
    expect(fake.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('an oversized body is the target failing, not the harness', async () => {
    const { target, fixtures } = await setup();
    const http = createHttpClient({ baseUrl: target.baseUrl, auth: { kind: 'none' }, fetch: async () => new Response('x'.repeat(2000)), maxBodyBytes: 100 });
    const out = await runSuites({ checks: [check('users.big.body', async (ctx) => void (await ctx.http.send({ method: 'GET', path: '/Users' })))], target, http, fixtures });
    expect(out.results[0]?.status).toBe('failed');
    expect(out.results[0]?.message).toContain('exceeds');
  });

  it('extra suites plug in, their transcripts are scrubbed, and a throwing suite is one errored result', async () => {
    const { http, target, fixtures } = await setup();
    const envs: unknown[] = [];
    const out = await runSuites({
      checks: [],
      target,
      http,
      fixtures,
      secrets: [TOKEN],
      suiteEnv: { baseUrl: target.baseUrl, authorization: `Bearer ${TOKEN}`, timeoutMs: 1000, prefix: target.prefix },
      extraSuites: [
        {
          name: 'scenarios',
          run: async (env) => {
            envs.push(env);
            return [
              {
                id: 'scenarios.okta.create-user',
                title: 'create',
                suite: 'scenarios',
                area: 'okta',
                rfc: 'RFC7644 §3.3',
                level: 'MUST',
                status: 'passed',
                durationMs: 1,
                profile: 'okta',
                transcript: [{ request: { method: 'POST', url: 'http://target.test/scim/v2/Users', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"password":"hunter22"}' }, response: { status: 201, headers: {} } }],
              },
            ];
          },
        },
        { name: 'properties', run: async () => Promise.reject(new Error('boom')) },
      ],
    });
    expect((envs[0] as { authorization: string }).authorization).toBe(`Bearer ${TOKEN}`);
    expect(out.results.map((r) => [r.id, r.status])).toEqual([
      ['scenarios.okta.create-user', 'passed'],
      ['properties.suite', 'errored'],
    ]);
    const text = JSON.stringify(out.results);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('hunter22');
  });
});

describe('fixtures', () => {
  it('builds a user from the target schema: required core and required extension attributes, prefix, example.com', async () => {
    const { target } = await setup();
    const f = createFixtureRegistry(target, { requiredAttributes: { 'urn:example:ext:costCenter': 'literal:CC-1' } }).forCheck({ send: async () => expect.fail('not sent') });
    const body = f.userBody({ displayName: undefined });
    expect(body.userName).toMatch(/^scimcheck-abc123-u-/);
    expect(body.title).toEqual(expect.any(String));
    expect(body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:example:ext']);
    expect(body['urn:example:ext']).toEqual({ costCenter: 'CC-1' });
    expect((body.emails as { value: string }[])[0]?.value).toMatch(/@example\.com$/);
    expect('displayName' in body).toBe(false);
    expect(f.uniqueName('g')).not.toBe(f.uniqueName('g'));
  });

  it('uses an email as userName when the target keys users by email', async () => {
    const { target } = await setup();
    const f = createFixtureRegistry(target, { uniqueIdentifier: 'email' }).forCheck({ send: async () => expect.fail('not sent') });
    expect(f.userBody().userName).toMatch(/^scimcheck-abc123-u-.*@example\.com$/);
  });

  it('cleanup reports what it could not delete once, as leftovers with the first reason, not a crash', async () => {
    const { target } = await setup();
    const reg = createFixtureRegistry(target);
    reg.forCheck({ send: async () => expect.fail('not sent') }).track('user', 'u1');
    reg.forCheck({ send: async () => expect.fail('not sent') }).track('user', 'u2');
    reg.forCheck({ send: async () => expect.fail('not sent') }).track('group', 'g1');
    const order: string[] = [];
    const outcome = await reg.cleanup({
      send: async (req) => {
        order.push(req.path);
        if (req.path === '/Users/u1') throw new Error('connection reset');
        if (req.path === '/Users/u2') return { status: 404, headers: {}, text: '', json: undefined, durationMs: 0 };
        return { status: 500, headers: {}, text: '', json: undefined, durationMs: 0 };
      },
    });
    expect(order).toEqual(['/Groups/g1', '/Users/u1', '/Users/u2']);
    expect(outcome.leftBehind).toEqual({ users: ['u1'], groups: ['g1'] });
    expect(outcome.reasons).toEqual(['DELETE /Groups/g1 returned 500', 'DELETE /Users/u1 failed: connection reset']);
    expect(cleanupSummary(outcome)).toEqual(['cleanup left 1 group and 1 user on the target (g1, u1); first: DELETE /Groups/g1 returned 500']);
  });
});

describe('discovery', () => {
  it('reads capabilities, limits and endpoints from the target', async () => {
    const { target } = await setup();
    expect([...target.capabilities].sort()).toEqual(['filter', 'groups', 'patch', 'write']);
    expect(target.limits.maxResults).toBe(50);
    expect(target.endpoints).toEqual({ users: '/Users', groups: '/Groups' });
  });

  it('falls back to RFC defaults when /Schemas and /ResourceTypes are missing', async () => {
    const fake = fakeTarget({ discovery: 'spc-only' });
    const http = createHttpClient({ baseUrl: 'http://t.test', auth: { kind: 'none' }, fetch: fake.fetch });
    const target = await discover(http, { baseUrl: 'http://t.test', prefix: 'p', readOnly: true });
    expect(target.endpoints).toEqual({ users: '/Users', groups: '/Groups' });
    expect([...target.capabilities]).toEqual(['groups']);
  });

  it('a base URL without a ServiceProviderConfig ends discovery in one line naming the usual paths it tried', async () => {
    const fake = fakeTarget({ discovery: false });
    const http = createHttpClient({ baseUrl: 'http://t.test/wrong/v2', auth: { kind: 'none' }, fetch: fake.fetch });
    const err = await discover(http, { baseUrl: 'http://t.test/wrong/v2', prefix: 'p' }).catch((e) => e);
    expect(err).toMatchObject({ name: 'TargetUnavailable' });
    expect(err.message).toBe(
      'http://t.test/wrong/v2 is not a SCIM base URL: GET /wrong/v2/ServiceProviderConfig answered 404 application/scim+json, not a ServiceProviderConfig (RFC 7644 §4); none of /scim/v2, /api/scim, /scim, /v2 on http://t.test answers one either',
    );
    expect(fake.requests.map((r) => r.path).sort()).toEqual(['/ServiceProviderConfig', '/api/scim/ServiceProviderConfig', '/scim/ServiceProviderConfig', '/v2/ServiceProviderConfig', '/wrong/v2/ServiceProviderConfig']);
  });

  it.each([
    [{ status: 200, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'] } }, true],
    [{ status: 200, json: { Patch: { supported: true } } }, true],
    [{ status: 200, json: { authenticationSchemes: [] } }, true],
    [{ status: 200, json: { totalResults: 0, Resources: [] } }, false],
    [{ status: 200, json: [{ patch: {} }] }, false],
    [{ status: 200, json: undefined }, false],
    [{ status: 404, json: { patch: { supported: true } } }, false],
  ])('isServiceProviderConfig(%j) is %s', (res, expected) => {
    expect(isServiceProviderConfig({ headers: {}, text: '', durationMs: 0, ...res })).toBe(expected);
  });

  it('rejected credentials end discovery with TargetUnavailable', async () => {
    const fake = fakeTarget({ token: TOKEN });
    const http = createHttpClient({ baseUrl: 'http://t.test', auth: { kind: 'bearer', token: 'wrong-token' }, fetch: fake.fetch });
    await expect(discover(http, { baseUrl: 'http://t.test', prefix: 'p' })).rejects.toMatchObject({ name: 'TargetUnavailable' });
  });
});
