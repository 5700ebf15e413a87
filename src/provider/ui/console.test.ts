/** The console without a browser: routing, auth, redaction, the log and its SSE stream. */
import { describe, expect, it } from 'vitest';
import { createProvider } from '../create-provider.ts';
import { parseServeFlags } from '../serve-flags.ts';
import { createConsole } from './console.ts';
import { RequestLog, type LogEntry } from './request-log.ts';
import { redactBody, redactHeader, redactPathAndQuery } from './redact.ts';

const TOKEN = 'unit-api-token-1234567';
const base = 'http://sp.test';

function setup(uiToken?: string, basic: { user: string; password: string }[] = []) {
  const provider = createProvider({ auth: { tokens: [{ token: TOKEN }], basic } });
  return createConsole({ provider, auth: { api: { tokens: [{ token: TOKEN }], basic }, uiToken } });
}

const api = (method: string, path: string, body?: unknown, auth = `Bearer ${TOKEN}`) =>
  new Request(`${base}/scim/v2${path}`, { method, headers: { authorization: auth, 'content-type': 'application/scim+json' }, body: body === undefined ? undefined : JSON.stringify(body) });

/** Waits until the log holds n entries (entries are added once both bodies are read). */
async function entries(log: RequestLog, n: number): Promise<LogEntry[]> {
  for (let i = 0; i < 2000 && log.since().length < n; i++) await new Promise((r) => setTimeout(r, 5));
  return log.since();
}

describe('provider console', () => {
  it('passes SCIM traffic through unchanged and logs it, redacted', async () => {
    const ui = setup();
    const direct = createProvider({ auth: { tokens: [{ token: TOKEN }] } });
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ann', password: 'Hunter2-secret' };
    const res = await ui.fetch(api('POST', '/Users', body));
    const plain = await direct.fetch(api('POST', '/Users', body));
    expect(res.status).toBe(plain.status);
    const got = await res.json();
    expect(got.userName).toBe('ann');
    const [e] = await entries(ui.log, 1);
    expect(e).toMatchObject({ seq: 1, method: 'POST', path: '/scim/v2/Users', status: 201 });
    expect(e!.request.headers.authorization).toBe('Bearer [REDACTED]');
    expect(JSON.parse(e!.request.body)).toMatchObject({ userName: 'ann', password: '[REDACTED]' });
    expect(JSON.parse(e!.response.body).id).toBe(got.id);
    expect(JSON.stringify(e)).not.toMatch(/Hunter2|unit-api-token/);
  });

  it('opens with the API bearer token (?token= for the page only), with Basic, or only with --ui-token when set', async () => {
    const basic = [{ user: 'admin', password: 'pw-123456' }];
    const ui = setup(undefined, basic);
    expect((await ui.fetch(new Request(`${base}/ui`))).status).toBe(401);
    expect((await ui.fetch(new Request(`${base}/ui?token=${TOKEN}`))).status).toBe(200);
    expect((await ui.fetch(new Request(`${base}/ui?token=wrong`))).status).toBe(401);
    expect((await ui.fetch(new Request(`${base}/ui/api/state?token=${TOKEN}`))).status).toBe(401);
    expect((await ui.fetch(new Request(`${base}/ui/api/state`, { headers: { authorization: `Bearer ${TOKEN}` } }))).status).toBe(200);
    const b = `Basic ${Buffer.from('admin:pw-123456').toString('base64')}`;
    expect((await ui.fetch(new Request(`${base}/ui`, { headers: { authorization: b } }))).status).toBe(200);
    const denied = await ui.fetch(new Request(`${base}/ui/api/state`));
    expect(denied.headers.get('www-authenticate')).toMatch(/Basic/);

    const sep = setup('separate-ui-token');
    expect((await sep.fetch(new Request(`${base}/ui?token=${TOKEN}`))).status).toBe(401);
    expect((await sep.fetch(new Request(`${base}/ui?token=separate-ui-token`))).status).toBe(200);
    // The console token is not an API credential.
    expect((await sep.fetch(api('GET', '/Users', undefined, 'Bearer separate-ui-token'))).status).toBe(401);
  });

  it('serves a self-contained page that holds no credential, and refuses writes and unknown paths', async () => {
    const ui = setup();
    const page = await ui.fetch(new Request(`${base}/ui?token=${TOKEN}`));
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).not.toContain(TOKEN);
    expect(html).not.toMatch(/<link\b|<script[^>]*\ssrc=/i);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await ui.fetch(new Request(`${base}/ui/api/state`, { method: 'POST', headers: auth }))).status).toBe(405);
    expect((await ui.fetch(new Request(`${base}/ui/nope`, { headers: auth }))).status).toBe(404);
    // Console pages are not SCIM traffic: nothing logged.
    expect(ui.log.since()).toEqual([]);
  });

  it('lists users and groups with memberships both ways and never a password', async () => {
    const ui = setup();
    const u = await (await ui.fetch(api('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'cy', password: 'Pw-never-shown-1', active: true }))).json();
    await ui.fetch(api('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Ops', members: [{ value: u.id }] }));
    const res = await ui.fetch(new Request(`${base}/ui/api/state`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    const text = await res.text();
    expect(text).not.toContain('Pw-never-shown-1');
    const view = JSON.parse(text);
    expect(view.users).toEqual([expect.objectContaining({ id: u.id, userName: 'cy', active: true, groups: [{ id: expect.any(String), displayName: 'Ops' }] })]);
    expect(view.groups).toEqual([expect.objectContaining({ displayName: 'Ops', members: [expect.objectContaining({ value: u.id, display: 'cy' })] })]);
  });

  it('streams the backlog and then new requests as Server-Sent Events, and close() ends the stream', async () => {
    const ui = setup();
    await ui.fetch(api('GET', '/Users'));
    await entries(ui.log, 1);
    const res = await ui.fetch(new Request(`${base}/ui/api/events`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    const readUntil = async (pred: (t: string) => boolean) => {
      while (!pred(text)) {
        const r = await reader.read();
        if (r.done) return true;
        text += dec.decode(r.value);
      }
      return false;
    };
    await readUntil((t) => t.includes('id: 1\n'));
    await ui.fetch(api('GET', '/Groups?count=1'));
    await readUntil((t) => t.includes('id: 2\n'));
    const events = text.split('\n\n').filter((b) => b.includes('event: request')).map((b) => JSON.parse(b.split('\ndata: ')[1]!) as LogEntry);
    expect(events.map((e) => [e.seq, e.method, e.path])).toEqual([[1, 'GET', '/scim/v2/Users'], [2, 'GET', '/scim/v2/Groups?count=1']]);
    expect(ui.log.listenerCount).toBe(1);
    ui.close();
    expect(await readUntil(() => false)).toBe(true);
    expect(ui.log.listenerCount).toBe(0);
    // A reconnect says what it has seen and gets only the rest; close() ends this one too.
    const again = await ui.fetch(new Request(`${base}/ui/api/events`, { headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': '1' } }));
    ui.close();
    const replay = await new Response(again.body).text();
    expect(replay).toContain('id: 2\n');
    expect(replay).not.toContain('id: 1\n');
  });
});

describe('request log and redaction', () => {
  it('keeps the newest entries up to its capacity', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 5; i++) log.add({ time: '', method: 'GET', path: `/${i}`, status: 200, durationMs: 0, request: { headers: {}, body: '' }, response: { headers: {}, body: '' } });
    expect(log.since().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.since(4).map((e) => e.path)).toEqual(['/4']);
  });

  it('redacts credentials, passwords in bodies and PATCH values, and password filters', () => {
    expect(redactHeader('Authorization', 'Basic YWJjOmRlZg==')).toBe('Basic [REDACTED]');
    expect(redactHeader('cookie', 'sid=1')).toBe('[REDACTED]');
    expect(redactHeader('content-type', 'application/scim+json')).toBe('application/scim+json');
    const patch = JSON.parse(redactBody(JSON.stringify({ Operations: [{ op: 'replace', path: 'password', value: 'p1' }, { op: 'replace', value: { password: 'p2' } }] })));
    expect(JSON.stringify(patch)).not.toMatch(/p1|p2/);
    expect(redactBody('password=p3&x=1')).not.toContain('p3');
    expect(redactPathAndQuery(new URL('http://h/Users?filter=password%20eq%20%22p4%22&access_token=p5'))).not.toMatch(/p4|p5/);
  });

  it('serve flags: --ui and --ui-token', () => {
    expect(parseServeFlags(['--ui'])).toMatchObject({ ui: true, uiToken: undefined });
    expect(parseServeFlags(['--ui-token', 'abc'])).toMatchObject({ ui: true, uiToken: 'abc' });
    expect(parseServeFlags([])).toMatchObject({ ui: false });
    expect(() => parseServeFlags(['--ui-token', ' '])).toThrow(/must not be empty/);
  });
});
