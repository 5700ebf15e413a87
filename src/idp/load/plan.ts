/**
 * The directory a load run syncs (N users, G groups of M members) and the incremental cycle that follows
 * (renames, attribute updates, deactivations, member moves), drawn from a seed so a run can be repeated.
 */
import { idpIdFor, type DirGroup, type DirUser } from '../directory.ts';

export interface PlanOptions {
  prefix: string;
  users: number;
  groups: number;
  membersPerGroup: number;
  /** Share of users changed in the incremental cycle (and of memberships moved), 0..1. */
  incremental: number;
  seed: number;
  idStyle: 'okta' | 'guid' | 'number';
}

export type Change =
  | { kind: 'rename'; user: string; fields: Partial<DirUser> }
  | { kind: 'update'; user: string; fields: Partial<DirUser> }
  | { kind: 'deactivate'; user: string }
  | { kind: 'move'; user: string; from: string; to: string };

export interface Plan {
  users: DirUser[];
  groups: DirGroup[];
  changes: Change[];
}

/** mulberry32: a small seeded PRNG (no shared state: one per plan). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k distinct indexes below n, in random order (partial Fisher-Yates). */
export function sample(n: number, k: number, rand: () => number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(n, k);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take);
}

const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Marketing', 'Operations'];

export function userKey(i: number): string {
  return `u${i}`;
}

export function makeUser(o: PlanOptions, i: number): DirUser {
  const name = `${o.prefix}-u${i}@example.test`;
  return {
    key: userKey(i),
    idpId: idpIdFor(o.idStyle, `${o.prefix}/u${i}`),
    userName: name,
    givenName: 'Load',
    familyName: `User${i}`,
    displayName: `Load User ${i}`,
    email: name,
    title: 'Engineer',
    department: DEPARTMENTS[i % DEPARTMENTS.length],
    active: true,
  };
}

export function makePlan(o: PlanOptions): Plan {
  const rand = prng(o.seed);
  const users = Array.from({ length: o.users }, (_, i) => makeUser(o, i));
  const groups: DirGroup[] = Array.from({ length: o.groups }, (_, g) => ({
    key: `g${g}`,
    idpId: idpIdFor(o.idStyle, `${o.prefix}/g${g}`),
    displayName: `${o.prefix}-g${g}`,
    members: sample(o.users, o.membersPerGroup, rand).map(userKey),
  }));

  // Incremental cycle: a share of the users split in thirds (renames, updates, deactivations).
  const changed = sample(o.users, Math.round(o.incremental * o.users), rand);
  const changes: Change[] = [];
  const third = Math.ceil(changed.length / 3);
  const deactivated = new Set<string>();
  changed.forEach((i, n) => {
    const key = userKey(i);
    if (n < third) {
      const name = `${o.prefix}-u${i}-renamed@example.test`;
      changes.push({ kind: 'rename', user: key, fields: { userName: name, email: name } });
    } else if (n < 2 * third) {
      changes.push({ kind: 'update', user: key, fields: { title: 'Senior Engineer', department: 'Platform' } });
    } else {
      changes.push({ kind: 'deactivate', user: key });
      deactivated.add(key);
    }
  });

  // Member moves: the same share of memberships, each user leaving one group for another it is not in.
  const memberships = groups.flatMap((g) => g.members.filter((m) => !deactivated.has(m)).map((m) => ({ group: g.key, user: m })));
  const movers = new Set<string>();
  const wanted = groups.length > 1 ? Math.round(o.incremental * memberships.length) : 0;
  const after = new Map(groups.map((g) => [g.key, new Set(g.members)]));
  let moves = 0;
  for (const idx of sample(memberships.length, memberships.length, rand)) {
    if (moves >= wanted) break;
    const { group, user } = memberships[idx]!;
    // One move per user keeps the expected end state independent of the order workers run in.
    if (movers.has(user)) continue;
    const to = groups[Math.floor(rand() * groups.length)]!.key;
    if (to === group || after.get(to)!.has(user)) continue;
    after.get(group)!.delete(user);
    after.get(to)!.add(user);
    movers.add(user);
    moves++;
    changes.push({ kind: 'move', user, from: group, to });
  }
  return { users, groups, changes };
}
