/**
 * Work done for the whole run rather than for one check: a ctx.once computation (e.g. the filter-support probe's
 * users) runs inside whichever check asked first, but what it creates is shared by every later check. Fixtures
 * created inside it are registered run-wide, so an isolated check's scoped cleanup, or the cleanup between
 * phases, never deletes resources other checks still rely on; they go at the end of the run.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const runWideWork = new AsyncLocalStorage<true>();

/** Runs `work` as run-wide work (see above). */
export function runWide<T>(work: () => Promise<T>): Promise<T> {
  return runWideWork.run(true, work);
}

/** Whether the caller is inside run-wide work. */
export function inRunWide(): boolean {
  return runWideWork.getStore() === true;
}
