import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSegments, readSegment, replay, segmentPath, type JournalRecord } from '../../src/provider/journal.ts';
import { StateFile, readSnapshotFile } from '../../src/provider/state-file.ts';
import { MemoryStore } from '../../src/provider/store.ts';
import { crashCopy, openState } from './state-helpers.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'scimcheck-state-'));
const user = (i: number, extra: Record<string, unknown> = {}) => ({ id: `u${i}`, userName: `user${i}`, ...extra });

describe('--state snapshot + journal', () => {
  it('a save after a change holds that change; loading it restores the store', async () => {
    const path = join(dir(), 'state.json');
    const store = new MemoryStore();
    const file = new StateFile(path, store);
    await store.create('User', { id: 'u1', userName: 'alice' });
    await file.save();
    const snap = readSnapshotFile(path)!;
    expect(snap.users.map((u) => u.userName)).toEqual(['alice']);
    const again = new MemoryStore();
    await again.load(snap);
    expect(await again.lookup('User', 'userName', 'ALICE')).toEqual(['u1']);
    await file.settle();
  });

  it('concurrent saves share journal writes, and every caller finds its own change on disk when its save resolves', async () => {
    const d = dir();
    const path = join(d, 'state.json');
    const store = new MemoryStore();
    const file = new StateFile(path, store);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      await store.create('User', user(i));
      saves.push(file.save().then(() => expect(readSnapshotFile(path)!.users.map((u) => u.id)).toContain(`u${i}`)));
    }
    await Promise.all(saves);
    expect(readSegment(segmentPath(path, 1)).records).toHaveLength(30);
    // Group commit: the saves that arrived while a write was on disk shared the next one.
    expect(file.journalSyncs).toBeLessThan(30);
    await file.settle();
    // close() folds the journal into the snapshot; temporary files are renamed away, never left behind.
    expect(readdirSync(d)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(path, 'utf8')).users).toHaveLength(30);
  });

  it('replaces and deletes replay in order; compaction folds old segments into the snapshot and deletes them', async () => {
    const d = dir();
    const path = join(d, 'state.json');
    const store = new MemoryStore();
    const file = new StateFile(path, store, { compactAfterBytes: 2_000 });
    for (let i = 0; i < 200; i++) {
      await store.create('User', user(i, { title: 'x'.repeat(50) }));
      if (i % 4 === 1) await store.replace('User', user(i - 1, { title: 'renamed' }));
      if (i % 4 === 3) await store.delete('User', `u${i - 1}`);
      await file.save();
    }
    await store.create('Group', { id: 'g1', displayName: 'G', members: [{ value: 'u0' }] });
    await store.replace('Group', { id: 'g1', displayName: 'G', members: [{ value: 'u0' }, { value: 'u1' }] });
    await file.save();
    const expected = await store.snapshot();
    expect(readSnapshotFile(path)).toEqual(expected);
    // The snapshot was rewritten along the way and names the first segment it does not hold.
    expect(JSON.parse(readFileSync(path, 'utf8')).journalFrom).toBeGreaterThan(1);
    expect(listSegments(path)[0]).toBeGreaterThanOrEqual(JSON.parse(readFileSync(path, 'utf8')).journalFrom - 1);
    await file.settle();
    expect(readdirSync(d)).toEqual(['state.json']);
    expect(readSnapshotFile(path)).toEqual(expected);
  });

  it('a torn last journal line is ignored, and the next process writes a segment of its own', async () => {
    const path = join(dir(), 'state.json');
    const { store, file } = await openState(path);
    await store.create('User', user(1));
    await store.create('User', user(2));
    await file.save();
    // A crash in the middle of the next write: half a record, no newline.
    const crashed = crashCopy(path);
    await file.settle();
    appendFileSync(segmentPath(crashed, 1), '{"op":"put","kind":"User","resource":{"id":"u3","userNa');
    const read = readSegment(segmentPath(crashed, 1));
    expect(read.records).toHaveLength(2);
    expect(read.ignoredBytes).toBeGreaterThan(0);
    expect(read.damaged).toEqual([]);
    expect(readSnapshotFile(crashed)!.users.map((u) => u.id)).toEqual(['u1', 'u2']);
    // Restart: the new writer never appends after the torn line.
    const restarted = await openState(crashed);
    await restarted.store.create('User', user(4));
    await restarted.file.save();
    expect(listSegments(crashed)).toEqual([1, 2]);
    expect(readSnapshotFile(crashed)!.users.map((u) => u.id)).toEqual(['u1', 'u2', 'u4']);
    await restarted.file.settle();
    expect(readSnapshotFile(crashed)!.users.map((u) => u.id)).toEqual(['u1', 'u2', 'u4']);
  });

  it('replaying a suffix of the journal again over a snapshot that already holds it changes nothing', () => {
    const records: JournalRecord[] = [
      { op: 'put', kind: 'User', resource: user(1) },
      { op: 'put', kind: 'User', resource: user(2) },
      { op: 'put', kind: 'User', resource: user(1, { title: 't' }) },
      { op: 'delete', kind: 'User', id: 'u2' },
      { op: 'put', kind: 'Group', resource: { id: 'g', displayName: 'g' } },
    ];
    const empty = { format: 'scimcheck-store' as const, version: 1 as const, users: [], groups: [] };
    const full = replay(empty, records);
    for (let k = 0; k < records.length; k++) expect(replay(full, records.slice(k))).toEqual(full);
    expect(full.users).toEqual([user(1, { title: 't' })]);
  });

  it('a journal that cannot be written acknowledges nothing: the save and every later one reject with a SCIM 500', async () => {
    const d = dir();
    const { store, file } = await openState(join(d, 'state.json'));
    rmSync(d, { recursive: true, force: true });
    await store.create('User', user(1));
    await expect(file.save()).rejects.toMatchObject({ status: 500, detail: expect.stringMatching(/--state journal/) });
    await expect(store.create('User', user(2))).rejects.toMatchObject({ status: 500 });
    await expect(file.save()).rejects.toMatchObject({ status: 500 });
  });

  it('a missing file is an empty start; a foreign file is a usage error', () => {
    const d = dir();
    expect(readSnapshotFile(join(d, 'nope.json'))).toBeUndefined();
    writeFileSync(join(d, 'bad.json'), '{"hello":1}');
    expect(() => readSnapshotFile(join(d, 'bad.json'))).toThrow(/not a scimcheck snapshot/);
    writeFileSync(join(d, 'garbage.json'), '{');
    expect(() => readSnapshotFile(join(d, 'garbage.json'))).toThrow(/not a readable/);
  });
});
