/**
 * kill -9 against the --state writer: a child process makes changes from several concurrent writers and
 * prints each one once its save() resolved (acknowledged); the test kills it with SIGKILL mid-stream,
 * restarts it on the same files, kills it again, and finds every acknowledged change in what is read back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshotFile } from '../../src/provider/state-file.ts';

const src = new URL('../../src/provider/', import.meta.url).href;

/** Writers 0..3 each create users w<writer>-<round>-<i>, retitle every third one, and say `ack <id> <title>`. */
const writer = `
import { StateFile, readSnapshotFile } from '${src}state-file.ts';
import { MemoryStore } from '${src}store.ts';
const [path, round] = process.argv.slice(2);
const store = new MemoryStore();
const loaded = readSnapshotFile(path);
if (loaded) await store.load(loaded);
// A tiny compaction threshold so the kill also lands during snapshot rewrites.
const file = new StateFile(path, store, { compactAfterBytes: 30000 });
process.stdout.write('ready\\n');
async function work(w) {
  for (let i = 0; i < 4000; i++) {
    const id = 'w' + w + '-' + round + '-' + i;
    const u = { id, userName: id, title: 'x'.repeat(100) };
    await store.create('User', u);
    let title = u.title;
    if (i % 3 === 0) { title = 'retitled'; await store.replace('User', { ...u, title }); }
    await file.save();
    process.stdout.write('ack ' + id + ' ' + title + '\\n');
  }
}
await Promise.all([0, 1, 2, 3].map(work));
`;

function runAndKill(script: string, path: string, round: number, killAfterAcks: number): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, path, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = new Map<string, string>();
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /^ack (\S+) (\S+)$/.exec(line);
        if (m) acked.set(m[1]!, m[2]!);
      }
      if (acked.size >= killAfterAcks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended by itself (${code}) before the kill`));
      else resolve(acked);
    });
  });
}

describe('--state survives kill -9', () => {
  it('every acknowledged change is there after a SIGKILL and a restart, twice over', async () => {
    const d = mkdtempSync(join(tmpdir(), 'scimcheck-kill-'));
    const script = join(d, 'writer.mjs');
    writeFileSync(script, writer);
    const path = join(d, 'state.json');
    const all = new Map<string, string>();
    for (const [round, killAt] of [[1, 700], [2, 900]] as const) {
      const acked = await runAndKill(script, path, round, killAt);
      expect(acked.size).toBeGreaterThanOrEqual(killAt);
      for (const [id, title] of acked) all.set(id, title);
      const byId = new Map(readSnapshotFile(path)!.users.map((u) => [u.id as string, u]));
      const missing = [...all].filter(([id, title]) => byId.get(id)?.title !== title);
      expect(missing).toEqual([]);
    }
  }, 60_000);
});
