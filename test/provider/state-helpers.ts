/**
 * Helpers for the --state tests: fresh directories, opening a StateFile the way createProvider does, and a
 * faithful in-process "kill -9": a copy of the directory as it is at that instant (everything written so far,
 * torn writes included, since the page cache survives a killed process) whose lock names a process that is gone.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { StateFile, type StateFileOptions } from '../../src/provider/state-file.ts';
import { MemoryStore } from '../../src/provider/store.ts';

export const stateDir = () => mkdtempSync(join(tmpdir(), 'scimcheck-state-'));

export const user = (i: number | string, extra: Record<string, unknown> = {}) => ({ id: `u${i}`, userName: `user${i}`, ...extra });

/** Opens the state file and loads what it holds into a fresh store, as createProvider does. */
export async function openState(path: string, options: StateFileOptions = {}): Promise<{ store: MemoryStore; file: StateFile }> {
  const store = new MemoryStore();
  const file = new StateFile(path, store, options);
  if (file.initial) await store.load(file.initial);
  return { store, file };
}

/** A pid that no process has any more: a child that already exited. */
export function deadPid(): number {
  const r = spawnSync('true');
  return r.pid!;
}

/**
 * The state directory as a `kill -9` right now would leave it, copied to a new directory (the writer in this
 * process goes on in the old one, as if it were another machine's): returns the state path in the copy.
 */
export function crashCopy(statePath: string): string {
  const to = mkdtempSync(join(tmpdir(), 'scimcheck-crashed-'));
  cpSync(dirname(statePath), to, { recursive: true });
  const copied = join(to, basename(statePath));
  const lock = `${copied}.lock`;
  if (existsSync(lock)) writeFileSync(lock, `${deadPid()}\n`);
  return copied;
}
