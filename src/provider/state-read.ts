/**
 * Reading a `--state` file at start: the snapshot, the journal segments it does not hold, what is damaged in
 * them, and (`--state-recover`) keeping the valid records while the damaged files are moved aside. Also the
 * clean-up of what a kill -9 in the middle of a snapshot write leaves (`FILE.<hex>.tmp`).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { UsageError } from '../usage-error.ts';
import { listSegments, readSegment, replay, segmentPath, stateDir, type DamagedLine, type JournalRecord } from './journal.ts';
import type { StoreSnapshot } from './store.ts';

/** The snapshot as written: the store plus the first journal segment it does not contain. */
export interface SnapshotOnDisk extends StoreSnapshot {
  journalFrom?: number;
}

const EMPTY: StoreSnapshot = { format: 'scimcheck-store', version: 1, users: [], groups: [] };

function readSnapshotOnly(path: string): SnapshotOnDisk | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--state ${path} is not a readable scimcheck snapshot: ${(err as Error).message}`);
  }
  const s = parsed as Partial<SnapshotOnDisk>;
  if (s?.format !== 'scimcheck-store' || s.version !== 1 || !Array.isArray(s.users) || !Array.isArray(s.groups)) {
    throw new UsageError(`--state ${path} is not a scimcheck snapshot (format scimcheck-store, version 1)`);
  }
  return s as SnapshotOnDisk;
}

export interface StateOnDisk {
  /** The store as of the last acknowledged change (damaged lines left out); undefined when nothing exists. */
  state: StoreSnapshot | undefined;
  /** The first segment the snapshot does not hold (0 without a snapshot). */
  journalFrom: number;
  /** The highest segment number present, 0 when none. */
  lastSegment: number;
  records: number;
  damaged: { file: string; lines: DamagedLine[] }[];
}

/** Reads everything, damaged or not; deciding what damage means is the caller's. */
export function readStateFiles(path: string): StateOnDisk {
  const base = readSnapshotOnly(path);
  const journalFrom = base?.journalFrom ?? 0;
  const all = listSegments(path);
  const segments = all.filter((n) => n >= journalFrom);
  const records: JournalRecord[] = [];
  const damaged: StateOnDisk['damaged'] = [];
  for (const n of segments) {
    const file = segmentPath(path, n);
    const read = readSegment(file);
    records.push(...read.records);
    if (read.damaged.length > 0) damaged.push({ file, lines: read.damaged });
  }
  return {
    state: base || segments.length > 0 ? replay(base ?? EMPTY, records) : undefined,
    journalFrom,
    lastSegment: all.at(-1) ?? 0,
    records: records.length,
    damaged,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one-line refusal to start on a damaged journal (issue 11 #3): which file, line and byte offset. */
export function damageError(disk: StateOnDisk): UsageError {
  const first = disk.damaged[0]!;
  const where = first.lines[0]!;
  const total = disk.damaged.reduce((n, d) => n + d.lines.length, 0);
  const more = total > 1 ? ` (and ${plural(total - 1, 'more damaged line')})` : '';
  return new UsageError(
    `--state journal ${first.file} is damaged at line ${where.line} (byte offset ${where.offset}): ${where.reason}${more}; ` +
      `refusing to start rather than drop records unseen. --state-recover keeps the ${disk.records} valid records and moves the damaged file aside`,
  );
}

/** Writes a file durably and atomically: temp file, fsync, rename over, fsync of the directory. */
export function writeDurablySync(path: string, text: string): void {
  const tmp = tempPath(path);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDirSync(stateDir(path));
}

function syncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Where a snapshot is written before it is renamed over the state file. */
export function tempPath(path: string): string {
  return `${path}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * --state-recover: the valid records become a new snapshot past every segment (so the damaged ones are never
 * replayed again), then each damaged file is moved aside, kept byte for byte for whoever wants to look.
 * Snapshot first: a crash between the two steps leaves the records safe and the damage merely unread.
 */
export function recoverState(path: string, disk: StateOnDisk): string {
  const snapshot: SnapshotOnDisk = { ...disk.state!, journalFrom: disk.lastSegment + 1 };
  writeDurablySync(path, JSON.stringify(snapshot));
  const moved: string[] = [];
  for (const d of disk.damaged) {
    let aside = `${d.file}.damaged`;
    for (let i = 2; existsSync(aside); i++) aside = `${d.file}.damaged.${i}`;
    renameSync(d.file, aside);
    moved.push(aside);
  }
  syncDirSync(stateDir(path));
  const lines = disk.damaged.flatMap((d) => d.lines.map((l) => `${d.file} line ${l.line}`));
  return `--state-recover: dropped ${plural(lines.length, 'damaged line')} (${lines.join(', ')}), kept ${plural(disk.records, 'valid record')}; the damaged ${moved.length === 1 ? 'file is now' : 'files are now'} ${moved.join(', ')}`;
}

/** Removes `FILE.<12 hex>.tmp` left by a kill -9 during a snapshot write; returns how many. Call with the lock held. */
export function removeStaleTemps(path: string): number {
  const dir = stateDir(path);
  const name = basename(path);
  let removed = 0;
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(name) || !/^\.[0-9a-f]{12}\.tmp$/.test(entry.slice(name.length))) continue;
    unlinkSync(join(dir, entry));
    removed++;
  }
  return removed;
}

/** The store as of the last acknowledged change: the snapshot with its journal replayed; undefined when neither exists. */
export function readSnapshotFile(path: string): StoreSnapshot | undefined {
  const disk = readStateFiles(path);
  if (disk.damaged.length > 0) throw damageError(disk);
  return disk.state;
}
