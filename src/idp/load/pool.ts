/**
 * C workers over a list of work items: each worker takes the next item when it finishes one, so the
 * target sees at most C requests in flight. Stops taking items on abort (Ctrl-C) or after the deadline;
 * items already started finish. A thrown error is fatal: the others stop, and it is rethrown.
 */
import { realClock, type Clock } from './rate.ts';

export interface PoolOptions {
  concurrency: number;
  signal?: AbortSignal;
  /** Workers start spread over this many ms (`--ramp`). */
  rampMs?: number;
  /** Clock time (clock.now()) after which no new item starts (`--duration`). */
  deadline?: number;
  clock?: Clock;
}

export interface PoolResult {
  started: number;
  stopped?: 'aborted' | 'deadline';
}

export async function runPool<T>(items: readonly T[], work: (item: T) => Promise<void>, o: PoolOptions): Promise<PoolResult> {
  const clock = o.clock ?? realClock;
  let next = 0;
  let stopped: PoolResult['stopped'];
  let fatal: { error: unknown } | undefined;
  const workers = Math.max(1, Math.min(o.concurrency, items.length));
  const worker = async (w: number) => {
    if (o.rampMs && w > 0) await clock.sleep((o.rampMs * w) / workers);
    while (next < items.length && !fatal) {
      if (o.signal?.aborted) {
        stopped = 'aborted';
        return;
      }
      if (o.deadline !== undefined && clock.now() >= o.deadline) {
        stopped ??= 'deadline';
        return;
      }
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        fatal ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  if (fatal) throw fatal.error;
  return { started: next, stopped };
}
