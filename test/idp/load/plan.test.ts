import { describe, expect, it } from 'vitest';
import { makePlan, prng, sample } from '../../../src/idp/load/plan.ts';

const opts = { prefix: 'p', users: 300, groups: 6, membersPerGroup: 40, incremental: 0.1, seed: 3, idStyle: 'guid' as const };

describe('load plan', () => {
  it('is the same for the same seed and different for another', () => {
    expect(makePlan(opts)).toEqual(makePlan(opts));
    expect(makePlan({ ...opts, seed: 4 }).groups[0]!.members).not.toEqual(makePlan(opts).groups[0]!.members);
  });

  it('draws distinct users, all carrying the prefix', () => {
    const plan = makePlan(opts);
    expect(new Set(plan.users.map((u) => u.userName)).size).toBe(300);
    for (const u of plan.users) expect(u.userName.startsWith('p-')).toBe(true);
    for (const g of plan.groups) {
      expect(g.displayName.startsWith('p-')).toBe(true);
      expect(new Set(g.members).size).toBe(40);
    }
    expect(new Set(sample(10, 10, prng(1)))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });

  it('changes the incremental share: renames, updates, deactivations in thirds, and valid member moves', () => {
    const plan = makePlan(opts);
    const kinds = (k: string) => plan.changes.filter((c) => c.kind === k);
    expect(kinds('rename').length + kinds('update').length + kinds('deactivate').length).toBe(30);
    expect(kinds('rename')).toHaveLength(10);
    expect(kinds('deactivate')).toHaveLength(10);
    const members = new Map(plan.groups.map((g) => [g.key, new Set(g.members)]));
    const deactivated = new Set(kinds('deactivate').map((c) => c.user));
    const moves = kinds('move') as { user: string; from: string; to: string }[];
    expect(moves.length).toBeGreaterThan(0);
    expect(new Set(moves.map((m) => m.user)).size).toBe(moves.length);
    for (const m of moves) {
      expect(members.get(m.from)!.has(m.user)).toBe(true);
      expect(members.get(m.to)!.has(m.user)).toBe(false);
      expect(deactivated.has(m.user)).toBe(false);
    }
    for (const c of kinds('rename') as { fields: { userName: string } }[]) expect(c.fields.userName.startsWith('p-')).toBe(true);
  });

  it('plans no changes with a zero share and no moves with one group', () => {
    expect(makePlan({ ...opts, incremental: 0 }).changes).toEqual([]);
    expect(makePlan({ ...opts, groups: 1 }).changes.some((c) => c.kind === 'move')).toBe(false);
  });
});
