/** The cut-down scenarios the variant matrix plays (scaled-scenarios.ts) keep every step and every reference. */
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { scaleSteps, scaledScenarioFiles } from './scaled-scenarios.ts';

describe('scaled scenarios', () => {
  it('cut a 1,000-person batch to 120 and move each member reference and member count with it', () => {
    const steps = [
      { assignMany: { batch: 'bulk', count: 1000 } },
      { createGroup: { group: 'everyone', displayName: 'x', membersOf: 'bulk' } },
      { expect: { group: 'everyone', memberCount: 1000, membersOf: 'bulk' } },
      { removeMembers: { group: 'everyone', members: ['bulk-1', 'bulk-500', 'bulk-1000'] } },
      { expect: { group: 'everyone', memberCount: 997 } },
      { expect: { user: 'bulk-500', groups: [] } },
      { expect: { user: 'bulk-2', groups: ['everyone'] } },
      { assign: { user: 'gina', userName: 'gina-2' } },
    ];
    expect(scaleSteps(steps, 120)).toEqual([
      { assignMany: { batch: 'bulk', count: 120 } },
      { createGroup: { group: 'everyone', displayName: 'x', membersOf: 'bulk' } },
      { expect: { group: 'everyone', memberCount: 120, membersOf: 'bulk' } },
      { removeMembers: { group: 'everyone', members: ['bulk-1', 'bulk-60', 'bulk-120'] } },
      { expect: { group: 'everyone', memberCount: 117 } },
      { expect: { user: 'bulk-60', groups: [] } },
      // bulk-2 stays distinct from bulk-1 (removed above), so the step still asks about a member.
      { expect: { user: 'bulk-2', groups: ['everyone'] } },
      // Not a batch member: a name that merely ends in a number is left alone.
      { assign: { user: 'gina', userName: 'gina-2' } },
    ]);
  });

  it('are the shipped scenarios, each still valid, with no batch above the cut', async () => {
    const shipped = await loadScenarios(['all']);
    const scaled = await loadScenarios(scaledScenarioFiles(120));
    expect(scaled.map((s) => s.name)).toEqual(shipped.map((s) => s.name));
    expect(scaled.map((s) => s.steps.length)).toEqual(shipped.map((s) => s.steps.length));
    const counts = scaled.flatMap((s) => s.steps.flatMap((st) => ('kind' in st.action && st.action.kind === 'assignMany' ? [st.action.count] : [])));
    expect(counts.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThanOrEqual(120);
  });
});
