/**
 * Where the reference provider keeps its resources: a small async interface (so a database-backed store
 * can replace it) and the default in-memory implementation with the indexes the hot paths need.
 *
 * Resources handed to and returned by a store are treated as immutable values: the provider always
 * builds a new object for a change and never edits one it got back.
 */
import type { ScimResource } from '../scim/types.ts';

/** The resource types this provider serves (RFC 7643 §4.1 User, §4.2 Group). */
export type ResourceKind = 'User' | 'Group';

/** Attributes with a case-folded index: equality filters and uniqueness checks on them do not scan. */
export type IndexedAttr = 'userName' | 'externalId' | 'displayName';

export interface StoreSnapshot {
  format: 'scimcheck-store';
  version: 1;
  users: ScimResource[];
  groups: ScimResource[];
}

/** A stored Group member (RFC 7643 §4.2): the member's id, and whether it is a User or a Group. */
export interface StoredMember {
  value: string;
  type?: ResourceKind;
}

/**
 * Exactly how a group's new `members` differ from the stored ones: the stored member objects that went,
 * and the new ones. Given to `replace`, it lets a store update its member indexes by the change alone.
 */
export interface MemberChange {
  removed: readonly StoredMember[];
  added: readonly StoredMember[];
}

export interface ResourceStore {
  get(kind: ResourceKind, id: string): Promise<ScimResource | undefined>;
  /** Several at once, in the order asked (undefined for unknown ids): one await for a 10k-member group. */
  getMany(kind: ResourceKind, ids: readonly string[]): Promise<(ScimResource | undefined)[]>;
  /** Every resource of a kind, in creation order. A fresh array; its elements must not be modified. */
  list(kind: ResourceKind): Promise<ScimResource[]>;
  count(kind: ResourceKind): Promise<number>;
  /**
   * Ids of resources whose `attr` equals `value` ignoring case: a superset of the exact matches, so callers
   * still apply the filter. `undefined` when this store keeps no index for that attribute.
   */
  lookup(kind: ResourceKind, attr: IndexedAttr, value: string): Promise<string[] | undefined>;
  /** Ids of the groups whose `members` name `memberId` directly (RFC 7643 §4.1.2 `groups`, type "direct"). */
  groupsOf(memberId: string): Promise<string[]>;
  /** Adds a resource; `resource.id` must be new. */
  create(kind: ResourceKind, resource: ScimResource & { id: string }): Promise<void>;
  /**
   * Replaces the stored resource with the same id. `change`, for a Group, says exactly how its `members`
   * differ from the stored ones (everything else about the resource may change too); stores may ignore it.
   */
  replace(kind: ResourceKind, resource: ScimResource & { id: string }, change?: MemberChange): Promise<void>;
  /**
   * Optional: the members of group `groupId` whose value case-folds (foldKey) to each of `folded`, as the
   * very objects of its stored `members` array; RFC 7643 §4.2 members.value is caseExact false. Lets a
   * member PATCH cost the size of the change; without it the provider takes the generic path.
   */
  membersByFoldedValue?(groupId: string, folded: readonly string[]): Promise<Map<string, StoredMember[]>>;
  /** Removes it; false when there was none. */
  delete(kind: ResourceKind, id: string): Promise<boolean>;
  snapshot(): Promise<StoreSnapshot>;
  /** Replaces the whole content with a snapshot (used at start-up with --state). */
  load(snapshot: StoreSnapshot): Promise<void>;
}

const INDEXED: Record<ResourceKind, IndexedAttr[]> = {
  User: ['userName', 'externalId'],
  Group: ['displayName', 'externalId'],
};

/** One case-folding for index keys: a superset of what caseExact=false comparison treats as equal. */
export function foldKey(value: string): string {
  return value.toLowerCase();
}

/** The members of a stored group that carry a string id (the only ones that index). */
function storedMembers(group: ScimResource): StoredMember[] {
  const members = group.members;
  if (!Array.isArray(members)) return [];
  return members.filter((m): m is StoredMember => !!m && typeof m === 'object' && typeof (m as { value?: unknown }).value === 'string');
}

const NO_IDS: ReadonlyMap<string, ScimResource & { id: string }> = new Map();

/** The default store: Maps in memory, indexes kept in step on every write. */
export class MemoryStore implements ResourceStore {
  private readonly data: Record<ResourceKind, Map<string, ScimResource & { id: string }>> = {
    User: new Map(),
    Group: new Map(),
  };
  /**
   * kind -> attr -> folded value -> id -> the stored record. The record rides along (kept current: every write that
   * stores a new object re-indexes it) so the fast lane's `eq` reaches it without a second look-up by id.
   */
  private readonly indexes: Record<ResourceKind, Map<IndexedAttr, Map<string, Map<string, ScimResource & { id: string }>>>> = {
    User: new Map(INDEXED.User.map((a) => [a, new Map()])),
    Group: new Map(INDEXED.Group.map((a) => [a, new Map()])),
  };
  /** member id (user or group) -> ids of groups listing it */
  private readonly memberOf = new Map<string, Set<string>>();
  /** group id -> case-folded member value -> its stored member objects (usually one) */
  private readonly membersOf = new Map<string, Map<string, StoredMember[]>>();

  async get(kind: ResourceKind, id: string): Promise<ScimResource | undefined> {
    return this.data[kind].get(id);
  }

  /** `get` without the promise, for the provider's synchronous fast lane (fast-lane.ts); not part of ResourceStore. */
  getNow(kind: ResourceKind, id: string): (ScimResource & { id: string }) | undefined {
    return this.data[kind].get(id);
  }

  async getMany(kind: ResourceKind, ids: readonly string[]): Promise<(ScimResource | undefined)[]> {
    const map = this.data[kind];
    return ids.map((id) => map.get(id));
  }

  async list(kind: ResourceKind): Promise<ScimResource[]> {
    return [...this.data[kind].values()];
  }

  async count(kind: ResourceKind): Promise<number> {
    return this.data[kind].size;
  }

  async lookup(kind: ResourceKind, attr: IndexedAttr, value: string): Promise<string[] | undefined> {
    const found = this.lookupNow(kind, attr, value);
    return found && [...found.keys()];
  }

  /**
   * `lookup` without the promise or the copy (fast-lane.ts): the same ids in the same order, each with its stored
   * record, as the index's own map, to be read at once and never kept (the next write changes it).
   */
  lookupNow(kind: ResourceKind, attr: IndexedAttr, value: string): ReadonlyMap<string, ScimResource & { id: string }> | undefined {
    const index = this.indexes[kind].get(attr);
    if (!index) return undefined;
    return index.get(foldKey(value)) ?? NO_IDS;
  }

  async groupsOf(memberId: string): Promise<string[]> {
    return [...(this.memberOf.get(memberId) ?? [])];
  }

  async create(kind: ResourceKind, resource: ScimResource & { id: string }): Promise<void> {
    this.put(kind, resource);
  }

  async replace(kind: ResourceKind, resource: ScimResource & { id: string }, change?: MemberChange): Promise<void> {
    const old = this.data[kind].get(resource.id);
    if (kind !== 'Group' || !change || !old) return this.put(kind, resource);
    // Only the members named in the change are re-indexed: a 10k-member group is not walked for one add.
    this.indexAttrs(kind, old, false);
    this.data[kind].set(resource.id, resource);
    this.indexAttrs(kind, resource, true);
    for (const m of change.removed) this.indexMember(resource.id, m, false);
    for (const m of change.added) this.indexMember(resource.id, m, true);
  }

  async membersByFoldedValue(groupId: string, folded: readonly string[]): Promise<Map<string, StoredMember[]>> {
    const index = this.membersOf.get(groupId);
    return new Map(folded.map((f) => [f, [...(index?.get(f) ?? [])]]));
  }

  async delete(kind: ResourceKind, id: string): Promise<boolean> {
    const old = this.data[kind].get(id);
    if (!old) return false;
    this.unindex(kind, old);
    this.data[kind].delete(id);
    return true;
  }

  async snapshot(): Promise<StoreSnapshot> {
    return {
      format: 'scimcheck-store',
      version: 1,
      users: [...this.data.User.values()],
      groups: [...this.data.Group.values()],
    };
  }

  async load(snapshot: StoreSnapshot): Promise<void> {
    for (const kind of ['User', 'Group'] as const) {
      this.data[kind].clear();
      for (const index of this.indexes[kind].values()) index.clear();
    }
    this.memberOf.clear();
    this.membersOf.clear();
    for (const u of snapshot.users) if (typeof u.id === 'string') this.put('User', u as ScimResource & { id: string });
    for (const g of snapshot.groups) if (typeof g.id === 'string') this.put('Group', g as ScimResource & { id: string });
  }

  private put(kind: ResourceKind, resource: ScimResource & { id: string }): void {
    const old = this.data[kind].get(resource.id);
    if (old) this.unindex(kind, old);
    this.data[kind].set(resource.id, resource);
    this.index(kind, resource);
  }

  private index(kind: ResourceKind, r: ScimResource & { id: string }): void {
    this.indexAttrs(kind, r, true);
    if (kind === 'Group') for (const m of storedMembers(r)) this.indexMember(r.id, m, true);
  }

  private unindex(kind: ResourceKind, r: ScimResource & { id: string }): void {
    this.indexAttrs(kind, r, false);
    if (kind === 'Group') {
      for (const m of storedMembers(r)) this.indexMember(r.id, m, false);
      this.membersOf.delete(r.id);
    }
  }

  /** The case-folded attribute indexes (userName, externalId, displayName). */
  private indexAttrs(kind: ResourceKind, r: ScimResource & { id: string }, add: boolean): void {
    for (const [attr, index] of this.indexes[kind]) {
      const v = r[attr];
      if (typeof v !== 'string') continue;
      const key = foldKey(v);
      let ids = index.get(key);
      if (add) {
        if (!ids) index.set(key, (ids = new Map()));
        ids.set(r.id, r);
      } else if (ids) {
        ids.delete(r.id);
        if (ids.size === 0) index.delete(key);
      }
    }
  }

  /** One membership in both directions: member -> groups (User.groups) and group -> folded value -> members. */
  private indexMember(groupId: string, m: StoredMember, add: boolean): void {
    const key = foldKey(m.value);
    let groups = this.memberOf.get(m.value);
    let byValue = this.membersOf.get(groupId);
    if (add) {
      if (!groups) this.memberOf.set(m.value, (groups = new Set()));
      groups.add(groupId);
      if (!byValue) this.membersOf.set(groupId, (byValue = new Map()));
      const same = byValue.get(key);
      if (same) same.push(m);
      else byValue.set(key, [m]);
      return;
    }
    const left = (byValue?.get(key) ?? []).filter((x) => x !== m);
    if (left.length > 0) byValue!.set(key, left);
    else byValue?.delete(key);
    // The group still lists the member if another entry has the same id (only in hand-made data).
    if (groups && !left.some((x) => x.value === m.value)) {
      groups.delete(groupId);
      if (groups.size === 0) this.memberOf.delete(m.value);
    }
  }
}
