/**
 * The two stops of a command bounded by `--deadline` (issue 11 #12), as `idp` and `load` use them (`run` builds
 * the same pair in src/commands/run.ts):
 *  - `signal` stops the work (plays, phases, checks) at the deadline less a tenth kept back for cleanup (at most a
 *    minute), or at once on Ctrl-C / SIGTERM (`interrupt`);
 *  - `cleanupSignal` stops cleanup at the deadline itself, or a short grace after Ctrl-C / SIGTERM: a CI job
 *    cancelled or a container stopped must end soon even when the target no longer answers.
 * Both abort with a RunStopped whose message is the skip reason the reports use.
 */
import { cleanupReserveMs, DEADLINE_PASSED, RunStopped, stopAfter, stoppedByDeadline } from './run-stop.ts';

/** How long cleanup may still take after Ctrl-C / SIGTERM (never past the deadline). */
export const INTERRUPT_CLEANUP_MS = 10_000;

export interface StopBounds {
  signal: AbortSignal;
  cleanupSignal: AbortSignal;
  dispose(): void;
}

/** A signal that aborts `ms` after `after` does (with its reason): the grace cleanup gets once work is stopped. */
export function graceAfter(after: AbortSignal | undefined, ms: number): { signal: AbortSignal; dispose(): void } {
  const grace = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    timer = setTimeout(() => grace.abort(after?.reason), ms);
    timer.unref?.();
  };
  if (after?.aborted) start();
  else after?.addEventListener('abort', start, { once: true });
  return {
    signal: grace.signal,
    dispose() {
      after?.removeEventListener('abort', start);
      clearTimeout(timer);
    },
  };
}

export function stopBounds(deadlineMs: number, opts: { interrupt?: AbortSignal; graceMs?: number; onDeadline?: () => void } = {}): StopBounds {
  const soft = stopAfter(deadlineMs - cleanupReserveMs(deadlineMs), new RunStopped('deadline', DEADLINE_PASSED), opts.interrupt);
  const hard = stopAfter(deadlineMs, new RunStopped('deadline', DEADLINE_PASSED));
  const grace = graceAfter(opts.interrupt, opts.graceMs ?? INTERRUPT_CLEANUP_MS);
  const onSoft = () => {
    if (stoppedByDeadline(soft.signal)) opts.onDeadline?.();
  };
  soft.signal.addEventListener('abort', onSoft, { once: true });
  return {
    signal: soft.signal,
    cleanupSignal: AbortSignal.any([hard.signal, grace.signal]),
    dispose() {
      soft.signal.removeEventListener('abort', onSoft);
      soft.dispose();
      hard.dispose();
      grace.dispose();
    },
  };
}
