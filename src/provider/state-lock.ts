/**
 * One writer per `--state` file: `FILE.lock`, created with O_EXCL and holding the writer's pid. Two servers on
 * one journal would each fold and delete what the other acknowledged (issue 11 #2), so a second one is
 * refused; a lock whose pid no longer runs (the holder was killed) is taken over. Creating the lock is also
 * the start-up proof that the state directory exists and is writable (issue 11 #6).
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { UsageError } from '../usage-error.ts';

export interface StateLock {
  readonly path: string;
  /** Removes the lock file; safe to call twice, and quiet when the directory is gone. */
  release(): void;
}

export function lockPath(statePath: string): string {
  return `${statePath}.lock`;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return /^\d+\n$/.test(text) ? Number(text.trim()) : undefined;
}

/** Waits without an event loop: the lock is taken while the provider is being built, synchronously. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The one-line reason a lock file cannot be created in the state's directory. */
function unusable(statePath: string, err: NodeJS.ErrnoException): UsageError {
  const dir = dirname(statePath);
  if (err.code === 'ENOENT') return new UsageError(`--state ${statePath}: the directory ${dir} does not exist`);
  if (err.code === 'ENOTDIR') return new UsageError(`--state ${statePath}: ${dir} is not a directory`);
  return new UsageError(`--state ${statePath}: cannot create files in ${dir} (${err.code ?? err.message})`);
}

function createLock(file: string, pid: number): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${pid}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock of `statePath` for this process, or throws a one-line UsageError naming the holder.
 * `onNotice` is told (one line) when a dead holder's lock is taken over.
 */
export function acquireStateLock(statePath: string, onNotice?: (line: string) => void): StateLock {
  try {
    if (statSync(statePath).isDirectory()) throw new UsageError(`--state ${statePath} is a directory, not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // A missing state file is a fresh start; a missing directory is reported when the lock cannot be created.
  }
  const file = lockPath(statePath);
  const me = process.pid;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      if (createLock(file, me)) return held(file);
    } catch (err) {
      throw unusable(statePath, err as NodeJS.ErrnoException);
    }
    let holder = readPid(file);
    // Between O_EXCL create and the pid write the file is empty for an instant: give its creator a moment.
    for (let i = 0; holder === undefined && i < 20; i++) {
      pause(10);
      holder = readPid(file);
    }
    if (holder !== undefined && running(holder)) {
      throw new UsageError(`--state ${statePath} is in use by process ${holder} (lock file ${file}); stop that server first, or delete the lock file if process ${holder} is not a scimcheck serve`);
    }
    if (takeOver(file, holder)) {
      onNotice?.(`--state ${statePath}: took over the lock of ${holder === undefined ? 'a process that never wrote its pid' : `process ${holder}`}, which is no longer running`);
    }
  }
  throw new UsageError(`--state ${statePath}: could not take the lock file ${file} (other processes keep taking it)`);
}

/**
 * Moves a dead holder's lock out of the way. Renamed aside first and read back, so that when another starter
 * took it over in the meantime (its lock now sits where the stale one was) that live lock is put back, not
 * deleted. Returns whether the stale lock was removed.
 */
function takeOver(file: string, stalePid: number | undefined): boolean {
  const aside = `${file}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return false; // gone already: someone else took it over; try again from the start
  }
  const moved = readPid(aside);
  if (moved !== stalePid && moved !== undefined && running(moved)) {
    try {
      linkSync(aside, file);
    } catch {
      // A third starter created a lock meanwhile: it holds it now.
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return true;
}

function held(file: string): StateLock {
  let released = false;
  return {
    path: file,
    release() {
      if (released) return;
      released = true;
      // Only our own lock: if someone deleted it by hand and another server took it, that one is not ours to remove.
      if (readPid(file) !== process.pid) return;
      try {
        unlinkSync(file);
      } catch {
        // Already gone (the directory was removed): nothing is held.
      }
    },
  };
}
