/** `scimcheck proxy --ui` (issue 14): the console in passthrough mode shows each proxied exchange with its findings. */
import { afterEach, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/index.ts';
import { createProxyConsole } from '../../src/proxy/console.ts';
import { createForwarder } from '../../src/proxy/forward.ts';
import { listen, type Listening } from '../../src/proxy/listen.ts';
import { createProxySession } from '../../src/proxy/session.ts';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** Reads an SSE stream until an `event: request` block arrives; returns its data. */
async function firstRequestEvent(res: Response): Promise<any> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`stream ended: ${buf}`);
      buf += dec.decode(value, { stream: true });
      const m = /event: request\ndata: (.*)\n\n/.exec(buf);
      if (m) return JSON.parse(m[1]!);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

it('the console lists a proxied exchange with its client and server findings; it needs its token', async () => {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'console-target-token' }] }, faults: ['location-missing'] });
  const target: Listening = await listen((r) => provider.fetch(r), 0, '127.0.0.1');
  closers.push(async () => {
    await target.close();
    await provider.close();
  });
  const ui = createProxyConsole({ basePath: '/scim/v2', uiToken: 'ui-token-for-test' });
  const session = createProxySession({ onEntry: (e) => ui.add(e) });
  const proxy = await listen(ui.wrap(createForwarder({ target: `${target.origin}/scim/v2`, onExchange: (ex) => session.record(ex) })), 0, '127.0.0.1');
  closers.push(() => ui.close());
  closers.push(() => proxy.close());

  expect((await fetch(`${proxy.origin}/ui/api/events`)).status).toBe(401);
  // The target's own token opens nothing here: the proxy holds no credentials of the target's.
  expect((await fetch(`${proxy.origin}/ui/api/events`, { headers: { authorization: 'Bearer console-target-token' } })).status).toBe(401);
  const page = await fetch(`${proxy.origin}/ui?token=ui-token-for-test`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('data-base-path="/scim/v2"');

  // readOnly `meta` in a POST (a client note) and a 201 without Location (a server finding).
  const res = await fetch(`${proxy.origin}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: 'Bearer console-target-token', 'content-type': 'application/scim+json', accept: 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ui@example.test', meta: { created: 'x' } }),
  });
  expect(res.status).toBe(201);
  const events = await fetch(`${proxy.origin}/ui/api/events?after=0`, { headers: { authorization: 'Bearer ui-token-for-test' } });
  const entry = await firstRequestEvent(events);
  expect(entry).toMatchObject({ method: 'POST', path: '/scim/v2/Users', status: 201 });
  expect(entry.findings.map((f: { id: string; side: string }) => `${f.side} ${f.id}`)).toContain('server server.create.location-equals-meta');
  expect(entry.request.headers.authorization).toBe('Bearer [REDACTED]');
  expect(JSON.stringify(entry)).not.toContain('console-target-token');
  // The users pane lists what passed through the proxy.
  const state = await (await fetch(`${proxy.origin}/ui/api/state`, { headers: { authorization: 'Bearer ui-token-for-test' } })).json();
  expect(state.users.map((u: { userName: string }) => u.userName)).toEqual(['ui@example.test']);
});
