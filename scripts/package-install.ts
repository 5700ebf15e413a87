/**
 * The package as a user gets it: `npm pack` in this clone (prepack builds dist/), then `npm install <tarball>`
 * into an empty project. Shared by the pack-and-install test (test/e2e/package.test.ts) and the start-up bench
 * (bench/package/run.ts), so both measure the same install.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child npm/node: this process's, minus what `npm test` and vitest set for themselves,
 * so the temporary project's npm and vitest do not think they run inside this clone's script or test worker.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VITEST|npm_package_|npm_lifecycle_|npm_config_local_prefix$|NODE_ENV$|TEST$|NODE_OPTIONS$)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** Runs a command to its end (never throws on a non-zero exit: callers judge `code`). */
export function run(cmd: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: childEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Whether the npm registry answers (`npm ping`): without it the dependencies cannot be installed. */
export async function registryReachable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  // One try, bounded: an unreachable registry should cost seconds, not npm's minutes of retries.
  const ping = await run('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=15000'], repoRoot, 30_000);
  if (ping.code === 0) return { ok: true };
  const why = /^npm error (FetchError: .*)$/m.exec(ping.stderr)?.[1] ?? /^npm error (code .*)$/m.exec(ping.stderr)?.[1];
  return { ok: false, reason: why ?? `npm ping exited ${ping.code}` };
}

export interface Packed {
  tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  files: string[];
  /** Bytes of the .tgz. */
  size: number;
  unpackedSize: number;
}

/** `npm pack` of this clone into `dest` (runs prepack, i.e. `npm run build`). */
export async function pack(dest: string): Promise<Packed> {
  const out = await run('npm', ['pack', '--json', '--pack-destination', dest], repoRoot);
  if (out.code !== 0) throw new Error(`npm pack failed (exit ${out.code}):\n${out.stderr}`);
  // prepack's own output precedes the JSON on stdout.
  const info = JSON.parse(out.stdout.slice(out.stdout.indexOf('\n[') + 1)) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  const [p] = info;
  return { tarball: join(dest, p.filename), files: p.files.map((f) => f.path), size: p.size, unpackedSize: p.unpackedSize };
}

/** The version this clone has installed of a package, so the temporary project tests with the same one. */
export function cloneVersion(name: string): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** An empty ESM project in `dir` with the tarball (and `extra` packages, e.g. 'vitest@4.1.12') installed. */
export async function installInto(dir: string, tarball: string, extra: string[] = []): Promise<void> {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scimcheck-consumer', private: true, type: 'module' }, null, 2));
  const out = await run('npm', ['install', '--no-audit', '--no-fund', tarball, ...extra], dir);
  if (out.code !== 0) throw new Error(`npm install failed (exit ${out.code}):\n${out.stderr}`);
}
