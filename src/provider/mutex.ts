/**
 * A FIFO async mutex. JS runs one callback at a time, but a request that reads, awaits and then writes can
 * interleave with another request in the await gap; every write path holds this lock across that gap
 * (RFC 7644 §3.5.1 / §3.14: a write must see the state it validated against).
 * One instance per provider: no module-level state.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` after every earlier holder has finished; the lock is released even when `fn` throws. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn);
    // The next holder waits for this one to settle, whatever the outcome.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
