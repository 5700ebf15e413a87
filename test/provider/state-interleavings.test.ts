/**
 * Issue 11 #1, in process and many times over: random interleavings of writes, clean stops (settle), kill -9
 * (a copy of the state directory at that instant, see crashCopy) and restarts over the real StateFile; every
 * acknowledged write is there after every restart, and nothing that was not possibly written. The same model
 * runs against real `scimcheck serve --state` processes in test/e2e/serve-state.test.ts.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { StateFile } from '../../src/provider/state-file.ts';
import type { MemoryStore } from '../../src/provider/store.ts';
import { REPORTED, play, steps, type Seen, type Target } from './durability-model.ts';
import { crashCopy, openState, stateDir } from './state-helpers.ts';

/** Compaction only on clean stops: a directory copy is not atomic across a rename, a real kill -9 is. */
const OPTIONS = { compactAfterBytes: Number.POSITIVE_INFINITY };

async function inProcess(): Promise<Target> {
  let path = join(stateDir(), 'state.json');
  let open = await openState(path, OPTIONS);
  /** Bumped by every stop or crash: a save that resolves after its process "died" acknowledged nothing. */
  let life = 0;
  const orphans: StateFile[] = [];
  const id = (userName: string) => `id-${userName}`;

  const write = async (change: (store: MemoryStore) => Promise<unknown>): Promise<boolean> => {
    const mine = life;
    const { store, file } = open;
    await change(store);
    try {
      await file.save();
    } catch {
      return false;
    }
    return life === mine;
  };

  return {
    create: (userName) => write((s) => s.create('User', { id: id(userName), userName })),
    retitle: (userName, title) =>
      write(async (s) => {
        const u = await s.get('User', id(userName));
        await s.replace('User', { ...u!, id: id(userName), title });
      }),
    remove: (userName) => write((s) => s.delete('User', id(userName))),
    async stopAndRestart() {
      life++;
      await open.file.settle();
      open = await openState(path, OPTIONS);
    },
    async crashAndRestart() {
      life++;
      path = crashCopy(path);
      // The old writer goes on in the old directory, which nobody reads again.
      orphans.push(open.file);
      open = await openState(path, OPTIONS);
    },
    async read(): Promise<Seen> {
      return new Map((await open.store.list('User')).map((u) => [u.userName as string, (u.title as string | undefined) ?? '']));
    },
    async close() {
      await open.file.settle();
      await Promise.allSettled(orphans.map((f) => f.settle()));
    },
  };
}

describe('--state: random clean stops, kill -9 and restarts lose no acknowledged write (in process)', () => {
  it('holds over random interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(steps(14), async (plan) => {
        const target = await inProcess();
        try {
          await play(target, plan);
        } finally {
          await target.close();
        }
      }),
      { numRuns: 60, examples: [[REPORTED]] },
    );
  }, 120_000);
});
