/**
 * Issue 11 #11: a target that echoes the credentials back (in `detail`, in attribute values, as JSON keys, in
 * headers, URL-encoded and JSON-escaped) must not get them into any output: report.json, junit.xml,
 * summary.md, report.html, stdout and stderr hold none of the run's credential literals in any form.
 * The reference provider runs on a loopback port behind a wrapper that does the echoing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.ts';
import { serveOnLoopback, type Loopback } from './loopback.ts';
import { idpCommand } from '../../src/idp/commands.ts';
import { createProvider } from '../../src/provider/index.ts';
import { scrubSecrets, REDACTED } from '../../src/harness/redact.ts';
import { secretsOf } from '../../src/harness/http-client.ts';

// Characters that JSON, URLs and HTML each encode differently, so every encoded form is exercised.
const TOKEN = 't0k"en/+&=%-echo-5151';
const USER = 'echo-admin-7q';
const PASSWORD = 'p"a/ss+w&rd%-echo-9';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }], basic: [{ user: USER, password: PASSWORD }] } });
let server: Loopback;
let base: string;

/** Every way a literal may be written once a target or a reporter has handled it. */
function forms(s: string): string[] {
  const url = encodeURIComponent(s);
  const html = s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return [...new Set([s, url, url.toLowerCase(), JSON.stringify(s).slice(1, -1), html, JSON.stringify(html).slice(1, -1)])];
}

/** Puts the credential into every object of the answer: as a key, in a value, in `detail`. */
function echoInto(v: unknown, cred: string): unknown {
  if (Array.isArray(v)) return v.map((x) => echoInto(x, cred));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = echoInto(x, cred);
  out[`echo:${cred}`] = { nested: [cred, encodeURIComponent(cred), `you sent ${cred}`] };
  if ('userName' in out) out.userName = `${String(out.userName)}|${cred}`;
  if ('displayName' in out) out.displayName = cred;
  out.detail = `Authorization was ${cred} (${encodeURIComponent(cred)}, <b>${cred.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}</b>)`;
  return out;
}

beforeAll(async () => {
  const echoing = async (req: Request) => {
    const cred = req.headers.get('authorization') ?? '';
    const res = await provider.fetch(req);
    const path = new URL(req.url).pathname;
    const headers = new Headers(res.headers);
    headers.set('x-echo', cred);
    headers.set('location', `${base}/Users/${encodeURIComponent(cred)}`);
    const text = await res.text();
    // Discovery stays intact so the checks run; everything else carries the credential.
    if (/\/(Schemas|ResourceTypes|ServiceProviderConfig)/.test(path) || !text.startsWith('{')) return new Response(text || null, { status: res.status, headers });
    headers.delete('content-length');
    return new Response(JSON.stringify(echoInto(JSON.parse(text), cred)), { status: res.status, headers });
  };
  server = await serveOnLoopback(echoing);
  base = `${server.origin}/scim/v2`;
});

afterAll(async () => {
  await server.close();
});

afterEach(() => vi.restoreAllMocks());

async function runAndCollect(auth: string[]): Promise<{ code: number; outputs: Record<string, string> }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((l) => void lines.push(String(l)));
  vi.spyOn(console, 'error').mockImplementation((l) => void lines.push(String(l)));
  vi.spyOn(process.stdout, 'write').mockImplementation((l) => (lines.push(String(l)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((l) => (lines.push(String(l)), true));
  const out = mkdtempSync(join(tmpdir(), 'scimcheck-secrets-'));
  const code = await main(['run', '--target', base, ...auth, '--suite', 'conformance', '--transcripts', 'all', '--out', out]);
  const outputs: Record<string, string> = { console: lines.join('') };
  for (const f of readdirSync(out)) outputs[f] = readFileSync(join(out, f), 'utf8');
  return { code, outputs };
}

function hits(outputs: Record<string, string>, secrets: string[]): string[] {
  const found: string[] = [];
  for (const [name, text] of Object.entries(outputs)) {
    for (const s of secrets) for (const f of forms(s)) if (text.includes(f)) found.push(`${name}: ${JSON.stringify(f)}`);
  }
  return found;
}

describe('credentials a target echoes back never reach an output', () => {
  it('bearer token: zero occurrences in report.json, junit.xml, summary.md, report.html, stdout, stderr', async () => {
    const { code, outputs } = await runAndCollect(['--auth-bearer', TOKEN]);
    expect(code).toBe(1); // the echoing breaks round trips: there are failures to print, with expected/actual
    expect(Object.keys(outputs).sort()).toEqual(['console', 'junit.xml', 'report.html', 'report.json', 'summary.md']);
    expect(outputs['report.json']).toContain(REDACTED);
    expect(hits(outputs, [TOKEN])).toEqual([]);
  }, 120_000);

  it('Basic: neither the user, the password nor the base64 value appears anywhere', async () => {
    const { code, outputs } = await runAndCollect(['--auth-basic', `${USER}:${PASSWORD}`]);
    expect(code).toBe(1);
    expect(hits(outputs, [USER, PASSWORD, BASIC])).toEqual([]);
  }, 120_000);
});

describe('scimcheck idp against the same target', () => {
  it('--verbose lines and --json hold none of the credentials', async () => {
    const lines: string[] = [];
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-secrets-idp-'));
    const code = await idpCommand(['--profile', 'okta', '--scenario', 'all', '--target', base, '--auth-basic', `${USER}:${PASSWORD}`, '--verbose', '--json', join(out, 'idp.json')], {
      out: (l) => void lines.push(l),
      err: (l) => void lines.push(l),
      env: {},
    });
    expect(code).toBe(1); // the echo breaks the scenarios' round trips: failures with the target's details
    expect(hits({ console: lines.join('\n'), 'idp.json': readFileSync(join(out, 'idp.json'), 'utf8') }, [USER, PASSWORD, BASIC])).toEqual([]);
  }, 120_000);
});

describe('scrubSecrets', () => {
  it('replaces secrets in nested strings, keys and their encoded forms, keeping a __proto__ key a plain key', () => {
    const text = JSON.stringify({ a: [{ [TOKEN]: `x ${encodeURIComponent(TOKEN)} y`, body: JSON.stringify({ t: TOKEN }) }] });
    const input = JSON.parse(text.replace('{"a"', `{"__proto__":{"polluted":"${TOKEN.replace(/"/g, '\\"')}"},"a"`));
    const out = scrubSecrets(input, [TOKEN]);
    expect(JSON.stringify(out)).not.toContain('echo-5151');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lists the Basic user, password and header value among the secrets', () => {
    expect(secretsOf({ kind: 'basic', user: USER, password: PASSWORD })).toEqual(expect.arrayContaining([USER, PASSWORD, BASIC]));
  });
});
