/**
 * The load generator of the provider benchmark: `wrk` (native, epoll, one thread), run as a child process.
 * A JS generator (16 `fetch` loops) topped out at ~6-7k req/s on a bare node:http server that wrk drives at
 * ~30k on the same machine, so it measured the generator rather than the server; see docs/provider.md.
 */
import { spawn, spawnSync } from 'node:child_process';

export const WRK_INSTALL = 'wrk is not installed: on Debian/Ubuntu `apt-get install -y wrk`, on macOS `brew install wrk`';

/** True when a `wrk` binary is on PATH (wrk has no --version that exits 0; spawning it is the test). */
export function wrkAvailable(): boolean {
  const probe = spawnSync('wrk', ['--version'], { stdio: 'ignore' });
  return !(probe.error && (probe.error as NodeJS.ErrnoException).code === 'ENOENT');
}

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  /** A wrk Lua script (e.g. one that builds POST bodies) and the arguments it receives in init(args). */
  script?: string;
  scriptArgs?: string[];
  /** Run wrk pinned to these CPUs (`taskset -c`), so it never competes with a server pinned elsewhere. */
  cpus?: string;
}

export interface WrkResult {
  rps: number;
  requests: number;
  /** Answers with a status >= 400 plus socket errors: a run with any is not a throughput figure. */
  errors: number;
  latencyP50Ms?: number;
  latencyP99Ms?: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

/** Reads wrk's text report (wrk 4.x; the --latency section for the percentiles). */
export function parseWrkOutput(text: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const requests = /(\d+) requests in/.exec(text);
  if (!rps || !requests) throw new Error(`unexpected wrk output:\n${text}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
    return m ? toMs(m[1]!, m[2]!) : undefined;
  };
  return {
    rps: Number(rps[1]),
    requests: Number(requests[1]),
    errors: (non2xx ? Number(non2xx[1]) : 0) + socketErrors,
    latencyP50Ms: pct('50'),
    latencyP99Ms: pct('99'),
  };
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(o.headers)) args.push('-H', `${k}: ${v}`);
  if (o.script) args.push('-s', o.script);
  args.push(o.url);
  if (o.scriptArgs) args.push('--', ...o.scriptArgs);
  return new Promise((resolve, reject) => {
    const child = o.cpus !== undefined ? spawn('taskset', ['-c', o.cpus, 'wrk', ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out}`));
      try {
        resolve(parseWrkOutput(out));
      } catch (err) {
        reject(err);
      }
    });
  });
}
