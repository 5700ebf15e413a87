/**
 * Turns a stored resource into what goes on the wire: derived attributes filled in, secrets removed,
 * `meta.location` made absolute for the request's origin.
 */
import type { ScimResource } from '../scim/types.ts';
import type { FaultSet } from './faults.ts';
import type { ResourceKind, ResourceStore } from './store.ts';

export const ENDPOINT: Record<ResourceKind, string> = { User: '/Users', Group: '/Groups' };

export function locationOf(baseUrl: string, kind: ResourceKind, id: string): string {
  // RFC 7643 §3.1: meta.location is the URI of the resource; RFC 7644 §3.3 repeats it in Location.
  return `${baseUrl}${ENDPOINT[kind]}/${encodeURIComponent(id)}`;
}

export interface PresentContext {
  store: ResourceStore;
  faults: FaultSet;
  baseUrl: string;
}

/** The display name a member reference shows (RFC 7643 §4.2 members.display, §4.1.2 groups.display). */
function displayOf(kind: ResourceKind, r: ScimResource): string | undefined {
  const d = r.displayName;
  if (typeof d === 'string') return d;
  return kind === 'User' && typeof r.userName === 'string' ? r.userName : undefined;
}

export async function present(kind: ResourceKind, stored: ScimResource & { id: string }, ctx: PresentContext): Promise<ScimResource> {
  const out: ScimResource = { ...stored };
  // RFC 7643 §4.1.1: password is returned "never".
  if (!ctx.faults.has('password-echoed')) delete out.password;
  out.meta = { ...stored.meta, location: locationOf(ctx.baseUrl, kind, stored.id) };
  if (kind === 'User') {
    // RFC 7643 §4.1.2: groups is derived from Group.members and read-only; "direct" memberships only.
    const groupIds = await ctx.store.groupsOf(stored.id);
    const found = groupIds.length > 0 ? await ctx.store.getMany('Group', groupIds) : [];
    const groups: Record<string, unknown>[] = [];
    groupIds.forEach((gid, i) => {
      const g = found[i];
      if (!g) return;
      const entry: Record<string, unknown> = { value: gid, $ref: locationOf(ctx.baseUrl, 'Group', gid), type: 'direct' };
      const display = displayOf('Group', g);
      if (display !== undefined) entry.display = display;
      groups.push(entry);
    });
    if (groups.length > 0) out.groups = groups;
    else delete out.groups;
  } else if (Array.isArray(stored.members)) {
    // RFC 7643 §4.2: each member carries value, $ref, type and display; we keep value+type and derive the rest.
    const storedMembers = stored.members as { value: string; type?: ResourceKind }[];
    const typeOf = (m: { type?: ResourceKind }): ResourceKind => (m.type === 'Group' ? 'Group' : 'User');
    // Looked up in two batches (users, groups) rather than one await per member.
    const users = await ctx.store.getMany('User', storedMembers.filter((m) => typeOf(m) === 'User').map((m) => m.value));
    const groupsFound = await ctx.store.getMany('Group', storedMembers.filter((m) => typeOf(m) === 'Group').map((m) => m.value));
    let ui = 0;
    let gi = 0;
    const members: Record<string, unknown>[] = [];
    for (const m of storedMembers) {
      const type = typeOf(m);
      const target = type === 'User' ? users[ui++] : groupsFound[gi++];
      const entry: Record<string, unknown> = { value: m.value, $ref: locationOf(ctx.baseUrl, type, m.value), type };
      const display = target ? displayOf(type, target) : undefined;
      if (display !== undefined) entry.display = display;
      members.push(entry);
    }
    // RFC 7643 §2.5: an empty multi-valued attribute is unassigned, so it is left out.
    if (members.length > 0) out.members = members;
    else delete out.members;
  }
  return out;
}
