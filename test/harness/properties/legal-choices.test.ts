/**
 * RFC-legal choices the model must not fail: PATCH answered 204 without a body (RFC 7644 §3.5.2), and a target the
 * run's config says deprovisions by disabling (DELETE keeps the user, active false; docs/policy.md). Each also
 * proves the model still catches a real defect under that choice.
 */
import { describe, expect, test } from 'vitest';
import { propertySuite } from '../../../src/harness/properties/suite.ts';
import { createProvider } from '../../../src/provider/index.ts';
import { BASE, TOKEN } from './helpers.ts';

type Fetch = (r: Request) => Promise<Response>;

function provider(opts: { faults?: string[]; deprovision?: 'delete' | 'disable' } = {}): Fetch {
  const p = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, faults: opts.faults ?? [], ...(opts.deprovision ? { policy: { deprovision: opts.deprovision } } : {}) });
  return (r) => p.fetch(r);
}

/** RFC 7644 §3.5.2: "or MAY return HTTP status code 204 (No Content)": every successful PATCH loses its body. */
function patch204(inner: Fetch, seen: { n: number }): Fetch {
  return async (req) => {
    const res = await inner(req);
    if (req.method !== 'PATCH' || res.status !== 200 || new URL(req.url).searchParams.has('attributes')) return res;
    seen.n++;
    const headers = new Headers(res.headers);
    headers.delete('content-type');
    headers.delete('content-length');
    return new Response(null, { status: 204, headers });
  };
}

const env = (f: Fetch, prefix: string) => ({ baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: f as typeof fetch, timeoutMs: 10_000, prefix });
const pick = (rs: { id: string; status: string; message?: string }[], name: string) => rs.find((r) => r.id === `property.${name}`);
const statuses = (rs: { id: string; status: string }[]) => Object.fromEntries(rs.map((r) => [r.id, r.status]));

describe('PATCH answered 204 No Content (RFC 7644 §3.5.2)', () => {
  test('every PATCH property and both models pass, reading the resource back with GET', async () => {
    const seen = { n: 0 };
    const results = await propertySuite({ numRuns: 20, seed: 11, only: ['users-model', 'groups-model', 'patch-model', 'patch-idempotent', 'patch-atomic'] }).run(env(patch204(provider(), seen), 'scimcheck-p204'));
    expect(statuses(results)).toMatchObject({
      'property.users-model': 'passed',
      'property.groups-model': 'passed',
      'property.patch-model': 'passed',
      'property.patch-idempotent': 'passed',
      'property.patch-atomic': 'passed',
    });
    // The target really answered 204: the properties were judged on it, not on 200s.
    expect(seen.n).toBeGreaterThan(20);
  }, 180_000);

  test('a PATCH that changes nothing is still caught when the answer has no body (patch-ignored)', async () => {
    const seen = { n: 0 };
    const r = pick(await propertySuite({ numRuns: 30, seed: 5, only: ['patch-model'] }).run(env(patch204(provider({ faults: ['patch-ignored'] }), seen), 'scimcheck-p204f')), 'patch-model');
    expect(r).toMatchObject({ id: 'property.patch-model', status: 'failed' });
    expect(r!.message).toMatch(/got 204|GET after 204|differs from the model/);
  }, 120_000);
});

describe("the run's deprovision setting decides what DELETE must do", () => {
  test('deprovision: disable — users-model passes on a target that keeps deleted users inactive', async () => {
    const r = pick(await propertySuite({ numRuns: 40, seed: 7, only: ['users-model'], deprovision: 'disable' }).run(env(provider({ deprovision: 'disable' }), 'scimcheck-disable')), 'users-model');
    expect(r).toMatchObject({ id: 'property.users-model', status: 'passed' });
  }, 120_000);

  test('the same target judged as deleting fails users-model (404 expected after DELETE): the setting is what changes the verdict', async () => {
    const r = pick(await propertySuite({ numRuns: 40, seed: 7, only: ['users-model'], deprovision: 'delete' }).run(env(provider({ deprovision: 'disable' }), 'scimcheck-disable-wrong')), 'users-model');
    expect(r).toMatchObject({ id: 'property.users-model', status: 'failed' });
    expect(r!.message).toMatch(/expected HTTP 404, got 200/);
  }, 120_000);

  test('deprovision: disable against a target that really deletes fails: the user must stay readable', async () => {
    const r = pick(await propertySuite({ numRuns: 40, seed: 7, only: ['users-model'], deprovision: 'disable' }).run(env(provider({ deprovision: 'delete' }), 'scimcheck-disable-deletes')), 'users-model');
    expect(r).toMatchObject({ id: 'property.users-model', status: 'failed' });
    expect(r!.message).toMatch(/after DELETE \(deprovision: disable keeps it\): expected HTTP 200, got 404/);
  }, 120_000);
});

describe('a filter the target refuses as unsupported (RFC 7644 §3.12 invalidFilter)', () => {
  /** Supports every operator on userName (so the probes pass) but no filter that names `title`. */
  function noTitleFilters(inner: Fetch): Fetch {
    return async (req) => {
      const filter = new URL(req.url).searchParams.get('filter') ?? '';
      if (req.method === 'GET' && /\btitle\b/.test(filter)) {
        const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter', detail: 'filtering on title is not supported' };
        return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/scim+json' } });
      }
      return inner(req);
    };
  }

  test('is not compared, and the pass says so', async () => {
    const r = pick(await propertySuite({ numRuns: 60, seed: 4, only: ['filter-equivalence'] }).run(env(noTitleFilters(provider()), 'scimcheck-notitle')), 'filter-equivalence');
    expect(r).toMatchObject({ status: 'passed', message: expect.stringMatching(/every answer matched the model; filters the target refuses as unsupported \(400 invalidFilter\) not compared$/) });
  }, 120_000);

  test('a 500 for such a filter is still a failure', async () => {
    const inner = provider();
    const broken: Fetch = async (req) => {
      const filter = new URL(req.url).searchParams.get('filter') ?? '';
      if (req.method === 'GET' && /\btitle\b/.test(filter)) return new Response('boom', { status: 500 });
      return inner(req);
    };
    const r = pick(await propertySuite({ numRuns: 60, seed: 4, only: ['filter-equivalence'] }).run(env(broken, 'scimcheck-title500')), 'filter-equivalence');
    expect(r).toMatchObject({ status: 'failed', message: expect.stringMatching(/got 500/) });
  }, 120_000);
});
