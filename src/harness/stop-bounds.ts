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

export function stopBounds(deadlineMs: number, opts: { interrupt?: AbortSignal; graceMs?: number; onDeadline?: () => void } = {}): StopBounds {
  const soft = stopAfter(deadlineMs - cleanupReserveMs(deadlineMs), new RunStopped('deadline', DEADLINE_PASSED), opts.interrupt);
  const hard = stopAfter(deadlineMs, new RunStopped('deadline', DEADLINE_PASSED));
  const grace = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const onInterrupt = () => {
    graceTimer = setTimeout(() => grace.abort(opts.interrupt?.reason), opts.graceMs ?? INTERRUPT_CLEANUP_MS);
    graceTimer.unref?.();
  };
  if (opts.interrupt?.aborted) onInterrupt();
  else opts.interrupt?.addEventListener('abort', onInterrupt, { once: true });
  const onSoft = () => {
    if (stoppedByDeadline(soft.signal)) opts.onDeadline?.();
  };
  soft.signal.addEventListener('abort', onSoft, { once: true });
  return {
    signal: soft.signal,
    cleanupSignal: AbortSignal.any([hard.signal, grace.signal]),
    dispose() {
      soft.signal.removeEventListener('abort', onSoft);
      opts.interrupt?.removeEventListener('abort', onInterrupt);
      soft.dispose();
      hard.dispose();
      clearTimeout(graceTimer);
    },
  };
}
