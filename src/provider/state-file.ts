/**
 * `--state FILE`: the store survives restarts as a snapshot (FILE) plus an append-only journal beside it
 * (FILE.journal.N, one JSON line per change, see journal.ts). Nothing acknowledged is ever lost (issue 11):
 *
 * - One writer per FILE: FILE.lock (state-lock.ts) is taken before anything is read, released on close.
 * - Every store write is recorded as it happens; `save()` resolves once every change recorded before the
 *   call is written and fdatasync'ed (group commit: the changes of all requests waiting meanwhile go out in
 *   one write + one sync), so an acknowledged change is never lost, not even to kill -9.
 * - A journal write that fails acknowledges nothing, and the changes it held are undone in memory before
 *   anyone hears of the failure: a 500 is never followed by the change showing on GET. Later writes are
 *   refused (500) until a restart.
 * - When the journal has grown past max(compactAfterBytes, 2 × the snapshot), and on close, it is folded
 *   into a new snapshot: written to a temporary file, fsynced, renamed over FILE (atomic on POSIX), and the
 *   folded segments deleted. The snapshot names the first segment it does not contain (`journalFrom`), and a
 *   process's segments are numbered from there on, past every segment that exists, so replay never skips one.
 * - At start (state-read.ts): stale temporary files are removed, the snapshot is read and the segments from
 *   `journalFrom` on are replayed; a torn last line (a crash mid-write, never acknowledged) is ignored, a
 *   damaged line anywhere else refuses the start unless `recover` (--state-recover) is set.
 */
import { existsSync, statSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { ScimError } from '../scim/errors.ts';
import type { ScimResource } from '../scim/types.ts';
import { journalLine, listSegments, segmentPath, stateDir, type JournalRecord } from './journal.ts';
import type { Mutex } from './mutex.ts';
import { acquireStateLock, type StateLock } from './state-lock.ts';
import { damageError, readStateFiles, recoverState, removeStaleTemps, tempPath, type SnapshotOnDisk } from './state-read.ts';
import type { ResourceKind, ResourceStore, StoreSnapshot } from './store.ts';

export { readSnapshotFile } from './state-read.ts';

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
  /** --state-recover: start on a damaged journal, keeping its valid records (state-read.ts). */
  recover?: boolean;
  /**
   * The provider's write lock. Undoing a failed journal write and closing take it, so they never interleave
   * with a write in progress (which may be several store changes, e.g. a DELETE and the groups it leaves).
   */
  writeLock?: Mutex;
  /** Told, in one line each, what start-up did beyond reading: a stale lock taken over, files cleaned, a recovery. */
  onNotice?: (line: string) => void;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** How to take back one change the journal does not hold: the resource as it was before, or none. */
interface Undo {
  kind: ResourceKind;
  id: string;
  previous: (ScimResource & { id: string }) | undefined;
}

export class StateFile {
  /** What was on disk at start (snapshot + journal), to load into the store; undefined for a fresh state. */
  readonly initial: StoreSnapshot | undefined;
  private readonly compactAfterBytes: number;
  private readonly writeLock: Mutex | undefined;
  private readonly lock: StateLock;
  /** The store's own write methods, unrecorded: for undoing. */
  private readonly raw: Pick<ResourceStore, 'get' | 'create' | 'replace' | 'delete'>;
  /** The segment new records go to: past every segment that exists and at least the snapshot's journalFrom. */
  private segment: number;
  private handle: FileHandle | undefined;
  private handleSegment = 0;
  private pending: string[] = [];
  /** One per recorded change not yet on disk, oldest first, in step with `pending` and the write in flight. */
  private undo: Undo[] = [];
  /** Sequence numbers of changes: the last recorded, and the last on disk. */
  private recorded = 0;
  private durable = 0;
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private compacting: Promise<void> | undefined;
  private journalBytes = 0;
  private snapshotBytes: number;
  /** A journal write failed: nothing recorded after it may be acknowledged, and nothing more is applied. */
  private failure: ScimError | undefined;
  /** Settles once the changes the failed write held are undone. */
  private undone: Promise<void> = Promise.resolve();
  /** close() began: later changes are refused, so nothing is written after the lock is released. */
  private closing = false;
  private compactionError: unknown;
  private syncs = 0;

  constructor(
    private readonly path: string,
    private readonly store: ResourceStore,
    options: StateFileOptions = {},
  ) {
    this.compactAfterBytes = options.compactAfterBytes ?? 8 * 1024 * 1024;
    this.writeLock = options.writeLock;
    const notice = options.onNotice ?? (() => undefined);
    this.lock = acquireStateLock(path, notice);
    try {
      const stale = removeStaleTemps(path);
      if (stale > 0) notice(`--state ${path}: removed ${stale} stale temporary file${stale === 1 ? '' : 's'} of an interrupted snapshot write`);
      const disk = readStateFiles(path);
      if (disk.damaged.length > 0) {
        if (!options.recover) throw damageError(disk);
        notice(recoverState(path, disk));
      }
      this.initial = disk.state;
      // Issue 11 #1: after a clean stop no segment exists, but the snapshot says where the journal goes on.
      this.segment = Math.max(disk.lastSegment + 1, disk.journalFrom, 1);
      this.snapshotBytes = existsSync(path) ? statSync(path).size : 0;
    } catch (err) {
      this.lock.release();
      throw err;
    }
    this.raw = { get: store.get.bind(store), create: store.create.bind(store), replace: store.replace.bind(store), delete: store.delete.bind(store) };
    this.recordWrites();
  }

  /**
   * Every change reaches the store through create / replace / delete, whichever part of the provider makes
   * it; wrapping them on this store is the one place that sees all of them, in the order they were applied.
   */
  private recordWrites(): void {
    const { get, create, replace, delete: remove } = this.raw;
    this.store.create = async (kind, resource) => {
      this.refuseIfStopped();
      await create(kind, resource);
      this.record({ op: 'put', kind, resource }, { kind, id: resource.id, previous: undefined });
    };
    this.store.replace = async (kind, resource, change) => {
      this.refuseIfStopped();
      const previous = (await get(kind, resource.id)) as Undo['previous'];
      await replace(kind, resource, change);
      this.record({ op: 'put', kind, resource }, { kind, id: resource.id, previous });
    };
    this.store.delete = async (kind, id) => {
      this.refuseIfStopped();
      const previous = (await get(kind, id)) as Undo['previous'];
      const existed = await remove(kind, id);
      if (existed) this.record({ op: 'delete', kind, id }, { kind, id, previous });
      return existed;
    };
  }

  private refuseIfStopped(): void {
    if (this.failure) throw this.failure;
    if (this.closing) throw new ScimError(503, 'The service provider is shutting down');
  }

  private record(r: JournalRecord, undo: Undo): void {
    this.pending.push(journalLine(r));
    this.undo.push(undo);
    this.recorded++;
  }

  /** How many journal writes (each one fdatasync) went out: fewer than saves when they are grouped. */
  get journalSyncs(): number {
    return this.syncs;
  }

  /** Resolves once every change recorded before this call is on disk (journaled and synced). */
  save(): Promise<void> {
    if (this.failure) {
      const failure = this.failure;
      return this.undone.then(() => Promise.reject(failure));
    }
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
        const count = this.pending.length;
        const upTo = this.recorded;
        this.pending = [];
        await this.append(text);
        this.durable = upTo;
        this.undo.splice(0, count);
        while (this.waiters.length > 0 && this.waiters[0]!.seq <= upTo) this.waiters.shift()!.resolve();
        if (!this.compacting && this.journalBytes > Math.max(this.compactAfterBytes, 2 * this.snapshotBytes)) this.startCompaction();
      }
    } catch (err) {
      const failure = new ScimError(500, `The change could not be written to the --state journal: ${(err as Error).message}`);
      this.failure = failure;
      this.pending = [];
      // Issue 11 #6: undone before anyone hears of the failure, so a 500 is never followed by the change on GET.
      this.undone = (this.writeLock ? this.writeLock.run(() => this.rollBack()) : this.rollBack()).catch(() => undefined);
      await this.undone;
      for (const w of this.waiters.splice(0)) w.reject(failure);
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * Takes back, newest first, every change the journal does not hold. A resource deleted and restored comes
   * back at the end of the creation order; its content and version are as before.
   */
  private async rollBack(): Promise<void> {
    const { get, create, replace, delete: remove } = this.raw;
    for (const u of this.undo.splice(0).reverse()) {
      if (u.previous === undefined) await remove(u.kind, u.id);
      else if (await get(u.kind, u.id)) await replace(u.kind, u.previous);
      else await create(u.kind, u.previous);
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
    const tmp = tempPath(this.path);
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

  /**
   * close(): refuses further changes (once the write in progress, if any, is done), waits for every pending
   * write, folds the journal into the snapshot and releases the lock.
   */
  async settle(): Promise<void> {
    try {
      await (this.writeLock ? this.writeLock.run(() => void (this.closing = true)) : (this.closing = true));
      for (;;) {
        this.kick();
        const busy = this.flushing ?? this.compacting;
        if (!busy) break;
        await busy.catch(() => undefined);
      }
      if (this.failure) throw this.failure;
      await this.closeHandle();
      if (listSegments(this.path).length > 0) {
        this.startCompaction();
        await this.compacting;
      }
      if (this.compactionError) {
        throw new ScimError(500, `The --state snapshot could not be written (the journal still holds every change): ${(this.compactionError as Error).message}`);
      }
    } finally {
      await this.closeHandle().catch(() => undefined);
      this.lock.release();
    }
  }

  private async closeHandle(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }
}
