/**
 * The member-delta fast path (src/provider/member-patch.ts) must answer every membership PATCH exactly as
 * the generic path (applyPatch, RFC 7644 §3.5.2) does: same status, same error, same stored group, same
 * indexes. Two providers start from one snapshot for every case; one store lacks the member index, so its
 * provider always takes the generic path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore, foldKey, type MemberChange, type StoredMember, type StoreSnapshot } from '../../src/provider/store.ts';
import type { ScimResource } from '../../src/scim/types.ts';
import { GROUP_SCHEMA, USER_SCHEMA, client, patchOp, type Client } from './helpers.ts';

/** Records which replaces came with a member delta (the fast path) and which did not. */
class CountingStore extends MemoryStore {
  deltas = 0;
  plain = 0;
  override async replace(kind: 'User' | 'Group', r: ScimResource & { id: string }, change?: MemberChange): Promise<void> {
    if (change) this.deltas++;
    else this.plain++;
    return super.replace(kind, r, change);
  }
}

/** A store that does not offer the member index: its provider cannot take the fast path. */
class GenericOnlyStore extends CountingStore {
  constructor() {
    super();
    Object.defineProperty(this, 'membersByFoldedValue', { value: undefined });
  }
}

const GROUP = 'grp-1';
const meta = (n: number) => ({ resourceType: 'User', created: `2024-01-0${n}T00:00:00Z`, lastModified: `2024-01-0${n}T00:00:00Z`, version: `W/"${n}"` });
// Ids that differ only in case (bob / BOB) are distinct users: members.value is caseExact false (RFC 7643 §4.2).
const USERS = ['ann', 'bob', 'BOB', 'cy', 'Dee'];
const GROUPS = [GROUP, 'grp-2'];
const POOL = [...USERS, ...GROUPS, 'Ann', 'dee', 'nobody', ''];

function snapshot(initial: string[]): StoreSnapshot {
  const members = initial.map((value) => ({ value, type: USERS.includes(value) ? 'User' : 'Group' }));
  return {
    format: 'scimcheck-store',
    version: 1,
    users: USERS.map((id, i) => ({ schemas: [USER_SCHEMA], id, userName: `user-${i}-${id}`, displayName: `D ${id}`, meta: meta(1) })),
    groups: [
      { schemas: [GROUP_SCHEMA], id: GROUP, displayName: 'Target', ...(members.length ? { members } : {}), meta: { ...meta(2), resourceType: 'Group' } },
      { schemas: [GROUP_SCHEMA], id: 'grp-2', displayName: 'Other', meta: { ...meta(3), resourceType: 'Group' } },
    ],
  };
}

const anyCase = (s: string) => fc.constantFrom(s, s.toUpperCase(), s[0]!.toUpperCase() + s.slice(1));
// Mostly ids that exist (so most requests succeed and are compared in full), some in another case, some bad.
const memberValue = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...USERS, 'grp-2') },
  { weight: 3, arbitrary: fc.constantFrom(...USERS, ...GROUPS).chain(anyCase) },
  { weight: 1, arbitrary: fc.constantFrom(...POOL) },
);
const item = fc.record(
  {
    value: fc.oneof({ weight: 30, arbitrary: memberValue }, { weight: 1, arbitrary: fc.constantFrom(7, null) }),
    type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('User', 'Group', 'user', 'group') }, { weight: 1, arbitrary: fc.constant('Robot') }),
    display: fc.constantFrom('x', 'D ann'),
  },
  { requiredKeys: ['value'] },
);
const membersPath = fc.constantFrom('members', 'Members', 'urn:ietf:params:scim:schemas:core:2.0:Group:members');
const opName = (op: string) => fc.constantFrom(op, op[0]!.toUpperCase() + op.slice(1), op.toUpperCase());
const addValue = fc.oneof({ weight: 6, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: item }, { weight: 1, arbitrary: fc.constantFrom(null, [], 'ann') });

const operation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: opName('add'), path: membersPath, value: addValue }) },
  { weight: 1, arbitrary: fc.record({ op: opName('add'), value: fc.record({ members: addValue, id: fc.constant('ignored') }, { requiredKeys: ['members'] }) }) },
  { weight: 4, arbitrary: fc.record({ op: opName('remove'), path: memberValue.map((v) => `members[value eq ${JSON.stringify(v)}]`) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: opName('remove'),
      path: membersPath,
      value: fc.array(fc.oneof({ weight: 5, arbitrary: item }, { weight: 1, arbitrary: fc.constantFrom('ann', 3, {}) }), { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: opName('remove'), path: membersPath }) },
  // Not member deltas: these send the whole request down the generic path in both providers.
  { weight: 1, arbitrary: fc.constantFrom({ op: 'replace', path: 'displayName', value: 'Renamed' }, { op: 'add', path: 'members[value eq "ann"]', value: { display: 'x' } }, { op: 'replace', path: 'members', value: [{ value: 'cy' }] }) },
);

/** The group as stored, without what differs by design (a fresh version and time on every change). */
async function storedGroup(c: Client): Promise<unknown> {
  const g = await c.provider.store.get('Group', GROUP);
  const { meta: m, ...rest } = g as ScimResource;
  return { ...rest, meta: { ...m, version: '-', lastModified: '-' } };
}

async function indexes(store: MemoryStore): Promise<unknown> {
  const folded = [...new Set(POOL.map(foldKey))];
  const byValue = await MemoryStore.prototype.membersByFoldedValue.call(store, GROUP, folded);
  const groupsOf = await Promise.all(POOL.map(async (v) => [v, (await store.groupsOf(v)).sort()]));
  return { groupsOf, byValue: [...byValue].map(([k, ms]) => [k, ms.map((m: StoredMember) => `${m.value}/${m.type}`).sort()]) };
}

describe('member PATCH fast path = generic path (RFC 7644 §3.5.2)', () => {
  it('for random membership operation lists: same status, error, stored group, response and indexes', async () => {
    const fastStore = new CountingStore();
    const genericStore = new GenericOnlyStore();
    const fast = client({ store: fastStore });
    const generic = client({ store: genericStore });
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...USERS, 'grp-2']),
        fc.array(operation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (initial, ops, projected) => {
          await fastStore.load(structuredClone(snapshot(initial)));
          await genericStore.load(structuredClone(snapshot(initial)));
          const path = `/Groups/${GROUP}${projected ? '?excludedAttributes=members' : ''}`;
          const a = await fast.patch(path, patchOp(...ops));
          const b = await generic.patch(path, patchOp(...ops));
          expect(a.status).toBe(b.status);
          if (b.status !== 200) {
            expect(a.json).toEqual(b.json); // the very same SCIM error: status, scimType and detail
            return;
          }
          const { meta: ma, ...bodyA } = a.json;
          const { meta: mb, ...bodyB } = b.json;
          expect(bodyA).toEqual(bodyB);
          expect(ma.version).not.toBe('W/"2"'); // RFC 7644 §3.14: a change gets a new version
          expect(await storedGroup(fast)).toEqual(await storedGroup(generic));
          expect(await indexes(fastStore)).toEqual(await indexes(genericStore));
          // The delta-maintained index equals one built from scratch for the same data.
          const rebuilt = new MemoryStore();
          await rebuilt.load(await fastStore.snapshot());
          expect(await indexes(fastStore)).toEqual(await indexes(rebuilt));
          expect(mb.version).toBeDefined();
        },
      ),
      {
        numRuns: 500,
        // Case-variant ids: values equal ignoring case are one value to the filter and to "already there".
        examples: [
          [['bob'], [{ op: 'add', path: 'members', value: [{ value: 'BOB', type: 'User' }] }], false],
          [['bob'], [{ op: 'add', path: 'members', value: [{ value: 'BOB' }] }], false],
          [['bob', 'BOB', 'ann'], [{ op: 'remove', path: 'members[value eq "Bob"]' }], false],
          [['bob', 'BOB', 'ann'], [{ op: 'Remove', path: 'members', value: [{ value: 'bOB' }, { value: 'nobody' }] }], true],
          [['ann'], [{ op: 'remove', path: 'members[value eq "ann"]' }, { op: 'add', path: 'members', value: [{ value: 'ann' }, { value: 'cy', type: 'user' }] }], false],
        ],
      },
    );
    // The property compared something: most successful cases went through the fast path.
    expect(fastStore.deltas).toBeGreaterThan(50);
    expect(genericStore.plain).toBeGreaterThan(50);
  }, 120_000);
});
