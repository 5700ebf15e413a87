/**
 * `scimcheck serve --ui` as a real process (issue 11 #7, #10): the console does not make an oversized body
 * hang, and refusals made before the provider (a 16 KB URL, an unknown method) still answer a SCIM error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChunked } from '../provider/chunked-post.ts';

const cwd = new URL('../../', import.meta.url).pathname;
let child: ChildProcess;
let base: URL;

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', 'T', '--ui'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  base = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
});

afterAll(async () => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
});

function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(base.port), base.hostname, () => s.write(text));
    let out = '';
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

describe('serve --ui at the HTTP edge', () => {
  for (const endpoint of ['/Users', '/Bulk']) {
    it(`a chunked 100 MiB POST ${endpoint} is 413 with the console on`, async () => {
      const status = await postChunked({ host: base.hostname, port: base.port, path: `${base.pathname}${endpoint}` }, { authorization: 'Bearer T', 'content-type': 'application/scim+json' }, 100 * 1024 * 1024);
      expect(status).toBe(413);
    }, 20_000);
  }

  it('a URL over 16 KB is 414 and an unknown method 501, each with a SCIM Error body', async () => {
    const long = await raw(`GET ${base.pathname}/Users?filter=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer T\r\n\r\n`);
    expect(long).toMatch(/^HTTP\/1\.1 414 /);
    expect(JSON.parse(long.split('\r\n\r\n')[1]!)).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '414' });
    const method = await raw(`FOO ${base.pathname}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer T\r\n\r\n`);
    expect(method).toMatch(/^HTTP\/1\.1 501 /);
    expect(JSON.parse(method.split('\r\n\r\n')[1]!)).toMatchObject({ status: '501' });
  });
});
