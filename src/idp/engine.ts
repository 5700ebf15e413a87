/**
 * The sync engine: turns directory changes into the profile's SCIM requests and reacts to the target's
 * answers the way the profile's IdP does. It keeps the IdP's link table (directory key → target id).
 * Every piece of IdP-specific behaviour comes from the Profile; nothing here asks which IdP it is.
 */
import { randomUUID } from 'node:crypto';
import type { ScimResource } from '../scim/types.ts';
import type { DirGroup, DirUser } from './directory.ts';
import type { IdpHttp, IdpRequest, IdpResponse } from './http.ts';
import { buildUrl } from './http.ts';
import { chunk, type BuildContext, type MatchAttribute, type MemberRef, type Profile } from './profiles/types.ts';
import { readPath } from './scenario/read-path.ts';

export type Outcome =
  | 'ok'
  | 'created'
  | 'linked'
  | 'conflict'
  | 'not-found'
  | 'recreated'
  | 'updated'
  | 'deactivated'
  | 'reactivated'
  | 'deleted'
  | 'skipped'
  | 'failed';

export interface ActionResult {
  outcome: Outcome;
  /** Why, in one sentence, when the outcome is not plain success. */
  reason?: string;
  /** The request the target refused and its answer, when a target's answer made the action fail. */
  refused?: { req: IdpRequest; res: IdpResponse };
}

export interface EngineOptions {
  profile: Profile;
  http: IdpHttp;
  baseUrl: string;
  /** How the integration is set up to deprovision: 'delete' lets profiles that delete send DELETE. */
  deprovision: 'delete' | 'disable';
  matchingAttribute?: MatchAttribute;
}

/** Reads a SCIM error's detail for messages (RFC 7644 §3.12: status, scimType, detail). */
export function describe(req: IdpRequest, res: IdpResponse): string {
  const j = res.json ?? {};
  const bits = [j.scimType, j.detail].filter(Boolean).join(': ');
  return `${req.method} ${req.path} → ${res.status}${bits ? ` (${bits})` : ''}`;
}

const ok = (s: number) => s >= 200 && s < 300;

/** What an import read: the ids of each kind in the order the pages held them (duplicates kept). */
export interface Imported {
  Users: string[];
  Groups: string[];
  /** Pages that held fewer than `count` while totalResults said more remained. */
  shortPages: string[];
  requests: number;
}

/** An import stops after this many pages of one kind, so a target whose totalResults never ends cannot hold it. */
const MAX_IMPORT_PAGES = 1000;

/** The action failed on this answer of the target; `reason` defaults to the request and its status. */
function refused(req: IdpRequest, res: IdpResponse, reason = describe(req, res)): ActionResult {
  return { outcome: 'failed', reason, refused: { req, res } };
}

/**
 * The resources of a ListResponse, or undefined when the answer is not one. RFC 7644 §3.4.2: "Resources" is
 * REQUIRED only when totalResults is non-zero, so an empty list may leave it out; it is "a multi-valued list of
 * complex objects", so a list holding anything else (null, a number: issue 11 #16) is no ListResponse either.
 */
export function listResources(json: any): ScimResource[] | undefined {
  if (Array.isArray(json?.Resources)) return json.Resources.every((r: unknown) => r !== null && typeof r === 'object' && !Array.isArray(r)) ? json.Resources : undefined;
  return json && typeof json === 'object' && Number(json.totalResults) === 0 && json.Resources === undefined ? [] : undefined;
}

export class SyncEngine {
  readonly users = new Map<string, DirUser>();
  readonly groups = new Map<string, DirGroup>();
  /** Directory key → target id, as the IdP remembers it. */
  readonly userLinks = new Map<string, string>();
  readonly groupLinks = new Map<string, string>();
  /** Every target id a key was ever linked to, oldest first (renames keep it, re-creates add one). */
  readonly idHistory = new Map<string, string[]>();
  /** Users the IdP will retry at its next cycle (Entra's habit after errors). */
  readonly pending = new Set<string>();
  readonly outcomes = new Map<string, Outcome[]>();
  /** A per-user matching attribute, kept for later cycles (the IdP's mapping does not change between cycles). */
  private readonly matchBy = new Map<string, MatchAttribute>();
  private readonly ctx: BuildContext;

  constructor(private readonly opts: EngineOptions) {
    this.ctx = {
      targetIdOf: (key) => this.userLinks.get(key),
      refOf: (kind, id) => buildUrl(opts.baseUrl, `/${kind}/${id}`),
      password: () => `Pw-${randomUUID()}`,
    };
  }

  get profile(): Profile {
    return this.opts.profile;
  }

  private send(req: IdpRequest): Promise<IdpResponse> {
    return this.opts.http.send(req);
  }

  private record(key: string, r: ActionResult): ActionResult {
    const list = this.outcomes.get(key) ?? [];
    list.push(r.outcome);
    this.outcomes.set(key, list);
    return r;
  }

  private link(key: string, id: string): void {
    this.userLinks.set(key, id);
    const h = this.idHistory.get(key) ?? [];
    if (h[h.length - 1] !== id) h.push(id);
    this.idHistory.set(key, h);
  }

  /** The IdP's "Test connection" button. */
  async testConnection(): Promise<ActionResult> {
    // The probe queries the configured matching attribute (Entra: "the matching property selected").
    const attr = this.opts.matchingAttribute ?? this.profile.matching.default;
    for (const probe of this.profile.connectionTest(randomUUID(), attr)) {
      const res = await this.send(probe.req);
      // Some IdPs also take 404 as "endpoint valid, nothing there" (the profile says so).
      if (res.status === 404 && probe.acceptNotFound) continue;
      if (probe.wants === 'absent') {
        // RFC 7644 §3.12: a resource that does not exist answers 404.
        if (res.status === 404) continue;
        return refused(probe.req, res, `${describe(probe.req, res)}: expected 404 for a random id that does not exist (RFC 7644 §3.12)`);
      }
      // RFC 7644 §3.4.2: a query answers 200 with a ListResponse, also when nothing matches.
      const list = res.status === 200 ? listResources(res.json) : undefined;
      if (!list) return refused(probe.req, res, `${describe(probe.req, res)}: expected 200 with a ListResponse`);
      if (probe.wants === 'empty-list' && (res.json.totalResults !== 0 || list.length !== 0)) {
        return refused(probe.req, res, `${describe(probe.req, res)}: expected an empty list for a random userName`);
      }
    }
    return { outcome: 'ok' };
  }

  /** Assigning a person to the app: match before create, link or create (the profile's way). */
  async assign(user: DirUser, matchBy?: MatchAttribute): Promise<ActionResult> {
    this.users.set(user.key, { ...user });
    if (matchBy) this.matchBy.set(user.key, matchBy);
    // Assigned again after an unassignment: the IdP manages the person again.
    this.unmanaged.delete(user.key);
    return this.record(user.key, await this.provision(user.key, matchBy, 'created'));
  }

  private async provision(key: string, matchBy: MatchAttribute | undefined, success: 'created' | 'recreated'): Promise<ActionResult> {
    const user = this.users.get(key)!;
    const attr = matchBy ?? this.matchBy.get(key) ?? this.opts.matchingAttribute ?? this.profile.matching.default;
    const lookup: IdpRequest = { method: 'GET', path: '/Users', query: this.profile.matching.query(attr, user), purpose: 'match-before-create' };
    const found = await this.send(lookup);
    // Okta (SCIM 2.0 protocol reference, "Determine if the User already exists") also takes a 404 for "no match".
    const candidates = found.status === 200 ? listResources(found.json) : found.status === 404 && this.profile.matching.notFoundIsEmpty ? [] : undefined;
    if (!candidates) {
      this.pending.add(key);
      return refused(lookup, found, `${describe(lookup, found)}: the match-before-create query must answer 200 with a ListResponse (RFC 7644 §3.4.2)`);
    }
    const hit = candidates.find((r: ScimResource) => typeof r.id === 'string');
    if (hit) {
      // Every IdP links a matched account instead of creating a duplicate.
      this.link(key, hit.id as string);
      this.pending.delete(key);
      return this.afterMatch(key, user, hit);
    }
    const create: IdpRequest = { method: 'POST', path: '/Users', body: this.profile.createUser(user, this.ctx), purpose: 'create' };
    const res = await this.send(create);
    if (res.status === 201 && typeof res.json?.id === 'string') {
      this.link(key, res.json.id);
      this.pending.delete(key);
      // The profile's follow-up right after the create (Entra links the manager in a second PATCH).
      for (const req of this.profile.afterCreate?.(user, res.json.id, this.ctx) ?? []) {
        const next = await this.send(req);
        // RFC 7644 §3.5.2: PATCH success is 200 or 204.
        if (!ok(next.status)) return refused(req, next, `created, then ${describe(req, next)}`);
        this.remember(key, req);
      }
      return { outcome: success };
    }
    if (res.status === 409) {
      // RFC 7644 §3.3: 409 uniqueness; what the IdP does next is its own habit.
      if (this.profile.reactions.onCreateConflict === 'retry-next-cycle') this.pending.add(key);
      else this.pending.delete(key);
      return { outcome: 'conflict', reason: describe(create, res) };
    }
    this.pending.add(key);
    return refused(create, res, `${describe(create, res)}: expected 201 with an id (RFC 7644 §3.3)`);
  }

  /**
   * After linking a matched account, the profile's follow-up: Okta sends the user's profile at once (SCIM 2.0
   * protocol reference: "Okta automatically matches the result ... and sends the user's application profile");
   * an account found inactive is reactivated (RFC 7643 §4.1.1 active), since an assigned person is active.
   */
  private async afterMatch(key: string, user: DirUser, hit: ScimResource): Promise<ActionResult> {
    const then = this.profile.matching.onMatch ?? { sendProfile: false, reactivate: true };
    const done: string[] = [];
    if (then.sendProfile) {
      const failed = await this.pushProfile(key, user, user);
      if (failed) return failed;
      done.push('profile sent');
    }
    if (then.reactivate && hit.active === false && user.active) {
      const failed = await this.activation(key, hit.id as string, user, true);
      if (failed) return failed;
      done.push('the inactive account reactivated');
    }
    return done.length ? { outcome: 'linked', reason: done.join('; ') } : { outcome: 'linked' };
  }

  /** A change of profile fields in the directory, pushed the profile's way. */
  async update(key: string, changes: Partial<DirUser>): Promise<ActionResult> {
    const prev = this.users.get(key);
    if (!prev) return { outcome: 'failed', reason: `unknown user '${key}'` };
    const next: DirUser = { ...prev, ...changes };
    this.users.set(key, next);
    const id = this.userLinks.get(key);
    if (!id) return this.record(key, { outcome: 'skipped', reason: `'${key}' is not linked to a target user` });
    return this.record(key, (await this.pushProfile(key, prev, next)) ?? { outcome: 'updated' });
  }

  /** The profile's update requests for a linked user (read first if it does); undefined when all succeeded. */
  private async pushProfile(key: string, prev: DirUser, next: DirUser): Promise<ActionResult | undefined> {
    const id = this.userLinks.get(key)!;
    let current: ScimResource | undefined;
    if (this.profile.updateUser.readFirst) {
      const read: IdpRequest = { method: 'GET', path: `/Users/${id}`, purpose: 'read before update' };
      const res = await this.send(read);
      if (res.status === 404) return this.lost(key, read, res);
      if (res.status !== 200) return refused(read, res);
      current = res.json;
    }
    const repeats: string[] = [];
    for (const req of this.profile.updateUser.build(prev, next, id, current, this.ctx)) {
      const again = this.acceptedBefore(key, req);
      const res = await this.send(req);
      if (res.status === 404) return this.lost(key, req, res);
      // RFC 7644 §3.5.1 / §3.5.2: success is 200 (with the resource) or 204.
      if (!ok(res.status)) return refused(req, res);
      const shown = (path: string) => {
        const v = current ? readPath(current, path) : undefined;
        return v === undefined ? 'nothing there' : JSON.stringify(v);
      };
      repeats.push(...again.map((p) => `${p.path} ${JSON.stringify(p.value)} (the target shows ${shown(p.path)})`));
      this.remember(key, req);
    }
    if (repeats.length) {
      // RFC 7644 §3.5.2.1 / §3.5.2.3: add and replace set the value at the path. A target that accepts a value and
      // then shows another makes an IdP that reads and diffs PATCH it again at every cycle.
      return {
        outcome: 'failed',
        reason: `re-PATCH loop: ${this.profile.title} sent again what the target had accepted before: ${repeats.join('; ')}; the target does not keep (or echoes differently) what it accepted, so ${this.profile.title} PATCHes it at every cycle`,
      };
    }
    return undefined;
  }

  /** The last value each PATCH path was accepted with, per user (for noticing a re-PATCH loop). */
  private readonly accepted = new Map<string, Map<string, string>>();

  /** The (path, value) writes of a PatchOp body; a path-less value writes each of its keys. */
  private static writes(req: IdpRequest): { path: string; value: unknown }[] {
    const ops = req.method === 'PATCH' && Array.isArray((req.body as any)?.Operations) ? ((req.body as any).Operations as any[]) : [];
    return ops.flatMap((op) => {
      if (String(op?.op).toLowerCase() === 'remove') return [];
      if (typeof op?.path === 'string') return [{ path: op.path as string, value: op.value }];
      return op?.value && typeof op.value === 'object' ? Object.entries(op.value).map(([path, value]) => ({ path, value })) : [];
    });
  }

  private acceptedBefore(key: string, req: IdpRequest): { path: string; value: unknown }[] {
    const seen = this.accepted.get(key);
    return seen ? SyncEngine.writes(req).filter((w) => seen.get(w.path) === JSON.stringify(w.value)) : [];
  }

  private remember(key: string, req: IdpRequest): void {
    const seen = this.accepted.get(key) ?? new Map<string, string>();
    for (const w of SyncEngine.writes(req)) seen.set(w.path, JSON.stringify(w.value));
    this.accepted.set(key, seen);
  }

  /** Keys being re-created after a 404, so a target whose lookup finds what its GET denies cannot loop us. */
  private readonly recovering = new Set<string>();

  /** A user the IdP links to was deleted behind its back (RFC 7644 §3.6: later requests get 404). */
  private async lost(key: string, req: IdpRequest, res: IdpResponse): Promise<ActionResult> {
    this.userLinks.delete(key);
    this.accepted.delete(key);
    const reaction = this.profile.reactions.onUpdateNotFound;
    if (reaction === 'recreate-now' && !this.recovering.has(key)) {
      this.recovering.add(key);
      try {
        const again = await this.provision(key, undefined, 'recreated');
        return again.outcome === 'recreated' || again.outcome === 'linked' ? again : { outcome: 'not-found', reason: `${describe(req, res)}; re-create: ${again.reason}` };
      } finally {
        this.recovering.delete(key);
      }
    }
    if (reaction === 'stop') {
      // Nothing retries it: the admin must unassign and reassign the person (a new assignment: match, then create).
      return { outcome: 'not-found', reason: `${describe(req, res)}; ${this.profile.title} stops here until the person is unassigned and assigned again` };
    }
    this.pending.add(key);
    return { outcome: 'not-found', reason: describe(req, res) };
  }

  /** Disable or re-enable in the directory (or unassign): the profile's deactivation. */
  async setActive(key: string, active: boolean): Promise<ActionResult> {
    const user = this.users.get(key);
    if (!user) return { outcome: 'failed', reason: `unknown user '${key}'` };
    const next = { ...user, active };
    this.users.set(key, next);
    const id = this.userLinks.get(key);
    if (!id) return this.record(key, { outcome: 'skipped', reason: `'${key}' is not linked to a target user` });
    return this.record(key, (await this.activation(key, id, next, active)) ?? { outcome: active ? 'reactivated' : 'deactivated' });
  }

  /** The profile's (de)activation requests for a linked user; undefined when all succeeded. */
  private async activation(key: string, id: string, next: DirUser, active: boolean): Promise<ActionResult | undefined> {
    const spec = this.profile.setActive;
    if (spec.leaveGroupsFirst) {
      // Leaving (or, on reactivation, re-joining) every group the user is pushed into.
      for (const g of this.groups.values()) {
        const gid = this.groupLinks.get(g.key);
        if (!gid || !g.members.includes(key)) continue;
        const m: MemberRef[] = [{ id, display: next.displayName }];
        const req = active ? this.profile.groups.addMembers(gid, m) : this.profile.groups.removeMembers(gid, m);
        const res = await this.send(req);
        if (!ok(res.status)) return refused(req, res);
      }
    }
    let current: ScimResource | undefined;
    if (spec.readFirst) {
      const read: IdpRequest = { method: 'GET', path: `/Users/${id}`, purpose: 'read before (de)activation' };
      const res = await this.send(read);
      if (res.status === 404) return this.lost(key, read, res);
      if (res.status !== 200) return refused(read, res);
      current = res.json;
    }
    for (const req of spec.build(next, id, active, current, this.ctx)) {
      const res = await this.send(req);
      if (res.status === 404) return this.lost(key, req, res);
      if (!ok(res.status)) return refused(req, res);
    }
    return undefined;
  }

  /** The IdP's clock in days (scenario `elapse`), for the soft-delete retention. */
  private day = 0;
  /** Soft-deleted users and the day they were soft-deleted: restorable until the profile's retention runs out. */
  readonly softDeleted = new Map<string, number>();
  /** Users unassigned from the app: disabled once, then no longer managed (nothing more is ever sent for them). */
  readonly unmanaged = new Set<string>();

  /** The person is deleted in the directory but recoverable (Entra's recycle bin): the profile's deactivation. */
  async softDelete(key: string): Promise<ActionResult> {
    if (this.unmanaged.has(key)) return this.record(key, { outcome: 'skipped', reason: `'${key}' was unassigned earlier and is no longer managed: nothing is sent` });
    const r = await this.setActive(key, false);
    if (r.outcome === 'deactivated') this.softDeleted.set(key, this.day);
    return r;
  }

  /** The soft-deleted person is restored within the retention period: the profile's reactivation, same account. */
  async restore(key: string): Promise<ActionResult> {
    if (!this.softDeleted.has(key)) return this.record(key, { outcome: 'failed', reason: `'${key}' is not soft-deleted (never, or hard-deleted already)` });
    this.softDeleted.delete(key);
    return this.setActive(key, true);
  }

  /** The person is unassigned from the app: disabled, then no longer managed, so never deleted later. */
  async unassign(key: string): Promise<ActionResult> {
    const r = await this.setActive(key, false);
    this.softDeleted.delete(key);
    if (r.outcome === 'deactivated') this.unmanaged.add(key);
    return r;
  }

  /**
   * Days pass: each soft-deleted user whose retention ran out is hard-deleted, which sends DELETE when the profile
   * deletes and the app is set to delete; otherwise nothing is sent and the user stays disabled.
   */
  async elapse(days: number): Promise<Record<string, ActionResult>> {
    this.day += days;
    const keep = this.profile.lifecycle?.softDeleteRetentionDays;
    const out: Record<string, ActionResult> = {};
    if (keep === undefined) return out;
    for (const [key, at] of [...this.softDeleted]) {
      if (this.day - at < keep) continue;
      this.softDeleted.delete(key);
      out[key] =
        this.profile.deletesUsers && this.opts.deprovision === 'delete'
          ? await this.remove(key)
          : this.record(key, { outcome: 'deactivated', reason: `hard-deleted in the IdP after ${keep} days; the app is not set to delete, so nothing is sent` });
    }
    return out;
  }

  /**
   * The IdP's next cycle evaluates this user again with no directory change. A profile that reconciles reads the
   * target and PATCHes what differs (so a target that echoes values differently is PATCHed again); the others send
   * nothing.
   */
  async sync(key: string): Promise<ActionResult> {
    if (!this.users.has(key)) return { outcome: 'failed', reason: `unknown user '${key}'` };
    if (this.unmanaged.has(key) || !this.profile.updateUser.reconcile) {
      return this.record(key, { outcome: 'ok', reason: this.unmanaged.has(key) ? `'${key}' is no longer managed` : `${this.profile.title} sends only directory changes` });
    }
    return this.update(key, {});
  }

  /** The admin deletes the person in the IdP: DELETE when the profile does and the app is set to delete. */
  async remove(key: string): Promise<ActionResult> {
    if (!(this.profile.deletesUsers && this.opts.deprovision === 'delete')) return this.setActive(key, false);
    const id = this.userLinks.get(key);
    if (!id) return this.record(key, { outcome: 'skipped', reason: `'${key}' is not linked to a target user` });
    const req: IdpRequest = { method: 'DELETE', path: `/Users/${id}`, purpose: 'hard delete' };
    const res = await this.send(req);
    // RFC 7644 §3.6: 204 No Content; a 404 means it is gone already, which is what the IdP wanted.
    if (res.status !== 204 && res.status !== 200 && res.status !== 404) return this.record(key, refused(req, res));
    this.userLinks.delete(key);
    for (const g of this.groups.values()) g.members = g.members.filter((m) => m !== key);
    return this.record(key, { outcome: 'deleted' });
  }

  /** Whether the last deprovisioning of this user was a DELETE (else a deactivation). */
  wasDeleted(key: string): boolean {
    return (this.outcomes.get(key) ?? []).at(-1) === 'deleted';
  }

  /** The IdP's next sync cycle: it retries the users its profile keeps pending. */
  async cycle(): Promise<Record<string, ActionResult>> {
    const out: Record<string, ActionResult> = {};
    for (const key of [...this.pending]) {
      const recreate = (this.idHistory.get(key) ?? []).length > 0;
      out[key] = this.record(key, await this.provision(key, undefined, recreate ? 'recreated' : 'created'));
    }
    return out;
  }

  private memberRefs(keys: string[]): MemberRef[] {
    const refs: MemberRef[] = [];
    for (const k of keys) {
      const id = this.userLinks.get(k);
      const u = this.users.get(k);
      // IdPs push only members that are provisioned (linked) in the app; Okta's display is the login.
      const display = this.profile.groups.memberDisplay === 'userName' ? u?.userName : u?.displayName ?? u?.userName;
      if (id) refs.push({ id, display });
    }
    return refs;
  }

  private async sendBatches<T>(build: (refs: T[]) => IdpRequest, refs: T[]): Promise<ActionResult> {
    for (const part of chunk(refs, this.profile.groups.batchSize)) {
      const req = build(part);
      const res = await this.send(req);
      // RFC 7644 §3.5.2: PATCH success is 200 or 204.
      if (!ok(res.status)) return refused(req, res);
    }
    return { outcome: 'updated' };
  }

  /**
   * Every group of the target, read page by page (RFC 7644 §3.4.2.4: 1-based startIndex, the next page starts
   * after the resources this one returned; the server may return fewer than `count`). Stops at totalResults,
   * at an empty page, or after as many pages as totalResults allows, so a server that repeats a page cannot
   * hold the IdP in a loop.
   */
  private async listAllGroups(count: number): Promise<ScimResource[] | ActionResult> {
    const all: ScimResource[] = [];
    let startIndex = 1;
    for (let page = 0; ; page++) {
      const req: IdpRequest = { method: 'GET', path: '/Groups', query: { startIndex: String(startIndex), count: String(count) }, purpose: 'list groups' };
      const res = await this.send(req);
      const resources = res.status === 200 ? listResources(res.json) : undefined;
      if (!resources) return refused(req, res, `${describe(req, res)}: listing groups must answer 200 with a ListResponse (RFC 7644 §3.4.2)`);
      all.push(...resources);
      const total = Number(res.json?.totalResults);
      startIndex += resources.length;
      if (!resources.length || !(startIndex <= total) || page >= total) return all;
    }
  }

  /** Push a group with its members: optional match, create without members, then batched adds. */
  async pushGroup(group: DirGroup): Promise<ActionResult> {
    this.groups.set(group.key, { ...group, members: [...group.members] });
    const g = this.groups.get(group.key)!;
    const match = this.profile.groups.matchQuery?.(g);
    let id: string | undefined;
    if (match) {
      const req: IdpRequest = { method: 'GET', path: '/Groups', query: match, purpose: 'match group' };
      const res = await this.send(req);
      if (res.status !== 200) return refused(req, res);
      id = listResources(res.json)?.[0]?.id;
    }
    const listing = this.profile.groups.findByListing;
    if (!id && listing) {
      const all = await this.listAllGroups(listing.count);
      if (!Array.isArray(all)) return all;
      const same = all.find((r) => r.displayName === g.displayName && typeof r.id === 'string');
      id = same?.id as string | undefined;
    }
    let outcome: Outcome = 'linked';
    const spec = this.profile.groups;
    if (!id) {
      // Okta AIW creates the group with its members filled in (ory/polis#3136); the others add them afterwards.
      const body = spec.createWithMembers ? spec.create(g, this.memberRefs(g.members)) : spec.create(g);
      const req: IdpRequest = { method: 'POST', path: '/Groups', body, purpose: 'create group' };
      const res = await this.send(req);
      // RFC 7644 §3.3: 201 Created with the new id.
      if (res.status !== 201 || typeof res.json?.id !== 'string') return res.status === 409 ? { outcome: 'conflict', reason: describe(req, res) } : refused(req, res);
      id = res.json.id as string;
      outcome = 'created';
    }
    this.groupLinks.set(g.key, id);
    if (outcome === 'created' && spec.createWithMembers) return { outcome };
    // A linked group gets the IdP's members; a created one its first additions (nothing to send when empty).
    if (!g.members.length && !spec.replaceWhole) return { outcome };
    const added = await this.changeMembership(g, id, g.members, []);
    return added.outcome === 'failed' ? added : { outcome };
  }

  /**
   * The IdP's import (Okta "Import now", or any IdP's full read): every User and every Group of the target,
   * page by page with the profile's count and stepping (RFC 7644 §3.4.2.4). Returns the ids each page held, in
   * order, so a caller can see what was missed or read twice, and the pages that held fewer than `count` while
   * more remained (RFC-legal, but Okta's fixed step then skips resources).
   */
  async importAll(): Promise<{ result: ActionResult; imported?: Imported }> {
    const imported: Imported = { Users: [], Groups: [], shortPages: [], requests: 0 };
    for (const kind of ['Users', 'Groups'] as const) {
      const failed = await this.readAll(kind, imported);
      if (failed) return { result: failed };
    }
    return { result: { outcome: 'ok' }, imported };
  }

  private async readAll(kind: 'Users' | 'Groups', into: Imported): Promise<ActionResult | undefined> {
    const { count, advance } = this.profile.import ?? { count: 100, advance: 'received' as const };
    let startIndex = 1;
    for (let page = 0; page < MAX_IMPORT_PAGES; page++) {
      const req: IdpRequest = { method: 'GET', path: `/${kind}`, query: { startIndex: String(startIndex), count: String(count) }, purpose: 'import' };
      const res = await this.send(req);
      into.requests++;
      const resources = res.status === 200 ? listResources(res.json) : undefined;
      // RFC 7644 §3.4.2: a query answers 200 with a ListResponse.
      if (!resources) return refused(req, res, `${describe(req, res)}: an import page must answer 200 with a ListResponse (RFC 7644 §3.4.2)`);
      for (const r of resources) if (typeof r.id === 'string') into[kind].push(r.id);
      const total = Number(res.json?.totalResults);
      const step = advance === 'count' ? count : resources.length;
      // Okta: "If the value of totalResults is higher than 100 ... the startIndex becomes startIndex+100".
      const more = step > 0 && startIndex + step <= total;
      if (advance === 'count' && more && resources.length < count) into.shortPages.push(`GET /${kind}?startIndex=${startIndex}&count=${count} returned ${resources.length} of totalResults ${total}`);
      if (!more) return undefined;
      startIndex += step;
    }
    return { outcome: 'failed', reason: `GET /${kind}: still more pages after ${MAX_IMPORT_PAGES} (totalResults keeps ahead of startIndex)` };
  }

  /** The group and its target id, or the failure of an action on a group the IdP never pushed. */
  private pushed(groupKey: string): { g: DirGroup; id: string } | ActionResult {
    const g = this.groups.get(groupKey);
    const id = this.groupLinks.get(groupKey);
    return g && id ? { g, id } : { outcome: 'failed', reason: `group '${groupKey}' is not pushed` };
  }

  async addMembers(groupKey: string, keys: string[]): Promise<ActionResult> {
    return this.changeMembers(groupKey, keys, []);
  }

  async removeMembers(groupKey: string, keys: string[]): Promise<ActionResult> {
    return this.changeMembers(groupKey, [], keys);
  }

  /** One membership change in the directory (some people join, some leave), pushed the profile's way. */
  async changeMembers(groupKey: string, add: string[], remove: string[]): Promise<ActionResult> {
    const p = this.pushed(groupKey);
    if (!('g' in p)) return p;
    p.g.members = [...new Set([...p.g.members.filter((m) => !remove.includes(m)), ...add])];
    return this.changeMembership(p.g, p.id, add, remove);
  }

  /**
   * The requests of a membership change: GET + PUT of the whole group (Okta AIW), or PATCH — Okta first sends
   * the name update again ("triggered each time there's a group membership update operation", SCIM 2.0
   * protocol reference) and puts removals and additions in one PATCH; the others remove, then add. Batched.
   */
  private async changeMembership(g: DirGroup, id: string, add: string[], remove: string[]): Promise<ActionResult> {
    const spec = this.profile.groups;
    if (spec.replaceWhole) return this.replaceGroup(g, id);
    const adds = this.memberRefs(add);
    const removes = this.memberRefs(remove);
    // Only provisioned people are pushed: a change of nobody provisioned sends nothing, not even the name.
    if (!adds.length && !removes.length) return { outcome: 'updated' };
    if (spec.renameWithMembership) {
      const failed = await this.sendOk(spec.rename(id, g));
      if (failed) return failed;
    }
    if (spec.changeMembers) {
      const both = [...removes.map((ref) => ({ ref, add: false })), ...adds.map((ref) => ({ ref, add: true }))];
      const build = (part: typeof both) => spec.changeMembers!(id, part.filter((x) => x.add).map((x) => x.ref), part.filter((x) => !x.add).map((x) => x.ref));
      return this.sendBatches(build, both);
    }
    const removed = await this.sendBatches((refs) => spec.removeMembers(id, refs), removes);
    return removed.outcome === 'failed' ? removed : this.sendBatches((refs) => spec.addMembers(id, refs), adds);
  }

  /** Okta AIW: GET the group, then PUT it back with the IdP's name and whole member list (RFC 7644 §3.5.1). */
  private async replaceGroup(g: DirGroup, id: string): Promise<ActionResult> {
    const read: IdpRequest = { method: 'GET', path: `/Groups/${id}`, query: this.profile.groups.readQuery, purpose: 'read group before PUT' };
    const res = await this.send(read);
    if (res.status !== 200 || !res.json || typeof res.json !== 'object') return refused(read, res);
    return (await this.sendOk(this.profile.groups.replaceWhole!(id, res.json, g, this.memberRefs(g.members)))) ?? { outcome: 'updated' };
  }

  /** Sends one request; undefined on 2xx, else the refusal. */
  private async sendOk(req: IdpRequest): Promise<ActionResult | undefined> {
    const res = await this.send(req);
    // RFC 7644 §3.5.1 / §3.5.2: 200 with the resource, or 204 for PATCH.
    return ok(res.status) ? undefined : refused(req, res);
  }

  async renameGroup(groupKey: string, displayName: string): Promise<ActionResult> {
    const p = this.pushed(groupKey);
    if (!('g' in p)) return p;
    p.g.displayName = displayName;
    if (this.profile.groups.replaceWhole) return this.replaceGroup(p.g, p.id);
    return (await this.sendOk(this.profile.groups.rename(p.id, p.g))) ?? { outcome: 'updated' };
  }

  /**
   * The admin's "Push now" on a pushed group: Okta sends the whole member list with `replace members` (SCIM 2.0
   * protocol reference, "a full push of the membership"), AIW a GET + PUT of the group. A profile without the
   * button sends nothing and says so.
   */
  async pushNow(groupKey: string): Promise<ActionResult> {
    const p = this.pushed(groupKey);
    if (!('g' in p)) return p;
    const spec = this.profile.groups;
    if (spec.replaceWhole) return this.replaceGroup(p.g, p.id);
    if (!spec.pushNow) return { outcome: 'skipped', reason: `${this.profile.title} has no "Push now" for a pushed group` };
    if (spec.renameWithMembership) {
      const failed = await this.sendOk(spec.rename(p.id, p.g));
      if (failed) return failed;
    }
    return (await this.sendOk(spec.pushNow(p.id, this.memberRefs(p.g.members)))) ?? { outcome: 'updated' };
  }

  async deleteGroup(groupKey: string): Promise<ActionResult> {
    const id = this.groupLinks.get(groupKey);
    if (!id) return { outcome: 'failed', reason: `group '${groupKey}' is not pushed` };
    const req: IdpRequest = { method: 'DELETE', path: `/Groups/${id}`, purpose: 'delete group' };
    const res = await this.send(req);
    // RFC 7644 §3.6: 204 on success.
    if (res.status !== 204 && res.status !== 200 && res.status !== 404) return refused(req, res);
    this.groupLinks.delete(groupKey);
    this.groups.delete(groupKey);
    return { outcome: 'deleted' };
  }
}
