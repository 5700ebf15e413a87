/**
 * Issue 11 #15: escape sequences and other control characters a target answers with are shown, never acted on
 * by the terminal: in the console reporter's live lines, failure details (message, expected/actual, title) and
 * summary, and in `scimcheck idp`'s step lines.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../src/harness/check.ts';
import { createConsoleReporter } from '../../src/harness/reporters/console.ts';
import { visible } from '../../src/harness/reporters/visible.ts';
import { buildReport } from '../../src/harness/runner.ts';
import { main } from '../../src/cli.ts';
import { serveOnLoopback, type Loopback } from './loopback.ts';
import { idpCommand } from '../../src/idp/commands.ts';
import { createProvider } from '../../src/provider/index.ts';

/** Clear screen, window title (OSC 0), a hyperlink (OSC 8), CR/backspace overwrites, C1 CSI, bidi override. */
const HOSTILE = [
  '\x1b[2J\x1b[H',
  '\x1b]0;pwned\x07',
  '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\',
  'PASS\rFAIL',
  'ok\b\b\bno',
  '\u009b31m',
  'abc\u202edcba',
  '\u2066iso\u2069\u200f',
  '\x00\x05\x7f',
].join(' | ');

/** Anything a terminal could act on, but the newline the reporter lays out with. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
/** The only sequences the reporter itself paints: SGR colours and the bar's line reset. */
const OWN_SEQUENCES = /\x1b\[(?:\d+m|2K)|\r(?=\x1b\[2K)/g;

function sink(isTTY: boolean) {
  let text = '';
  const out = Object.assign(new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }), { isTTY, columns: 400 });
  return { out, text: () => text };
}

const hostileResult: CheckResult = {
  id: 'users.get.etag',
  title: `GET answers ${HOSTILE}`,
  suite: 'conformance',
  area: 'users',
  rfc: 'RFC7644 §3.14',
  level: 'MUST',
  status: 'failed',
  durationMs: 3,
  message: `the target said ${HOSTILE}\nsecond line ${HOSTILE}`,
  expected: { detail: HOSTILE },
  actual: HOSTILE,
  transcript: [],
};
const warned: CheckResult = { ...hostileResult, id: 'users.get.warn', level: 'SHOULD', status: 'warned', actual: { [HOSTILE]: [HOSTILE] } };

describe('visible', () => {
  it.each([
    ['\x1b[2J', '␛[2J'],
    ['a\rb', 'a␍b'],
    ['a\bb', 'a␈b'],
    ['\x7f', '␡'],
    ['\u009b', '<U+009B>'],
    ['\u202e', '<U+202E>'],
    ['line\nnext\ttab', 'line\nnext\ttab'],
    ['plain text é ü 日本', 'plain text é ü 日本'],
  ])('%j → %j', (input, shown) => {
    expect(visible(input)).toBe(shown);
  });
});

describe('console reporter with a target answering escape sequences', () => {
  it.each([false, true])('tty=%s: no raw control character reaches the output but its own colours', (tty) => {
    const s = sink(tty);
    const rep = createConsoleReporter({ out: s.out, tty });
    const results = [hostileResult, warned];
    rep.onStart(results.length);
    for (const r of results) rep.onResult(r);
    rep.info(`target: ${HOSTILE}`);
    rep.finish(buildReport({ version: 'x', target: `http://t/${HOSTILE}`, startedAt: new Date(), seed: 1, results }), { warnings: [HOSTILE] });
    const text = s.text();
    expect(text.replace(OWN_SEQUENCES, '')).not.toMatch(RAW_CONTROL);
    // Shown, not dropped: a reader can still see what the target sent.
    expect(text).toContain('␛[2J');
    expect(text).toContain('␛]0;pwned␇');
    expect(text).toContain('PASS␍FAIL');
    expect(text).toContain('<U+202E>');
    if (tty) expect(text).toMatch(/\x1b\[31mFAIL\x1b\[0m users\.get\.etag/);
  });
});

describe('end to end: a target whose error details and values carry escape sequences', () => {
  const TOKEN = 'escape-test-token-0001';
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });
  let server: Loopback;
  let base: string;

  const inject = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(inject);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = inject(x);
    if ('userName' in out) out.userName = `${String(out.userName)}${HOSTILE}`;
    out.detail = HOSTILE;
    return out;
  };

  beforeAll(async () => {
    const hostile = async (req: Request) => {
      const res = await provider.fetch(req);
      const path = new URL(req.url).pathname;
      const text = await res.text();
      if (/\/(Schemas|ResourceTypes|ServiceProviderConfig)/.test(path) || !text.startsWith('{')) return new Response(text || null, { status: res.status, headers: res.headers });
      const headers = new Headers(res.headers);
      headers.delete('content-length');
      return new Response(JSON.stringify(inject(JSON.parse(text))), { status: res.status, headers });
    };
    server = await serveOnLoopback(hostile);
    base = `${server.origin}/scim/v2`;
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => vi.restoreAllMocks());

  it('scimcheck run prints failures with the target text made visible', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l) => void lines.push(String(l)));
    vi.spyOn(console, 'error').mockImplementation((l) => void lines.push(String(l)));
    vi.spyOn(process.stdout, 'write').mockImplementation((l) => (lines.push(String(l)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((l) => (lines.push(String(l)), true));
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-escapes-'));
    const code = await main(['run', '--target', base, '--auth-bearer', TOKEN, '--suite', 'conformance', '--only', 'users.*', '--out', out]);
    expect(code).toBe(1);
    const text = lines.join('');
    expect(text).toContain('␛[2J');
    expect(text).not.toMatch(RAW_CONTROL);
  }, 120_000);

  it('scimcheck idp --verbose prints exchanges and step details with the target text made visible', async () => {
    const lines: string[] = [];
    const code = await idpCommand(['--profile', 'okta', '--scenario', 'all', '--target', base, '--auth-bearer', TOKEN, '--verbose'], { out: (l) => void lines.push(l), err: (l) => void lines.push(l), env: {} });
    expect(code).toBe(1); // the injected userName breaks the scenarios' round trips
    expect(lines.join('\n')).toContain('␛[2J');
    const text = lines.join('\n');
    expect(text).not.toMatch(RAW_CONTROL);
  }, 120_000);
});
