/**
 * Issue 11 "Data loss" items 1, 2, 3 and 6 at the StateFile level: restarts after clean stops and crashes,
 * one writer per state file, damaged journals, a bad --state path, stale temporary files.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { segmentPath } from '../../src/provider/journal.ts';
import { StateFile, readSnapshotFile } from '../../src/provider/state-file.ts';
import { MemoryStore } from '../../src/provider/store.ts';
import { UsageError } from '../../src/usage-error.ts';
import { crashCopy, deadPid, openState, stateDir, user } from './state-helpers.ts';

const ids = async (store: MemoryStore) => (await store.list('User')).map((u) => u.id);
const line = (i: number | string) => `${JSON.stringify({ op: 'put', kind: 'User', resource: user(i) })}\n`;

function refusal(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

describe('restarts keep every acknowledged write (issue 11 #1)', () => {
  it('a clean stop, a write, a crash and a restart: the write after the clean stop is still there', async () => {
    const path = join(stateDir(), 'state.json');
    const first = await openState(path);
    await first.store.create('User', user('A'));
    await first.file.save();
    await first.file.settle();

    const second = await openState(path);
    await second.store.create('User', user('B'));
    await second.file.save();
    const crashed = crashCopy(path);
    await second.file.settle();

    const third = await openState(crashed);
    expect(await ids(third.store)).toEqual(['uA', 'uB']);
    // ...and the clean stop of the process after the crash does not fold it away either.
    await third.store.create('User', user('C'));
    await third.file.save();
    await third.file.settle();
    const fourth = await openState(crashed);
    expect(await ids(fourth.store)).toEqual(['uA', 'uB', 'uC']);
    await fourth.file.settle();
  });
});

describe('one writer per state file (issue 11 #2)', () => {
  it('a second StateFile on a held path is refused in one line naming the holder; a clean stop frees it', async () => {
    const path = join(stateDir(), 'state.json');
    const held = await openState(path);
    const err = refusal(() => new StateFile(path, new MemoryStore()));
    expect(err.message).toMatch(new RegExp(`in use by process ${process.pid}\\b`));
    expect(err.message).not.toContain('\n');
    await held.file.settle();
    expect(existsSync(`${path}.lock`)).toBe(false);
    const next = await openState(path);
    await next.file.settle();
  });

  it('a lock left by a process that is gone is taken over, and that is said in one line', async () => {
    const path = join(stateDir(), 'state.json');
    const gone = deadPid();
    writeFileSync(`${path}.lock`, `${gone}\n`);
    const notices: string[] = [];
    const { file } = await openState(path, { onNotice: (l) => notices.push(l) });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`took over .*process ${gone}\\b.*no longer running`));
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await file.settle();
  });
});

describe('a damaged journal (issue 11 #3)', () => {
  // Complete lines (they end in a newline) that are not records: never written by us, so not a crash's torn tail.
  const damage: [string, string][] = [
    ['garbage bytes', '\u0000\u0000garbage\n'],
    ['JSON that is not a record', '{"op":"put","kind":"User"}\n'],
    ['an empty line', '\n'],
  ];
  for (const [what, bad] of damage) {
    it(`${what} in the middle of a segment refuses to start, naming file, line and byte offset`, () => {
      const path = join(stateDir(), 'state.json');
      writeFileSync(segmentPath(path, 1), `${line(1)}${bad}${line(2)}`);
      const err = refusal(() => new StateFile(path, new MemoryStore()));
      expect(err.message).toContain(`${path}.journal.1`);
      expect(err.message).toMatch(new RegExp(`line 2\\b.*byte offset ${Buffer.byteLength(line(1))}\\b`));
      expect(err.message).toMatch(/--state-recover/);
      expect(err.message).not.toContain('\n');
      // Read-only readers refuse too, and the refused start held no lock.
      expect(() => readSnapshotFile(path)).toThrow(UsageError);
      expect(existsSync(`${path}.lock`)).toBe(false);
    });
  }

  it('--state-recover keeps every valid record, moves the damaged file aside and says how many were dropped', async () => {
    const d = stateDir();
    const path = join(d, 'state.json');
    const damaged = `${line(1)}garbage\n${line(2)}{"half":\n${line(3)}`;
    writeFileSync(segmentPath(path, 1), damaged);
    writeFileSync(segmentPath(path, 2), line(4));
    const notices: string[] = [];
    const { store, file } = await openState(path, { recover: true, onNotice: (l) => notices.push(l) });
    expect(await ids(store)).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/dropped 2 damaged lines/);
    expect(notices[0]).toContain(`${path}.journal.1.damaged`);
    // The damaged file is kept, byte for byte, where the notice says.
    expect(readFileSync(`${path}.journal.1.damaged`, 'utf8')).toBe(damaged);
    await store.create('User', user(5));
    await file.save();
    // A crash right now: the recovered records and the new one are all there, with no damage left to report.
    const crashed = crashCopy(path);
    const after = await openState(crashed, { onNotice: (l) => notices.push(l) });
    expect(await ids(after.store)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(notices.slice(1)).toEqual([expect.stringMatching(/took over the lock/)]);
    await after.file.settle();
    await file.settle();
    expect(readdirSync(d).sort()).toEqual(['state.json', 'state.json.journal.1.damaged']);
  });

  it('a torn last line (a crash mid-write, never acknowledged) is still dropped without a word', async () => {
    const path = join(stateDir(), 'state.json');
    writeFileSync(segmentPath(path, 1), `${line(1)}${line(2).slice(0, 30)}`);
    writeFileSync(segmentPath(path, 2), `${line(3)}${line(4).slice(0, 10)}`);
    const notices: string[] = [];
    const { store, file } = await openState(path, { onNotice: (l) => notices.push(l) });
    expect(await ids(store)).toEqual(['u1', 'u3']);
    expect(notices).toEqual([]);
    await file.settle();
  });
});

describe('the --state path and leftovers (issue 11 #6)', () => {
  it('a path whose directory does not exist, or that is a directory, is refused at start in one line', () => {
    const missing = refusal(() => new StateFile('/nonexistent/dir/s.json', new MemoryStore()));
    expect(missing.message).toMatch(/\/nonexistent\/dir\b.*does not exist/);
    const d = stateDir();
    mkdirSync(join(d, 'state.json'));
    expect(refusal(() => new StateFile(join(d, 'state.json'), new MemoryStore())).message).toMatch(/is a directory/);
  });

  it('temporary files a kill -9 left in the middle of a snapshot write are removed at start; other files stay', async () => {
    const d = stateDir();
    const path = join(d, 'state.json');
    writeFileSync(`${path}.0123456789ab.tmp`, '{"format":"scimcheck-st');
    writeFileSync(join(d, 'state.json.notes.tmp'), 'not ours');
    const notices: string[] = [];
    const { file } = await openState(path, { onNotice: (l) => notices.push(l) });
    expect(readdirSync(d).sort()).toEqual(['state.json.lock', 'state.json.notes.tmp']);
    expect(notices).toEqual([expect.stringMatching(/removed 1 stale temporary file/)]);
    await file.settle();
  });

  it('a journal that stops being writable rolls back every change it did not acknowledge, and refuses the next ones', async () => {
    const d = stateDir();
    const path = join(d, 'state.json');
    const first = await openState(path);
    await first.store.create('User', user(1));
    await first.store.create('User', user(2, { title: 'kept' }));
    await first.file.save();
    await first.file.settle();
    const { store, file } = await openState(path);
    const before = await store.snapshot();
    // The disk goes away: opening this process's journal segment fails.
    rmSync(d, { recursive: true, force: true });
    await store.create('User', user(3));
    await store.replace('User', user(2, { title: 'changed' }));
    await store.delete('User', 'u1');
    await expect(file.save()).rejects.toMatchObject({ status: 500, detail: expect.stringMatching(/--state journal/) });
    // Every change is undone; only the creation order of the restored u1 differs (it comes back last).
    const byId = (s: { users: { id?: unknown }[] }) => [...s.users].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(byId(await store.snapshot())).toEqual(byId(before));
    // Later writes are refused before they change anything.
    await expect(store.create('User', user(4))).rejects.toMatchObject({ status: 500 });
    expect(await store.count('User')).toBe(2);
    await expect(file.settle()).rejects.toMatchObject({ status: 500 });
  });
});
