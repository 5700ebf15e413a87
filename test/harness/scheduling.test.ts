/**
 * The runner's trust mechanics (issue 10 #4, #6, #8, #11, #12), with tables of fake checks against the fake
 * target: prerequisites (blocked by, skipped prerequisite, left out), load-time cycle / unknown-id errors, the
 * three phases, errored on timeouts and transport errors, one retry of a reset, interruption, and cleanup of
 * Bulk answers without `location`.
 */
import { describe, expect, it } from 'vitest';
import type { Check, CheckContext, CheckResult } from '../../src/harness/check.ts';
import { createHttpClient, type FetchLike } from '../../src/harness/http-client.ts';
import { discover } from '../../src/harness/discovery.ts';
import { confirmedGone, createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { runSuites, type RunSuitesOptions } from '../../src/harness/runner.ts';
import { effectivePhases, needsProblems } from '../../src/harness/prerequisites.ts';
import { CheckSetError, validateChecks } from '../../src/harness/checks/index.ts';
import { fakeTarget, type BulkDeleteStyle } from './fake-target.ts';

const TOKEN = 'scheduling-secret-token-01';
const BASE = 'http://target.test/scim/v2';

function check(id: string, run: (ctx: CheckContext) => Promise<void>, extra: Partial<Check> = {}): Check {
  return { id, title: id, area: id.split('.')[0] as string, cite: { rfc: 7644, section: '3.3' }, level: 'MUST', run, ...extra };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

async function setup(opts: { bulkDelete?: BulkDeleteStyle; fetch?: (inner: FetchLike) => FetchLike; timeoutMs?: number; signal?: AbortSignal } = {}) {
  const fake = fakeTarget({ token: TOKEN, ...(opts.bulkDelete ? { bulkDelete: opts.bulkDelete } : {}) });
  const fetch = opts.fetch ? opts.fetch(fake.fetch) : fake.fetch;
  const http = createHttpClient({ baseUrl: BASE, auth: { kind: 'bearer', token: TOKEN }, fetch, timeoutMs: opts.timeoutMs }, [], opts.signal);
  const target = await discover(http, { baseUrl: BASE, prefix: 'scimcheck-sched1' });
  return { fake, http, target, fixtures: createFixtureRegistry(target) };
}

async function run(checks: Check[], extra: Partial<RunSuitesOptions> & Parameters<typeof setup>[0] = {}) {
  const env = await setup(extra);
  const out = await runSuites({ checks, ...env, ...extra });
  const byId = Object.fromEntries(out.results.map((r) => [r.id, r])) as Record<string, CheckResult>;
  return { ...env, out, byId };
}

/** [status, message, blockedBy] of a result, for table comparisons. */
const verdict = (r: CheckResult | undefined) => [r?.status, r?.message, r?.blockedBy];

describe('prerequisites (Check.needs)', () => {
  it('blocked by a failed or errored prerequisite, skipped with a skipped one, run after a passed/warned one or one left out', async () => {
    const events: string[] = [];
    const logged = (id: string, body: (ctx: CheckContext) => Promise<void> = async () => undefined, extra: Partial<Check> = {}) =>
      check(id, async (ctx) => {
        events.push(`start ${id}`);
        await tick();
        await body(ctx);
        events.push(`end ${id}`);
      }, extra);
    const checks: Check[] = [
      // Dependents first in check order: the runner must still run their prerequisites before them.
      logged('dep.runs', async () => undefined, { needs: ['root.passes', 'root.warns'] }),
      logged('dep.blocked', async () => undefined, { needs: ['root.passes', 'root.fails'] }),
      logged('dep.by-error', async () => undefined, { needs: ['root.errors'] }),
      logged('dep.skipped', async () => undefined, { needs: ['root.skips'] }),
      logged('dep.chain', async () => undefined, { needs: ['dep.blocked'] }),
      logged('dep.no-sort', async () => undefined, { needs: ['root.sort'] }),
      logged('dep.of-left-out', async () => undefined, { needs: ['root.left-out'] }),
      logged('root.passes'),
      logged('root.warns', async (ctx) => ctx.fail('meh'), { level: 'SHOULD' }),
      logged('root.fails', async (ctx) => ctx.fail('the root failure')),
      logged('root.errors', async () => {
        throw new TypeError('harness bug');
      }),
      logged('root.skips', async (ctx) => ctx.skip('not applicable here')),
      logged('root.sort', async () => undefined, { requires: ['sort'] }),
      logged('root.left-out', async (ctx) => ctx.fail('would fail if it ran')),
    ];
    const { byId } = await run(checks, { exclude: ['root.left-out'] });
    expect(
      Object.fromEntries(Object.entries(byId).map(([id, r]) => [id, verdict(r)])),
    ).toEqual({
      'dep.runs': ['passed', undefined, undefined],
      'dep.blocked': ['skipped', 'blocked by root.fails', 'root.fails'],
      'dep.by-error': ['skipped', 'blocked by root.errors', 'root.errors'],
      'dep.skipped': ['skipped', 'needs root.skips, which was skipped: not applicable here', undefined],
      'dep.chain': ['skipped', 'needs dep.blocked, which was skipped: blocked by root.fails', 'root.fails'],
      'dep.no-sort': ['skipped', 'needs root.sort, which was skipped: target does not advertise sort (ServiceProviderConfig.sort.supported=false)', undefined],
      'dep.of-left-out': ['passed', undefined, undefined],
      'root.passes': ['passed', undefined, undefined],
      'root.warns': ['warned', 'meh', undefined],
      'root.fails': ['failed', 'the root failure', undefined],
      'root.errors': ['errored', expect.stringContaining('harness error: TypeError: harness bug'), undefined],
      'root.skips': ['skipped', 'not applicable here', undefined],
      'root.sort': ['skipped', 'target does not advertise sort (ServiceProviderConfig.sort.supported=false)', undefined],
      'root.left-out': ['skipped', 'left out by --exclude', undefined],
    });
    // A dependent starts only after every prerequisite ended.
    expect(events.indexOf('start dep.runs')).toBeGreaterThan(events.indexOf('end root.passes'));
    expect(events.indexOf('start dep.runs')).toBeGreaterThan(events.indexOf('end root.warns'));
    expect(events).not.toContain('start dep.blocked');
    expect(events).not.toContain('start root.left-out');
  });

  it('keeps concurrency bounded while independent checks still run side by side', async () => {
    let inFlight = 0;
    let most = 0;
    const busy = (id: string, extra: Partial<Check> = {}) =>
      check(id, async () => {
        most = Math.max(most, ++inFlight);
        for (let i = 0; i < 5; i++) await tick();
        inFlight--;
      }, extra);
    const checks = [busy('a.one'), busy('a.two'), busy('a.three'), busy('a.four'), busy('a.five', { needs: ['a.one'] }), busy('a.six')];
    const { out } = await run(checks, { concurrency: 3 });
    expect(out.results.every((r) => r.status === 'passed')).toBe(true);
    expect(most).toBe(3);
  });

  it.each<[string, Check[], string[]]>([
    ['an unknown id', [check('a.one', async () => undefined, { needs: ['a.nope'] })], ['a.one: needs a.nope, which is not a check']],
    ['itself', [check('a.one', async () => undefined, { needs: ['a.one'] })], ['a.one: its prerequisites form a cycle: a.one -> a.one']],
    [
      'a cycle of three',
      [check('a.one', async () => undefined, { needs: ['a.two'] }), check('a.two', async () => undefined, { needs: ['a.three'] }), check('a.three', async () => undefined, { needs: ['a.one'] })],
      ['a.one: its prerequisites form a cycle: a.one -> a.two -> a.three -> a.one'],
    ],
    ['a diamond (no cycle)', [check('a.one', async () => undefined), check('a.two', async () => undefined, { needs: ['a.one'] }), check('a.three', async () => undefined, { needs: ['a.one', 'a.two'] })], []],
  ])('needs naming %s: %j', async (_what, checks, problems) => {
    expect(needsProblems(checks)).toEqual(problems);
    expect(validateChecks(checks)).toEqual(problems);
    if (problems.length > 0) {
      const env = await setup();
      await expect(runSuites({ checks, ...env })).rejects.toBeInstanceOf(CheckSetError);
    }
  });

  it('the real check set has sound prerequisites', async () => {
    const { allChecks } = await import('../../src/harness/checks/index.ts');
    expect(needsProblems(allChecks())).toEqual([]);
  });
});

describe('phases (Check.phase)', () => {
  it('normal checks first, then isolated ones alone with their resources deleted before the next, then bad-credentials ones', async () => {
    const events: string[] = [];
    let inFlight = 0;
    let overlapDuringIsolated = 0;
    /** Users on the target when each check started. */
    const usersAtStart: Record<string, string[]> = {};
    let targetUsers: () => string[] = () => [];
    const step = (id: string, extra: Partial<Check> = {}, body?: (ctx: CheckContext) => Promise<void>) =>
      check(id, async (ctx) => {
        if (++inFlight > 1 && extra.phase === 'isolated') overlapDuringIsolated++;
        usersAtStart[id] = targetUsers();
        events.push(`start ${id}`);
        await tick();
        await body?.(ctx);
        events.push(`end ${id}`);
        inFlight--;
      }, extra);
    const makesUser = async (ctx: CheckContext) => void (await ctx.fixtures.createUser());
    const checks = [
      step('auth.bad-token', { phase: 'bad-credentials' }),
      step('odd.one', { phase: 'isolated' }, makesUser),
      step('plain.one', {}, makesUser),
      step('odd.two', { phase: 'isolated' }, makesUser),
      step('plain.two'),
      step('auth.no-token', { phase: 'bad-credentials' }),
      // A normal check that needs an isolated one runs after it (in the isolated phase), never before.
      step('plain.after-odd', { needs: ['odd.two'] }),
    ];
    const env = await setup();
    targetUsers = () => [...env.fake.users.keys()];
    const out = await runSuites({ checks, ...env, concurrency: 4 });
    expect(out.results.map((r) => r.status)).toEqual(checks.map(() => 'passed'));
    const starts = events.filter((e) => e.startsWith('start ')).map((e) => e.slice(6));
    expect(starts.slice(0, 2).sort()).toEqual(['plain.one', 'plain.two']);
    expect(starts.slice(2, 5)).toEqual(['odd.one', 'odd.two', 'plain.after-odd']);
    expect(starts.slice(5).sort()).toEqual(['auth.bad-token', 'auth.no-token']);
    expect(events.indexOf('start odd.one')).toBeGreaterThan(Math.max(events.indexOf('end plain.one'), events.indexOf('end plain.two')));
    expect(events.indexOf('start auth.bad-token')).toBeGreaterThan(events.indexOf('end plain.after-odd'));
    expect(events.indexOf('start auth.no-token')).toBeGreaterThan(events.indexOf('end plain.after-odd'));
    // Each isolated check ran alone, on a target without the normal checks' resources (plain.one's user was
    // deleted before the isolated phase) and without the previous isolated check's (odd.one's).
    expect(overlapDuringIsolated).toBe(0);
    expect(usersAtStart['plain.two']).toEqual([]);
    expect(usersAtStart['odd.one']).toEqual([]);
    expect(usersAtStart['odd.two']).toEqual([]);
    expect(usersAtStart['plain.after-odd']).toEqual([]);
    expect(env.fake.users.size).toBe(0);
    expect(effectivePhases(checks).get('plain.after-odd')).toBe('isolated');
  });
});

describe('run-wide resources (ctx.once)', () => {
  it('what a memo creates inside an isolated check outlives its scoped cleanup and the cleanup between phases, and goes at the end', async () => {
    const shared = (ctx: CheckContext) => ctx.once('test.shared-user', async () => (await ctx.fixtures.createUser()).id);
    const seen: Record<string, number> = {};
    const env = await setup();
    const readShared = (id: string, extra: Partial<Check> = {}) =>
      check(id, async (ctx) => {
        const userId = await shared(ctx);
        seen[id] = (await ctx.http.send({ method: 'GET', path: `/Users/${userId}` })).status;
        // Each check also makes one of its own, which its own cleanup removes.
        await ctx.fixtures.createUser();
      }, extra);
    const out = await runSuites({
      checks: [readShared('odd.first', { phase: 'isolated' }), readShared('odd.second', { phase: 'isolated' }), readShared('auth.last', { phase: 'bad-credentials' })],
      ...env,
    });
    expect(out.results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
    expect(seen).toEqual({ 'odd.first': 200, 'odd.second': 200, 'auth.last': 200 });
    expect(env.fake.users.size).toBe(0);
    expect(out.leftBehind).toEqual({ users: [], groups: [] });
  });
});

describe('honest outcomes', () => {
  /** A fetch that never answers until its request is aborted (a hung target). */
  const hung: FetchLike = (req) => new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason), { once: true }));
  const refused: FetchLike = async () => {
    throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  };

  it.each<[string, string, Partial<Parameters<typeof setup>[0]> & { checkTimeoutMs?: number }, (ctx: CheckContext) => Promise<void>, string]>([
    ['a check that does not finish', 'errored', { checkTimeoutMs: 40 }, () => new Promise(() => undefined), 'timed out after 40 ms: the check did not finish (a slow or hung target)'],
    [
      'a request that is not answered',
      'errored',
      { timeoutMs: 30, fetch: (inner) => (req) => (req.url.endsWith('/Users') ? hung(req) : inner(req)) },
      async (ctx) => void (await ctx.http.send({ method: 'GET', path: '/Users' })),
      'GET /scim/v2/Users timed out after 30 ms (no answer)',
    ],
    [
      'a refused connection',
      'errored',
      { fetch: (inner) => (req) => (req.url.endsWith('/Users') ? refused(req) : inner(req)) },
      async (ctx) => void (await ctx.http.send({ method: 'GET', path: '/Users' })),
      'no answer from the target: GET /scim/v2/Users failed: fetch failed (ECONNREFUSED)',
    ],
    [
      'a body too large',
      'failed',
      { fetch: (inner) => async (req) => (req.url.endsWith('/Users') ? new Response('x'.repeat(6 * 1024 * 1024)) : inner(req)) },
      async (ctx) => void (await ctx.http.send({ method: 'GET', path: '/Users' })),
      'response body exceeds 5242880 bytes',
    ],
  ])('%s is %s', async (_what, status, opts, body, message) => {
    const { byId } = await run([check('users.one', body), check('users.two', body, { level: 'SHOULD' })], opts);
    expect(verdict(byId['users.one'])).toEqual([status, message, undefined]);
    // The level changes nothing for no answer; for a wrong answer, SHOULD warns.
    expect(byId['users.two']?.status).toBe(status === 'failed' ? 'warned' : status);
  });

  it('a reset connection is retried once; a second reset is errored', async () => {
    let resets = 0;
    const resetting = (times: number): ((inner: FetchLike) => FetchLike) => (inner) => async (req) => {
      if (req.url.endsWith('/Users/1') && resets < times) {
        resets++;
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      }
      return inner(req);
    };
    const get = check('users.get', async (ctx) => {
      const u = await ctx.fixtures.createUser();
      ctx.expectStatus(await ctx.http.send({ method: 'GET', path: `/Users/${u.id}` }), 200);
    });
    const once = await run([get], { fetch: resetting(1) });
    expect(once.byId['users.get']?.status).toBe('passed');
    expect(once.byId['users.get']?.transcript.map((t) => ('error' in t.response ? 'reset' : t.response.status))).toEqual([201, 'reset', 200]);
    resets = 0;
    const twice = await run([get], { fetch: resetting(2) });
    expect(verdict(twice.byId['users.get'])).toEqual(['errored', 'no answer from the target: GET /scim/v2/Users/1 failed: fetch failed (ECONNRESET)', undefined]);
  });

  it('Ctrl-C: checks not yet started are skipped as interrupted, and cleanup still deletes what was made', async () => {
    const controller = new AbortController();
    const checks = [
      check('users.first', async (ctx) => {
        await ctx.fixtures.createUser();
        controller.abort(new Error('interrupted'));
      }),
      check('users.second', async () => undefined),
    ];
    const { out, byId, fake } = await run(checks, { signal: controller.signal, concurrency: 1 });
    expect(out.interrupted).toBe(true);
    expect(verdict(byId['users.second'])).toEqual(['skipped', 'the run was interrupted', undefined]);
    expect(fake.users.size).toBe(0);
    expect(out.leftBehind).toEqual({ users: [], groups: [] });
  });
});

describe('cleanup through Bulk', () => {
  const makeThree = check('users.three', async (ctx) => {
    for (let i = 0; i < 3; i++) await ctx.fixtures.createUser();
  });

  it.each<[string, BulkDeleteStyle]>([
    ['bulkId echoed, answers reversed, no location', { location: false, bulkId: true, reversed: true }],
    ['neither bulkId nor location (matched by position)', { location: false, bulkId: false }],
    ['location only', { location: true, bulkId: false, reversed: true }],
  ])('matches answers with %s: nothing is deleted twice, nothing left', async (_what, style) => {
    const { out, fake } = await run([makeThree], { bulkDelete: style });
    const deletes = fake.requests.filter((r) => r.method === 'DELETE' || r.path === '/Bulk');
    expect(deletes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /Bulk']);
    expect(fake.users.size).toBe(0);
    expect(out.cleanupWarnings).toEqual([]);
  });

  it('what Bulk does not confirm is DELETEd once, and what stays is reported in one line', async () => {
    // A target whose Bulk answer neither carries bulkId/location nor matches the request's length, and whose
    // single DELETE fails for one user.
    const sent: string[] = [];
    const { out } = await run([makeThree], {
      bulkDelete: { location: false, bulkId: false },
      fetch: (inner) => async (req) => {
        sent.push(`${req.method} ${new URL(req.url).pathname.replace('/scim/v2', '')}`);
        if (new URL(req.url).pathname.endsWith('/Bulk')) {
          return new Response(JSON.stringify({ Operations: [{ status: '204' }] }), { status: 200, headers: { 'content-type': 'application/scim+json' } });
        }
        if (req.method === 'DELETE' && req.url.endsWith('/Users/2')) return new Response('nope', { status: 500 });
        return inner(req);
      },
    });
    expect(sent.filter((r) => r.startsWith('DELETE') || r.endsWith('/Bulk')).sort()).toEqual(['DELETE /Users/1', 'DELETE /Users/2', 'DELETE /Users/3', 'POST /Bulk']);
    expect(out.leftBehind).toEqual({ users: ['2'], groups: [] });
    expect(out.cleanupWarnings).toEqual(['cleanup left 1 user on the target (2); first: DELETE /Users/2 returned 500']);
  });

  it.each<[string, unknown[], string[]]>([
    ['by bulkId', [{ bulkId: 'b2', status: '204' }, { bulkId: 'b1', status: '404' }], ['u1', 'u2']],
    ['by location', [{ location: 'https://x/scim/v2/Users/u2', status: '204' }], ['u2']],
    ['by position when counts match', [{ status: 204 }, { status: { code: '500' } }], ['u1']],
    ['not by position when counts differ', [{ status: '204' }], []],
    ['not by position against a bulkId that says otherwise', [{ bulkId: 'zz', status: '204' }, { status: '204' }], ['u2']],
    ['failures never count', [{ bulkId: 'b1', status: '500' }, { bulkId: 'b2', status: '409' }], []],
  ])('confirmedGone %s', (_what, ops, gone) => {
    const asked = [
      { id: 'u1', path: '/Users/u1', bulkId: 'b1' },
      { id: 'u2', path: '/Users/u2', bulkId: 'b2' },
    ];
    expect([...confirmedGone(asked, ops)].sort()).toEqual(gone);
  });
});
