/** The one-writer lock of a --state file (issue 11 #2): FILE.lock, O_EXCL, holding the owner's pid. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStateLock, lockPath } from '../../src/provider/state-lock.ts';
import { deadPid, stateDir } from './state-helpers.ts';

describe('--state lock', () => {
  it('is a file holding our pid while held, and gone once released (twice is harmless)', () => {
    const path = join(stateDir(), 'state.json');
    const lock = acquireStateLock(path);
    expect(readFileSync(lockPath(path), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(existsSync(lockPath(path))).toBe(false);
    lock.release();
  });

  it('held by another running process: refused in one line naming that pid', async () => {
    const path = join(stateDir(), 'state.json');
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(lockPath(path), `${other.pid}\n`);
      expect(() => acquireStateLock(path)).toThrow(new RegExp(`in use by process ${other.pid}\\b`));
      expect(readFileSync(lockPath(path), 'utf8')).toBe(`${other.pid}\n`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('an empty lock (its creator died before writing its pid) is taken over after a short wait', () => {
    const path = join(stateDir(), 'state.json');
    writeFileSync(lockPath(path), '');
    const notices: string[] = [];
    const lock = acquireStateLock(path, (l) => notices.push(l));
    expect(notices).toEqual([expect.stringMatching(/took over the lock of a process that never wrote its pid/)]);
    expect(readFileSync(lockPath(path), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('release never removes a lock that is no longer ours', () => {
    const path = join(stateDir(), 'state.json');
    const lock = acquireStateLock(path);
    // Someone deleted our lock by hand and another server took it.
    const other = deadPid();
    writeFileSync(lockPath(path), `${other}\n`);
    lock.release();
    expect(readFileSync(lockPath(path), 'utf8')).toBe(`${other}\n`);
  });
});
