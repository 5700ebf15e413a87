/** Issue 11 #15 for the proxy's live lines: what the client and the target chose is shown, never acted on. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { printEntry } from '../../src/commands/proxy.ts';
import { divergenceLine } from '../../src/commands/proxy-replay.ts';
import type { SessionEntry } from '../../src/proxy/session.ts';

afterEach(() => vi.restoreAllMocks());

describe('proxy live lines', () => {
  it('render control characters of a path and a finding message visibly', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l) => void lines.push(String(l)));
    const entry = {
      seq: 1,
      exchange: { time: '', durationMs: 1, url: '', status: 200, request: { method: 'GET', path: '/Users/\x1b[2J', query: {}, headers: {} } },
      findings: [{ id: 'server.x', side: 'server', level: 'MUST', rfc: 'RFC 7644 §3.4.2', quote: 'q', message: 'the target said \x1b]0;pwned\x07 and PASS\rFAIL' }],
      transcript: {},
    } as unknown as SessionEntry;
    printEntry(entry);
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(lines[0]).toContain('␛[2J');
    expect(lines[1]).toContain('␛]0;pwned␇');
  });

  it('never print a credential the traffic carried', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l) => void lines.push(String(l)));
    const secret = 'tok-proxy-secret-77';
    const entry = {
      seq: 2,
      exchange: { time: '', durationMs: 1, url: '', status: 400, request: { method: 'GET', path: `/Users?filter=userName eq "${secret}"`, query: {}, headers: {} } },
      findings: [{ id: 'server.y', side: 'server', level: 'MUST', rfc: 'RFC 7644 §3.12', quote: 'q', message: `detail echoed ${secret}` }],
      transcript: {},
    } as unknown as SessionEntry;
    printEntry(entry, [secret]);
    expect(lines.join('\n')).not.toContain(secret);
  });
});

describe('replay live lines', () => {
  it('show control characters visibly and never a credential', () => {
    const line = divergenceLine(
      { seq: 3, kind: 'error-type', request: 'GET /Users', recorded: 'invalidFilter', now: 'said \x1b[2J tok-replay-secret-9\rOK' },
      ['tok-replay-secret-9'],
    );
    expect(line).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(line).not.toContain('tok-replay-secret-9');
    expect(line).toContain('␛[2J');
    expect(line).toMatch(/^#3 GET \/Users: error-type: recorded invalidFilter, now said/);
  });
});
