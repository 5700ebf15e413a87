/** Live progress: one rewritten line on a TTY, a plain line every few seconds otherwise. */
import type { Snapshot } from './run.ts';

export interface ProgressPrinter {
  /** `force`: print now even in plain mode (a phase started, or the run ended). */
  tick(s: Snapshot, force?: boolean): void;
  stop(): void;
}

export function progressLine(s: Snapshot, lastRequests: number, lastMs: number): string {
  const secs = (s.elapsedMs - lastMs) / 1000;
  const rate = secs > 0 ? Math.round((s.requests - lastRequests) / secs) : 0;
  return `${s.phase}${s.total ? ` ${s.done}/${s.total}` : ''} · objects ${s.overallDone}/${s.overallTotal} · ${rate} req/s · ${s.requests} requests · ${s.errors} errors`;
}

export function createProgress(out: NodeJS.WritableStream & { isTTY?: boolean }, tty = !!out.isTTY): ProgressPrinter {
  let lastRequests = 0;
  let lastMs = 0;
  let lastPrinted = -Infinity;
  let drawn = false;
  return {
    tick(s, force = false) {
      if (!tty && !force && s.elapsedMs - lastPrinted < 2000) return;
      const line = progressLine(s, lastRequests, lastMs);
      lastRequests = s.requests;
      lastMs = s.elapsedMs;
      lastPrinted = s.elapsedMs;
      if (tty) {
        out.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else out.write(`${line}\n`);
    },
    stop() {
      if (drawn) out.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
