/**
 * A validated profile file (generated.ts, from specs/json-schema/idp-profile.schema.json) → the Profile object the
 * engine runs, unchanged: every builder is the file's template evaluated over what the engine hands it
 * (template.ts). The two habits that are algorithms rather than shapes are named options: `mergeOverRead` (Okta's
 * PUT of the resource as read with the profile on top) and `diffAgainstRead` (Entra's read, compare, PATCH what
 * differs).
 */
import type { ScimResource } from '../../../scim/types.ts';
import type { DirUser } from '../../directory.ts';
import type { IdpRequest } from '../../http.ts';
import { readPath } from '../../scenario/read-path.ts';
import { overlay } from '../okta.ts';
import { patch, type BuildContext, type ConnectionProbe, type MatchAttribute, type MemberRef, type Profile } from '../types.ts';
import type { DiffAgainstRead, IdpProfileFile, Query, Request } from './generated.ts';
import { evaluate, evalString, holds, type Scope } from './template.ts';

/** Query parameters; an unset value leaves its parameter out. */
function query(q: Query, scope: Scope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(q)) {
    const v = evalString(t, scope);
    if (v !== undefined && v !== null && v !== '') out[k] = String(v);
  }
  return out;
}

/** The purpose text: the text itself, or the first alternative whose `when` expressions all hold. */
function purposeOf(p: Request['purpose'], scope: Scope): string | undefined {
  if (p === undefined || typeof p === 'string') return p;
  return p.find((alt) => [alt.when ?? []].flat().every((w) => holds(w, scope)))?.text;
}

/** One request template → the request, or nothing when its `when` does not hold. */
function request(r: Request, scope: Scope, current?: ScimResource, purpose?: string): IdpRequest | undefined {
  if (r.when !== undefined && !holds(r.when, scope)) return undefined;
  const req: IdpRequest = { method: r.method, path: String(evalString(r.path, scope) ?? r.path) };
  if (r.query) req.query = query(r.query, scope);
  if (r.body !== undefined) {
    const body = (evaluate(r.body, scope) ?? {}) as ScimResource;
    req.body = r.mergeOverRead ? overlay(current, body) : body;
  }
  const why = purposeOf(r.purpose, scope) ?? purpose;
  if (why !== undefined) req.purpose = String(evalString(why, scope) ?? why);
  if (r.quirk !== undefined) {
    const q = evalString(r.quirk, scope);
    if (typeof q === 'string') req.quirk = q;
  }
  return req;
}

function requests(list: Request[], scope: Scope, current?: ScimResource, purpose?: string): IdpRequest[] {
  return list.map((r) => request(r, scope, current, purpose)).filter((r): r is IdpRequest => r !== undefined);
}

const blank = (v: unknown) => v === undefined || v === null || v === '';

/** Same value as far as a diffing IdP's comparison goes: booleans across "True"/true, otherwise exact. */
function same(held: unknown, wanted: unknown): boolean {
  if (typeof wanted === 'boolean') return held === wanted || (typeof held === 'string' && held.toLowerCase() === String(wanted));
  return held === wanted;
}

/**
 * The named strategy `diffAgainstRead` (Entra's, MS-use Example 3 and MS-compat): each mapped attribute with a
 * value is compared with what the target holds; nothing is sent for what matches; an attribute the target lacks
 * is `add`, one the directory changed is `replace`, one the directory did not change but the target holds
 * differently is re-asserted with `add`. With `mergeReplaces`, replacements of plain paths go in one pathless
 * replace op.
 */
function diffAgainstRead(spec: DiffAgainstRead) {
  return (prev: DirUser, next: DirUser, id: string, current: ScimResource | undefined, ctx: BuildContext): IdpRequest[] => {
    const cur = current ?? {};
    const ops: Record<string, unknown>[] = [];
    const quirks: string[] = [];
    const merged: Record<string, unknown> = {};
    for (const a of spec.attributes) {
      const wanted = evalString(a.value, { user: next, id, ctx });
      if (blank(wanted)) continue;
      const held = (a.read ?? [a.path]).map((p) => readPath(cur, p)).find((v) => v !== undefined);
      if (same(held, wanted)) continue;
      const changed = evalString(a.value, { user: prev, id, ctx }) !== wanted;
      const kind = blank(held) ? 'add' : changed ? 'replace' : 'add';
      const scope: Scope = { user: next, id, ctx, op: spec.opNames[kind] };
      if (spec.mergeReplaces && kind === 'replace' && a.op === undefined && !a.path.includes('[')) {
        merged[a.path] = wanted;
        continue;
      }
      ops.push(a.op === undefined ? { op: spec.opNames[kind], path: a.path, value: wanted } : (evaluate(a.op, scope) as Record<string, unknown>));
      if (a.quirk !== undefined) {
        const q = evalString(a.quirk, scope);
        if (typeof q === 'string') quirks.push(q);
      }
    }
    if (Object.keys(merged).length) ops.push({ op: 'replace', value: merged });
    if (!ops.length) return [];
    const req = patch(`/Users/${id}`, ops, spec.purpose);
    if (quirks.length) req.quirk = quirks.join('; and ');
    return [req];
  };
}

/**
 * The Profile a validated file describes (the loader has checked its templates; group requests carry no `when`,
 * so their builders always give a request).
 */
export function buildProfile(f: IdpProfileFile): Profile {
  const g = f.groups;
  const probe = (p: IdpProfileFile['connectionTest'][number], randomId: string, attr: MatchAttribute): ConnectionProbe => {
    const who: DirUser = { key: 'connection-test', idpId: randomId, userName: randomId, email: randomId, active: true };
    const q = p.queryByMatching ? query(f.matching.queries[attr], { user: who }) : p.query ? query(p.query, { randomId }) : undefined;
    return {
      req: { method: p.method, path: String(evalString(p.path, { randomId })), ...(q ? { query: q } : {}), purpose: 'connection-test' },
      wants: p.wants,
      ...(p.acceptNotFound ? { acceptNotFound: true } : {}),
    };
  };
  const update = f.updateUser;
  return {
    id: f.id,
    title: f.title,
    idStyle: f.idStyle,
    headers: { ...f.headers } as Profile['headers'],
    auth: [...f.auth],
    ...(f.customHeaders ? { customHeaders: true } : {}),
    retry: { ...f.retry },
    connectionTest: (randomId, attr) => f.connectionTest.map((p) => probe(p, randomId, attr ?? f.matching.default)),
    matching: {
      default: f.matching.default,
      query: (attr, user) => query(f.matching.queries[attr], { user }),
      ...(f.matching.notFoundIsEmpty ? { notFoundIsEmpty: true } : {}),
      ...(f.matching.onMatch ? { onMatch: { ...f.matching.onMatch } } : {}),
    },
    ...(f.import ? { import: { ...f.import } } : {}),
    createUser: (user, ctx) => (evaluate(f.createUser, { user, ctx }) ?? {}) as ScimResource,
    ...(f.afterCreate ? { afterCreate: (user: DirUser, id: string, ctx: BuildContext) => requests(f.afterCreate!, { user, id, ctx }) } : {}),
    updateUser: {
      readFirst: update.readFirst,
      ...(update.reconcile ? { reconcile: true } : {}),
      build: update.diffAgainstRead ? diffAgainstRead(update.diffAgainstRead) : (prev, next, id, current, ctx) => requests(update.requests!, { user: next, prev, id, ctx }, current),
    },
    setActive: {
      readFirst: f.setActive.readFirst,
      leaveGroupsFirst: f.setActive.leaveGroupsFirst,
      build: (user, id, active, current, ctx) =>
        requests(f.setActive.requests, { user: { ...user, active }, id, active, ctx }, current, active ? f.setActive.purpose.activate : f.setActive.purpose.deactivate),
    },
    deletesUsers: f.deletesUsers,
    ...(f.lifecycle ? { lifecycle: { ...f.lifecycle } } : {}),
    groups: {
      ...(g.matchQuery ? { matchQuery: (group) => query(g.matchQuery!, { group }) } : {}),
      ...(g.findByListing ? { findByListing: { ...g.findByListing } } : {}),
      ...(g.readQuery ? { readQuery: { ...g.readQuery } } : {}),
      create: (group, members) => (evaluate(g.create, { group, members: members ?? [] }) ?? {}) as ScimResource,
      ...(g.createWithMembers ? { createWithMembers: true } : {}),
      ...(g.memberDisplay ? { memberDisplay: g.memberDisplay } : {}),
      ...(g.replaceWhole ? { replaceWhole: (id: string, current: ScimResource, group, members) => request(g.replaceWhole!, { id, group, members }, current)! } : {}),
      ...(g.changeMembers ? { changeMembers: (id: string, add: MemberRef[], remove: MemberRef[]) => request(g.changeMembers!, { id, add, remove })! } : {}),
      ...(g.renameWithMembership ? { renameWithMembership: true } : {}),
      ...(g.pushNow ? { pushNow: (id: string, members: MemberRef[]) => request(g.pushNow!, { id, members })! } : {}),
      rename: (id, group) => request(g.rename, { id, group })!,
      batchSize: g.batchSize,
      addMembers: (id, members) => request(g.addMembers, { id, members })!,
      removeMembers: (id, members) => request(g.removeMembers, { id, members })!,
    },
    reactions: { ...f.reactions },
    sources: { ...f.sources },
  };
}
