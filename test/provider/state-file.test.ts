import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateFile, readSnapshotFile } from '../../src/provider/state-file.ts';
import { MemoryStore } from '../../src/provider/store.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'scimcheck-state-'));

describe('--state snapshot file', () => {
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
  });

  it('concurrent saves are coalesced and every caller sees its own change on disk', async () => {
    const d = dir();
    const path = join(d, 'state.json');
    const store = new MemoryStore();
    const file = new StateFile(path, store);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      await store.create('User', { id: `u${i}`, userName: `user${i}` });
      const n = i + 1;
      // Each caller checks, when its save resolves, that the file holds at least its own write.
      saves.push(file.save().then(() => expect(JSON.parse(readFileSync(path, 'utf8')).users.length).toBeGreaterThanOrEqual(n)));
    }
    await Promise.all(saves);
    await file.settle();
    expect(JSON.parse(readFileSync(path, 'utf8')).users).toHaveLength(30);
    // Temporary files are renamed away, never left behind.
    expect(readdirSync(d)).toEqual(['state.json']);
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
