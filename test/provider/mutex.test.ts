import { describe, expect, it } from 'vitest';
import { Mutex } from '../../src/provider/mutex.ts';

describe('Mutex', () => {
  it('runs holders one at a time, in order, even across awaits', async () => {
    const m = new Mutex();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        m.run(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setImmediate(r));
          order.push(i);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('releases the lock when a holder throws', async () => {
    const m = new Mutex();
    await expect(m.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await m.run(() => 42)).toBe(42);
  });
});
