/**
 * The model the property suites compare a target with: resources as the pure SCIM core (src/scim) says
 * they must be after each request, and the status each request must get. The target's own answers are
 * taken only for what the client cannot know: server-assigned `id` and `meta` (RFC 7643 §3.1).
 */
import { ScimError, isScimError } from '../../scim/errors.ts';
import { compileFilter, validateFilter } from '../../scim/filter/index.ts';
import { applyPatch } from '../../scim/patch.ts';
import { findKey, getMember, isPlainObject } from '../../scim/resource-access.ts';
import type { SchemaRegistry } from '../../scim/schema-registry.ts';
import { SCHEMA_URN, type FilterNode, type ScimResource } from '../../scim/types.ts';
import { normalizeResource } from '../../scim/validate-resource.ts';

export type Kind = 'User' | 'Group';

export interface ModelResource {
  id: string;
  /** The resource as stored: normalized attributes plus the target's id and meta. */
  resource: ScimResource;
}

/** What the model predicts for one write: a status, and on success the resource that must come back. */
export type Prediction = { status: number; resource: ScimResource; detail?: undefined } | { status: number; resource?: undefined; detail: string };

const ok = (status: number, resource: ScimResource): Prediction => ({ status, resource });
const err = (e: unknown): Prediction => {
  // Only the core's ScimErrors are predictions; anything else is a bug in the model and must surface.
  if (!isScimError(e)) throw e;
  return { status: e.status, detail: `${e.scimType ? `${e.scimType}: ` : ''}${e.detail}` };
};

export class Model {
  readonly users: ModelResource[] = [];
  readonly groups: ModelResource[] = [];
  /** Ids the target deleted (RFC 7644 §3.6: later requests for them are 404). */
  readonly deleted: { kind: Kind; id: string }[] = [];
  #seq = 0;

  constructor(readonly registry: SchemaRegistry) {}

  /** A number unique within the run, for names that must not collide. */
  nextSeq(): number {
    return this.#seq++;
  }

  list(kind: Kind): ModelResource[] {
    return kind === 'User' ? this.users : this.groups;
  }

  find(kind: Kind, id: string): ModelResource | undefined {
    return this.list(kind).find((r) => r.id === id);
  }

  /** RFC 7643 §4.1.1: userName is unique (uniqueness "server"), compared per its caseExact. */
  #userNameTaken(resource: ScimResource, selfId?: string): boolean {
    const name = resource.userName;
    if (typeof name !== 'string') return false;
    const exact = this.registry.resolve('User', { attr: 'userName' })?.attr.caseExact ?? false;
    const fold = (s: string) => (exact ? s : s.toLowerCase());
    return this.users.some((u) => u.id !== selfId && typeof u.resource.userName === 'string' && fold(u.resource.userName) === fold(name));
  }

  #ctx(kind: Kind) {
    return { registry: this.registry, resourceType: kind };
  }

  /** RFC 7644 §3.3: POST answers 201 with the resource, 400 for invalid bodies, 409 for taken unique values. */
  predictCreate(kind: Kind, body: unknown): Prediction {
    let r: ScimResource;
    try {
      r = normalizeResource(body, { ...this.#ctx(kind), mode: 'create' });
    } catch (e) {
      return err(e);
    }
    if (kind === 'User' && this.#userNameTaken(r)) return { status: 409, detail: 'uniqueness: userName is taken' };
    return ok(201, r);
  }

  /** RFC 7644 §3.5.1: PUT replaces; 404 for an unknown id. */
  predictReplace(kind: Kind, id: string, body: unknown): Prediction {
    const current = this.find(kind, id);
    if (!current) return { status: 404, detail: `${kind} ${id} does not exist` };
    let r: ScimResource;
    try {
      r = normalizeResource(body, { ...this.#ctx(kind), mode: 'replace', existing: current.resource });
    } catch (e) {
      return err(e);
    }
    if (kind === 'User' && this.#userNameTaken(r, id)) return { status: 409, detail: 'uniqueness: userName is taken' };
    return ok(200, r);
  }

  /** RFC 7644 §3.5.2: PATCH applies every operation or none. */
  predictPatch(kind: Kind, id: string, body: unknown): Prediction {
    const current = this.find(kind, id);
    if (!current) return { status: 404, detail: `${kind} ${id} does not exist` };
    let r: ScimResource;
    try {
      r = applyPatch(structuredClone(current.resource), body, this.#ctx(kind));
    } catch (e) {
      return err(e);
    }
    if (kind === 'User' && this.#userNameTaken(r, id)) return { status: 409, detail: 'uniqueness: userName is taken' };
    return ok(200, r);
  }

  /** Records a successful write: the predicted attributes with the target's id and meta. */
  commit(kind: Kind, predicted: ScimResource, answer: unknown): ModelResource {
    const id = String(getMember(answer, 'id'));
    const meta = getMember(answer, 'meta');
    const resource: ScimResource = { ...structuredClone(predicted), id, ...(isPlainObject(meta) ? { meta: structuredClone(meta) } : {}) };
    const list = this.list(kind);
    const at = list.findIndex((r) => r.id === id);
    const entry = { id, resource };
    if (at >= 0) list[at] = entry;
    else list.push(entry);
    return entry;
  }

  /**
   * DELETE on a target that deprovisions by disabling (the run's `deprovision: disable`): the user stays, with
   * active false when the target has `active` (RFC 7643 §4.1.1), and keeps its groups; `answer` is its read-back.
   */
  disable(id: string, answer: unknown): void {
    const current = this.find('User', id);
    if (!current) return;
    const next = structuredClone(current.resource);
    if (this.registry.resolve('User', { attr: 'active' })) next.active = false;
    this.commit('User', next, answer);
  }

  /** RFC 7644 §3.6 DELETE; a deleted user leaves the groups it was in (RFC 7643 §4.2 members reference live resources). */
  remove(kind: Kind, id: string): void {
    const list = this.list(kind);
    const at = list.findIndex((r) => r.id === id);
    if (at >= 0) list.splice(at, 1);
    this.deleted.push({ kind, id });
    for (const g of this.groups) {
      const members = g.resource.members;
      if (!Array.isArray(members)) continue;
      const kept = members.filter((m) => !(isPlainObject(m) && m.value === id));
      if (kept.length > 0) g.resource.members = kept;
      else delete g.resource.members;
    }
  }

  /**
   * The ids a list request must return (RFC 7644 §3.4.2.2), or the error status the filter must get
   * (invalidFilter, RFC 7644 §3.12). `scope` restricts to resources of this run.
   */
  predictList(kind: Kind, filter: FilterNode): { status: 200; ids: string[] } | { status: 400; detail: string } {
    try {
      validateFilter(filter, this.#ctx(kind));
      const matches = compileFilter(filter, this.#ctx(kind));
      return { status: 200, ids: this.list(kind).filter((r) => matches(r.resource)).map((r) => r.id) };
    } catch (e) {
      if (e instanceof ScimError) return { status: 400, detail: e.detail };
      throw e;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Comparable views: the attributes the suites write, in a canonical form. Attributes a target adds on
// its own (meta, groups, computed name.formatted...) are not the model's business.

const USER_STRINGS = ['userName', 'displayName', 'nickName', 'title', 'externalId'] as const;
const ENTERPRISE_STRINGS = ['department', 'employeeNumber'] as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function sortedByJson<T>(items: T[]): T[] {
  return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

/** RFC 7643 §2.4: multi-valued attributes are unordered sets; `primary` false is the same as absent. */
function emailsView(v: unknown): unknown[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const items = v.filter(isPlainObject).map((e) => {
    const out: Record<string, unknown> = {};
    const value = str(getMember(e, 'value'));
    const type = str(getMember(e, 'type'));
    if (value !== undefined) out.value = value;
    if (type !== undefined) out.type = type;
    if (getMember(e, 'primary') === true) out.primary = true;
    return out;
  });
  return sortedByJson(items);
}

export function comparableView(kind: Kind, r: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isPlainObject(r)) return out;
  if (kind === 'Group') {
    for (const k of ['displayName', 'externalId']) {
      const v = str(getMember(r, k));
      if (v !== undefined) out[k] = v;
    }
    const members = getMember(r, 'members');
    if (Array.isArray(members) && members.length > 0) {
      // RFC 7643 §4.2: members is a set of references; only `value` (the id) is the client's to choose.
      out.members = [...new Set(members.map((m) => String(getMember(m, 'value'))))].sort();
    }
    return out;
  }
  for (const k of USER_STRINGS) {
    const v = str(getMember(r, k));
    if (v !== undefined) out[k] = v;
  }
  const active = getMember(r, 'active');
  if (typeof active === 'boolean') out.active = active;
  const name = getMember(r, 'name');
  if (isPlainObject(name)) {
    const n: Record<string, string> = {};
    for (const k of ['givenName', 'familyName']) {
      const v = str(getMember(name, k));
      if (v !== undefined) n[k] = v;
    }
    if (Object.keys(n).length > 0) out.name = n;
  }
  const emails = emailsView(getMember(r, 'emails'));
  if (emails) out.emails = emails;
  const extKey = findKey(r, SCHEMA_URN.enterpriseUser);
  const ext = extKey === undefined ? undefined : r[extKey];
  if (isPlainObject(ext)) {
    const e: Record<string, string> = {};
    for (const k of ENTERPRISE_STRINGS) {
      const v = str(getMember(ext, k));
      if (v !== undefined) e[k] = v;
    }
    if (Object.keys(e).length > 0) out.enterprise = e;
  }
  return out;
}
