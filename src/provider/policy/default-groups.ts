/**
 * Policy `defaultGroups`: a new user joins these groups at create time. Only groups that already exist
 * are joined; none is created, because an IdP pushing a group of that name later would then get 409.
 */
import { newVersion, type Stored } from '../resources.ts';
import type { ResourceStore } from '../store.ts';

/**
 * Adds `userId` to every existing group whose displayName equals one of `names` (ignoring case). Runs under the
 * write lock. `version` makes the changed group's new version in the provider's tag form (weak-etags variant).
 */
export async function joinDefaultGroups(store: ResourceStore, userId: string, names: readonly string[], version: () => string = newVersion): Promise<void> {
  const done = new Set<string>();
  for (const name of names) {
    const wanted = name.trim().toLowerCase();
    // A store without a displayName index is scanned instead.
    const ids = (await store.lookup('Group', 'displayName', name.trim())) ?? (await store.list('Group')).map((g) => g.id as string);
    for (const gid of ids) {
      if (done.has(gid)) continue;
      const g = (await store.get('Group', gid)) as Stored | undefined;
      // lookup is a case-folded superset: the name itself still decides.
      if (!g || typeof g.displayName !== 'string' || g.displayName.trim().toLowerCase() !== wanted) continue;
      done.add(gid);
      const members = Array.isArray(g.members) ? (g.members as { value: string; type: string }[]) : [];
      if (members.some((m) => m.value === userId)) continue;
      // RFC 7644 §3.14: a changed group gets a new version; RFC 7643 §4.2 members are stored as {value, type}.
      await store.replace('Group', {
        ...g,
        members: [...members, { value: userId, type: 'User' }],
        meta: { ...g.meta, lastModified: new Date().toISOString(), version: version() },
      });
    }
  }
}
