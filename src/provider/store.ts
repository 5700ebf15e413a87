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
  /** Replaces the stored resource with the same id. */
  replace(kind: ResourceKind, resource: ScimResource & { id: string }): Promise<void>;
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

function memberIds(group: ScimResource): string[] {
  const members = group.members;
  if (!Array.isArray(members)) return [];
  const ids: string[] = [];
  for (const m of members) {
    if (m && typeof m === 'object' && typeof (m as { value?: unknown }).value === 'string') {
      ids.push((m as { value: string }).value);
    }
  }
  return ids;
}

/** The default store: Maps in memory, indexes kept in step on every write. */
export class MemoryStore implements ResourceStore {
  private readonly data: Record<ResourceKind, Map<string, ScimResource & { id: string }>> = {
    User: new Map(),
    Group: new Map(),
  };
  /** kind -> attr -> folded value -> ids */
  private readonly indexes: Record<ResourceKind, Map<IndexedAttr, Map<string, Set<string>>>> = {
    User: new Map(INDEXED.User.map((a) => [a, new Map()])),
    Group: new Map(INDEXED.Group.map((a) => [a, new Map()])),
  };
  /** member id (user or group) -> ids of groups listing it */
  private readonly memberOf = new Map<string, Set<string>>();

  async get(kind: ResourceKind, id: string): Promise<ScimResource | undefined> {
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
    const index = this.indexes[kind].get(attr);
    if (!index) return undefined;
    return [...(index.get(foldKey(value)) ?? [])];
  }

  async groupsOf(memberId: string): Promise<string[]> {
    return [...(this.memberOf.get(memberId) ?? [])];
  }

  async create(kind: ResourceKind, resource: ScimResource & { id: string }): Promise<void> {
    this.put(kind, resource);
  }

  async replace(kind: ResourceKind, resource: ScimResource & { id: string }): Promise<void> {
    this.put(kind, resource);
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
    for (const [attr, index] of this.indexes[kind]) {
      const v = r[attr];
      if (typeof v !== 'string') continue;
      const key = foldKey(v);
      let ids = index.get(key);
      if (!ids) index.set(key, (ids = new Set()));
      ids.add(r.id);
    }
    if (kind === 'Group') {
      for (const m of memberIds(r)) {
        let groups = this.memberOf.get(m);
        if (!groups) this.memberOf.set(m, (groups = new Set()));
        groups.add(r.id);
      }
    }
  }

  private unindex(kind: ResourceKind, r: ScimResource & { id: string }): void {
    for (const [attr, index] of this.indexes[kind]) {
      const v = r[attr];
      if (typeof v !== 'string') continue;
      const key = foldKey(v);
      const ids = index.get(key);
      if (!ids) continue;
      ids.delete(r.id);
      if (ids.size === 0) index.delete(key);
    }
    if (kind === 'Group') {
      for (const m of memberIds(r)) {
        const groups = this.memberOf.get(m);
        if (!groups) continue;
        groups.delete(r.id);
        if (groups.size === 0) this.memberOf.delete(m);
      }
    }
  }
}
