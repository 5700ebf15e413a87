/**
 * Group membership PATCHes (add members, remove `members[value eq "id"]`, Entra's remove with a value
 * array) applied as a delta, so adding one member to a 10k-member group costs about what it costs for a
 * 10-member group. The generic path (applyPatch + re-validation + re-indexing) walks the whole group.
 *
 * Same results as the generic path, by construction and by test (test/provider/member-patch.property.test.ts):
 * it replays the generic engine's rules on the values the request names only, looked up in the store's
 * per-group member index. It commits nothing itself and never produces an error: whenever the request is
 * not a plain membership change, or would fail (unknown member, noTarget, ...), it returns undefined and
 * the caller runs the generic path, which gives the one true answer and error.
 *
 * It assumes the stored members are the provider's own `{ value, type }` entries (what it writes).
 */
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import { parsePatchRequest, planMemberDelta, valuesEqual, type MemberStep } from './core.ts';
import type { Stored } from './resources.ts';
import { foldKey, type MemberChange, type ResourceKind, type ResourceStore, type StoredMember } from './store.ts';

export interface MemberPatchEnv {
  registry: SchemaRegistry;
  store: ResourceStore;
  /** meta.version of the result (RFC 7644 §3.14: a new one on every change). */
  version: string;
}

export interface MemberPatchResult {
  resource: Stored;
  /** How `resource.members` differs from the stored members, for ResourceStore.replace. */
  change: MemberChange;
}

type Item = Record<string, unknown> & { value: string };

/** The folded member values a plan touches: the only entries of the member index it needs. */
function foldedValuesOf(steps: readonly MemberStep[]): string[] {
  const out = new Set<string>();
  for (const s of steps) {
    if (s.kind === 'add') for (const i of s.items) out.add(foldKey(i.value as string));
    else if (s.kind === 'removeMatching') out.add(foldKey(s.value));
    else if (s.kind === 'removeListed') for (const v of s.values) out.add(foldKey(v));
  }
  return [...out];
}

/** Applies a Group PATCH as a member delta, or returns undefined when the generic path must decide. */
export async function patchMembers(current: Stored, body: unknown, env: MemberPatchEnv): Promise<MemberPatchResult | undefined> {
  const { store } = env;
  if (!store.membersByFoldedValue) return undefined;
  const ctx = { registry: env.registry, resourceType: 'Group' };
  let plan: ReturnType<typeof planMemberDelta>;
  try {
    plan = planMemberDelta(parsePatchRequest(body), ctx);
  } catch {
    return undefined; // a malformed request: the generic path reports it
  }
  if (!plan) return undefined;
  const { attr, steps } = plan;
  const stored = (Array.isArray(current.members) ? current.members : []) as StoredMember[];
  const index = await store.membersByFoldedValue(current.id, foldedValuesOf(steps));
  const storedWith = (key: string) => index.get(key) ?? [];

  // The working members: the stored ones minus removals, then appended values (RFC 7644 §3.5.2: in order).
  let storedCleared = false;
  const removedStored = new Set<StoredMember>();
  const appended: Item[] = [];
  const appendedAlive = new Map<string, Item[]>();
  const alive = (key: string): object[] => [
    ...(storedCleared ? [] : storedWith(key).filter((m) => !removedStored.has(m))),
    ...(appendedAlive.get(key) ?? []),
  ];
  const removeAll = (key: string): number => {
    const hits = alive(key);
    for (const m of hits) if (!appendedAlive.get(key)?.includes(m as Item)) removedStored.add(m as StoredMember);
    appendedAlive.delete(key);
    return hits.length;
  };

  for (const step of steps) {
    switch (step.kind) {
      case 'add':
        for (const item of step.items as Item[]) {
          const key = foldKey(item.value);
          // RFC 7644 §3.5.2.1: a value equal to one already there is not added again (the generic rule, valuesEqual).
          if (alive(key).some((el) => valuesEqual(el, item, attr))) continue;
          appended.push(item);
          appendedAlive.set(key, [...(appendedAlive.get(key) ?? []), item]);
        }
        break;
      case 'removeMatching':
        // RFC 7644 §3.5.2.2 + §3.12: a value filter that matches nothing is noTarget: the generic path says so.
        if (removeAll(foldKey(step.value)) === 0) return undefined;
        break;
      case 'removeListed':
        for (const v of new Set(step.values.map(foldKey))) removeAll(v);
        break;
      case 'removeAll':
        storedCleared = true;
        appendedAlive.clear();
        break;
    }
  }

  // RFC 7643 §4.2: each new member must be an existing User or Group (as the generic path checks them).
  const storedAliveExact = (value: string) =>
    !storedCleared && storedWith(foldKey(value)).some((m) => m.value === value && !removedStored.has(m));
  const knownType = (value: string) => storedWith(foldKey(value)).find((m) => m.value === value)?.type;
  const added: StoredMember[] = [];
  const pending: { member: StoredMember; declared?: string }[] = [];
  const seen = new Set<string>();
  const stillAppended = new Set([...appendedAlive.values()].flat());
  for (const item of appended) {
    if (!stillAppended.has(item)) continue;
    const value = item.value;
    if (value === '' || value === current.id) return undefined;
    // The same member twice is one membership: the first (the stored one, or the first added) stays.
    if (storedAliveExact(value) || seen.has(value)) continue;
    seen.add(value);
    const declared = typeof item.type === 'string' ? item.type.toLowerCase() : undefined;
    if (declared !== undefined && declared !== 'user' && declared !== 'group') return undefined;
    const member: StoredMember = { value, type: 'User' };
    added.push(member);
    const known = knownType(value);
    if (known && (declared === undefined || declared === known.toLowerCase())) member.type = known;
    else pending.push({ member, declared });
  }
  if (pending.length > 0) {
    const ids = pending.map((p) => p.member.value);
    const [users, groups] = await Promise.all([store.getMany('User', ids), store.getMany('Group', ids)]);
    for (const [i, p] of pending.entries()) {
      let type: ResourceKind | undefined;
      if (p.declared !== 'group' && users[i]) type = 'User';
      else if (p.declared !== 'user' && groups[i]) type = 'Group';
      if (!type) return undefined; // RFC 7643 §4.2: not an existing resource: the generic path answers 400
      p.member.type = type;
    }
  }

  const kept = storedCleared ? [] : removedStored.size === 0 ? stored : withoutMembers(stored, removedStored);
  const members = added.length > 0 ? kept.concat(added) : kept;
  const { members: _old, meta: _meta, ...rest } = current;
  const resource: Stored = { ...rest } as Stored;
  // RFC 7643 §2.5: no members left is an unassigned attribute, so it is left out.
  if (members.length > 0) resource.members = members;
  // RFC 7643 §3.1: meta is the provider's; RFC 7644 §3.14: a new version for the change.
  resource.meta = { resourceType: 'Group', created: current.meta?.created, lastModified: new Date().toISOString(), version: env.version };
  return { resource, change: { removed: storedCleared ? stored : [...removedStored], added } };
}

/** The stored members without the removed ones, found by identity (few removals: no pass with a Set). */
function withoutMembers(stored: StoredMember[], removed: ReadonlySet<StoredMember>): StoredMember[] {
  if (removed.size > 16) return stored.filter((m) => !removed.has(m));
  const out = stored.slice();
  const at = [...removed].map((m) => out.indexOf(m)).filter((i) => i >= 0).sort((a, b) => b - a);
  for (const i of at) out.splice(i, 1);
  return out;
}
