/**
 * The resource logic of the reference provider: create, read, replace, patch and delete Users and Groups
 * (RFC 7644 §3.3-§3.6), with uniqueness, membership, versions and preconditions. HTTP-free: the router
 * and /Bulk both call it. Every write runs under the provider's write lock, so the state a request
 * validated against is the state it changes.
 */
import { randomBytes } from 'node:crypto';
import { ScimError, scimError } from '../scim/errors.ts';
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type ScimResource } from '../scim/types.ts';
import { applyPatch, normalizeResource, readOnlyAttributesPresent } from './core.ts';
import { clientMeta, crashOnUntypedDuplicates, isMemberRemoval, laterThan, refuseNonCanonicalTypes, withGeneratedUserName, withStoredValuesAppended, type FaultSet } from './faults.ts';
import { patchMembers } from './member-patch.ts';
import type { Mutex } from './mutex.ts';
import { uuidIds, type IdIssuer } from './id-issuer.ts';
import { hashPassword, type ScryptCost } from './password.ts';
import type { ResourceKind, ResourceStore, StoredMember } from './store.ts';

export type Stored = ScimResource & { id: string };

export interface ServiceContext {
  registry: SchemaRegistry;
  store: ResourceStore;
  faults: FaultSet;
  lock: Mutex;
  uniqueGroupDisplayName: boolean;
  /** scrypt parameters for new password hashes (options.passwordHashCost). */
  passwordCost?: ScryptCost;
  /** Called after every committed change, before the response is sent (the --state snapshot). */
  afterWrite(): Promise<void>;
  /** Policy `deprovision: disable` (docs/policy.md): DELETE of a User deactivates it instead of removing it. */
  deprovision?: 'disable' | 'delete';
  /** Runs under the write lock right after a User is stored (policy defaultGroups). */
  afterUserCreate?(id: string): Promise<void>;
  /** How new ids are issued (id-issuer.ts): random UUIDs, or the integer-ids variant's sequence. */
  newId?: IdIssuer;
  /** The weak-etags variant: versions are weak W/"..." tags, compared weakly by If-Match. */
  weakEtags?: boolean;
}

/** Preconditions a write request carries (RFC 7644 §3.14). */
export interface WritePreconditions {
  ifMatch?: string | null;
}

export interface WriteResult {
  resource: Stored;
  /** The plain password of this request, when the password-echoed fault wants to echo it. */
  echoedPassword?: string;
}

/**
 * RFC 7644 §3.14 / RFC 7232 §2.3: a fresh random entity tag for every change. Strong by default (a new tag for
 * every change of the representation); weak `W/"..."` under the weak-etags variant (RFC 7643 §3.1 meta.version).
 */
export function newVersion(weak = false): string {
  const opaque = `"${randomBytes(8).toString('hex')}"`;
  return weak ? `W/${opaque}` : opaque;
}

/** RFC 7232 §3.1 via RFC 7644 §3.14: `*` or a list of tags; SCIM versions are weak, so compare the opaque part. */
export function etagMatches(header: string, version: string | undefined): boolean {
  if (version === undefined) return false;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return trimmed.split(',').some((t) => opaque(t) === opaque(version));
}

/**
 * RFC 7232 §3.1: If-Match uses the strong comparison, so a strong version matches only the same strong tag.
 * A weak version (weak-etags variant, or data from before strong tags) is compared weakly, as RFC 7644 §3.14's
 * own example sends `If-Match: W/"..."`: refusing it would make If-Match useless on such a resource.
 */
export function ifMatchAccepts(header: string, version: string | undefined): boolean {
  if (version === undefined) return false;
  if (version.trim().startsWith('W/')) return etagMatches(header, version);
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  return trimmed.split(',').some((t) => t.trim() === version.trim());
}

const KIND_SCHEMA: Record<ResourceKind, string> = { User: SCHEMA_URN.user, Group: SCHEMA_URN.group };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys of a body naming `attr`, with or without the core schema URN prefix (RFC 7644 §3.10), any case. */
function hasCoreAttr(body: Record<string, unknown>, kind: ResourceKind, attr: string): boolean {
  const prefix = `${KIND_SCHEMA[kind]}:`.toLowerCase();
  return Object.keys(body).some((k) => {
    const key = k.toLowerCase();
    return key === attr.toLowerCase() || key === prefix + attr.toLowerCase();
  });
}

export class ResourceService {
  constructor(private readonly ctx: ServiceContext) {}

  private get store(): ResourceStore {
    return this.ctx.store;
  }

  private has(fault: Parameters<FaultSet['has']>[0]): boolean {
    return this.ctx.faults.has(fault);
  }

  /** The version of a changed resource, in this provider's tag form. */
  private nextVersion(): string {
    return newVersion(this.ctx.weakEtags);
  }

  async get(kind: ResourceKind, id: string): Promise<Stored> {
    const r = await this.store.get(kind, id);
    // RFC 7644 §3.4.1: an unknown id is 404.
    if (!r) throw scimError.notFound(`${kind} '${id}' not found`);
    return r as Stored;
  }

  /** RFC 7644 §3.14: If-Match that does not match the current version is 412 and nothing changes. */
  private checkIfMatch(current: Stored, pre: WritePreconditions): void {
    if (pre.ifMatch == null || this.has('if-match-ignored')) return;
    // Fault if-match-unquoted: the header is compared with the bare version, which no quoted entity-tag equals.
    const accepted = this.has('if-match-unquoted') ? pre.ifMatch.trim() === current.meta?.version?.replace(/^W\//, '').replace(/"/g, '') : ifMatchAccepts(pre.ifMatch, current.meta?.version);
    if (!accepted) {
      throw scimError.preconditionFailed(`If-Match ${pre.ifMatch} does not match the current version ${current.meta?.version}`);
    }
  }

  /** RFC 7644 §3.3: a duplicate of a unique attribute is 409 with scimType uniqueness. */
  private conflict(detail: string): ScimError {
    return this.has('conflict-as-500') ? new ScimError(500, 'Internal Server Error') : scimError.uniqueness(detail);
  }

  private async assertUnique(kind: ResourceKind, r: ScimResource, selfId?: string): Promise<void> {
    if (kind === 'User' && typeof r.userName === 'string') {
      // RFC 7643 §4.1.1: userName is unique server-wide and caseExact false, so "Bjensen" = "bjensen".
      const caseSensitive = this.has('username-case-sensitive');
      for (const id of (await this.store.lookup('User', 'userName', r.userName)) ?? []) {
        const other = await this.store.get('User', id);
        // Fault own-name-recase-conflict: the self-exclusion compares names exactly, so a recased own name clashes.
        if (id === selfId && !(this.has('own-name-recase-conflict') && other?.userName !== r.userName)) continue;
        if (!other) continue;
        if (caseSensitive && other.userName !== r.userName) continue;
        throw this.conflict(`userName '${r.userName}' is already taken`);
      }
    }
    if (kind === 'Group' && this.ctx.uniqueGroupDisplayName && typeof r.displayName === 'string') {
      // RFC 7643 §4.2 says uniqueness "none"; we refuse duplicates (documented choice, see docs/provider.md).
      for (const id of (await this.store.lookup('Group', 'displayName', r.displayName)) ?? []) {
        if (id !== selfId) throw this.conflict(`Group displayName '${r.displayName}' is already taken`);
      }
    }
  }

  /**
   * RFC 7643 §4.2: members reference Users or Groups by id. Unknown ids are 400 invalidValue; only entries
   * not already members are looked up, so adding one member to a large group stays cheap.
   */
  private async normalizeMembers(members: unknown, groupId: string, previous: ScimResource | undefined): Promise<{ value: string; type: ResourceKind }[] | undefined> {
    if (members === undefined || members === null) return undefined;
    if (!Array.isArray(members)) throw scimError.invalidValue('members must be an array');
    const known = new Map<string, ResourceKind>();
    if (previous && Array.isArray(previous.members)) {
      for (const m of previous.members as { value: string; type: ResourceKind }[]) known.set(m.value, m.type);
    }
    const out: { value: string; type: ResourceKind }[] = [];
    const seen = new Set<string>();
    for (const m of members) {
      if (!isObject(m) || typeof m.value !== 'string' || m.value === '') {
        throw scimError.invalidValue('each member needs a string "value" (the member\'s id)');
      }
      const value = m.value;
      if (seen.has(value)) continue; // the same member twice is one membership
      seen.add(value);
      if (value === groupId) throw scimError.invalidValue('a group cannot be a member of itself');
      const declared = typeof m.type === 'string' ? m.type.toLowerCase() : undefined;
      if (declared !== undefined && declared !== 'user' && declared !== 'group') {
        throw scimError.invalidValue(`member type '${String(m.type)}' is neither User nor Group`);
      }
      const knownType = known.get(value);
      if (knownType && (declared === undefined || declared === knownType.toLowerCase())) {
        out.push({ value, type: knownType });
        continue;
      }
      let type: ResourceKind | undefined;
      if (declared !== 'group' && (await this.store.get('User', value))) type = 'User';
      else if (declared !== 'user' && (await this.store.get('Group', value))) type = 'Group';
      if (!type) throw scimError.invalidValue(`member '${value}' is not an existing ${declared === 'group' ? 'Group' : declared === 'user' ? 'User' : 'User or Group'}`);
      out.push({ value, type });
    }
    return out;
  }

  /** The stored shape: validated attributes, hashed password, members as {value,type}, our meta. */
  private async finish(
    kind: ResourceKind,
    normalized: ScimResource,
    id: string,
    meta: { created: string; version: string },
    previous: Stored | undefined,
  ): Promise<Stored> {
    const r: Record<string, unknown> = { ...normalized };
    delete r.meta;
    delete r.groups; // RFC 7643 §4.1.2: derived from Group.members, never stored on the user
    r.id = id;
    r.schemas = Array.isArray(normalized.schemas) && normalized.schemas.length > 0 ? normalized.schemas : [KIND_SCHEMA[kind]];
    // A password that differs from the stored hash was sent by the client in clear: hash it before storing.
    if (kind === 'User' && typeof r.password === 'string' && r.password !== previous?.password) {
      r.password = await hashPassword(r.password, this.ctx.passwordCost);
    }
    if (kind === 'Group') {
      const members = await this.normalizeMembers(r.members, id, previous);
      if (members && members.length > 0) r.members = members;
      else delete r.members;
    }
    // RFC 7643 §3.1: meta is maintained by the service provider only; a new resource was last modified when created.
    // Fault last-modified-frozen: a change keeps the creation time as lastModified.
    const now = previous && !this.has('last-modified-frozen') ? new Date().toISOString() : (previous?.meta?.lastModified ?? meta.created);
    r.meta = { resourceType: kind, created: meta.created, lastModified: now, version: meta.version };
    return r as Stored;
  }

  /** Rejects writes to User.groups (RFC 7643 §4.1.2: readOnly, changed only through Group.members). */
  private async assertGroupsUnchanged(kind: ResourceKind, body: Record<string, unknown>, current: Stored | undefined): Promise<void> {
    if (kind !== 'User' || this.has('groups-writable')) return;
    // null, [] and {} are no value (RFC 7643 §2.5): Okta's `"groups": []` in a PUT is not a write (docs/leniencies.md).
    if (!readOnlyAttributesPresent(body, { registry: this.ctx.registry, resourceType: kind }).includes('groups')) return;
    const key = Object.keys(body).find((k) => hasCoreAttr({ [k]: true }, kind, 'groups'))!;
    const sent = body[key];
    const sentIds = (Array.isArray(sent) ? sent : [sent]).map((g) => (isObject(g) ? g.value : undefined));
    const actual = current ? await this.store.groupsOf(current.id) : [];
    // A client that GETs then PUTs the same resource echoes groups unchanged: that is not a change, so it passes.
    const same = sentIds.length === actual.length && sentIds.every((v) => typeof v === 'string' && actual.includes(v));
    if (!same) throw scimError.mutability('groups is readOnly: change memberships through the Group\'s members (RFC 7643 §4.1.2)');
  }

  /** The faults that misjudge a validated body (faults.ts): a strict provider accepts what reaches here. */
  private faultyInput(kind: ResourceKind, r: ScimResource): void {
    if (!this.has('non-canonical-type-refused') && !this.has('untyped-duplicates-500')) return;
    const schemas = this.ctx.registry.schemasOf(kind);
    if (this.has('non-canonical-type-refused')) refuseNonCanonicalTypes(r, schemas);
    if (this.has('untyped-duplicates-500')) crashOnUntypedDuplicates(r, schemas);
  }

  /** RFC 7643 §3.1: ids are unique across every resource of the provider, Users and Groups alike. */
  private async idTaken(id: string): Promise<boolean> {
    return (await this.store.get('User', id)) !== undefined || (await this.store.get('Group', id)) !== undefined;
  }

  /** RFC 7644 §3.3: POST creates; the provider assigns id and meta, whatever the body says. */
  async create(kind: ResourceKind, body: Record<string, unknown>): Promise<WriteResult> {
    return this.write(async () => {
      await this.assertGroupsUnchanged(kind, body, undefined);
      // Fault: userName treated as optional, a made-up one stored (RFC 7643 §4.1.1 makes it REQUIRED and non-empty).
      const input = kind === 'User' && this.has('username-not-required') ? withGeneratedUserName(body) : body;
      let normalized: ScimResource;
      try {
        normalized = normalizeResource(input, { registry: this.ctx.registry, resourceType: kind, mode: 'create' });
      } catch (err) {
        // Fault rejected-create-stored: the insert came first, so a User refused for a missing userName stays stored.
        if (kind === 'User' && this.has('rejected-create-stored')) await this.storeRejected(body);
        // Fault password-in-error-detail: the refusal quotes the body it refused, password and all.
        if (this.has('password-in-error-detail') && err instanceof ScimError) throw new ScimError(err.status, `${err.detail} in ${JSON.stringify(body)}`, err.scimType);
        throw err;
      }
      this.faultyInput(kind, normalized);
      // RFC 7643 §3.1: "id" is issued by the service provider and not specified by the client.
      const clientId = typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
      const id = this.has('id-from-body') && clientId && !(await this.store.get(kind, clientId)) ? clientId : await (this.ctx.newId ?? uuidIds)((candidate) => this.idTaken(candidate));
      const created = new Date().toISOString();
      const stored = await this.finish(kind, normalized, id, { created, version: this.nextVersion() }, undefined);
      // Fault: the client's meta is stored over the server's (RFC 7643 §3.1: it "SHALL be ignored when provided by clients").
      if (this.has('meta-from-body')) stored.meta = { ...stored.meta, ...clientMeta(body) };
      // Fault: the server puts its own id in externalId (RFC 7643 §3.1: only the client issues it).
      if (this.has('external-id-assigned')) stored.externalId = id;
      await this.assertUnique(kind, stored);
      await this.store.create(kind, stored);
      if (kind === 'User') await this.ctx.afterUserCreate?.(id);
      return { resource: stored, echoedPassword: typeof body.password === 'string' ? body.password : undefined };
    });
  }

  /** What the `rejected-create-stored` fault leaves behind of a refused User: the body, under a made-up userName. */
  private async storeRejected(body: Record<string, unknown>): Promise<void> {
    let normalized: ScimResource;
    try {
      normalized = normalizeResource(withGeneratedUserName(body), { registry: this.ctx.registry, resourceType: 'User', mode: 'create' });
    } catch {
      return; // refused for more than the userName: nothing that could have been inserted
    }
    const id = await (this.ctx.newId ?? uuidIds)((candidate) => this.idTaken(candidate));
    await this.store.create('User', await this.finish('User', normalized, id, { created: new Date().toISOString(), version: this.nextVersion() }, undefined));
  }

  /** RFC 7644 §3.5.1: PUT replaces every writable attribute; absent ones are cleared. */
  async replace(kind: ResourceKind, id: string, body: Record<string, unknown>, pre: WritePreconditions): Promise<WriteResult> {
    return this.write(async () => {
      const current = await this.get(kind, id);
      this.checkIfMatch(current, pre);
      await this.assertGroupsUnchanged(kind, body, current);
      let input: Record<string, unknown> = body;
      if (this.has('put-merges')) input = { ...current, ...body };
      if (this.has('put-appends-multivalued')) input = withStoredValuesAppended(input, current);
      const normalized = normalizeResource(input, { registry: this.ctx.registry, resourceType: kind, mode: 'replace', existing: current });
      this.faultyInput(kind, normalized);
      const merged: ScimResource = { ...normalized };
      // Fault: a server that (de)activates only through PATCH keeps active through a PUT (what breaks Okta AIW apps).
      if (kind === 'User' && this.has('put-ignores-active')) {
        if (current.active === undefined) delete merged.active;
        else merged.active = current.active;
      }
      // Leniency: password is writeOnly, so a client cannot read it back to echo it; omitting it keeps it.
      if (kind === 'User' && merged.password === undefined && current.password !== undefined) merged.password = current.password;
      const version = this.has('version-unchanged') ? current.meta!.version! : this.nextVersion();
      // Fault created-reset-on-put: the record is stored anew, stamped later than its creation.
      const created = this.has('created-reset-on-put') ? laterThan(current.meta!.created!) : current.meta!.created!;
      const stored = await this.finish(kind, merged, id, { created, version }, current);
      await this.assertUnique(kind, stored, id);
      await this.store.replace(kind, stored);
      return { resource: stored, echoedPassword: typeof body.password === 'string' ? body.password : undefined };
    });
  }

  /** RFC 7644 §3.5.2: PATCH applies every operation or none. */
  async patch(kind: ResourceKind, id: string, body: Record<string, unknown>, pre: WritePreconditions): Promise<WriteResult> {
    return this.write(async () => {
      const current = await this.get(kind, id);
      this.checkIfMatch(current, pre);
      if (this.has('patch-ignored')) return { resource: current };
      const ops = Array.isArray(body.Operations) ? (body.Operations as unknown[]) : undefined;
      // Only where the schema declares groups (minimal-schema does not): else the path is unknown, invalidPath.
      if (kind === 'User' && ops && !this.has('groups-writable') && this.ctx.registry.resolve('User', { attr: 'groups' })) {
        for (const op of ops) if (isObject(op) && targetsGroups(op)) {
          throw scimError.mutability('groups is readOnly: change memberships through the Group\'s members (RFC 7643 §4.1.2)');
        }
      }
      let effective = body;
      if (kind === 'User' && ops && this.has('groups-writable')) {
        // Fault: writes to groups are accepted (and silently dropped) instead of refused.
        const kept = ops.filter((op) => !(isObject(op) && targetsGroups(op)));
        if (kept.length === 0) return { resource: current };
        effective = { ...body, Operations: kept };
      }
      if (kind === 'Group' && ops && this.has('member-removal-ignored')) {
        // Fault: removals of members are dropped; a request of nothing but removals is "accepted", 200 unchanged.
        const kept = ops.filter((op) => !isMemberRemoval(op));
        if (kept.length === 0) return { resource: current };
        effective = { ...body, Operations: kept };
      }
      if (kind === 'Group' && !this.has('patch-not-atomic')) {
        // RFC 7644 §3.5.2: IdP membership changes as a delta, same result as below but cost of the change (member-patch.ts).
        const version = this.has('version-unchanged') ? current.meta!.version! : this.nextVersion();
        const delta = await patchMembers(current, effective, { registry: this.ctx.registry, store: this.store, version });
        if (delta) {
          await this.store.replace(kind, delta.resource, delta.change);
          return { resource: delta.resource };
        }
      }
      const base: ScimResource = { ...current };
      const ctx = { registry: this.ctx.registry, resourceType: kind };
      let patched: ScimResource;
      if (this.has('patch-not-atomic') && ops) {
        // Fault: each operation is applied, checked for uniqueness and kept on its own, so a failure (invalid
        // operation or a taken userName) leaves the earlier ones in place.
        patched = base;
        for (const op of effective.Operations as unknown[]) {
          try {
            const next = applyPatch(patched, { ...effective, Operations: [op] }, ctx);
            await this.assertUnique(kind, next, id);
            patched = next;
          } catch (err) {
            const partial = await this.finish(kind, patched, id, { created: current.meta!.created!, version: this.nextVersion() }, current);
            await this.store.replace(kind, partial);
            throw err;
          }
        }
      } else {
        patched = applyPatch(base, effective, ctx);
      }
      // applyPatch already validated the result like a PUT body (RFC 7644 §3.5.2: types, required, immutables).
      const checked = patched;
      this.faultyInput(kind, checked);
      const version = this.has('version-unchanged') ? current.meta!.version! : this.nextVersion();
      const stored = await this.finish(kind, checked, id, { created: current.meta!.created!, version }, current);
      await this.assertUnique(kind, stored, id);
      await this.store.replace(kind, stored);
      const sentPassword = ops?.map((op) => (isObject(op) ? passwordIn(op) : undefined)).find((p) => p !== undefined);
      return { resource: stored, echoedPassword: sentPassword };
    });
  }

  /** RFC 7644 §3.6: DELETE removes the resource; later requests for it are 404. */
  async delete(kind: ResourceKind, id: string, pre: WritePreconditions): Promise<void> {
    await this.write(async () => {
      // Fault: the lookup's "not found" is not handled, so an unknown id crashes the handler.
      if (this.has('delete-unknown-500') && !(await this.store.get(kind, id))) throw new ScimError(500, 'Internal server error');
      const current = await this.get(kind, id);
      this.checkIfMatch(current, pre);
      if (this.has('delete-not-deleting')) return;
      if (kind === 'User' && this.ctx.deprovision === 'disable') {
        // Policy `disable` (docs/policy.md) knowingly departs from RFC 7644 §3.6 (404 after DELETE), as Files.com
        // does: the record stays for audit with RFC 7643 §4.1.1 active=false, its memberships and a new version.
        if (current.active === false) return;
        await this.store.replace(kind, { ...current, active: false, meta: { ...current.meta, lastModified: new Date().toISOString(), version: this.nextVersion() } });
        return;
      }
      await this.store.delete(kind, id);
      if (this.has('deleted-user-stays-member')) return;
      // RFC 7643 §4.2: members reference existing resources, so a deleted one leaves every group it was in.
      for (const gid of await this.store.groupsOf(id)) {
        const g = await this.store.get('Group', gid);
        if (!g || !Array.isArray(g.members)) continue;
        const members = (g.members as StoredMember[]).filter((m) => m.value !== id);
        const next: Stored = { ...(g as Stored), meta: { ...g.meta, lastModified: new Date().toISOString(), version: this.nextVersion() } };
        if (members.length > 0) next.members = members;
        else delete next.members;
        // Only the departed member is re-indexed, however large the group.
        await this.store.replace('Group', next, { removed: (g.members as StoredMember[]).filter((m) => m.value === id), added: [] });
      }
    });
  }

  /** Runs one change under the write lock, then persists it before the caller answers. */
  private async write<T>(fn: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await this.ctx.lock.run(fn);
    } catch (err) {
      // Only the patch-not-atomic fault commits anything before failing.
      if (this.has('patch-not-atomic')) await this.ctx.afterWrite();
      throw err;
    }
    await this.ctx.afterWrite();
    return result;
  }
}

/** Whether a PATCH operation touches User.groups: by path, or by a path-less value naming it. */
function targetsGroups(op: Record<string, unknown>): boolean {
  const path = typeof op.path === 'string' ? op.path.trim().toLowerCase() : undefined;
  const groupsPath = (p: string) => p === 'groups' || p.startsWith('groups.') || p.startsWith('groups[') || p.startsWith(`${SCHEMA_URN.user.toLowerCase()}:groups`);
  if (path !== undefined) return groupsPath(path);
  return isObject(op.value) && Object.keys(op.value).some((k) => groupsPath(k.toLowerCase()));
}

function passwordIn(op: Record<string, unknown>): string | undefined {
  if (typeof op.path === 'string' && op.path.toLowerCase().endsWith('password') && typeof op.value === 'string') return op.value;
  if (isObject(op.value) && typeof op.value.password === 'string') return op.value.password;
  return undefined;
}
