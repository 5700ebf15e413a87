/**
 * `npm run bench:package`: the package as a user installs it (issue 12). Packs this clone, installs the tarball
 * into an empty project, then times ROUNDS runs (default 21) of the installed command, process start to exit:
 *   - `scimcheck --version` (target: median under 150 ms) and `scimcheck list` (under 300 ms), run as
 *     node_modules/.bin/scimcheck, the way npm scripts and CI steps call it;
 *   - bare `node -e ''` on the same machine, the floor no command can go under;
 *   - `npx scimcheck --version` once per round, to show what npx itself adds.
 * Prints median / min / max, the tarball's size and file count, and the dependencies the install brought.
 * Not part of `npm test`. Env: BENCH_ROUNDS.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, installInto, pack, run } from '../../scripts/package-install.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);

/** Wall time of one command, spawn to exit; a non-zero exit is a broken package, not a figure. */
function timeOnce(cmd: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number };
}

/** Bytes of every file under dir. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

const ms = (x: number) => `${Math.round(x)} ms`;
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'scimcheck-bench-package-'));
  try {
    const project = join(work, 'project');
    mkdirSync(project);
    const packed = await pack(work);
    await installInto(project, packed.tarball);
    const deps = await run('npm', ['ls', '--all', '--parseable'], project);
    // The lines are the project, scimcheck itself, then every package the install brought.
    const brought = deps.stdout.trim().split('\n').length - 2;
    const footprint = bytesUnder(join(project, 'node_modules'));

    const bin = join(project, 'node_modules/.bin/scimcheck');
    const cases: { name: string; target?: number; cmd: string; args: string[] }[] = [
      { name: '`scimcheck --version`', target: 150, cmd: bin, args: ['--version'] },
      { name: '`scimcheck list`', target: 300, cmd: bin, args: ['list'] },
      { name: "`node -e ''` (the floor)", cmd: process.execPath, args: ['-e', ''] },
      { name: '`npx scimcheck --version`', cmd: 'npx', args: ['scimcheck', '--version'] },
    ];
    const times = cases.map(() => [] as number[]);
    // Interleaved rounds, so a burst of load from other jobs on the shared machine hits every case alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of cases.entries()) times[i]!.push(await timeOnce(c.cmd, c.args, project));
    }

    console.log(`start-up of the installed package, ${ROUNDS} rounds, ${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log('');
    console.log('| command | median | min | max | target |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [i, c] of cases.entries()) {
      const s = stats(times[i]!);
      const verdict = c.target === undefined ? '' : `< ${c.target} ms ${s.median < c.target ? 'met' : 'MISSED'}`;
      console.log(`| ${c.name} | ${ms(s.median)} | ${ms(s.min)} | ${ms(s.max)} | ${verdict} |`);
    }
    console.log('');
    console.log(`tarball: ${kb(packed.size)} packed, ${kb(packed.unpackedSize)} unpacked, ${packed.files.length} files`);
    console.log(`dependencies: ${brought} packages installed with it (npm ls --all), node_modules ${kb(footprint)} in all`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
