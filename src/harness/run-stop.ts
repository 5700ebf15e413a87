/**
 * Why a run stopped early, and the time it may take (issue 11 #12). A target that stops answering, drips its
 * bodies or asks to be retried later must not keep a run from ending: `run --deadline` bounds the whole run, each
 * suite gets a share of what remains when it starts, and whatever had not run by then is `skipped` with the
 * reason this module words, so the report of what did run is still written.
 */

import { setMaxListeners } from 'node:events';

export type StopKind = 'deadline' | 'interrupted';

/** The abort reason of a run's signal: what the report says of every check the stop left out. */
export class RunStopped extends Error {
  constructor(
    readonly kind: StopKind,
    message: string,
  ) {
    super(message);
    this.name = 'RunStopped';
  }
}

export const DEADLINE_PASSED = "the run's deadline passed";
export const INTERRUPTED = 'interrupted';

/** Issue 11 #12: no target keeps `run`, `idp` or `load` going longer than this unless --deadline says so. */
export const DEFAULT_DEADLINE_MS = 15 * 60_000;

/**
 * Ctrl-C and SIGTERM (a CI job cancelled, a container stopped) abort the returned signal with an `interrupted`
 * RunStopped, so the command still cleans up and writes what ran; a second signal quits at once (130 / 143).
 * `who` names the command in the one line printed ("scimcheck", "scimcheck idp").
 */
export function stopOnSignals(who: string, write: (line: string) => void = (l) => void process.stderr.write(l)): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every running check listens on it (--concurrency of them, times the self-test's parallel runs).
  setMaxListeners(256, controller.signal);
  const stop = (name: 'SIGINT' | 'SIGTERM', how: string) => () => {
    if (controller.signal.aborted) process.exit(name === 'SIGINT' ? 130 : 143);
    write(`\n${who}: interrupted (${how}), cleaning up and writing the report (${how} again to quit now)\n`);
    controller.abort(new RunStopped('interrupted', `${INTERRUPTED} (${how})`));
  };
  const onSigint = stop('SIGINT', 'Ctrl-C');
  const onSigterm = stop('SIGTERM', 'SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

/** The skip reason for work a stopped signal left out ('the run was interrupted' when the reason is unknown). */
export function stopReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof RunStopped ? reason.message : 'the run was interrupted';
}

/** Whether the signal stopped for the deadline (any share of it), not for Ctrl-C / SIGTERM. */
export function stoppedByDeadline(signal: AbortSignal | undefined): boolean {
  return signal?.reason instanceof RunStopped && signal.reason.kind === 'deadline';
}

/** "15m", "3s", "250ms": a duration as the flags spell it. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Math.round(ms / 100) / 10}s`;
  return `${Math.round(ms)}ms`;
}

/**
 * A signal that aborts with `reason` after `ms`, or with the parent's reason when the parent aborts first.
 * The timer is unref'd (it never keeps the process alive) and `dispose` clears it.
 */
export function stopAfter(ms: number, reason: RunStopped, parent?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every running check and request listens on it (--concurrency of them, times the self-test's parallel runs).
  setMaxListeners(256, controller.signal);
  const onParent = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => controller.abort(reason), Math.max(0, ms));
  timer.unref?.();
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/**
 * How much of the run's remaining time a suite may take: its weight over the weights of the suites still to
 * come, so time one suite leaves unused passes on to the next. Conformance weighs 2 (hundreds of short
 * checks), scenarios and properties 1 each.
 */
export const SUITE_WEIGHT: Record<string, number> = { conformance: 2, scenarios: 1, properties: 1 };

export function suiteShareMs(remainingMs: number, suite: string, still: readonly string[]): number {
  const weight = (name: string) => SUITE_WEIGHT[name] ?? 1;
  const total = still.reduce((n, s) => n + weight(s), 0) || 1;
  return Math.max(0, Math.floor((remainingMs * weight(suite)) / total));
}

/** Time kept back from the checks for cleanup and the report: a tenth of the deadline, at most a minute. */
export function cleanupReserveMs(deadlineMs: number): number {
  return Math.min(60_000, Math.floor(deadlineMs / 10));
}
