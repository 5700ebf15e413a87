/**
 * What a failed property hands the report: message with seed, replay and the shrunk steps, a redacted
 * transcript, and a curl script that reproduces the failure from an empty target (run here for real,
 * against the faulty provider on a loopback port).
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { describe, expect, test } from 'vitest';
import { propertySuite } from '../../../src/harness/properties/suite.ts';
import { reproduceScript } from '../../../src/harness/properties/reproduce.ts';
import { authFromHeader } from '../../../src/harness/properties/session.ts';
import { createProvider } from '../../../src/provider/index.ts';

const SECRET = 'secret-token-7f3a9c';
const run = promisify(execFile);

describe('failure report of a property', () => {
  test('patch-ignored: message, redacted transcript, and a curl script that reproduces the statuses', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: SECRET }] }, faults: ['patch-ignored'] });
    const env = { baseUrl: 'http://localhost/scim/v2', authorization: `Bearer ${SECRET}`, fetch: (r: Request) => provider.fetch(r), timeoutMs: 10_000, prefix: 'scimcheck-report' };
    const results = await propertySuite({ seed: 11, numRuns: 100, only: ['patch-model'] }).run(env as never);
    const r = results.find((x) => x.id === 'property.patch-model')!;
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/seed 11, path [0-9:]+/);
    expect(r.message).toMatch(/replay: --seed 11 --replay 'patch-model@[0-9:]+'/);
    expect(r.message).toMatch(/shrunk counterexample \(\d+ steps\):\n  1\. createUser/);
    expect(r.message).toContain('model expects:');
    expect(r.expected).toBeDefined();
    expect(r.actual).toBeDefined();
    const dump = JSON.stringify(r);
    expect(dump).not.toContain(SECRET);
    expect(r.transcript[0]!.request.headers.authorization).toBe('Bearer [REDACTED]');

    // The script, run against a fresh faulty provider on a real port, sees the same statuses in the same order.
    const served = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: SECRET }] }, faults: ['patch-ignored'] });
    const server = serve({ fetch: (req: Request) => served.fetch(req), port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
      const port = (server.address() as AddressInfo).port;
      expect(r.reproduce).toContain('ID1=$(curl');
      const { stdout } = await run('bash', ['-c', r.reproduce!], { env: { ...process.env, SCIMCHECK_TARGET: `http://127.0.0.1:${port}/scim/v2`, SCIMCHECK_TOKEN: SECRET } });
      expect(stdout).toMatch(/ID1=[0-9a-f-]{36}/);
      const statuses = [...stdout.matchAll(/=> HTTP (\d{3})/g)].map((m) => Number(m[1]));
      const expected = r.transcript.filter((t) => !(t.request.method === 'POST' && 'status' in t.response && t.response.status === 201)).map((t) => ('status' in t.response ? t.response.status : 0));
      expect(statuses).toEqual(expected);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});

describe('reproduceScript', () => {
  test('captures created ids and substitutes them in later URLs and bodies', () => {
    const id = '0f702976-e399-4d62-ad16-e2b7ac1c793c';
    const script = reproduceScript(
      [
        { request: { method: 'POST', url: 'http://h/scim/v2/Users', headers: { 'content-type': 'application/scim+json', authorization: 'Bearer [REDACTED]' }, body: '{"userName":"a\'b"}' }, response: { status: 201, headers: {}, body: JSON.stringify({ id }) } },
        { request: { method: 'PATCH', url: `http://h/scim/v2/Users/${id}`, headers: {}, body: `{"path":"members[value eq \\"${id}\\"]"}` }, response: { status: 200, headers: {} } },
      ],
      { baseUrl: 'http://h/scim/v2', title: 't' },
    );
    expect(script).toContain(`ID1=$(curl -sS -X POST -H "$AUTH" -H 'content-type: application/scim+json' --data-binary '{"userName":"a'\\''b"}' "\${BASE}"'/Users' | jq -r .id)`);
    expect(script).toContain(`"\${BASE}"'/Users/'"\${ID1}"`);
    expect(script).toContain(`'{"path":"members[value eq \\"'"\${ID1}"'\\"]"}'`);
    expect(script).not.toContain(`Users/${id}`);
  });
});

describe('authFromHeader', () => {
  test('bearer, basic and anything else', () => {
    expect(authFromHeader('Bearer abc')).toEqual({ auth: { kind: 'bearer', token: 'abc' } });
    expect(authFromHeader(`Basic ${Buffer.from('u:p:w').toString('base64')}`)).toEqual({ auth: { kind: 'basic', user: 'u', password: 'p:w' } });
    expect(authFromHeader('SSWS xyz')).toEqual({ auth: { kind: 'none' }, headers: { authorization: 'SSWS xyz' } });
    expect(authFromHeader(undefined)).toEqual({ auth: { kind: 'none' } });
  });
});
