/**
 * `--rate N`: at most N requests per second over all workers, by spacing attempts 1/N s apart
 * (a shared schedule, so bursts never exceed the target's declared limit).
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export class RateLimiter {
  private next = 0;
  private readonly gapMs: number;

  constructor(perSecond: number, private readonly clock: Clock = realClock) {
    this.gapMs = 1000 / perSecond;
  }

  /** Resolves when this caller may send; each call books the next free slot. */
  async take(): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + this.gapMs;
    if (at > now) await this.clock.sleep(at - now);
  }
}
