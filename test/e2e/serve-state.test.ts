/**
 * `scimcheck serve --state` as real processes (issue 11, data loss): random interleavings of writes, SIGTERM,
 * kill -9 and restarts keep every acknowledged write; a second server on the same state file, a damaged journal
 * and a state path in a missing directory are one-line refusals (exit 2); --state-recover starts anyway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { REPORTED, play, steps, type Seen, type Target } from '../provider/durability-model.ts';

const cwd = new URL('../../', import.meta.url).pathname;
const running = new Set<ChildProcess>();
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const headers = { authorization: 'Bearer T', 'content-type': 'application/scim+json' };

interface Served {
  child: ChildProcess;
  base: string;
  output: () => string;
}

function spawnServe(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // node --import tsx, as test/e2e/serve.test.ts: signals reach the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', 'T', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => out, exited };
}

async function start(args: string[]): Promise<Served> {
  const { child, output, exited } = spawnServe(args);
  const base = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output());
      if (m) {
        clearInterval(poll);
        resolve(m[1]!);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`serve exited ${code}: ${output()}`));
    });
  });
  return { child, base, output };
}

/** The exit code and the output of a serve that is expected to refuse to start. */
async function refused(args: string[]): Promise<{ code: number | null; lines: string[] }> {
  const { output, exited } = spawnServe(args);
  const code = await exited;
  return { code, lines: output().trim().split('\n') };
}

function end(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

afterEach(async () => {
  for (const c of [...running]) await end(c, 'SIGKILL');
});

const stateFile = () => join(mkdtempSync(join(tmpdir(), 'scimcheck-e2e-state-')), 'state.json');

async function serveTarget(path: string): Promise<Target> {
  let served = await start(['--state', path]);
  const ids = new Map<string, string>();
  /** True on a 2xx answer; false when the server died before answering. */
  const send = async (method: string, path: string, body?: unknown): Promise<boolean> => {
    let res: Response;
    try {
      res = await fetch(`${served.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      return false;
    }
    const text = await res.text().catch(() => '');
    if (res.status === 503) return false; // arrived while shutting down: refused before anything changed
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    if (method === 'POST') ids.set(JSON.parse(text).userName, JSON.parse(text).id);
    return true;
  };
  const restart = async (signal: NodeJS.Signals) => {
    const code = await end(served.child, signal);
    if (signal === 'SIGTERM') expect(code, served.output()).toBe(0);
    served = await start(['--state', path]);
  };
  return {
    create: (userName) => send('POST', '/Users', { schemas: [USER_SCHEMA], userName }),
    retitle: (userName, title) => send('PATCH', `/Users/${ids.get(userName)}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: title }] }),
    remove: (userName) => send('DELETE', `/Users/${ids.get(userName)}`),
    stopAndRestart: () => restart('SIGTERM'),
    crashAndRestart: () => restart('SIGKILL'),
    async read(): Promise<Seen> {
      const res = await fetch(`${served.base}/Users?count=200&attributes=userName,title`, { headers });
      const body = (await res.json()) as { Resources: { id: string; userName: string; title?: string }[] };
      ids.clear();
      for (const u of body.Resources) ids.set(u.userName, u.id);
      return new Map(body.Resources.map((u) => [u.userName, u.title ?? '']));
    },
    async close() {
      expect(await end(served.child, 'SIGTERM')).toBe(0);
    },
  };
}

describe('scimcheck serve --state: durability (issue 11)', () => {
  it('random writes, SIGTERM, kill -9 (also mid-burst) and restarts of real processes lose no acknowledged write', async () => {
    await fc.assert(
      fc.asyncProperty(steps(8), async (plan) => {
        const target = await serveTarget(stateFile());
        try {
          await play(target, plan);
        } finally {
          await target.close();
        }
      }),
      // Each restart is a process start (~0.5 s): a few runs, no shrinking (the failing plan is printed whole).
      { numRuns: 4, endOnFailure: true, examples: [[REPORTED]] },
    );
  }, 180_000);

  it('a second serve on the same --state exits 2 with one line naming the holder\'s pid (#2)', async () => {
    const path = stateFile();
    const first = await start(['--state', path]);
    const second = await refused(['--state', path]);
    expect(second.code).toBe(2);
    expect(second.lines).toHaveLength(1);
    expect(second.lines[0]).toContain(`process ${first.child.pid}`);
    expect(await end(first.child, 'SIGTERM')).toBe(0);
  });

  it('a damaged journal exits 2 naming file, line and offset; --state-recover starts and says what it dropped (#3)', async () => {
    const path = stateFile();
    const good = (id: string) => `${JSON.stringify({ op: 'put', kind: 'User', resource: { id, userName: id, schemas: [USER_SCHEMA], meta: { resourceType: 'User', version: 'W/"1"' } } })}\n`;
    writeFileSync(`${path}.journal.1`, `${good('a')}not json\n${good('b')}`);
    const plain = await refused(['--state', path]);
    expect(plain.code).toBe(2);
    expect(plain.lines).toHaveLength(1);
    expect(plain.lines[0]).toMatch(new RegExp(`${path}\\.journal\\.1 .*line 2 .*byte offset ${Buffer.byteLength(good('a'))}`));
    const recovered = await start(['--state', path, '--state-recover']);
    expect(recovered.output()).toMatch(/dropped 1 damaged line .*journal\.1\.damaged/);
    const list = await (await fetch(`${recovered.base}/Users`, { headers })).json();
    expect(list.Resources.map((u: { userName: string }) => u.userName).sort()).toEqual(['a', 'b']);
    expect(await end(recovered.child, 'SIGTERM')).toBe(0);
  });

  it('--state in a directory that does not exist exits 2 with one line (#6)', async () => {
    const r = await refused(['--state', '/nonexistent/dir/s.json']);
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/\/nonexistent\/dir.*does not exist/);
  });

  it('--state-recover without --state is a usage error', async () => {
    const r = await refused(['--state-recover']);
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
  });
});
