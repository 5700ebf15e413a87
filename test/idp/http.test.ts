/** The IdP HTTP client: redaction, headers, bounded retries with backoff, unreachable targets. */
import { describe, expect, it } from 'vitest';
import { IdpHttp, TargetUnreachable, buildUrl, retryAfterMs } from '../../src/idp/http.ts';
import { redactBody, redactHeaders } from '../../src/idp/redact.ts';

function client(fetchImpl: typeof fetch, sleeps: number[] = [], limit = 2) {
  return new IdpHttp({
    baseUrl: 'http://localhost/scim/v2/',
    authorization: 'Bearer s3cret',
    fetch: fetchImpl,
    timeoutMs: 2000,
    headers: { 'User-Agent': 'ua', Accept: 'application/scim+json', 'Content-Type': 'application/scim+json' },
    retry: { limit, baseDelayMs: 100, maxDelayMs: 1000, honorRetryAfter: true },
    sleep: async (ms) => void sleeps.push(ms),
  });
}

const respond = (statuses: [number, Record<string, string>?][]) => {
  const calls: Request[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    calls.push(req);
    const [status, headers] = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    return new Response(status === 204 ? null : JSON.stringify({ ok: status }), { status, headers });
  }) as typeof fetch;
  return { f, calls };
};

describe('redaction', () => {
  it('keeps the scheme of Authorization and hides the credential', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc', Accept: 'x' })).toEqual({ Authorization: 'Bearer [REDACTED]', Accept: 'x' });
  });
  it('hides password values, nested and as a PATCH path', () => {
    const body = JSON.stringify({ password: 'p1', Operations: [{ op: 'replace', path: 'password', value: 'p2' }, { op: 'replace', value: { password: 'p3' } }] });
    const out = redactBody(body)!;
    expect(out).not.toMatch(/p1|p2|p3/);
    expect(JSON.parse(out).Operations[0].value).toBe('[REDACTED]');
  });
});

describe('IdpHttp', () => {
  it('records a redacted transcript and sends the profile headers', async () => {
    const { f, calls } = respond([[201]]);
    const http = client(f);
    const res = await http.send({ method: 'POST', path: '/Users', body: { userName: 'a', password: 'hunter2' } });
    expect(res.status).toBe(201);
    expect(calls[0].url).toBe('http://localhost/scim/v2/Users');
    expect(calls[0].headers.get('authorization')).toBe('Bearer s3cret');
    expect(JSON.stringify(http.transcript)).not.toMatch(/s3cret|hunter2/);
    expect(http.transcript[0].request.headers.Authorization).toBe('Bearer [REDACTED]');
  });

  it('encodes filter queries', () => {
    expect(buildUrl('http://h/scim', '/Users', { filter: 'userName eq "a b"' })).toBe('http://h/scim/Users?filter=userName+eq+%22a+b%22');
  });

  it('waits Retry-After on 429 (capped) and backs off exponentially on 5xx', async () => {
    const { f, calls } = respond([[429, { 'retry-after': '3' }], [500], [200]]);
    const sleeps: number[] = [];
    const res = await client(f, sleeps).send({ method: 'GET', path: '/Users' });
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([1000, 200]);
    expect(retryAfterMs('5')).toBe(5000);
  });

  it('gives up after the bounded number of retries and returns the last answer', async () => {
    const { f, calls } = respond([[503]]);
    const sleeps: number[] = [];
    const res = await client(f, sleeps, 2).send({ method: 'GET', path: '/Users' });
    expect(res.status).toBe(503);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('does not retry a 4xx answer', async () => {
    const { f, calls } = respond([[400], [200]]);
    expect((await client(f).send({ method: 'GET', path: '/Users' })).status).toBe(400);
    expect(calls).toHaveLength(1);
  });

  it('throws TargetUnreachable (a ScimError) when the connection fails every time', async () => {
    const f = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const http = client(f);
    await expect(http.send({ method: 'GET', path: '/Users' })).rejects.toBeInstanceOf(TargetUnreachable);
    expect(http.transcript).toHaveLength(3);
    expect(http.transcript[0].response).toHaveProperty('error');
  });
});
