import { describe, expect, it } from 'vitest';
import { MeteredHttp, kindOf } from '../../../src/idp/load/metered-http.ts';
import { Metrics, percentile } from '../../../src/idp/load/metrics.ts';
import { RateLimiter } from '../../../src/idp/load/rate.ts';
import type { DirUser } from '../../../src/idp/directory.ts';
import type { IdpRequest } from '../../../src/idp/http.ts';
import { PROFILES } from '../../../src/idp/profiles/index.ts';
import type { BuildContext } from '../../../src/idp/profiles/types.ts';
import type { ScimResource } from '../../../src/scim/types.ts';
import { BASE, fakeClock } from './helpers.ts';

describe('metrics', () => {
  it('percentile is nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([], 50)).toBe(0);
    expect(percentile([7], 95)).toBe(7);
  });

  it('counts attempts by kind and status, errors and no-answers', () => {
    const m = new Metrics();
    m.attempt('user create', 201, 10);
    m.attempt('user create', 409, 30);
    m.attempt('user lookup', undefined, 5);
    const s = m.stats();
    expect(s.total).toBe(3);
    expect(s.statuses).toEqual({ '201': 1, '409': 1, 'no answer': 1 });
    expect(s.networkErrors).toBe(1);
    expect(s.byKind.find((k) => k.kind === 'user create')).toMatchObject({ count: 2, errors: 1, p50: 10, max: 30 });
  });

  it('names request kinds from the engine purposes', () => {
    expect(kindOf({ method: 'GET', path: '/Users', purpose: 'match-before-create' })).toBe('user lookup');
    expect(kindOf({ method: 'PATCH', path: '/Groups/x', purpose: 'add members' })).toBe('members add');
    expect(kindOf({ method: 'GET', path: '/Users' })).toBe('GET Users');
  });

  it.each(Object.keys(PROFILES))("%s: every user update and (de)activation lands in the summary's user rows", (name) => {
    const p = PROFILES[name]!;
    const u: DirUser = { key: 'u', idpId: 'i', userName: 'a@x.test', givenName: 'A', familyName: 'B', displayName: 'A B', email: 'a@x.test', title: 'T', department: 'D', active: true };
    const ctx: BuildContext = { targetIdOf: () => undefined, refOf: (k, id) => `http://t/${k}/${id}`, password: () => 'p' };
    const current = { id: 'ID', ...p.createUser(u, ctx) } as ScimResource;
    const kinds = (reqs: IdpRequest[]) => [...new Set(reqs.map(kindOf))];
    expect(kinds(p.updateUser.build(u, { ...u, title: 'T2' }, 'ID', current, ctx))).toEqual(['user update']);
    expect(kinds(p.setActive.build({ ...u, active: false }, 'ID', false, current, ctx))).toEqual(['user deactivate']);
    expect(kinds(p.setActive.build(u, 'ID', true, { ...current, active: false } as ScimResource, ctx))).toEqual(['user reactivate']);
  });
});

describe('metered IdP http', () => {
  function target(answers: { status: number; retryAfter?: string }[]) {
    const seen: number[] = [];
    const clock = fakeClock();
    const f = (async () => {
      seen.push(clock.now());
      const a = answers.shift() ?? { status: 200 };
      const headers: Record<string, string> = { 'content-type': 'application/scim+json' };
      if (a.retryAfter) headers['retry-after'] = a.retryAfter;
      return new Response(JSON.stringify({ Resources: [] }), { status: a.status, headers });
    }) as unknown as typeof fetch;
    return { f, seen, clock };
  }

  it('counts 429s, retries and whether Retry-After was honoured (RFC 6585 §4)', async () => {
    const { f, clock } = target([{ status: 429, retryAfter: '2' }, { status: 429 }, { status: 503 }, { status: 200 }]);
    const metrics = new Metrics();
    const http = new MeteredHttp(
      { baseUrl: BASE, fetch: f, timeoutMs: 5000, headers: {}, retry: { limit: 3, baseDelayMs: 100, maxDelayMs: 10_000, honorRetryAfter: true }, sleep: clock.sleep },
      { metrics, clock },
    );
    const res = await http.send({ method: 'GET', path: '/Users', purpose: 'match-before-create' });
    expect(res.status).toBe(200);
    const s = metrics.stats();
    expect(s.total).toBe(4);
    expect(s.retries).toBe(3);
    expect(s.throttle).toMatchObject({ count429: 2, withRetryAfter: 1, honoured: 1, notHonoured: 0, gaveUp: 0, maxWaitMs: 2000 });
    expect(s.byKind[0]).toMatchObject({ kind: 'user lookup', count: 4, errors: 3 });
  });

  it('says when a client did not wait what Retry-After asked, and when it gave up on 429', async () => {
    const { f, clock } = target([{ status: 429, retryAfter: '5' }, { status: 429, retryAfter: '5' }]);
    const metrics = new Metrics();
    // A client that ignores Retry-After backs off 100 ms instead of 5 s.
    const http = new MeteredHttp(
      { baseUrl: BASE, fetch: f, timeoutMs: 5000, headers: {}, retry: { limit: 1, baseDelayMs: 100, maxDelayMs: 10_000, honorRetryAfter: false }, sleep: clock.sleep },
      { metrics, clock },
    );
    expect((await http.send({ method: 'GET', path: '/Users' })).status).toBe(429);
    expect(metrics.stats().throttle).toMatchObject({ count429: 2, withRetryAfter: 2, honoured: 0, notHonoured: 1, gaveUp: 1 });
  });

  it('--rate books one slot per attempt, 1/R s apart over all callers', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(10, { now: () => now, sleep: async (ms) => void waits.push(ms) });
    await Promise.all(Array.from({ length: 5 }, () => limiter.take()));
    // Five callers at once: the first goes now, the others wait for their 100 ms-spaced slots.
    expect(waits).toEqual([100, 200, 300, 400]);
    now = 10_000;
    await limiter.take();
    expect(waits).toHaveLength(4);
  });

  it('the meter takes a --rate slot before every attempt, retries included', async () => {
    const { f, clock } = target([{ status: 503 }, { status: 200 }]);
    let taken = 0;
    const limiter = { take: async () => void taken++ } as unknown as RateLimiter;
    const http = new MeteredHttp(
      { baseUrl: BASE, fetch: f, timeoutMs: 5000, headers: {}, retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 1, honorRetryAfter: true }, sleep: clock.sleep },
      { metrics: new Metrics(), limiter, clock },
    );
    await http.send({ method: 'GET', path: '/Users' });
    expect(taken).toBe(2);
  });
});
