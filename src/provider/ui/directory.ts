/**
 * The users and groups the console lists, read straight from the store: a few display attributes and
 * the memberships both ways. Passwords never leave (RFC 7643 §4.1.1: password is returned "never").
 */
import type { ResourceStore } from '../store.ts';

export interface UserRow {
  id: string;
  userName: string;
  displayName?: string;
  name?: string;
  active?: boolean;
  emails: string[];
  externalId?: string;
  lastModified?: string;
  /** Groups with this user as a direct member (RFC 7643 §4.1.2: User.groups is derived from Group.members). */
  groups: { id: string; displayName: string }[];
}

export interface GroupRow {
  id: string;
  displayName: string;
  externalId?: string;
  lastModified?: string;
  members: { value: string; display?: string; type?: string }[];
}

export interface DirectoryView {
  users: UserRow[];
  groups: GroupRow[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export async function directoryView(store: ResourceStore): Promise<DirectoryView> {
  const [users, groups] = await Promise.all([store.list('User'), store.list('Group')]);
  return directoryOf(users, groups);
}

/** The view of users and groups as resources (the store's, or those `scimcheck proxy --ui` saw pass). */
export function directoryOf(users: readonly Record<string, unknown>[], groups: readonly Record<string, unknown>[]): DirectoryView {
  const groupRows: GroupRow[] = groups.map((g) => ({
    id: String(g.id),
    displayName: str(g.displayName) ?? '',
    externalId: str(g.externalId),
    lastModified: str((g.meta as Record<string, unknown> | undefined)?.lastModified),
    members: (Array.isArray(g.members) ? g.members : []).map((m: Record<string, unknown>) => ({ value: String(m.value), display: str(m.display), type: str(m.type) })),
  }));
  const memberOf = new Map<string, { id: string; displayName: string }[]>();
  for (const g of groupRows) {
    for (const m of g.members) {
      const list = memberOf.get(m.value) ?? [];
      list.push({ id: g.id, displayName: g.displayName });
      memberOf.set(m.value, list);
    }
  }
  const names = new Map<string, string>();
  const userRows: UserRow[] = users.map((u) => {
    const name = u.name as Record<string, unknown> | undefined;
    const row: UserRow = {
      id: String(u.id),
      userName: str(u.userName) ?? '',
      displayName: str(u.displayName),
      name: str(name?.formatted) ?? ([str(name?.givenName), str(name?.familyName)].filter(Boolean).join(' ') || undefined),
      active: typeof u.active === 'boolean' ? u.active : undefined,
      emails: (Array.isArray(u.emails) ? u.emails : []).map((e: Record<string, unknown>) => str(e.value)).filter((e): e is string => !!e),
      externalId: str(u.externalId),
      lastModified: str((u.meta as Record<string, unknown> | undefined)?.lastModified),
      groups: memberOf.get(String(u.id)) ?? [],
    };
    names.set(row.id, row.userName);
    return row;
  });
  // Members get the userName as display when the group did not store one.
  for (const g of groupRows) for (const m of g.members) m.display ??= names.get(m.value);
  const byName = (a: { userName?: string; displayName?: string }, b: { userName?: string; displayName?: string }) =>
    (a.userName ?? a.displayName ?? '').localeCompare(b.userName ?? b.displayName ?? '');
  return { users: userRows.sort(byName), groups: groupRows.sort((a, b) => a.displayName.localeCompare(b.displayName)) };
}
