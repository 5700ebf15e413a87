/**
 * Issue 11 #12: no target can hold a run. A target that answers discovery and then never again used to keep
 * `run` going for 25 minutes with no report; a 429 with `Retry-After: 30` cost 90 s a check. Real loopback
 * servers on port 0; the CLI's own entry point.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.ts';
import type { RunReport } from '../../src/harness/check.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { cleanupReserveMs, RunStopped, stopAfter, stopReason, suiteShareMs } from '../../src/harness/run-stop.ts';
import { propertySuite } from '../../src/harness/properties/suite.ts';
import { createProvider } from '../../src/provider/index.ts';
import { fakeTarget } from './fake-target.ts';

const servers: Server[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const DISCOVERY = /\/(ServiceProviderConfig|Schemas|ResourceTypes)$/;

/**
 * The fake target's discovery over real HTTP; every other request gets `rest` (by default: no answer, ever).
 * `hits` counts the requests after discovery.
 */
async function target(rest?: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: string[] }> {
  const fake = fakeTarget({ token: 't0ken' });
  const hits: string[] = [];
  const server = createServer(async (req, res) => {
    const url = `http://127.0.0.1${req.url}`;
    if (!DISCOVERY.test(new URL(url).pathname)) {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      if (rest) rest(req, res);
      return;
    }
    const answer = await fake.fetch(new Request(url, { method: req.method, headers: req.headers as Record<string, string> }));
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(await answer.text());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, hits };
}

function quietConsole(): void {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

function readReport(out: string): RunReport {
  return JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
}

describe('run --deadline', () => {
  it('writes the report of what ran when a target stops answering after discovery: exit 1, the rest skipped', async () => {
    const t = await target();
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-deadline-'));
    quietConsole();
    const code = await main(['run', '--target', t.url, '--auth-bearer', 't0ken', '--suite', 'conformance', '--deadline', '3s', '--out', out, '--quiet']);
    expect(code).toBe(1);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    const report = readReport(out);
    expect(t.hits.length).toBeGreaterThan(0);
    const stopped = report.results.filter((r) => r.status === 'skipped' && r.message?.startsWith("the run's deadline passed"));
    expect(stopped.length).toBeGreaterThan(0);
    // Nothing the deadline cut short is blamed on the target or on the harness: the only failures are about the
    // fake's thin discovery documents, which it did answer.
    expect(report.summary.errored).toBe(0);
    expect(report.results.filter((r) => r.status === 'failed' && !r.id.startsWith('discovery.'))).toEqual([]);
  });

  it('gives every suite a share: scenarios and properties cut off by it are skipped with the reason, never failed', async () => {
    const t = await target();
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-deadline-'));
    quietConsole();
    const code = await main(['run', '--target', t.url, '--auth-bearer', 't0ken', '--suite', 'conformance,scenarios,properties', '--profile', 'okta', '--deadline', '4s', '--out', out, '--quiet']);
    expect(code).toBe(1);
    const report = readReport(out);
    for (const suite of ['conformance', 'scenarios', 'properties'] as const) {
      const cut = report.results.filter((r) => r.suite === suite && r.status === 'skipped' && r.message?.startsWith("the run's deadline passed"));
      expect(cut.length, suite).toBeGreaterThan(0);
    }
    expect(report.summary.errored).toBe(0);
    expect(report.results.filter((r) => r.status === 'failed' && !r.id.startsWith('discovery.'))).toEqual([]);
  });

  it('SIGTERM writes the report of what ran, the rest skipped as interrupted (exit 1)', async () => {
    let firstHit: () => void = () => undefined;
    const hit = new Promise<void>((r) => (firstHit = r));
    const t = await target(() => firstHit());
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-sigterm-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', '--target', t.url, '--auth-bearer', 't0ken', '--suite', 'conformance', '--out', out, '--quiet'], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.resume();
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      // A child that ends before its first check's request (a crash at start) fails here, with what it said.
      const first = await Promise.race([hit.then(() => 'hit' as const), exited.then((code) => `exited ${code} before any check ran: ${stderr}`)]);
      expect(first).toBe('hit');
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toContain('interrupted (SIGTERM)');
    const report = readReport(out);
    expect(report.results.some((r) => r.status === 'skipped' && r.message === 'interrupted (SIGTERM)')).toBe(true);
    expect(report.summary.errored).toBe(0);
  }, 60_000);

  it('passing during discovery is exit 3 with one line saying so (nothing was checked)', async () => {
    const server = createServer(() => undefined); // accepts, never answers
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    quietConsole();
    const err = vi.mocked(console.error);
    const code = await main(['run', '--target', `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, '--suite', 'conformance', '--deadline', '1s', '--quiet', '--out', mkdtempSync(join(tmpdir(), 'scimcheck-deadline-'))]);
    expect(code).toBe(3);
    expect(String(err.mock.calls[0]?.[0])).toBe("scimcheck run: the run's deadline passed during discovery: nothing was checked");
  });

  it('is a duration flag: a bad value is bad usage (exit 2)', async () => {
    quietConsole();
    expect(await main(['run', '--target', 'http://127.0.0.1:1/scim/v2', '--deadline', 'soon'])).toBe(2);
  });
});

describe('Retry-After is honoured within bounds', () => {
  it('a target answering 429 Retry-After: 30 to every request after discovery costs no waiting; the 429s are its answers', async () => {
    const t = await target((_req, res) => res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/scim+json' }).end('{"status":"429"}'));
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-429-'));
    quietConsole();
    const code = await main(['run', '--target', t.url, '--auth-bearer', 't0ken', '--suite', 'conformance', '--out', out, '--quiet']);
    expect(code).toBe(1);
    const report = readReport(out);
    // Every request was sent once: 30 s is past the per-wait bound, so no check waited and none was retried.
    const sent = report.results.flatMap((r) => r.transcript ?? []).filter((e) => !DISCOVERY.test(new URL(e.request.url).pathname));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((e) => 'status' in e.response && e.response.status === 429)).toBe(true);
    expect(report.summary.failed).toBeGreaterThan(0);
  });

  it('caps the waits per request and per run, shared by every client the run makes', async () => {
    const fetch = async () => new Response('{}', { status: 429, headers: { 'retry-after': '4' } });
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const http = createHttpClient({ baseUrl: 'http://127.0.0.1:9/scim/v2', auth: { kind: 'none' }, fetch, sleep, retry: { maxRetries: 5, maxWaitMs: 10_000, perRequestMs: 9_000, perRunMs: 20_000 } });
    // Per request: 4 s + 4 s fit in 9 s, a third 4 s does not; the 429 is the answer.
    expect((await http.send({ method: 'GET', path: '/Users' })).status).toBe(429);
    expect(waits).toEqual([4000, 4000]);
    // Per run: checks' clients draw on the same 20 s; 8 s + 8 s spent, 4 s left, then nothing.
    await http.forCheck([]).send({ method: 'GET', path: '/Users' });
    await http.detached([]).send({ method: 'GET', path: '/Users' });
    expect(waits.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(waits).toEqual([4000, 4000, 4000, 4000, 4000]);
  });
});

describe('a slow-drip body ends at the request timeout (the property suites read through this client)', () => {
  /** Headers at once, then a byte every 50 ms, never ending. */
  const drip = () => {
    let t: NodeJS.Timeout | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        t = setInterval(() => c.enqueue(new Uint8Array([0x20])), 50);
      },
      cancel() {
        clearInterval(t);
      },
    });
    return { body, stop: () => clearInterval(t) };
  };

  it('over a fetch handler whose body ignores the request signal', async () => {
    const d = drip();
    try {
      const http = createHttpClient({ baseUrl: 'http://127.0.0.1:9/scim/v2', auth: { kind: 'none' }, timeoutMs: 300, fetch: async () => new Response(d.body, { status: 200 }) });
      const err = await http.send({ method: 'GET', path: '/Users' }).catch((e: unknown) => e);
      expect((err as { kind?: string }).kind).toBe('timeout');
    } finally {
      d.stop();
    }
  });

  it('over real HTTP', async () => {
    const t = await target((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      const i = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(i));
    });
    const http = createHttpClient({ baseUrl: t.url, auth: { kind: 'none' }, timeoutMs: 300 });
    const err = await http.send({ method: 'GET', path: '/Users' }).catch((e: unknown) => e);
    expect((err as { kind?: string }).kind).toBe('timeout');
  });
});

describe('the property suite within its share', () => {
  it('stops between runs at the budget the deadline gives it, and cleans up what each run made', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] } });
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => provider.fetch(input instanceof Request ? input : new Request(input, init))) as typeof globalThis.fetch;
    const results = await propertySuite({ seed: 7 }).run({ baseUrl: 'http://localhost/scim/v2', authorization: 'Bearer T', fetch, timeoutMs: 10_000, prefix: 'deadline', budgetMs: 1 });
    // Whether a property gets one run in its millisecond or none, it is never failed or errored.
    const stopped = results.filter((r) => r.message?.includes('time budget'));
    expect(stopped.length).toBeGreaterThan(0);
    for (const r of stopped) expect([r.id, r.status]).toEqual([r.id, r.message?.includes('before its first run') ? 'skipped' : 'passed']);
    expect(results.filter((r) => r.status === 'failed' || r.status === 'errored')).toEqual([]);
    const left = await provider.fetch(new Request('http://localhost/scim/v2/Users?filter=userName%20sw%20%22deadline%22', { headers: { authorization: 'Bearer T' } }));
    expect(((await left.json()) as { totalResults: number }).totalResults).toBe(0);
  });
});

describe('run-stop', () => {
  it('shares what remains by weight, conformance twice a suite', () => {
    expect(suiteShareMs(12_000, 'conformance', ['conformance', 'scenarios', 'properties'])).toBe(6000);
    expect(suiteShareMs(6000, 'scenarios', ['scenarios', 'properties'])).toBe(3000);
    expect(suiteShareMs(3000, 'properties', ['properties'])).toBe(3000);
    expect(cleanupReserveMs(15 * 60_000)).toBe(60_000);
    expect(cleanupReserveMs(3000)).toBe(300);
  });

  it('a stop names its reason; a parent stop passes its own on', () => {
    const parent = new AbortController();
    const s = stopAfter(60_000, new RunStopped('deadline', "the run's deadline passed"), parent.signal);
    parent.abort(new RunStopped('interrupted', 'interrupted (SIGTERM)'));
    expect(stopReason(s.signal)).toBe('interrupted (SIGTERM)');
    s.dispose();
    expect(stopReason(AbortSignal.abort(new Error('x')))).toBe('the run was interrupted');
  });
});
