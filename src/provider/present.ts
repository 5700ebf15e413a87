/**
 * Turns a stored resource into what goes on the wire: derived attributes filled in, secrets removed,
 * `meta.location` made absolute for the request's origin.
 */
import type { ProjectionQuery } from '../scim/projection.ts';
import type { ResourceContext } from '../scim/resource-access.ts';
import { SCHEMA_URN, type ScimResource } from '../scim/types.ts';
import { projectResource } from './core.ts';
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
  /** Derived attributes the response will not carry (see derivedDropped): not computed at all. */
  omit?: ReadonlySet<'members' | 'groups'>;
  /** False when the User schema declares no `groups` (minimal-schema variant): it is then never computed. */
  userGroups?: boolean;
}

/**
 * The derived attributes (Group.members, User.groups) that `attributes` / `excludedAttributes` will drop
 * from the response (RFC 7644 §3.4.2.5), so a PATCH answered with `?attributes=id` does not render a
 * 10k-member list only to throw it away. Asked of the projection itself, on a value carrying every
 * sub-attribute: if even that is dropped, every real value is.
 */
export function derivedDropped(kind: ResourceKind, query: ProjectionQuery, ctx: ResourceContext): Set<'members' | 'groups'> {
  // User.groups is small, and read-time decisions (the provisioning policy) are computed from it: always there.
  if (kind !== 'Group') return new Set();
  const probe = { schemas: [SCHEMA_URN.group], members: [{ value: 'v', $ref: 'r', type: 'User', display: 'd' }] };
  return 'members' in projectResource(probe, query, ctx) ? new Set() : new Set(['members'] as const);
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
  // Fault schemas-core-only: a hard-coded schemas array that names the core schema alone (RFC 7643 §3).
  if (ctx.faults.has('schemas-core-only')) out.schemas = [kind === 'User' ? SCHEMA_URN.user : SCHEMA_URN.group];
  // Fault active-as-string: a store of text columns answers the boolean as text (RFC 7643 §2.3.2).
  if (ctx.faults.has('active-as-string') && typeof out.active === 'boolean') out.active = String(out.active);
  out.meta = { ...stored.meta, location: locationOf(ctx.baseUrl, kind, stored.id) };
  // Faults resource-type-lowercase and timestamps-as-epoch: meta as some servers write it (RFC 7643 §3.1, §6).
  if (ctx.faults.has('resource-type-lowercase')) out.meta.resourceType = kind.toLowerCase();
  if (ctx.faults.has('timestamps-as-epoch')) {
    const meta = out.meta as Record<string, unknown>;
    for (const k of ['created', 'lastModified']) if (typeof meta[k] === 'string') meta[k] = Date.parse(meta[k] as string);
  }
  if (ctx.omit?.has(kind === 'User' ? 'groups' : 'members')) {
    // Not asked for (RFC 7644 §3.4.2.5): the projection would drop them, so they are not computed.
    delete out.members;
    delete out.groups;
  } else if (kind === 'User' && ctx.userGroups === false) {
    // RFC 7643 §4.1: groups is optional; a schema without it gets no derived groups either.
    delete out.groups;
  } else if (kind === 'User') {
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
