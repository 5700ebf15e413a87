/**
 * `--state FILE`: the store survives restarts as a snapshot (FILE) plus an append-only journal beside it
 * (FILE.journal.N, one JSON line per change, see journal.ts).
 *
 * - Every store write is recorded as it happens; `save()` resolves once every change recorded before the
 *   call is written and fdatasync'ed (group commit: the changes of all requests waiting meanwhile go out in
 *   one write + one sync), so an acknowledged change is never lost, not even to kill -9.
 * - When the journal has grown past max(compactAfterBytes, 2 × the snapshot), and on close, it is folded
 *   into a new snapshot: written to a temporary file, fsynced, renamed over FILE (atomic on POSIX), and the
 *   folded segments deleted. The snapshot names the first segment it does not contain (`journalFrom`).
 * - At start the snapshot is read and the segments from `journalFrom` on are replayed; a torn last line
 *   (a crash mid-write, never acknowledged) is ignored. Each process writes a segment of its own, so it
 *   never appends after a torn line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { ScimError } from '../scim/errors.ts';
import { UsageError } from '../usage-error.ts';
import { journalLine, listSegments, readSegment, replay, segmentPath, stateDir, type JournalRecord } from './journal.ts';
import type { ResourceStore, StoreSnapshot } from './store.ts';

/** The snapshot as written: the store plus the first journal segment it does not contain. */
interface SnapshotOnDisk extends StoreSnapshot {
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

/** The store as of the last acknowledged change: the snapshot with its journal replayed; undefined when neither exists. */
export function readSnapshotFile(path: string): StoreSnapshot | undefined {
  const base = readSnapshotOnly(path);
  const from = base?.journalFrom ?? 0;
  const segments = listSegments(path).filter((n) => n >= from);
  if (!base && segments.length === 0) return undefined;
  const records: JournalRecord[] = [];
  for (const n of segments) records.push(...readSegment(segmentPath(path, n)).records);
  return replay(base ?? EMPTY, records);
}

async function syncDir(dir: string): Promise<void> {
  // A new or renamed file's directory entry is only durable once its directory is synced.
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface StateFileOptions {
  /** The journal is folded into the snapshot once it is larger than this and than twice the snapshot. */
  compactAfterBytes?: number;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class StateFile {
  private readonly compactAfterBytes: number;
  /** The segment new records go to; this process's first is one past any that exists. */
  private segment: number;
  private handle: FileHandle | undefined;
  private handleSegment = 0;
  private pending: string[] = [];
  /** Sequence numbers of changes: the last recorded, and the last on disk. */
  private recorded = 0;
  private durable = 0;
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private compacting: Promise<void> | undefined;
  private journalBytes = 0;
  private snapshotBytes: number;
  /** A journal write failed: nothing recorded after it may be acknowledged. */
  private failure: ScimError | undefined;
  private compactionError: unknown;
  private syncs = 0;

  constructor(
    private readonly path: string,
    private readonly store: ResourceStore,
    options: StateFileOptions = {},
  ) {
    this.compactAfterBytes = options.compactAfterBytes ?? 8 * 1024 * 1024;
    this.segment = (listSegments(path).at(-1) ?? 0) + 1;
    this.snapshotBytes = existsSync(path) ? statSync(path).size : 0;
    this.recordWrites();
  }

  /**
   * Every change reaches the store through create / replace / delete, whichever part of the provider makes
   * it; wrapping them on this store is the one place that sees all of them, in the order they were applied.
   */
  private recordWrites(): void {
    const store = this.store;
    const create = store.create.bind(store);
    const replace = store.replace.bind(store);
    const remove = store.delete.bind(store);
    store.create = async (kind, resource) => {
      await create(kind, resource);
      this.record({ op: 'put', kind, resource });
    };
    store.replace = async (kind, resource, change) => {
      await replace(kind, resource, change);
      this.record({ op: 'put', kind, resource });
    };
    store.delete = async (kind, id) => {
      const existed = await remove(kind, id);
      if (existed) this.record({ op: 'delete', kind, id });
      return existed;
    };
  }

  private record(r: JournalRecord): void {
    this.pending.push(journalLine(r));
    this.recorded++;
  }

  /** How many journal writes (each one fdatasync) went out: fewer than saves when they are grouped. */
  get journalSyncs(): number {
    return this.syncs;
  }

  /** Resolves once every change recorded before this call is on disk (journaled and synced). */
  save(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.recorded;
    if (this.durable >= seq) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (!this.flushing && this.pending.length > 0 && !this.failure) this.flushing = this.flushLoop();
  }

  /** One write + one sync per round, for everything recorded while the previous round was on disk. */
  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const text = this.pending.join('');
        const upTo = this.recorded;
        this.pending = [];
        await this.append(text);
        this.durable = upTo;
        while (this.waiters.length > 0 && this.waiters[0]!.seq <= upTo) this.waiters.shift()!.resolve();
        if (!this.compacting && this.journalBytes > Math.max(this.compactAfterBytes, 2 * this.snapshotBytes)) this.startCompaction();
      }
    } catch (err) {
      this.failure = new ScimError(500, `The change could not be written to the --state journal: ${(err as Error).message}`);
      for (const w of this.waiters.splice(0)) w.reject(this.failure);
    } finally {
      this.flushing = undefined;
    }
  }

  private async append(text: string): Promise<void> {
    if (!this.handle || this.handleSegment !== this.segment) {
      const old = this.handle;
      this.handle = await open(segmentPath(this.path, this.segment), 'a');
      this.handleSegment = this.segment;
      await old?.close();
      await syncDir(stateDir(this.path));
    }
    await this.handle.appendFile(text, 'utf8');
    await this.handle.datasync();
    this.syncs++;
    this.journalBytes += Buffer.byteLength(text);
  }

  /**
   * Starts a new segment, then snapshots the store: the snapshot holds every change of the older segments
   * (and perhaps a few of the new one's first, which replay idempotently: each record is a whole resource
   * or a removal by id).
   */
  private startCompaction(): void {
    const folded = this.segment;
    this.segment = folded + 1;
    this.journalBytes = 0;
    const p = this.writeSnapshot(folded + 1)
      .then(async () => {
        for (const n of listSegments(this.path)) if (n <= folded) await unlink(segmentPath(this.path, n)).catch(() => undefined);
        this.compactionError = undefined;
      })
      .catch((err) => {
        // The journal still holds every change; the next compaction tries again.
        this.compactionError = err;
      })
      .finally(() => {
        this.compacting = undefined;
      });
    this.compacting = p;
  }

  private async writeSnapshot(journalFrom: number): Promise<void> {
    const snapshot: SnapshotOnDisk = { ...(await this.store.snapshot()), journalFrom };
    const text = JSON.stringify(snapshot);
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    await syncDir(stateDir(this.path));
    this.snapshotBytes = Buffer.byteLength(text);
  }

  /** Waits for every pending write, then folds the journal into the snapshot (used by close()). */
  async settle(): Promise<void> {
    for (;;) {
      this.kick();
      const busy = this.flushing ?? this.compacting;
      if (!busy) break;
      await busy.catch(() => undefined);
    }
    if (this.failure) throw this.failure;
    await this.handle?.close();
    this.handle = undefined;
    if (listSegments(this.path).length > 0) {
      this.startCompaction();
      await this.compacting;
    }
    if (this.compactionError) {
      throw new ScimError(500, `The --state snapshot could not be written (the journal still holds every change): ${(this.compactionError as Error).message}`);
    }
  }
}
