/**
 * The verdict of a load run: a neutral read of the target (its own User-Agent, no profile habits) that
 * checks every user, group and membership the IdP believes exists is there exactly once, with the
 * attributes the IdP last sent, and that what the IdP deleted is gone.
 */
import { ScimError } from '../../scim/errors.ts';
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import type { DirUser } from '../directory.ts';
import type { SyncEngine } from '../engine.ts';
import { describe } from '../engine.ts';
import type { IdpHttp, IdpRequest } from '../http.ts';
import { runPool } from './pool.ts';

export interface Tally {
  expected: number;
  present: number;
  missing: number;
  duplicated: number;
  wrong: number;
}

export interface ReadBackVerdict {
  ok: boolean;
  /** 'list': a prefix filter read everything (duplicates visible); 'by-id': the target refused the filter. */
  mode: 'list' | 'by-id';
  users: Tally & { deletedStillThere: number; unexpected: number };
  groups: Tally & { unexpected: number };
  memberships: { expected: number; present: number; missing: number; extra: number; duplicated: number };
  /** The first problems, one readable line each. */
  problems: string[];
  problemCount: number;
}

export interface ReadBackOptions {
  http: IdpHttp;
  prefix: string;
  /** The profile's habit (data): a deactivated user leaves its groups in the target. */
  leaveGroupsFirst: boolean;
  concurrency: number;
  signal?: AbortSignal;
}

const MAX_PROBLEMS = 50;
const PAGE = 200;

class Problems {
  readonly list: string[] = [];
  count = 0;
  add(line: string): void {
    this.count++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(line);
  }
}

/** Every resource whose attribute starts with the prefix, page by page (RFC 7644 §3.4.2.2 "sw", §3.4.2.4). */
export async function listByPrefix(http: IdpHttp, endpoint: '/Users' | '/Groups', attr: string, prefix: string): Promise<ScimResource[] | 'unsupported'> {
  const out: ScimResource[] = [];
  let startIndex = 1;
  for (;;) {
    const req: IdpRequest = { method: 'GET', path: endpoint, query: { filter: `${attr} sw ${JSON.stringify(prefix)}`, startIndex: String(startIndex), count: String(PAGE) }, purpose: 'read-back' };
    const res = await http.send(req);
    // RFC 7644 §3.4.2.2: a target without filter support (or without "sw") answers 400 / 501.
    if (startIndex === 1 && (res.status === 400 || res.status === 501 || res.status === 403)) return 'unsupported';
    if (res.status !== 200 || !Array.isArray(res.json?.Resources)) throw new ScimError(502, `read-back: ${describe(req, res)}: expected 200 with a ListResponse (RFC 7644 §3.4.2)`);
    const page = res.json.Resources as ScimResource[];
    out.push(...page);
    startIndex += page.length;
    const total = Number(res.json.totalResults);
    if (page.length === 0 || (Number.isFinite(total) && startIndex > total)) return out;
  }
}

function emailsOf(r: ScimResource): string[] {
  const e = r.emails as unknown;
  const list = Array.isArray(e) ? e : e && typeof e === 'object' ? [e] : [];
  return list.map((x) => String((x as { value?: unknown }).value ?? '').toLowerCase());
}

/** What differs between the user the IdP last sent and what the target shows (RFC 7643 §4.1). */
export function userDifferences(u: DirUser, r: ScimResource): string[] {
  const out: string[] = [];
  const name = (r.name ?? {}) as Record<string, unknown>;
  const ent = (r[SCHEMA_URN.enterpriseUser] ?? {}) as Record<string, unknown>;
  const eq = (label: string, actual: unknown, expected: unknown) => {
    if (expected !== undefined && actual !== expected) out.push(`${label} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  eq('userName', r.userName, u.userName);
  eq('displayName', r.displayName, u.displayName);
  eq('name.givenName', name.givenName, u.givenName);
  eq('name.familyName', name.familyName, u.familyName);
  eq('title', r.title, u.title);
  // RFC 7643 §4.1.1: active is a boolean, so a string "False" stored as-is is wrong too.
  eq('active', r.active, u.active);
  eq('enterprise department', ent.department, u.department);
  // RFC 7643 §4.1.2: emails.value is caseExact false.
  if (u.email && !emailsOf(r).includes(u.email.toLowerCase())) out.push(`emails ${JSON.stringify(emailsOf(r))} lack ${JSON.stringify(u.email)}`);
  return out;
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

async function readEach(o: ReadBackOptions, endpoint: '/Users' | '/Groups', ids: string[]): Promise<Map<string, ScimResource>> {
  const found = new Map<string, ScimResource>();
  await runPool(
    ids,
    async (id) => {
      const req: IdpRequest = { method: 'GET', path: `${endpoint}/${id}`, purpose: 'read-back' };
      const res = await o.http.send(req);
      if (res.status === 200 && res.json) found.set(id, res.json);
      // RFC 7644 §3.4.1: 404 for a resource that does not exist; anything else is a broken read.
      else if (res.status !== 404) throw new ScimError(502, `read-back: ${describe(req, res)}`);
    },
    { concurrency: o.concurrency, signal: o.signal },
  );
  return found;
}

export async function readBack(engine: SyncEngine, o: ReadBackOptions): Promise<ReadBackVerdict> {
  const problems = new Problems();
  const listedUsers = await listByPrefix(o.http, '/Users', 'userName', o.prefix);
  const listedGroups = await listByPrefix(o.http, '/Groups', 'displayName', o.prefix);
  const mode = listedUsers === 'unsupported' || listedGroups === 'unsupported' ? 'by-id' : 'list';

  const deletedKeys = [...engine.users.keys()].filter((k) => engine.wasDeleted(k));
  const deletedIds = new Set(deletedKeys.flatMap((k) => engine.idHistory.get(k) ?? []));
  const liveKeys = [...engine.users.keys()].filter((k) => !engine.wasDeleted(k));
  const linkedUserIds = liveKeys.map((k) => engine.userLinks.get(k)).filter((x): x is string => !!x);

  let users: Map<string, ScimResource>;
  let groups: Map<string, ScimResource>;
  if (mode === 'list') {
    users = new Map((listedUsers as ScimResource[]).map((r) => [String(r.id), r]));
    groups = new Map((listedGroups as ScimResource[]).map((r) => [String(r.id), r]));
  } else {
    users = await readEach(o, '/Users', [...linkedUserIds, ...deletedIds]);
    groups = await readEach(o, '/Groups', [...engine.groupLinks.values()]);
  }

  // Users: each live user once, with what the IdP sent last; each deleted user gone.
  const byName = countBy([...users.values()], (r) => String(r.userName ?? '').toLowerCase());
  const ut = { expected: liveKeys.length, present: 0, missing: 0, duplicated: 0, wrong: 0, deletedStillThere: 0, unexpected: 0 };
  const accounted = new Set<string>();
  for (const key of liveKeys) {
    const u = engine.users.get(key)!;
    const id = engine.userLinks.get(key);
    const r = id ? users.get(id) : undefined;
    if (!r) {
      ut.missing++;
      problems.add(id ? `user ${u.userName}: id ${id} is not in the target (lost)` : `user ${u.userName}: never provisioned (${(engine.outcomes.get(key) ?? []).at(-1) ?? 'no outcome'})`);
      continue;
    }
    ut.present++;
    accounted.add(id!);
    // RFC 7643 §4.1.1: userName is unique (case-insensitively), so two resources with it are a duplicate.
    const copies = byName.get(u.userName.toLowerCase()) ?? 0;
    if (copies > 1) {
      ut.duplicated++;
      problems.add(`user ${u.userName}: ${copies} resources carry this userName (duplicated)`);
    }
    const diff = userDifferences(u, r);
    if (diff.length) {
      ut.wrong++;
      problems.add(`user ${u.userName} (${id}): ${diff.join('; ')}`);
    }
  }
  for (const id of deletedIds) {
    // RFC 7644 §3.6: a deleted resource is no longer returned.
    if (users.has(id)) {
      ut.deletedStillThere++;
      accounted.add(id);
      problems.add(`user ${users.get(id)!.userName} (${id}): deleted by the IdP but still in the target`);
    }
  }
  for (const [id, r] of users) {
    if (accounted.has(id)) continue;
    ut.unexpected++;
    problems.add(`user ${r.userName} (${id}): in the target but not linked by the IdP (a duplicate create or a leftover)`);
  }

  // Groups and memberships.
  const gt = { expected: engine.groupLinks.size, present: 0, missing: 0, duplicated: 0, wrong: 0, unexpected: 0 };
  const mt = { expected: 0, present: 0, missing: 0, extra: 0, duplicated: 0 };
  const groupsByName = countBy([...groups.values()], (r) => String(r.displayName ?? '').toLowerCase());
  const seenGroups = new Set<string>();
  const needMembers: string[] = [];
  for (const [, id] of engine.groupLinks) {
    const r = groups.get(id);
    if (r && r.members === undefined) needMembers.push(id);
  }
  // Some targets leave members out of list answers; those groups are read one by one.
  if (needMembers.length && mode === 'list') for (const [id, r] of await readEach(o, '/Groups', needMembers)) groups.set(id, r);
  for (const [key, id] of engine.groupLinks) {
    const g = engine.groups.get(key)!;
    const r = groups.get(id);
    const expected = new Set(
      g.members
        .filter((k) => !engine.wasDeleted(k) && !(o.leaveGroupsFirst && engine.users.get(k)?.active === false))
        .map((k) => engine.userLinks.get(k))
        .filter((x): x is string => !!x),
    );
    mt.expected += expected.size;
    if (!r) {
      gt.missing++;
      mt.missing += expected.size;
      problems.add(`group ${g.displayName}: id ${id} is not in the target (lost)`);
      continue;
    }
    gt.present++;
    seenGroups.add(id);
    const copies = groupsByName.get(g.displayName.toLowerCase()) ?? 0;
    if (copies > 1) {
      gt.duplicated++;
      problems.add(`group ${g.displayName}: ${copies} groups carry this displayName (duplicated)`);
    }
    if (r.displayName !== g.displayName) {
      gt.wrong++;
      problems.add(`group ${g.displayName} (${id}): displayName is ${JSON.stringify(r.displayName)}`);
    }
    // RFC 7643 §4.2: members[].value is the member's id.
    const actual = Array.isArray(r.members) ? (r.members as { value?: unknown }[]).map((m) => String(m.value)) : [];
    const counts = countBy(actual, (x) => x);
    for (const [mid, n] of counts) {
      if (n > 1) {
        mt.duplicated++;
        problems.add(`group ${g.displayName}: member ${mid} listed ${n} times`);
      }
      if (!expected.has(mid)) {
        mt.extra++;
        problems.add(`group ${g.displayName}: member ${mid} should not be in it (a removal was lost)`);
      }
    }
    for (const mid of expected) {
      if (counts.has(mid)) mt.present++;
      else {
        mt.missing++;
        problems.add(`group ${g.displayName}: member ${mid} is missing`);
      }
    }
  }
  for (const [id, r] of groups) {
    if (seenGroups.has(id)) continue;
    gt.unexpected++;
    problems.add(`group ${r.displayName} (${id}): in the target but not linked by the IdP (a duplicate create or a leftover)`);
  }
  if (mode === 'by-id') problems.list.unshift('note: the target refused a "sw" filter, so resources were read by id and duplicates could not be looked for');

  const ok =
    ut.missing + ut.duplicated + ut.wrong + ut.deletedStillThere + ut.unexpected + gt.missing + gt.duplicated + gt.wrong + gt.unexpected + mt.missing + mt.extra + mt.duplicated === 0;
  return { ok, mode, users: ut, groups: gt, memberships: mt, problems: problems.list, problemCount: problems.count };
}
