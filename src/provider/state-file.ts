/**
 * `--state FILE`: the store as a JSON snapshot on disk, so a restart loses nothing. Each save writes a
 * temporary file and renames it over the old one (atomic on POSIX), so a crash mid-write leaves the previous
 * snapshot intact. Saves are coalesced: callers that arrive while a write is running share the next one,
 * and every caller resumes only after a snapshot taken after its own change is on disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../usage-error.ts';
import type { ResourceStore, StoreSnapshot } from './store.ts';

export function readSnapshotFile(path: string): StoreSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--state ${path} is not a readable scimcheck snapshot: ${(err as Error).message}`);
  }
  const s = parsed as Partial<StoreSnapshot>;
  if (s?.format !== 'scimcheck-store' || s.version !== 1 || !Array.isArray(s.users) || !Array.isArray(s.groups)) {
    throw new UsageError(`--state ${path} is not a scimcheck snapshot (format scimcheck-store, version 1)`);
  }
  return s as StoreSnapshot;
}

export class StateFile {
  private writing: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly store: ResourceStore,
  ) {}

  /** Resolves once a snapshot taken after this call has been written. */
  save(): Promise<void> {
    // A queued write has not snapshotted yet, so it will include our change: join it.
    if (this.next) return this.next;
    // A write in progress may have snapshotted before our change: queue (or join) the one after it.
    if (this.writing) {
      if (!this.next) {
        const after = this.writing.catch(() => undefined);
        this.next = after.then(() => {
          this.next = undefined;
          return this.start();
        });
      }
      return this.next;
    }
    return this.start();
  }

  private start(): Promise<void> {
    const p = this.writeOnce().finally(() => {
      if (this.writing === p) this.writing = undefined;
    });
    this.writing = p;
    return p;
  }

  private async writeOnce(): Promise<void> {
    const snapshot = await this.store.snapshot();
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(snapshot), 'utf8');
    await rename(tmp, this.path);
  }

  /** Waits for any write in flight (used by close()). */
  async settle(): Promise<void> {
    while (this.writing || this.next) await (this.next ?? this.writing)?.catch(() => undefined);
  }
}
