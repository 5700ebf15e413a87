/**
 * Small load runs end to end against the reference provider (in-process fetch): the sync, the read-back
 * verdict, cleanup, and that broken targets make the verdict fail.
 */
import { describe, expect, it } from 'vitest';
import { LoadRun } from '../../../src/idp/load/run.ts';
import { readBack } from '../../../src/idp/load/readback.ts';
import { MeteredHttp } from '../../../src/idp/load/metered-http.ts';
import { Metrics } from '../../../src/idp/load/metrics.ts';
import { BASE, leftovers, referenceProvider, settings } from './helpers.ts';

const SLOW = 180_000;

describe('scimcheck load against the reference provider', () => {
  it('entra: 200 users, 5 groups × 20 members, incremental cycle, read-back passes, cleanup leaves nothing', { timeout: SLOW }, async () => {
    const { provider, fetch } = referenceProvider();
    const report = await new LoadRun(settings(), { fetch }).run();
    expect(report.failures).toEqual({ count: 0, first: [] });
    expect(report.verdict?.problems).toEqual([]);
    expect(report.verdict).toMatchObject({
      ok: true,
      mode: 'list',
      users: { expected: 200, present: 200, missing: 0, duplicated: 0, wrong: 0, unexpected: 0 },
      groups: { expected: 5, present: 5, missing: 0, duplicated: 0 },
      memberships: { expected: 100, present: 100, missing: 0, extra: 0 },
    });
    const kinds = Object.fromEntries(report.requests.byKind.map((k) => [k.kind, k.count]));
    // Entra: a lookup before every create, a displayName lookup before every group create.
    expect(kinds['user lookup']).toBe(200);
    expect(kinds['user create']).toBe(200);
    expect(kinds['group lookup']).toBe(5);
    expect(kinds['group create']).toBe(5);
    expect(kinds['user update']).toBe(14);
    expect(kinds['user deactivate']).toBe(6);
    expect(kinds['members remove']).toBeGreaterThan(0);
    expect(report.phases.map((p) => [p.name, p.done, p.failed])).toEqual([
      ['users', 200, 0],
      ['groups', 5, 0],
      ['memberships', 5, 0],
      ['incremental', report.phases[3]!.items, 0],
    ]);
    expect(report.cleanup).toMatchObject({ leftBehind: 0, problems: [] });
    expect(await leftovers(provider, 'ldtest')).toBe(0);
    expect(report.exitCode).toBe(0);
    expect(JSON.stringify(report)).not.toContain('load-token');
  });

  it.each([
    ['okta', 30],
    ['onelogin', 80],
    ['entra-2020', 80],
  ])('%s plays its own habits and passes the read-back', { timeout: SLOW }, async (profile, users) => {
    const { provider, fetch } = referenceProvider();
    const report = await new LoadRun(settings({ profile, users, groups: 3, membersPerGroup: 15, incremental: 0.3 }), { fetch }).run();
    expect(report.verdict?.problems).toEqual([]);
    expect(report.verdict?.ok).toBe(true);
    expect(report.verdict?.users.present).toBe(users);
    expect(report.exitCode).toBe(0);
    expect(await leftovers(provider, 'ldtest')).toBe(0);
    const kinds = report.requests.byKind.map((k) => k.kind);
    // Okta GETs before its PUT; OneLogin takes deactivated users out of their groups first.
    if (profile === 'okta') expect(kinds).toContain('user read');
    if (profile === 'onelogin') expect(kinds).toContain('members remove');
  });

  it('member-removal-ignored: moved members stay in their old group, the verdict fails', { timeout: SLOW }, async () => {
    const { fetch } = referenceProvider(['member-removal-ignored']);
    const report = await new LoadRun(settings(), { fetch }).run();
    expect(report.verdict?.ok).toBe(false);
    expect(report.verdict!.memberships.extra).toBeGreaterThan(0);
    expect(report.verdict!.problems.join('\n')).toMatch(/should not be in it/);
    expect(report.exitCode).toBe(1);
  });

  it('delete-not-deleting: with a delete policy, deleted users are still there and cleanup cannot remove anything', { timeout: SLOW }, async () => {
    const { fetch } = referenceProvider(['delete-not-deleting']);
    const report = await new LoadRun(settings({ users: 60, deprovision: 'delete', incremental: 0.3 }), { fetch }).run();
    expect(report.requests.byKind.find((k) => k.kind === 'user delete')?.count).toBeGreaterThan(0);
    expect(report.verdict?.ok).toBe(false);
    expect(report.verdict!.users.deletedStillThere).toBeGreaterThan(0);
    expect(report.cleanup!.leftBehind).toBeGreaterThan(0);
    expect(report.exitCode).toBe(1);
  });

  it('patch-ignored: attribute updates and renames never land, the verdict names the wrong attributes', { timeout: SLOW }, async () => {
    const { fetch } = referenceProvider(['patch-ignored']);
    const report = await new LoadRun(settings({ users: 60, groups: 0, membersPerGroup: 0, incremental: 0.3 }), { fetch }).run();
    expect(report.verdict?.ok).toBe(false);
    expect(report.verdict!.users.wrong).toBeGreaterThan(0);
    expect(report.verdict!.problems.join('\n')).toMatch(/title is "Engineer", expected "Senior Engineer"|active is true, expected false/);
  });

  it('a resource with the prefix that the IdP never linked is reported (a duplicate create or a leftover)', { timeout: SLOW }, async () => {
    const { provider, fetch } = referenceProvider();
    const run = new LoadRun(settings({ users: 20, groups: 1, membersPerGroup: 5, cleanup: false }), { fetch });
    expect((await run.run()).verdict?.ok).toBe(true);
    const stray = await fetch(`${BASE}/Users`, {
      method: 'POST',
      headers: { authorization: 'Bearer load-token', 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ldtest-stray@example.test' }),
    });
    expect(stray.status).toBe(201);
    const http = new MeteredHttp(
      { baseUrl: BASE, authorization: 'Bearer load-token', fetch, timeoutMs: 5000, headers: {}, retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1, honorRetryAfter: true } },
      { metrics: new Metrics() },
    );
    const v = await readBack(run.engine, { http, prefix: 'ldtest', leaveGroupsFirst: false, concurrency: 2 });
    expect(v.ok).toBe(false);
    expect(v.users.unexpected).toBe(1);
    expect(v.problems.join('\n')).toContain('ldtest-stray@example.test');
    expect(await leftovers(provider, 'ldtest')).toBe(22);
  });

  it('honours 429 Retry-After from a throttling target and still loses nothing', { timeout: SLOW }, async () => {
    const { fetch: inner } = referenceProvider();
    let n = 0;
    // Every 7th request is throttled once with Retry-After: 0 (RFC 6585 §4).
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (++n % 7 === 0) return new Response('{"status":"429"}', { status: 429, headers: { 'retry-after': '0', 'content-type': 'application/scim+json' } });
      return inner(input, init);
    }) as typeof globalThis.fetch;
    const report = await new LoadRun(settings({ users: 60, groups: 2, membersPerGroup: 10 }), { fetch }).run();
    const t = report.requests.throttle;
    expect(t.count429).toBeGreaterThan(0);
    expect(t.withRetryAfter).toBe(t.count429);
    expect(t.honoured).toBe(t.count429);
    expect(t.notHonoured).toBe(0);
    expect(report.requests.retries).toBe(t.count429);
    expect(report.verdict?.ok).toBe(true);
  });

  it('--duration stops new work; the read-back checks what was sent', { timeout: SLOW }, async () => {
    const { fetch } = referenceProvider();
    const report = await new LoadRun(settings({ durationSeconds: 0.001 }), { fetch }).run();
    expect(report.phases[0]!.stopped).toBe('deadline');
    expect(report.verdict?.ok).toBe(true);
    expect(report.verdict!.users.expected).toBeLessThan(200);
  });

  it('an abort (Ctrl-C) stops the sync, skips the read-back and still cleans up', { timeout: SLOW }, async () => {
    const { provider, fetch: inner } = referenceProvider();
    const controller = new AbortController();
    let creates = 0;
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await inner(input, init);
      if (init?.method === 'POST' && ++creates === 30) controller.abort();
      return res;
    }) as typeof globalThis.fetch;
    const report = await new LoadRun(settings(), { fetch, signal: controller.signal }).run();
    expect(report.interrupted).toBe(true);
    expect(report.verdict).toBeUndefined();
    expect(report.verdictError).toMatch(/interrupted/);
    expect(report.cleanup!.deleted).toBeGreaterThanOrEqual(29);
    expect(await leftovers(provider, 'ldtest')).toBe(0);
    expect(report.exitCode).toBe(1);
  });

  it('refused credentials end the run with exit code 3', { timeout: SLOW }, async () => {
    const { fetch } = referenceProvider();
    const report = await new LoadRun(settings({ authorization: 'Bearer wrong' }), { fetch }).run();
    expect(report.unreachable).toMatch(/401/);
    expect(report.exitCode).toBe(3);
    expect(report.requests.total).toBeLessThan(5);
  });
});
