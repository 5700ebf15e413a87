/**
 * The model behind the --state interleaving tests (issue 11 #1): random creates, retitles and deletes of
 * users, clean stops, kill -9 (also with writes in flight) and restarts, played against a Target (the
 * in-process StateFile, or real `scimcheck serve --state` processes). After every restart what the target
 * holds must be what was acknowledged, or for a write that was in flight when it died, possibly that write.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** A user as the target holds it: its title, or absent. */
export type Seen = Map<string, string>;

export interface Target {
  /** Each resolves true once the write was acknowledged (2xx / save resolved), false if it never was. */
  create(userName: string): Promise<boolean>;
  retitle(userName: string, title: string): Promise<boolean>;
  remove(userName: string): Promise<boolean>;
  /** Stops cleanly (SIGTERM / settle) and starts again on the same state. */
  stopAndRestart(): Promise<void>;
  /** Dies at once (kill -9 / a copy of the disk as it is), then starts again on what it left. */
  crashAndRestart(): Promise<void>;
  /** userName -> title ('' for none) of every user the target holds. */
  read(): Promise<Seen>;
  close(): Promise<void>;
}

type Write = { t: 'create' } | { t: 'retitle'; pick: number } | { t: 'remove'; pick: number };
export type Step =
  | Write
  | { t: 'stop' }
  | { t: 'kill' }
  /** Several writes at once on distinct users; the target dies (or stops) once `settled` of them answered. */
  | { t: 'burst'; writes: Write[]; settled: number; end: 'kill' | 'stop' };

const write: fc.Arbitrary<Write> = fc.oneof(
  fc.constant<Write>({ t: 'create' }),
  fc.nat().map<Write>((pick) => ({ t: 'retitle', pick })),
  fc.nat().map<Write>((pick) => ({ t: 'remove', pick })),
);

export const steps = (maxLength: number): fc.Arbitrary<Step[]> =>
  fc.array(
    fc.oneof(
      { arbitrary: write, weight: 5 },
      { arbitrary: fc.constant<Step>({ t: 'stop' }), weight: 1 },
      { arbitrary: fc.constant<Step>({ t: 'kill' }), weight: 1 },
      {
        arbitrary: fc.record({ t: fc.constant('burst' as const), writes: fc.array(write, { minLength: 1, maxLength: 6 }), settled: fc.nat({ max: 6 }), end: fc.constantFrom('kill' as const, 'stop' as const) }),
        weight: 2,
      },
    ),
    { minLength: 1, maxLength },
  );

/** The sequence issue 11 #1 reported: a write after a clean stop was lost to the next kill -9 and restart. */
export const REPORTED: Step[] = [{ t: 'create' }, { t: 'stop' }, { t: 'create' }, { t: 'kill' }];

const ABSENT = '\u0000absent';

/** Plays the steps against the target, checking after every restart and once more at the end. */
export async function play(target: Target, plan: Step[]): Promise<void> {
  /** userName -> every state it may be in (one, unless a write to it was in flight at a crash). */
  const possible = new Map<string, Set<string>>();
  let next = 0;
  const present = () => [...possible].filter(([, s]) => s.size === 1 && !s.has(ABSENT)).map(([name]) => name);

  /** A write's name, the state it leaves, and how to send it; undefined when it has no user to act on. */
  const prepare = (w: Write, busy: Set<string>): { name: string; after: string; send: () => Promise<boolean> } | undefined => {
    if (w.t === 'create') {
      const name = `user${next++}`;
      return { name, after: '', send: () => target.create(name) };
    }
    const free = present().filter((n) => !busy.has(n));
    if (free.length === 0) return undefined;
    const name = free[w.pick % free.length]!;
    if (w.t === 'remove') return { name, after: ABSENT, send: () => target.remove(name) };
    const title = `title${next++}`;
    return { name, after: title, send: () => target.retitle(name, title) };
  };

  const check = async (when: string) => {
    const seen = await target.read();
    for (const [name, states] of possible) {
      const got = seen.has(name) ? seen.get(name)! : ABSENT;
      expect(states.has(got), `${when}: ${name} is ${got === ABSENT ? 'absent' : `'${got}'`}, possible: ${[...states].map((s) => (s === ABSENT ? 'absent' : `'${s}'`)).join(' | ')}`).toBe(true);
      possible.set(name, new Set([got]));
    }
    const unknown = [...seen.keys()].filter((n) => !possible.has(n));
    expect(unknown, `${when}: users nobody wrote`).toEqual([]);
  };

  for (const [i, step] of plan.entries()) {
    if (step.t === 'stop') {
      await target.stopAndRestart();
      await check(`after clean stop (step ${i})`);
    } else if (step.t === 'kill') {
      await target.crashAndRestart();
      await check(`after kill -9 (step ${i})`);
    } else if (step.t === 'burst') {
      const busy = new Set<string>();
      const flights: Promise<void>[] = [];
      for (const w of step.writes) {
        const p = prepare(w, busy);
        if (!p) continue;
        busy.add(p.name);
        const before = possible.get(p.name) ?? new Set([ABSENT]);
        // Until it is acknowledged, either state is possible.
        possible.set(p.name, new Set([...before, p.after]));
        flights.push(
          p.send().then((acked) => {
            if (acked) possible.set(p.name, new Set([p.after]));
          }),
        );
      }
      await settledCount(flights, Math.min(step.settled, flights.length));
      if (step.end === 'kill') await target.crashAndRestart();
      else await target.stopAndRestart();
      await Promise.allSettled(flights);
      await check(`after a burst of ${flights.length} and ${step.end} (step ${i})`);
    } else {
      const p = prepare(step, new Set());
      if (!p) continue;
      const acked = await p.send();
      expect(acked, `${step.t} ${p.name} (step ${i}) was not acknowledged`).toBe(true);
      possible.set(p.name, new Set([p.after]));
    }
  }
  await target.stopAndRestart();
  await check('at the end');
}

/** Resolves once `n` of the promises settled. */
function settledCount(all: Promise<unknown>[], n: number): Promise<void> {
  if (n <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    let done = 0;
    for (const p of all) void p.finally(() => ++done === n && resolve());
  });
}
