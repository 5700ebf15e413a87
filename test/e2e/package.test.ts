/**
 * The package as a new user meets it (issue 12): `npm pack` this clone, install the tarball into an empty
 * project, and there use it the ways the README promises — the `scimcheck` command (version, list, a run
 * against the embedded provider, serve, idp), `scimcheck/provider` from plain Node, and `scimcheck/msw` in the
 * consumer's own vitest + msw test, type-checked by the consumer's tsc. The dependencies come from the npm
 * registry; when it cannot be reached the tests are skipped, saying so.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, cloneVersion, installInto, pack, registryReachable, repoRoot, run, type Packed } from '../../scripts/package-install.ts';

const registry = await registryReachable();
if (!registry.ok) console.warn(`package.test.ts skipped: the npm registry is unreachable (${registry.reason}), so the tarball's dependencies cannot be installed`);

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** What the consumer project's own test needs beside the tarball, at the versions this clone tests with. */
const CONSUMER_DEV = ['vitest', 'msw', 'typescript', '@types/node'].map((p) => `${p}@${cloneVersion(p)}`);

/** A fetch-based SCIM client test, as a client author would write it, against the provider mounted with msw. */
const CONSUMER_TEST = `
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { scimHandlersWithProvider } from 'scimcheck/msw';

const BASE = 'https://sp.test/scim/v2';
const { handlers, provider } = scimHandlersWithProvider({ baseUrl: BASE, auth: { tokens: [{ token: 'consumer-token' }] } });
const server = setupServer(...handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(async () => { server.close(); await provider.close(); });

/** The client under test: plain fetch, SCIM JSON, a bearer token. */
async function scim(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(BASE + path, {
    method,
    headers: { authorization: 'Bearer consumer-token', 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

test('creates, finds, renames and deletes a user', async () => {
  const created = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' });
  expect(created.status).toBe(201);
  const id: string = created.json.id;

  const found = await scim('GET', '/Users?filter=' + encodeURIComponent('userName eq "ADA@example.com"'));
  expect(found.json.totalResults).toBe(1);
  expect(found.json.Resources[0].id).toBe(id);

  const patched = await scim('PATCH', '/Users/' + id, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'userName', value: 'ada.lovelace@example.com' }],
  });
  expect(patched.json.userName).toBe('ada.lovelace@example.com');

  expect((await scim('DELETE', '/Users/' + id)).status).toBe(204);
  expect((await scim('GET', '/Users/' + id)).status).toBe(404);
});

test('is strict: a request without the token is refused', async () => {
  const res = await fetch(BASE + '/Users');
  expect(res.status).toBe(401);
});
`;

/**
 * Type-checked only (tsc --noEmit): each @ts-expect-error must meet a real error, so the check fails if the
 * package's types resolve to nothing (any) as surely as if they do not resolve at all.
 */
const CONSUMER_TYPES = `
import { scimHandlers } from 'scimcheck/msw';
import { createProvider, type ProviderOptions } from 'scimcheck/provider';
import type { RunReport } from 'scimcheck';

const options: ProviderOptions = { basePath: '/scim/v2', auth: { tokens: [{ token: 't' }] } };
const provider = createProvider(options);
const answer: Promise<Response> = provider.fetch(new Request('http://localhost/scim/v2/Users'));
void answer;
scimHandlers({ baseUrl: 'https://sp.test/scim/v2' });
export const failed = (r: RunReport): number => r.summary.failed;

// @ts-expect-error baseUrl is a string
scimHandlers({ baseUrl: 42 });
// @ts-expect-error fetch takes a Request
void provider.fetch(42);
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM'],
    types: ['node'],
    strict: true,
    noEmit: true,
    // Our .d.ts files are checked as well, not taken on trust.
    skipLibCheck: false,
  },
  include: ['*.ts'],
};

/** Plain Node, no loader, no test runner: the provider from the package answers discovery and a create. */
const PLAIN_NODE = `
import { createProvider } from 'scimcheck/provider';
import { version } from 'scimcheck';

const provider = createProvider({ auth: { tokens: [{ token: 't' }] }, policy: { deprovision: 'disable' } });
const call = (method, path, body) => provider.fetch(new Request('http://localhost/scim/v2' + path, {
  method,
  headers: { authorization: 'Bearer t', 'content-type': 'application/scim+json' },
  body: body && JSON.stringify(body),
}));
const schemas = await (await call('GET', '/Schemas')).json();
const created = await call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'plain-node' });
console.log(JSON.stringify({ version, schemas: schemas.Resources.map((s) => s.id), created: created.status }));
await provider.close();
`;

describe.skipIf(!registry.ok)('the npm package, installed into an empty project', () => {
  let work: string;
  let consumer: string;
  let packed: Packed;
  const cli = (args: string[], timeoutMs?: number) => run('npx', ['scimcheck', ...args], consumer, timeoutMs);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scimcheck-package-'));
    consumer = join(work, 'consumer');
    packed = await pack(work);
    mkdirSync(consumer);
    await installInto(consumer, packed.tarball, CONSUMER_DEV);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the compiled code, its run-time files and nothing the clone alone needs', () => {
    const files = new Set(packed.files);
    for (const needed of [
      'bin/scimcheck.js',
      'dist/cli.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/provider/msw.d.ts',
      'dist/commands/embedded-provider-worker.js',
      'dist/harness/reporters/html/report.css',
      'dist/harness/reporters/html/report-client.js',
      'dist/provider/ui/console.css',
      'dist/provider/ui/console-client.js',
      'specs/rfc-sections.json',
      'specs/schemas/User.json',
      'scenarios/rename-user.yaml',
      // Profile files: the built-ins, the example and the schema the loader validates against.
      'profiles/okta.yaml',
      'examples/acme-idp.yaml',
      'specs/json-schema/idp-profile.schema.json',
    ]) {
      expect(files, needed).toContain(needed);
    }
    const cloneOnly = packed.files.filter((f) => /^(src|test|bench|docs|scripts|reports)\//.test(f) || /\.test\.|\.tgz$/.test(f));
    expect(cloneOnly).toEqual([]);
  });

  it('no compiled module names a .ts file at run time (worker entries, URLs and computed imports are not rewritten)', () => {
    const dist = join(consumer, 'node_modules/scimcheck/dist');
    const offenders: string[] = [];
    let scanned = 0;
    for (const e of readdirSync(dist, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.js')) continue;
      scanned++;
      // Comments may name source files; code may not. (A rough strip: enough for what tsc emits from our source.)
      const code = readFileSync(join(e.parentPath, e.name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const m of code.matchAll(/(['"`])[^'"`\n]+(?<!\.d)\.ts\1/g)) offenders.push(`${e.name}: ${m[0]}`);
    }
    expect(scanned).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('`npx scimcheck --version` prints the package version', async () => {
    const out = await cli(['--version']);
    expect(out).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('`npx scimcheck list` lists the checks', async () => {
    const out = await cli(['list']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/users\.create\.returns-201\s/);
    expect(out.stdout).toMatch(/^\d+ checks$/m);
  });

  it('`npx scimcheck run --quiet --suite conformance` passes against the embedded provider and writes every report', async () => {
    const reports = join(work, 'reports');
    const out = await cli(['run', '--quiet', '--suite', 'conformance', '--out', reports]);
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    expect(out.stdout).toMatch(/ 0 failed, .* 0 errored/);
    const report = JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8')) as { version: string; results: unknown[] };
    expect(report.version).toBe(version);
    expect(report.results.length).toBeGreaterThan(100);
    // The HTML report inlines its stylesheet, read from dist/ at run time.
    const css = readFileSync(join(consumer, 'node_modules/scimcheck/dist/harness/reporters/html/report.css'), 'utf8');
    expect(readFileSync(join(reports, 'report.html'), 'utf8')).toContain(css.trim());
  }, 180_000);

  it('`npx scimcheck serve --ui` answers, shows its console, replays a packaged IdP scenario, and stops on SIGTERM to its pid', async () => {
    // Its own process group: npx runs the bin as a grandchild, and the group's id is the pid we started.
    const child = spawn('npx', ['scimcheck', 'serve', '--port', '0', '--token', 'pkg-token', '--ui'], {
      cwd: consumer,
      env: childEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid!;
    const groupAlive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const m = /listening on (\S+)/.exec(seen);
          if (m) resolve(m[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (seen += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${seen}`)));
      });
      const spc = await fetch(`${baseUrl}/ServiceProviderConfig`, { headers: { authorization: 'Bearer pkg-token' } });
      expect(spc.status).toBe(200);
      expect(((await spc.json()) as { schemas: string[] }).schemas).toContain('urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig');

      // The live console inlines its stylesheet, read from dist/ at run time.
      const ui = await fetch(`${new URL(baseUrl).origin}/ui?token=pkg-token`);
      expect(ui.status).toBe(200);
      const consoleCss = readFileSync(join(consumer, 'node_modules/scimcheck/dist/provider/ui/console.css'), 'utf8');
      expect(await ui.text()).toContain(consoleCss.trim());

      // The scenario files ship in the package (scenarios/), found from dist/.
      const idp = await cli(['idp', '--profile', 'okta', '--scenario', 'rename-user', '--target', baseUrl, '--auth-bearer', 'pkg-token']);
      expect(idp.code, `${idp.stdout}\n${idp.stderr}`).toBe(0);
      expect(idp.stdout).toContain('rename-user');

      // A profile file (issue 13) from the package: its JSON Schema is read from specs/ at run time, found from dist/.
      const own = await cli(['idp', '--profile', join(consumer, 'node_modules/scimcheck/examples/acme-idp.yaml'), '--scenario', 'rename-user', '--target', baseUrl, '--auth-bearer', 'pkg-token']);
      expect(own.code, `${own.stdout}\n${own.stderr}`).toBe(0);
      expect(own.stdout).toMatch(/PASS acme · rename-user/);
    } finally {
      if (groupAlive()) process.kill(-pid, 'SIGTERM');
      // Every process of the group gone (the server closes its connections first), however long that takes.
      while (groupAlive()) await new Promise((r) => setTimeout(r, 50));
    }
  }, 120_000);

  it('a plain Node script imports scimcheck/provider and serves SCIM in-process', async () => {
    writeFileSync(join(consumer, 'plain.mjs'), PLAIN_NODE);
    const out = await run(process.execPath, ['plain.mjs'], consumer);
    expect(out.code, out.stderr).toBe(0);
    const seen = JSON.parse(out.stdout) as { version: string; schemas: string[]; created: number };
    expect(seen.version).toBe(version);
    expect(seen.created).toBe(201);
    // The policy extension's schema is read from the packaged specs/ at run time.
    expect(seen.schemas).toEqual(
      expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:scimcheck:params:scim:schemas:extension:filescom:2.0:User']),
    );
  });

  it("the consumer's vitest test drives a fetch client against scimHandlers() under msw's setupServer", async () => {
    writeFileSync(join(consumer, 'scim-client.test.ts'), CONSUMER_TEST);
    const out = await run('npx', ['vitest', 'run', '--root', consumer], consumer, 120_000);
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    expect(out.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+2 passed/);
  }, 120_000);

  it("the consumer's tsc --noEmit resolves the package's types", async () => {
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    writeFileSync(join(consumer, 'types-check.ts'), CONSUMER_TYPES);
    writeFileSync(join(consumer, 'scim-client.test.ts'), CONSUMER_TEST);
    const out = await run('npx', ['tsc', '--noEmit', '-p', consumer], consumer, 120_000);
    expect(out.code, out.stdout).toBe(0);
  }, 120_000);
});
