/**
 * Plays one scenario with one profile against a target: the engine sends the IdP's traffic, a neutral
 * verifier reads the target back through SCIM, and everything created is deleted at the end (also after
 * a failure). Produces a verdict per step and a redacted transcript.
 */
import type { TranscriptEntry } from '../../scim/results.ts';
import { isScimError } from '../../scim/errors.ts';
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import { idpIdFor, type DirUser } from '../directory.ts';
import { SyncEngine, describe, listResources, type ActionResult, type Imported } from '../engine.ts';
import { IdpHttp, TargetUnreachable, type IdpRequest, type IdpResponse } from '../http.ts';
import { filterEq, type Profile } from '../profiles/types.ts';
import type { Action, Expectation, Scenario, Step, UserFields } from './model.ts';
import { legalRefusal } from './legal-refusal.ts';
import { readPath } from './read-path.ts';
import { TargetSchema } from './target-schema.ts';

export interface RunOptions {
  profile: Profile;
  baseUrl: string;
  authorization?: string;
  fetch?: typeof fetch;
  timeoutMs: number;
  prefix: string;
  deprovision: 'delete' | 'disable';
  signal?: AbortSignal;
  /**
   * Bounds the cleanup after a stop (issue 11 #12: `idp --deadline`, Ctrl-C): cleanup is still attempted once
   * `signal` aborts, until this one does. Absent: cleanup stops with `signal`.
   */
  cleanupSignal?: AbortSignal;
  onExchange?: (entry: TranscriptEntry, purpose?: string) => void;
  onStep?: (verdict: StepVerdict) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface StepVerdict {
  index: number;
  label: string;
  /** False only when the step failed; a step that was not applicable is not a failure. */
  ok: boolean;
  /** The target legally refused the IdP's habit (see legal-refusal.ts): the scenario stopped here, not failed. */
  notApplicable?: boolean;
  detail: string;
}

export interface ScenarioRun {
  scenario: string;
  profile: string;
  rfc: string;
  ok: boolean;
  steps: StepVerdict[];
  /** The first failed step's explanation. */
  failure?: string;
  /**
   * Why the scenario does not apply to this target (a premise it cannot have, or a step whose IdP habit the
   * target legally refuses); set instead of `failure`, and the result is `skipped`.
   */
  skipped?: string;
  /** What the verifier did not hold the target to, or read another way, because of what the target declares. */
  caveats?: string;
  /** The target could not be reached or refused our credentials. */
  unreachable?: string;
  /** Cleanup requests that did not succeed (resources possibly left behind). */
  cleanupProblems: string[];
  transcript: TranscriptEntry[];
  durationMs: number;
}

/** A step failed; `message` is the readable reason. */
class StepFailed extends Error {}

/** The target legally refused what the IdP does in this step; `message` says why (legal-refusal.ts). */
class StepNotApplicable extends Error {}

const VERIFIER_HEADERS = { 'User-Agent': 'scimcheck-verifier', Accept: 'application/scim+json', 'Content-Type': 'application/scim+json' };

function expand(value: string, prefix: string): string {
  return value.replaceAll('{{prefix}}', prefix);
}

function expandFields(fields: UserFields, prefix: string): UserFields {
  const out: UserFields = {};
  for (const [k, v] of Object.entries(fields)) out[k as keyof UserFields] = k === 'manager' ? v : expand(v!, prefix);
  return out;
}

function label(step: Step, i: number, prefix: string): string {
  const a = step.action as any;
  const who = a.user ?? a.group ?? a.batch ?? a.expect?.user ?? a.expect?.group ?? a.expect?.userName ?? '';
  return step.title ?? (expand(`${a.kind} ${who}`, prefix).trim() || `step ${i}`);
}

const fmt = (v: unknown) => JSON.stringify(v);

/**
 * The `value`s of a multi-valued attribute as the target answered it (RFC 7643 §2.4: a list of complex values
 * with a `value` sub-attribute). Anything else (a number, a string, null items: issue 11 #16) counts for nothing,
 * so a target's wrong shape ends as the step's failure ("members differ ...") instead of an exception.
 */
function valuesOf(multi: unknown): string[] {
  if (!Array.isArray(multi)) return [];
  return multi.map((m: unknown) => (m !== null && typeof m === 'object' ? (m as { value?: unknown }).value : undefined)).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** "; not verified (not declared by the target's User schema): title, …" — grouped by reason, for step details. */
function notVerified(items: { path: string; why: string }[]): string {
  const byWhy = new Map<string, string[]>();
  for (const { path, why } of items) byWhy.set(why, [...new Set([...(byWhy.get(why) ?? []), path.replace(/^urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:/, 'enterprise:')])]);
  return [...byWhy].map(([why, paths]) => `; not verified (${why}): ${paths.join(', ')}`).join('');
}

class Play {
  readonly transcript: TranscriptEntry[] = [];
  readonly engine: SyncEngine;
  readonly admin: IdpHttp;
  /** The verifier's client for cleanup: it outlives a stop of the run until `cleanupSignal` (when given). */
  readonly sweeper: IdpHttp;
  readonly preexisting = new Map<string, string>();
  readonly batches = new Map<string, string[]>();
  readonly groupIds = new Map<string, string>();
  readonly extraUserIds = new Set<string>();
  /** The target's declared User and Group schemas, read once before the first step. */
  schema: TargetSchema = TargetSchema.rfc();
  /** What the verifier could not hold the target to, by reason, for the scenario's summary. */
  readonly unverified: { path: string; why: string }[] = [];
  /** Other ways the verifier adapted to the target (e.g. membership read from the groups), for the summary. */
  readonly adaptations = new Set<string>();

  constructor(readonly sc: Scenario, readonly o: RunOptions) {
    const http = new IdpHttp({
      baseUrl: o.baseUrl,
      authorization: o.authorization,
      fetch: o.fetch,
      timeoutMs: o.timeoutMs,
      headers: { ...o.profile.headers },
      retry: o.profile.retry,
      signal: o.signal,
      onExchange: o.onExchange,
      sleep: o.sleep,
      transcript: this.transcript,
    });
    // The verifier's own client (neutral headers, one retry); cleanup gets one that outlives a stop of the run.
    const verifier = (signal: AbortSignal | undefined) =>
      new IdpHttp({
        baseUrl: o.baseUrl,
        authorization: o.authorization,
        fetch: o.fetch,
        timeoutMs: o.timeoutMs,
        headers: VERIFIER_HEADERS,
        retry: { limit: 1, baseDelayMs: 200, maxDelayMs: 5000, honorRetryAfter: true },
        signal,
        onExchange: (e) => o.onExchange?.(e, 'verify'),
        sleep: o.sleep,
        transcript: this.transcript,
      });
    this.admin = verifier(o.signal);
    this.sweeper = o.cleanupSignal ? verifier(o.cleanupSignal) : this.admin;
    this.engine = new SyncEngine({ profile: o.profile, http, baseUrl: o.baseUrl, deprovision: o.deprovision });
  }

  /** RFC 7644 §4: the target's own /Schemas and /ResourceTypes decide which optional attributes are verified. */
  async discover(): Promise<void> {
    const schemas = await this.adminSend({ method: 'GET', path: '/Schemas', purpose: 'discover' });
    const types = await this.adminSend({ method: 'GET', path: '/ResourceTypes', purpose: 'discover' });
    this.schema = TargetSchema.fromDiscovery(schemas.status === 200 ? schemas.json : undefined, types.status === 200 ? types.json : undefined);
  }

  private async adminSend(req: IdpRequest): Promise<IdpResponse> {
    const res = await this.admin.send(req);
    // RFC 7644 §3.12: 401 means the credentials are refused; nothing else the run does can succeed.
    if (res.status === 401) throw new TargetUnreachable(`${describe(req, res)}: credentials rejected`);
    return res;
  }

  /** Throws StepNotApplicable when the target's refusal of the IdP's request was its legal choice. */
  private notApplicableIfLegal(req: IdpRequest, res: IdpResponse, prefix = ''): void {
    const why = legalRefusal(req, res, this.schema, { title: this.o.profile.title, contentType: this.o.profile.headers['Content-Type'] });
    if (why) throw new StepNotApplicable(`${prefix}${why}`);
  }

  /** The last request and its status, for messages about an outcome the engine saw as success. */
  private lastExchange(): string {
    const e = this.transcript.at(-1);
    if (!e) return 'nothing';
    const status = 'status' in e.response ? e.response.status : e.response.error;
    return `${e.request.method} ${new URL(e.request.url).pathname} → ${status}`;
  }

  private dirUser(key: string, fields: UserFields): DirUser {
    return {
      key,
      idpId: idpIdFor(this.o.profile.idStyle, `${this.o.prefix}/${this.o.profile.id}/${key}`),
      active: true,
      ...expandFields(fields, this.o.prefix),
      userName: expand(fields.userName!, this.o.prefix),
    };
  }

  private allow(step: Step, defaults: string[], r: ActionResult, what: string): string {
    const allowed = step.outcome ?? defaults;
    if (r.outcome === 'failed' && r.reason?.includes('→ 401')) throw new TargetUnreachable(r.reason);
    if (!allowed.includes(r.outcome) && r.refused) this.notApplicableIfLegal(r.refused.req, r.refused.res);
    if (!allowed.includes(r.outcome)) {
      throw new StepFailed(`${what}: expected ${allowed.join(' or ')}, got ${r.outcome} — ${r.reason ?? `the target answered ${this.lastExchange()}`}`);
    }
    return `${r.outcome}${r.reason ? ` (${r.reason})` : ''}`;
  }

  async act(step: Step): Promise<string> {
    const a: Action = step.action;
    const e = this.engine;
    switch (a.kind) {
      case 'connect':
        return this.allow(step, ['ok'], await e.testConnection(), 'connection test');
      case 'assign': {
        const r = await e.assign(this.dirUser(a.user, a.fields), a.matchBy);
        if (a.fields.manager && !e.userLinks.get(a.fields.manager)) throw new StepFailed(`manager '${a.fields.manager}' is not provisioned`);
        return this.allow(step, ['created', 'linked'], r, `assign ${a.user}`);
      }
      case 'assignMany': {
        const keys: string[] = [];
        for (let i = 1; i <= a.count; i++) {
          const key = `${a.batch}-${i}`;
          const name = `{{prefix}}-${a.batch}-${i}@example.test`;
          const r = await e.assign(this.dirUser(key, { userName: name, email: name, givenName: 'Bulk', familyName: `Member${i}`, displayName: `Bulk Member ${i}` }));
          this.allow(step, ['created', 'linked'], r, `assign ${key}`);
          keys.push(key);
        }
        this.batches.set(a.batch, keys);
        return `${a.count} users provisioned`;
      }
      case 'update':
        return this.allow(step, ['updated'], await e.update(a.user, expandFields(a.fields, this.o.prefix)), `update ${a.user}`);
      case 'deactivate':
        return this.allow(step, ['deactivated'], await e.setActive(a.user, false), `deactivate ${a.user}`);
      case 'reactivate':
        return this.allow(step, ['reactivated'], await e.setActive(a.user, true), `reactivate ${a.user}`);
      case 'delete':
        return this.allow(step, ['deleted', 'deactivated'], await e.remove(a.user), `delete ${a.user} in the IdP`);
      case 'cycle': {
        const results = await e.cycle();
        const lines = Object.entries(results).map(([k, r]) => `${k}: ${this.allow(step, ['created', 'recreated', 'linked'], r, `next cycle, ${k}`)}`);
        return lines.length ? lines.join('; ') : 'nothing pending';
      }
      case 'softDelete':
        return this.allow(step, ['deactivated'], await e.softDelete(a.user), `soft-delete ${a.user} in the IdP`);
      case 'restore':
        return this.allow(step, ['reactivated'], await e.restore(a.user), `restore ${a.user} in the IdP`);
      case 'unassign':
        return this.allow(step, ['deactivated'], await e.unassign(a.user), `unassign ${a.user} from the app`);
      case 'sync':
        return this.allow(step, ['updated', 'ok'], await e.sync(a.user), `next cycle, ${a.user}`);
      case 'elapse': {
        const results = await e.elapse(a.days);
        const lines = Object.entries(results).map(([k, r]) => `${k}: ${this.allow(step, ['deleted', 'deactivated'], r, `${a.days} days later, ${k}`)}`);
        return `${a.days} days later: ${lines.length ? lines.join('; ') : 'nothing to send'}`;
      }
      case 'createGroup': {
        const members = [...(a.members ?? []), ...(a.membersOf ? this.batches.get(a.membersOf) ?? [] : [])];
        const g = { key: a.group, idpId: idpIdFor(this.o.profile.idStyle, `${this.o.prefix}/g/${a.group}`), displayName: expand(a.displayName, this.o.prefix), members };
        const r = await e.pushGroup(g);
        const id = e.groupLinks.get(a.group);
        if (id) this.groupIds.set(a.group, id);
        return this.allow(step, ['created', 'linked'], r, `push group ${a.group}`);
      }
      case 'addMembers':
        return this.allow(step, ['updated'], await e.addMembers(a.group, a.members), `add members to ${a.group}`);
      case 'removeMembers':
        return this.allow(step, ['updated'], await e.removeMembers(a.group, a.members), `remove members from ${a.group}`);
      case 'changeMembers':
        return this.allow(step, ['updated'], await e.changeMembers(a.group, a.add, a.remove), `change members of ${a.group}`);
      case 'pushGroupNow':
        // A profile without a "Push now" button sends nothing: the step says so and passes.
        return this.allow(step, ['updated', 'skipped'], await e.pushNow(a.group), `push ${a.group} now`);
      case 'createGroupMany': {
        const keys: string[] = [];
        for (let i = 1; i <= a.count; i++) {
          const key = `${a.batch}-${i}`;
          const g = { key, idpId: idpIdFor(this.o.profile.idStyle, `${this.o.prefix}/g/${key}`), displayName: `${this.o.prefix}-${a.batch}-${i}`, members: [] };
          this.allow(step, ['created', 'linked'], await e.pushGroup(g), `push group ${key}`);
          const id = e.groupLinks.get(key);
          if (id) this.groupIds.set(key, id);
          keys.push(key);
        }
        this.batches.set(a.batch, keys);
        return `${a.count} groups pushed`;
      }
      case 'import':
        return this.importAll();
      case 'renameGroup':
        return this.allow(step, ['updated'], await e.renameGroup(a.group, expand(a.displayName, this.o.prefix)), `rename ${a.group}`);
      case 'deleteGroup':
        return this.allow(step, ['deleted'], await e.deleteGroup(a.group), `delete group ${a.group}`);
      case 'targetCreateUser':
        return this.targetCreate(a.user, a.fields);
      case 'targetDeleteUser':
        return this.targetDelete(a.user);
      case 'expect':
        return this.verify(a.expect);
    }
  }

  /** What the last import step read (for `importedUsers` / `importedGroups`). */
  private imported?: Imported;

  /** The IdP's import: every User and Group page by page, the profile's way (RFC 7644 §3.4.2.4). */
  private async importAll(): Promise<string> {
    const { result, imported } = await this.engine.importAll();
    if (!imported) return this.allow({ action: { kind: 'import' } }, ['ok'], result, 'import');
    this.imported = imported;
    if (imported.shortPages.length) {
      // RFC 7644 §3.4.2.4: the service provider "MAY return fewer results" than count; stepping by count then skips some.
      const { count } = this.o.profile.import ?? { count: 100 };
      throw new StepNotApplicable(
        `${this.o.profile.title} steps startIndex by ${count} whatever a page holds, and the target returned fewer than count=${count} (${imported.shortPages[0]}); RFC 7644 §3.4.2.4 lets it ("MAY return fewer results"), but this IdP's import would skip resources: let a page hold ${count}`,
      );
    }
    return `read ${imported.Users.length} users and ${imported.Groups.length} groups in ${imported.requests} pages`;
  }

  /** Each resource of the batch read exactly once by the last import, and no resource read twice (RFC 7644 §3.4.2.4). */
  private verifyImported(kind: 'Users' | 'Groups', batch: string, problems: string[], seen: string[]): void {
    if (!this.imported) return void problems.push('no import was run before this expectation');
    const read = this.imported[kind];
    const times = new Map<string, number>();
    for (const id of read) times.set(id, (times.get(id) ?? 0) + 1);
    const keys = this.batches.get(batch) ?? [];
    const idOf = (k: string) => (kind === 'Users' ? this.currentId(k) : this.groupIds.get(k));
    const missing = keys.filter((k) => !times.has(idOf(k) ?? ''));
    const twice = [...times].filter(([, n]) => n > 1).map(([id]) => id);
    const few = (xs: string[]) => `${fmt(xs.slice(0, 5))}${xs.length > 5 ? ` and ${xs.length - 5} more` : ''}`;
    if (missing.length) problems.push(`import: ${missing.length} of the ${keys.length} ${kind.toLowerCase()} of ${batch} never appeared on any page: ${few(missing)} (RFC 7644 §3.4.2.4: startIndex is the 1-based index of the first result of the whole result set)`);
    if (twice.length) problems.push(`import: ${twice.length} ${kind.toLowerCase()} appeared on more than one page: ${few(twice)} (RFC 7644 §3.4.2.4: pages of one result set do not overlap)`);
    if (!missing.length && !twice.length) seen.push(`import read each of the ${keys.length} ${kind.toLowerCase()} of ${batch} once (${read.length} in all)`);
  }

  /** An admin creates the account directly in the target (the premise of match-and-link). */
  private async targetCreate(key: string, fields: UserFields): Promise<string> {
    const f = expandFields(fields, this.o.prefix);
    const body = {
      schemas: [SCHEMA_URN.user],
      userName: f.userName,
      name: { givenName: f.givenName, familyName: f.familyName },
      displayName: f.displayName,
      emails: f.email ? [{ value: f.email, type: 'work', primary: true }] : undefined,
      active: true,
    };
    const req: IdpRequest = { method: 'POST', path: '/Users', body, purpose: 'admin creates in target' };
    const res = await this.adminSend(req);
    if (res.status !== 201) this.notApplicableIfLegal(req, res, 'premise: ');
    // RFC 7644 §3.3: 201 with the new resource's id.
    if (res.status !== 201 || typeof res.json?.id !== 'string') throw new StepFailed(`premise: ${describe(req, res)}, expected 201`);
    this.preexisting.set(key, res.json.id);
    this.extraUserIds.add(res.json.id);
    return `created ${res.json.id} directly in the target`;
  }

  /** An admin deletes the account in the target behind the IdP's back. */
  private async targetDelete(key: string): Promise<string> {
    const id = this.engine.userLinks.get(key);
    if (!id) throw new StepFailed(`premise: '${key}' is not linked, nothing to delete`);
    const req: IdpRequest = { method: 'DELETE', path: `/Users/${id}`, purpose: 'admin deletes in target' };
    const res = await this.adminSend(req);
    // RFC 7644 §3.6: 204 on delete, and the resource is gone afterwards.
    if (res.status !== 204) throw new StepFailed(`premise: ${describe(req, res)}, expected 204`);
    const after = await this.adminSend({ method: 'GET', path: `/Users/${id}`, purpose: 'verify' });
    if (after.status !== 404) throw new StepFailed(`premise: after DELETE /Users/${id} answered 204, GET still answers ${after.status}; RFC 7644 §3.6 requires 404`);
    return `deleted ${id} in the target`;
  }

  private currentId(key: string): string | undefined {
    return this.engine.userLinks.get(key) ?? this.engine.idHistory.get(key)?.at(-1);
  }

  private async getUser(id: string): Promise<IdpResponse> {
    return this.adminSend({ method: 'GET', path: `/Users/${id}`, purpose: 'verify' });
  }

  private async verify(x: Expectation): Promise<string> {
    const problems: string[] = [];
    const seen: string[] = [];
    if (x.user) await this.verifyUser(x.user, x, problems, seen);
    if (x.userName !== undefined && !x.user) await this.verifyFilter(x, problems, seen);
    if (x.group) await this.verifyGroup(x, problems, seen);
    if (x.importedUsers) this.verifyImported('Users', x.importedUsers, problems, seen);
    if (x.importedGroups) this.verifyImported('Groups', x.importedGroups, problems, seen);
    if (problems.length) throw new StepFailed(problems.join('; '));
    return seen.join('; ') || 'ok';
  }

  private async verifyUser(key: string, x: Expectation, problems: string[], seen: string[]): Promise<void> {
    const e = this.engine;
    const id = this.currentId(key);
    if (x.linked !== undefined && Boolean(e.userLinks.get(key)) !== x.linked) {
      problems.push(`${key}: the IdP should ${x.linked ? '' : 'not '}hold a link to a target user (outcomes so far: ${(e.outcomes.get(key) ?? []).join(', ')})`);
    }
    const history = e.idHistory.get(key) ?? [];
    if (x.idUnchanged && (history.length !== 1 || id !== history[0])) problems.push(`${key}: expected the same target id throughout, ids were ${fmt(history)}`);
    if (x.newId && !(history.length > 1 && id !== history[0])) problems.push(`${key}: expected a new target id after re-provisioning, ids were ${fmt(history)}`);
    if (x.sameIdAs && id !== this.currentId(x.sameIdAs)) problems.push(`${key}: expected the same target user as ${x.sameIdAs} (${this.currentId(x.sameIdAs)}), got ${id}`);
    if (x.differentIdFrom && (!id || id === this.currentId(x.differentIdFrom))) problems.push(`${key}: expected a target user distinct from ${x.differentIdFrom}'s (${this.currentId(x.differentIdFrom)}), got ${id} (merged)`);
    if (x.preexisting && id !== this.preexisting.get(key)) problems.push(`${key}: expected the IdP to link the pre-existing target user ${this.preexisting.get(key)}, it uses ${id} (duplicate)`);
    if (x.deprovisioned) await this.verifyDeprovisioned(key, id, problems, seen);
    const needRead = x.exists !== undefined || x.active !== undefined || x.attributes || x.groups;
    if (!needRead) return;
    if (!id) {
      if (x.exists === false) return;
      problems.push(`${key}: no target user is linked (outcomes: ${(e.outcomes.get(key) ?? []).join(', ') || 'none'})`);
      return;
    }
    const res = await this.getUser(id);
    if (x.exists === false) {
      // RFC 7644 §3.6: a deleted resource answers 404.
      if (res.status !== 404) problems.push(`${key}: expected GET /Users/${id} → 404, got ${res.status}`);
      else seen.push(`${key} gone`);
      return;
    }
    // RFC 7644 §3.4.1: a resource is retrieved with GET on its URI, 200.
    if (res.status !== 200) {
      problems.push(`${key}: GET /Users/${id} → ${res.status}, expected 200`);
      return;
    }
    const u: ScimResource = res.json ?? {};
    // Only attributes the target declares (and returns, and lets a client write) are held against it.
    const unverified: { path: string; why: string }[] = [];
    let readVia = '';
    const verifiable = (path: string): boolean => {
      const no = this.schema.unverifiable(path);
      if (no) unverified.push(no);
      return !no;
    };
    // RFC 7643 §4.1.1: active is a boolean.
    if (x.active !== undefined && verifiable('active') && u.active !== x.active) problems.push(`${key}: expected active ${x.active}, the target shows ${fmt(u.active)}`);
    for (const [path, want] of Object.entries(x.attributes ?? {})) {
      if (!verifiable(path)) continue;
      const expected = typeof want === 'string' ? expand(want, this.o.prefix) : want;
      const got = readPath(u, path);
      if (got !== expected) problems.push(`${key}: expected ${path} ${fmt(expected)}, the target shows ${fmt(got)}`);
    }
    if (x.groups) {
      const want = x.groups.map((g) => this.groupIds.get(g) ?? `(unpushed ${g})`).sort();
      const membership = await this.membershipOf(id, u);
      if (fmt(membership.groups) !== fmt(want)) problems.push(`${key}: expected groups ${fmt(x.groups)} (${fmt(want)}), ${membership.source} ${fmt(membership.groups)}`);
      else if (membership.note) {
        readVia = `; ${membership.note}`;
        this.adaptations.add(membership.note);
      }
    }
    this.unverified.push(...unverified);
    const notes = notVerified(unverified);
    if (!problems.length) seen.push(`${key} (${id}) as expected${readVia}${notes}`);
  }

  /**
   * The pushed groups a user is in. RFC 7643 §4.1.2: User.groups is optional and readOnly, derived from the
   * Groups' members; it is read only when the target declares it (returned by default) and shows it. Otherwise
   * membership is read where it is written, each pushed Group's `members` (RFC 7643 §4.2).
   */
  private async membershipOf(id: string, u: ScimResource): Promise<{ groups: string[]; source: string; note?: string }> {
    const known = new Set(this.groupIds.values());
    const listed = u.groups as { value?: string }[] | undefined;
    if (this.schema.userGroupsReadable && Array.isArray(listed)) {
      const groups = valuesOf(listed).filter((v) => known.has(v)).sort();
      return { groups, source: "the target's groups attribute shows" };
    }
    const groups: string[] = [];
    for (const gid of known) {
      const res = await this.adminSend({ method: 'GET', path: `/Groups/${gid}`, purpose: 'verify membership' });
      // RFC 7644 §3.6: a deleted group answers 404 and has no members.
      if (res.status !== 200) continue;
      if (valuesOf(res.json?.members).includes(id)) groups.push(gid);
    }
    // RFC 7643 §2.5: an unassigned (empty) attribute may be left out, so an absent groups is not a failure.
    const why = this.schema.userGroupsReadable ? 'absent from the User' : "the target's User schema does not declare groups";
    return { groups: groups.sort(), source: "the groups' members show", note: `membership read from the groups' members (User.groups: ${why})` };
  }

  private async verifyDeprovisioned(key: string, id: string | undefined, problems: string[], seen: string[]): Promise<void> {
    if (!id) return void problems.push(`${key}: was never provisioned`);
    const res = await this.getUser(id);
    if (this.engine.wasDeleted(key)) {
      // RFC 7644 §3.6: after DELETE the resource answers 404 and is no longer returned by queries.
      if (res.status !== 404) return void problems.push(`${key}: the IdP deleted it (DELETE /Users/${id}) but GET still answers ${res.status}, expected 404 (RFC 7644 §3.6)`);
      const user = this.engine.users.get(key)!;
      const q = await this.adminSend({ method: 'GET', path: '/Users', query: { filter: filterEq('userName', user.userName) }, purpose: 'verify' });
      if (q.json?.totalResults !== 0) return void problems.push(`${key}: deleted, but a filter on its userName still finds ${q.json?.totalResults}`);
      // The userName must be free again: a new account with it can be created.
      const probe = await this.adminSend({ method: 'POST', path: '/Users', body: this.probeUser(user), purpose: 'verify userName is free' });
      if (typeof probe.json?.id === 'string') this.extraUserIds.add(probe.json.id);
      // RFC 7644 §3.3: 409 uniqueness is what says the name is still taken; another refusal is about the probe itself.
      if (probe.status === 409) return void problems.push(`${key}: deleted, but creating a new user named ${user.userName} answers 409; the name is not free (RFC 7643 §4.1.1 uniqueness)`);
      if (probe.status !== 201) return void seen.push(`${key} deleted, 404; whether the name is free was not proven (${describe({ method: 'POST', path: '/Users' }, probe)})`);
      seen.push(`${key} deleted, 404, name free`);
    } else {
      // RFC 7643 §4.1.1: a deactivated account stays readable with active false.
      if (res.status !== 200) return void problems.push(`${key}: deactivated by the IdP, but GET /Users/${id} answers ${res.status}; a deactivated user stays readable`);
      const no = this.schema.unverifiable('active');
      if (no) {
        this.unverified.push(no);
        return void seen.push(`${key} readable${notVerified([no])}`);
      }
      if (res.json?.active !== false) return void problems.push(`${key}: deactivated by the IdP, but the target shows active ${fmt(res.json?.active)}`);
      seen.push(`${key} readable with active:false`);
    }
  }

  /**
   * A new user with a deleted user's name, for proving the name is free: userName plus the person's other
   * attributes the target declares, so that a target requiring one of them (RFC 7643 §2.2 "required", its own
   * schema's choice) does not refuse the probe for a reason other than the name.
   */
  private probeUser(user: DirUser): ScimResource {
    const body: ScimResource = { schemas: [SCHEMA_URN.user], userName: user.userName };
    const has = (path: string) => this.schema.declares(path);
    if (user.email && has('emails.value')) body.emails = [{ value: user.email, type: 'work', primary: true }];
    if ((user.givenName || user.familyName) && has('name')) body.name = { givenName: user.givenName, familyName: user.familyName };
    if (user.displayName && has('displayName')) body.displayName = user.displayName;
    return body;
  }

  private async verifyFilter(x: Expectation, problems: string[], seen: string[]): Promise<void> {
    const name = expand(x.userName!, this.o.prefix);
    const res = await this.adminSend({ method: 'GET', path: '/Users', query: { filter: filterEq('userName', name) }, purpose: 'verify' });
    // RFC 7644 §3.4.2: 200 and a ListResponse.
    if (res.status !== 200) return void problems.push(`filter userName eq ${fmt(name)} → ${res.status}, expected 200`);
    const n = res.json?.totalResults;
    if (x.matches !== undefined && n !== x.matches) problems.push(`filter userName eq ${fmt(name)} found ${n}, expected ${x.matches}`);
    if (x.sameIdAs && res.json?.Resources?.[0]?.id !== this.currentId(x.sameIdAs)) {
      problems.push(`filter userName eq ${fmt(name)} found ${res.json?.Resources?.[0]?.id}, expected ${x.sameIdAs}'s ${this.currentId(x.sameIdAs)}`);
    }
    if (!problems.length) seen.push(`userName ${name}: ${n} match(es)`);
  }

  private async verifyGroup(x: Expectation, problems: string[], seen: string[]): Promise<void> {
    const id = this.groupIds.get(x.group!);
    if (!id) return void problems.push(`group ${x.group} was never pushed`);
    const res = await this.adminSend({ method: 'GET', path: `/Groups/${id}`, purpose: 'verify' });
    if (x.exists === false) {
      // RFC 7644 §3.6: a deleted group answers 404.
      if (res.status !== 404) problems.push(`group ${x.group}: expected GET /Groups/${id} → 404 after delete, got ${res.status}`);
      else seen.push(`group ${x.group} gone`);
      return;
    }
    if (res.status !== 200) return void problems.push(`group ${x.group}: GET /Groups/${id} → ${res.status}, expected 200`);
    const g: ScimResource = res.json ?? {};
    if (x.displayName !== undefined && g.displayName !== expand(x.displayName, this.o.prefix)) {
      problems.push(`group ${x.group}: expected displayName ${fmt(expand(x.displayName, this.o.prefix))}, the target shows ${fmt(g.displayName)}`);
    }
    const memberIds = valuesOf(g.members);
    if (x.members || x.membersOf) {
      const keys = [...(x.members ?? []), ...(x.membersOf ? this.batches.get(x.membersOf) ?? [] : [])];
      const want = keys.map((k) => this.currentId(k) ?? `(unlinked ${k})`).sort();
      const got = [...memberIds].sort();
      if (fmt(got) !== fmt(want)) {
        const missing = want.filter((w) => !got.includes(w));
        const extra = got.filter((v) => !want.includes(v));
        problems.push(`group ${x.group}: members differ (RFC 7643 §4.2): missing ${fmt(missing.slice(0, 5))}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}, unexpected ${fmt(extra.slice(0, 5))}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`);
      }
    }
    if (x.memberCount !== undefined && memberIds.length !== x.memberCount) problems.push(`group ${x.group}: expected ${x.memberCount} members, the target shows ${memberIds.length}`);
    let agreeNote = '';
    if (x.agree && !this.schema.userGroupsReadable) agreeNote = "; members' groups not compared: the target's User schema does not declare groups";
    else if (x.agree) {
      // RFC 7643 §4.1.2: each member's groups attribute names the group (when the target declares and shows it).
      for (const mid of memberIds) {
        const u = await this.getUser(mid);
        const listed = u.json?.groups as { value?: string }[] | undefined;
        if (u.status === 200 && listed === undefined) {
          agreeNote = `; members' groups not compared: the target declares User.groups but GET /Users/${mid} does not return it`;
          break;
        }
        const has = valuesOf(listed).includes(id);
        if (!has) {
          problems.push(`group ${x.group}: member ${mid}'s groups attribute does not list the group (GET /Users/${mid} → ${u.status})`);
          break;
        }
      }
    }
    if (agreeNote) this.adaptations.add(agreeNote.slice(2).replace(/GET \/Users\/\S+ does/, 'a member does'));
    if (!problems.length) seen.push(`group ${x.group} (${id}) as expected, ${memberIds.length} members${agreeNote}`);
  }

  /** Deletes everything the run created: groups first, then users, then a prefix sweep. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    /** Paths already deleted (or gone): a target that keeps deleted users inactive lists them again in the sweep. */
    const done = new Set<string>();
    const del = async (path: string) => {
      try {
        const res = await this.sweeper.send({ method: 'DELETE', path, purpose: 'cleanup' });
        if (res.status !== 204 && res.status !== 200 && res.status !== 404) problems.push(`DELETE ${path} → ${res.status}`);
        else done.add(path);
      } catch (e) {
        problems.push(`DELETE ${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    for (const id of new Set([...this.groupIds.values(), ...this.engine.groupLinks.values()])) await del(`/Groups/${id}`);
    const users = new Set<string>(this.extraUserIds);
    for (const h of this.engine.idHistory.values()) h.forEach((id) => users.add(id));
    for (const id of users) await del(`/Users/${id}`);
    // A sweep by prefix catches anything created whose id the run never saw (RFC 7644 §3.4.2.2 "sw").
    for (const [path, attr] of [['/Users', 'userName'], ['/Groups', 'displayName']] as const) {
      for (let round = 0; round < 10; round++) {
        let res: IdpResponse;
        try {
          res = await this.sweeper.send({ method: 'GET', path, query: { filter: `${attr} sw ${JSON.stringify(this.o.prefix)}`, count: '200' }, purpose: 'cleanup sweep' });
        } catch {
          break;
        }
        // Issue 11 #16: a ListResponse of the wrong shape (Resources no array, members null or without a string id)
        // sweeps nothing; it is the target's answer, not a reason for the harness to throw.
        const ids = (listResources(res.json) ?? []).map((r: unknown) => (r as ScimResource | null)?.id).filter((id): id is string => typeof id === 'string' && id !== '');
        // Only what this cleanup has not deleted yet: under a disable policy DELETE keeps the user (inactive), so
        // the sweep would find the same users every round.
        const fresh = ids.map((id) => `${path}/${id}`).filter((p) => !done.has(p));
        if (res.status !== 200 || fresh.length === 0) break;
        for (const p of fresh) await del(p);
      }
    }
    return problems;
  }
}

function caveatsOf(play: Play): string | undefined {
  const text = [notVerified(play.unverified).slice(2), ...play.adaptations].filter(Boolean).join('; ');
  return text || undefined;
}

/** Why the scenario's declared premise does not hold for this run (scenario `requires`), or undefined. */
function unmetPremise(scenario: Scenario, o: RunOptions): string | undefined {
  const need = scenario.requires;
  if (need?.deprovision && need.deprovision !== o.deprovision) {
    return `not applicable: the target deprovisions by ${o.deprovision === 'disable' ? 'disabling' : 'deleting'} (deprovision: ${o.deprovision}); ${need.because}`;
  }
  return undefined;
}

export async function runScenario(scenario: Scenario, o: RunOptions): Promise<ScenarioRun> {
  const started = performance.now();
  const play = new Play(scenario, o);
  const steps: StepVerdict[] = [];
  let failure: string | undefined;
  let skipped = unmetPremise(scenario, o);
  let unreachable: string | undefined;
  let cleanupProblems: string[] = [];
  const result = (): ScenarioRun => ({
    scenario: scenario.name,
    profile: o.profile.id,
    rfc: scenario.rfc,
    ok: !failure,
    steps,
    failure,
    ...(skipped ? { skipped } : {}),
    ...(caveatsOf(play) ? { caveats: caveatsOf(play) } : {}),
    unreachable,
    cleanupProblems,
    transcript: play.transcript,
    durationMs: Math.round(performance.now() - started),
  });
  // A premise the run cannot have: nothing is sent, nothing to clean up.
  if (skipped) return result();
  try {
    try {
      await play.discover();
    } catch (e) {
      // Issue 11 #13: an oversized /Schemas answer (ResponseTooLarge) is the target's failure, like no answer.
      if (!isScimError(e)) throw e;
      if (e instanceof TargetUnreachable) unreachable = e.detail;
      failure = `discovery: ${e.message}`;
    }
    for (const [i, step] of (failure ? [] : scenario.steps).entries()) {
      const name = label(step, i + 1, o.prefix);
      try {
        const detail = await play.act(step);
        const v = { index: i + 1, label: name, ok: true, detail };
        steps.push(v);
        o.onStep?.(v);
      } catch (e) {
        if (e instanceof StepNotApplicable) {
          const v = { index: i + 1, label: name, ok: true, notApplicable: true, detail: e.message };
          steps.push(v);
          o.onStep?.(v);
          skipped = `not applicable from step ${i + 1} (${name}): ${e.message}`;
          break;
        }
        if (!(e instanceof StepFailed) && !isScimError(e)) throw e;
        if (e instanceof TargetUnreachable) unreachable = e.detail;
        const detail = e.message;
        const v = { index: i + 1, label: name, ok: false, detail };
        steps.push(v);
        o.onStep?.(v);
        failure = `step ${i + 1} (${name}): ${detail}`;
        break;
      }
    }
  } finally {
    // Every resource the run created is deleted, also after a failure or an internal error.
    cleanupProblems = await play.cleanup();
  }
  return result();
}
