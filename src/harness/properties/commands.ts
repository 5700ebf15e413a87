/**
 * Model-based commands (fast-check AsyncCommand): each checks its precondition on the model, sends one
 * request, and compares the target's answer with the model's prediction before the model moves on.
 */
import type fc from 'fast-check';
import { SCHEMA_URN } from '../../scim/types.ts';
import { buildPatchOp, patchBody, userBody, userNameFor, type FilterSpec, type PatchOpSpec, type UserSpec } from './arbitraries.ts';
import { resolveFilter, scoped, tagged } from './filters.ts';
import { comparableView, type Kind, type Model, type Prediction } from './model.ts';
import { PropertyMismatch, type Session } from './session.ts';
import { printFilter } from '../../scim/filter/index.ts';
import type { PropertyTarget } from './target.ts';
import { endpointOf, expectResource, expectSameIds, expectStatus, isUnsupportedFilter, judgeWrite, listAll } from './verify.ts';

export interface Real {
  session: Session;
  target: PropertyTarget;
}

type Cmd = fc.AsyncCommand<Model, Real, boolean>;

const show = (v: unknown) => JSON.stringify(v);

function expectation(p: Prediction): unknown {
  return p.resource ? { status: p.status, resource: comparableView('User', p.resource) } : { status: p.status, why: p.detail };
}

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

async function sendWrite(real: Real, model: Model, kind: Kind, method: 'POST' | 'PUT' | 'PATCH', id: string | undefined, body: unknown, p: Prediction, what: string): Promise<void> {
  const { session, target } = real;
  session.expect(p.resource ? { status: p.status, resource: comparableView(kind, p.resource) } : expectation(p));
  const endpoint = endpointOf(target, kind);
  const path = id ? `${endpoint}/${encodeURIComponent(id)}` : endpoint;
  const res = await session.send({ method, path, body });
  if (method === 'POST' && res.status >= 200 && res.status < 300 && typeof res.json?.id === 'string') session.track(kind === 'User' ? 'user' : 'group', res.json.id);
  await judgeWrite(model, kind, res, p, what, { session, method, path });
}

// ---------------------------------------------------------------------------------------------
// Users

export class CreateUser implements Cmd {
  constructor(readonly spec: UserSpec) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const seq = m.nextSeq();
    const body = tagged(userBody(this.spec, userNameFor(r.session.prefix, seq, this.spec.local), seq), r.target.scope, r.session.prefix);
    // RFC 7644 §3.3: POST creates the resource and answers 201 with it.
    await sendWrite(r, m, 'User', 'POST', undefined, body, m.predictCreate('User', body), 'POST /Users');
  }
  toString = () => `createUser(${show(this.spec)})`;
}

export class ReplaceUser implements Cmd {
  constructor(readonly user: number, readonly spec: UserSpec) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const u = pick(m.users, this.user);
    const seq = m.nextSeq();
    const body = tagged(userBody(this.spec, userNameFor(r.session.prefix, seq, this.spec.local), seq), r.target.scope, r.session.prefix);
    // RFC 7644 §3.5.1: PUT replaces every attribute the client may write.
    await sendWrite(r, m, 'User', 'PUT', u.id, body, m.predictReplace('User', u.id, body), `PUT /Users/${u.id}`);
  }
  toString = () => `replaceUser(#${this.user}, ${show(this.spec)})`;
}

export class PatchUser implements Cmd {
  constructor(readonly user: number, readonly ops: PatchOpSpec[]) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const u = pick(m.users, this.user);
    const others = m.users.filter((x) => x.id !== u.id).map((x) => String(x.resource.userName));
    const ops = this.ops.map((o) => buildPatchOp(o, { prefix: r.session.prefix, nextSeq: () => m.nextSeq(), otherUserNames: others }));
    const body = patchBody(ops);
    // RFC 7644 §3.5.2: the operations apply in order, all or none.
    await sendWrite(r, m, 'User', 'PATCH', u.id, body, m.predictPatch('User', u.id, body), `PATCH /Users/${u.id}`);
  }
  toString = () => `patchUser(#${this.user}, ${show(this.ops)})`;
}

/** Renames a user: userName and the work email together, as IdPs do when a person's name changes. */
export class RenameUser implements Cmd {
  constructor(readonly user: number, readonly local: string) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const u = pick(m.users, this.user);
    const seq = m.nextSeq();
    const userName = userNameFor(r.session.prefix, seq, this.local);
    const emails = [{ value: `renamed.${seq}@example.com`, type: 'work', primary: true }];
    if (r.target.patch) {
      const body = patchBody([
        { op: 'replace', path: 'userName', value: userName },
        { op: 'replace', path: 'emails', value: emails },
      ]);
      await sendWrite(r, m, 'User', 'PATCH', u.id, body, m.predictPatch('User', u.id, body), `PATCH /Users/${u.id} (rename)`);
    } else {
      const body = { ...structuredClone(u.resource), userName, emails };
      delete body.id;
      delete body.meta;
      await sendWrite(r, m, 'User', 'PUT', u.id, body, m.predictReplace('User', u.id, body), `PUT /Users/${u.id} (rename)`);
    }
  }
  toString = () => `renameUser(#${this.user}, ${show(this.local)})`;
}

/** Deactivate / reactivate: `active` is how IdPs suspend a person (RFC 7643 §4.1.1). */
export class SetActive implements Cmd {
  constructor(readonly user: number, readonly active: boolean) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const u = pick(m.users, this.user);
    if (r.target.patch) {
      // RFC 7644 §3.5.2.3: a path-less replace whose value names the attribute.
      const body = patchBody([{ op: 'replace', value: { active: this.active } }]);
      await sendWrite(r, m, 'User', 'PATCH', u.id, body, m.predictPatch('User', u.id, body), `PATCH /Users/${u.id} (active)`);
    } else {
      const body = { ...structuredClone(u.resource), active: this.active };
      delete body.id;
      delete body.meta;
      await sendWrite(r, m, 'User', 'PUT', u.id, body, m.predictReplace('User', u.id, body), `PUT /Users/${u.id} (active)`);
    }
  }
  toString = () => `${this.active ? 'reactivate' : 'deactivate'}User(#${this.user})`;
}

export class DeleteResource implements Cmd {
  constructor(
    readonly kind: Kind,
    readonly index: number,
  ) {}
  check = (m: Readonly<Model>) => m.list(this.kind).length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const disables = this.kind === 'User' && r.target.deprovision === 'disable';
    const x = pick(m.list(this.kind), this.index);
    r.session.step(this.toString(), disables ? { status: 204, then: 'readable with active false (deprovision: disable)' } : { status: 204 });
    const path = `${endpointOf(r.target, this.kind)}/${encodeURIComponent(x.id)}`;
    const res = await r.session.send({ method: 'DELETE', path });
    // RFC 7644 §3.6: a successful DELETE answers 204 No Content.
    expectStatus(res, 204, `DELETE ${this.kind} ${x.id}`);
    if (!disables) return void m.remove(this.kind, x.id);
    // The run's config says DELETE deprovisions by disabling (docs/policy.md): the user stays, inactive. The read-back
    // also brings the new meta (date filters compare with it).
    const read = await r.session.send({ method: 'GET', path });
    expectStatus(read, 200, `GET ${this.kind} ${x.id} after DELETE (deprovision: disable keeps it)`);
    const expected = structuredClone(x.resource);
    if (r.target.registry.resolve('User', { attr: 'active' })) expected.active = false;
    expectResource('User', read.json, expected, `GET ${this.kind} ${x.id} after DELETE (deprovision: disable keeps it, inactive)`);
    m.disable(x.id, read.json);
  }
  toString = () => `delete${this.kind}(#${this.index})`;
}

export class GetResource implements Cmd {
  constructor(
    readonly kind: Kind,
    readonly index: number,
  ) {}
  check = (m: Readonly<Model>) => m.list(this.kind).length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const x = pick(m.list(this.kind), this.index);
    r.session.step(this.toString(), { status: 200, resource: comparableView(this.kind, x.resource) });
    const res = await r.session.send({ method: 'GET', path: `${endpointOf(r.target, this.kind)}/${encodeURIComponent(x.id)}` });
    // RFC 7644 §3.4.1: GET returns the resource as stored.
    expectStatus(res, 200, `GET ${this.kind} ${x.id}`);
    expectResource(this.kind, res.json, x.resource, `GET ${this.kind} ${x.id}`);
  }
  toString = () => `get${this.kind}(#${this.index})`;
}

export class GetDeleted implements Cmd {
  constructor(
    readonly kind: Kind,
    readonly index: number,
  ) {}
  check = (m: Readonly<Model>) => m.deleted.some((d) => d.kind === this.kind);
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString(), { status: 404 });
    const d = pick(m.deleted.filter((x) => x.kind === this.kind), this.index);
    const res = await r.session.send({ method: 'GET', path: `${endpointOf(r.target, this.kind)}/${encodeURIComponent(d.id)}` });
    // RFC 7644 §3.6: after DELETE, the resource "MUST" no longer be returned: 404.
    expectStatus(res, 404, `GET deleted ${this.kind} ${d.id}`);
  }
  toString = () => `getDeleted${this.kind}(#${this.index})`;
}

export class ListUsers implements Cmd {
  constructor(readonly filter: FilterSpec) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const filter = scoped(r.target.scope, r.session.prefix, resolveFilter(this.filter, m.users.map((u) => u.resource)));
    if (!filter) return r.session.note(`filtered lists not compared: ${(r.target.scope as { why: string }).why}`);
    const p = m.predictList('User', filter);
    const names = new Map(m.users.map((u) => [u.id, String(u.resource.userName)]));
    r.session.expect(p.status === 200 ? { status: 200, userNames: p.ids.map((id) => names.get(id)) } : p);
    const listed = await listAll(r.session, r.target.endpoints.users, filter, r.target.maxResults ?? 100);
    // RFC 7644 §3.4.2.2: the answer holds exactly the resources the filter matches (400 invalidFilter if invalid).
    if ('status' in listed) {
      // RFC 7644 §3.12 invalidFilter: "the specified attribute and filter comparison combination is not supported".
      // Refusing a valid filter is the target's right; which operators it supports is reported by the filter checks.
      if (p.status === 200 && isUnsupportedFilter(listed.res)) return r.session.note('filters the target refuses as unsupported (400 invalidFilter) not compared');
      expectStatus(listed.res, p.status, 'GET /Users?filter', p.status === 400 ? p.detail : undefined);
      return;
    }
    if (p.status !== 200) throw new PropertyMismatch(`GET /Users?filter: expected HTTP 400 (${p.detail}), got 200`, p, 200);
    expectSameIds(listed.ids, p.ids, `GET /Users?filter=${printFilter(filter)}`, names);
  }
  toString = () => `listUsers(${show(this.filter)})`;
}

// ---------------------------------------------------------------------------------------------
// Groups

function groupName(prefix: string, seq: number, local: string): string {
  return `${prefix}g${seq}-${local}`;
}

const members = (m: Model, users: number[]) => [...new Set(users.map((i) => pick(m.users, i).id))].map((value) => ({ value }));

export class CreateGroup implements Cmd {
  constructor(
    readonly local: string,
    readonly users: number[],
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const seq = m.nextSeq();
    const ms = m.users.length > 0 ? members(m, this.users) : [];
    const body: Record<string, unknown> = { schemas: [SCHEMA_URN.group], displayName: groupName(r.session.prefix, seq, this.local) };
    if (ms.length > 0) body.members = ms;
    // RFC 7643 §4.2 / RFC 7644 §3.3: a Group is created with its members.
    await sendWrite(r, m, 'Group', 'POST', undefined, body, m.predictCreate('Group', body), 'POST /Groups');
  }
  toString = () => `createGroup(${show(this.local)}, members #${show(this.users)})`;
}

/** Adds, removes or replaces members: PATCH when advertised (RFC 7644 §3.5.2), else PUT (§3.5.1). */
export class ChangeMembers implements Cmd {
  constructor(
    readonly op: 'add' | 'remove' | 'replace',
    readonly group: number,
    readonly users: number[],
  ) {}
  check = (m: Readonly<Model>) =>
    m.groups.length > 0 && (this.op === 'remove' ? Array.isArray(pick(m.groups, this.group).resource.members) : m.users.length > 0);
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const g = pick(m.groups, this.group);
    const current = (g.resource.members as { value: string }[] | undefined) ?? [];
    let body: Record<string, unknown>;
    if (r.target.patch) {
      if (this.op === 'remove') {
        // RFC 7644 §3.5.2.2: remove the member selected by a value filter.
        const victim = pick(current, this.users[0] ?? 0).value;
        body = patchBody([{ op: 'remove', path: `members[value eq ${JSON.stringify(victim)}]` }]);
      } else {
        body = patchBody([{ op: this.op, path: 'members', value: members(m, this.users) }]);
      }
      await sendWrite(r, m, 'Group', 'PATCH', g.id, body, m.predictPatch('Group', g.id, body), `PATCH /Groups/${g.id} (${this.op} members)`);
      return;
    }
    const next =
      this.op === 'remove'
        ? current.filter((x) => x.value !== pick(current, this.users[0] ?? 0).value)
        : this.op === 'add'
          ? [...current, ...members(m, this.users).filter((x) => !current.some((c) => c.value === x.value))]
          : members(m, this.users);
    body = { schemas: [SCHEMA_URN.group], displayName: g.resource.displayName, members: next };
    await sendWrite(r, m, 'Group', 'PUT', g.id, body, m.predictReplace('Group', g.id, body), `PUT /Groups/${g.id} (${this.op} members)`);
  }
  toString = () => `${this.op}Members(group #${this.group}, #${show(this.users)})`;
}

export class RenameGroup implements Cmd {
  constructor(
    readonly group: number,
    readonly local: string,
  ) {}
  check = (m: Readonly<Model>) => m.groups.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    r.session.step(this.toString());
    const g = pick(m.groups, this.group);
    const displayName = groupName(r.session.prefix, m.nextSeq(), this.local);
    if (r.target.patch) {
      const body = patchBody([{ op: 'replace', path: 'displayName', value: displayName }]);
      await sendWrite(r, m, 'Group', 'PATCH', g.id, body, m.predictPatch('Group', g.id, body), `PATCH /Groups/${g.id} (rename)`);
    } else {
      const body: Record<string, unknown> = { schemas: [SCHEMA_URN.group], displayName, ...(g.resource.members ? { members: g.resource.members } : {}) };
      await sendWrite(r, m, 'Group', 'PUT', g.id, body, m.predictReplace('Group', g.id, body), `PUT /Groups/${g.id} (rename)`);
    }
  }
  toString = () => `renameGroup(#${this.group}, ${show(this.local)})`;
}
