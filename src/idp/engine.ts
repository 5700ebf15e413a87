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

/** The action failed on this answer of the target; `reason` defaults to the request and its status. */
function refused(req: IdpRequest, res: IdpResponse, reason = describe(req, res)): ActionResult {
  return { outcome: 'failed', reason, refused: { req, res } };
}

/**
 * The resources of a ListResponse, or undefined when the answer is not one. RFC 7644 §3.4.2: "Resources" is
 * REQUIRED only when totalResults is non-zero, so an empty list may leave it out.
 */
export function listResources(json: any): ScimResource[] | undefined {
  if (Array.isArray(json?.Resources)) return json.Resources;
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
    for (const probe of this.profile.connectionTest(randomUUID())) {
      const res = await this.send(probe.req);
      // Some IdPs also take 404 as "endpoint valid, nothing there" (the profile says so).
      if (res.status === 404 && probe.acceptNotFound) continue;
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
    return this.record(user.key, await this.provision(user.key, matchBy, 'created'));
  }

  private async provision(key: string, matchBy: MatchAttribute | undefined, success: 'created' | 'recreated'): Promise<ActionResult> {
    const user = this.users.get(key)!;
    const attr = matchBy ?? this.matchBy.get(key) ?? this.opts.matchingAttribute ?? this.profile.matching.default;
    const lookup: IdpRequest = { method: 'GET', path: '/Users', query: this.profile.matching.query(attr, user), purpose: 'match-before-create' };
    const found = await this.send(lookup);
    const candidates = found.status === 200 ? listResources(found.json) : undefined;
    if (!candidates) {
      this.pending.add(key);
      return refused(lookup, found, `${describe(lookup, found)}: the match-before-create query must answer 200 with a ListResponse (RFC 7644 §3.4.2)`);
    }
    const hit = candidates.find((r: ScimResource) => typeof r.id === 'string');
    if (hit) {
      // Every IdP links a matched account instead of creating a duplicate.
      this.link(key, hit.id as string);
      this.pending.delete(key);
      return { outcome: 'linked' };
    }
    const create: IdpRequest = { method: 'POST', path: '/Users', body: this.profile.createUser(user, this.ctx), purpose: 'create' };
    const res = await this.send(create);
    if (res.status === 201 && typeof res.json?.id === 'string') {
      this.link(key, res.json.id);
      this.pending.delete(key);
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

  /** A change of profile fields in the directory, pushed the profile's way. */
  async update(key: string, changes: Partial<DirUser>): Promise<ActionResult> {
    const prev = this.users.get(key);
    if (!prev) return { outcome: 'failed', reason: `unknown user '${key}'` };
    const next: DirUser = { ...prev, ...changes };
    this.users.set(key, next);
    const id = this.userLinks.get(key);
    if (!id) return this.record(key, { outcome: 'skipped', reason: `'${key}' is not linked to a target user` });
    let current: ScimResource | undefined;
    if (this.profile.updateUser.readFirst) {
      const read: IdpRequest = { method: 'GET', path: `/Users/${id}`, purpose: 'read before update' };
      const res = await this.send(read);
      if (res.status === 404) return this.record(key, await this.lost(key, read, res));
      if (res.status !== 200) return this.record(key, refused(read, res));
      current = res.json;
    }
    for (const req of this.profile.updateUser.build(prev, next, id, current, this.ctx)) {
      const res = await this.send(req);
      if (res.status === 404) return this.record(key, await this.lost(key, req, res));
      // RFC 7644 §3.5.1 / §3.5.2: success is 200 (with the resource) or 204.
      if (!ok(res.status)) return this.record(key, refused(req, res));
    }
    return this.record(key, { outcome: 'updated' });
  }

  /** A user the IdP links to was deleted behind its back (RFC 7644 §3.6: later requests get 404). */
  private async lost(key: string, req: IdpRequest, res: IdpResponse): Promise<ActionResult> {
    this.userLinks.delete(key);
    if (this.profile.reactions.onUpdateNotFound === 'recreate-now') {
      const again = await this.provision(key, undefined, 'recreated');
      return again.outcome === 'recreated' || again.outcome === 'linked' ? again : { outcome: 'not-found', reason: `${describe(req, res)}; re-create: ${again.reason}` };
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
    const spec = this.profile.setActive;
    if (spec.leaveGroupsFirst) {
      // Leaving (or, on reactivation, re-joining) every group the user is pushed into.
      for (const g of this.groups.values()) {
        const gid = this.groupLinks.get(g.key);
        if (!gid || !g.members.includes(key)) continue;
        const m: MemberRef[] = [{ id, display: next.displayName }];
        const req = active ? this.profile.groups.addMembers(gid, m) : this.profile.groups.removeMembers(gid, m);
        const res = await this.send(req);
        if (!ok(res.status)) return this.record(key, refused(req, res));
      }
    }
    let current: ScimResource | undefined;
    if (spec.readFirst) {
      const read: IdpRequest = { method: 'GET', path: `/Users/${id}`, purpose: 'read before (de)activation' };
      const res = await this.send(read);
      if (res.status === 404) return this.record(key, await this.lost(key, read, res));
      current = res.json;
    }
    for (const req of spec.build(next, id, active, current, this.ctx)) {
      const res = await this.send(req);
      if (res.status === 404) return this.record(key, await this.lost(key, req, res));
      if (!ok(res.status)) return this.record(key, refused(req, res));
    }
    return this.record(key, { outcome: active ? 'reactivated' : 'deactivated' });
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
      // IdPs push only members that are provisioned (linked) in the app.
      if (id) refs.push({ id, display: this.users.get(k)?.displayName ?? this.users.get(k)?.userName });
    }
    return refs;
  }

  private async sendBatches(build: (refs: MemberRef[]) => IdpRequest, refs: MemberRef[]): Promise<ActionResult> {
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
    if (!id) {
      const req: IdpRequest = { method: 'POST', path: '/Groups', body: this.profile.groups.create(g), purpose: 'create group' };
      const res = await this.send(req);
      // RFC 7644 §3.3: 201 Created with the new id.
      if (res.status !== 201 || typeof res.json?.id !== 'string') return res.status === 409 ? { outcome: 'conflict', reason: describe(req, res) } : refused(req, res);
      id = res.json.id as string;
      outcome = 'created';
    }
    this.groupLinks.set(g.key, id);
    const added = await this.sendBatches((refs) => this.profile.groups.addMembers(id!, refs), this.memberRefs(g.members));
    return added.outcome === 'failed' ? added : { outcome };
  }

  async addMembers(groupKey: string, keys: string[]): Promise<ActionResult> {
    const g = this.groups.get(groupKey);
    const id = this.groupLinks.get(groupKey);
    if (!g || !id) return { outcome: 'failed', reason: `group '${groupKey}' is not pushed` };
    g.members = [...new Set([...g.members, ...keys])];
    return this.sendBatches((refs) => this.profile.groups.addMembers(id, refs), this.memberRefs(keys));
  }

  async removeMembers(groupKey: string, keys: string[]): Promise<ActionResult> {
    const g = this.groups.get(groupKey);
    const id = this.groupLinks.get(groupKey);
    if (!g || !id) return { outcome: 'failed', reason: `group '${groupKey}' is not pushed` };
    g.members = g.members.filter((m) => !keys.includes(m));
    return this.sendBatches((refs) => this.profile.groups.removeMembers(id, refs), this.memberRefs(keys));
  }

  async renameGroup(groupKey: string, displayName: string): Promise<ActionResult> {
    const g = this.groups.get(groupKey);
    const id = this.groupLinks.get(groupKey);
    if (!g || !id) return { outcome: 'failed', reason: `group '${groupKey}' is not pushed` };
    g.displayName = displayName;
    const req = this.profile.groups.rename(id, g);
    const res = await this.send(req);
    return ok(res.status) ? { outcome: 'updated' } : refused(req, res);
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
