/**
 * `scimcheck replay FILE --to-scenario NAME.yaml` (issue 14): a scenario draft from a recording, so one real sync
 * becomes a CI regression scenario that every profile plays its own way. The recorded writes are read back as
 * the directory changes an admin made: a created user is an `assign`, an `active` false / true a `deactivate` /
 * `reactivate`, other attribute writes an `update`, a DELETE a `delete`; a created group a `createGroup`, member
 * adds and removes `addMembers` / `removeMembers`, a new displayName `renameGroup`, a DELETE `deleteGroup`. The
 * draft ends with an `expect` per user and group (their final state). userNames and emails get the run's
 * `{{prefix}}` so the scenario never collides with real accounts. Reads are the IdP's own business: not steps.
 *
 * The draft is validated with the scenario loader (src/idp/scenario/load.ts) before it is written.
 */
import { stringify } from 'yaml';
import type { RecordedExchange } from './record.ts';
// RFC 7643 §2.1: attribute names are case-insensitive.
import { getMember as member, isPlainObject as isObject } from '../scim/resource-access.ts';

type Json = Record<string, unknown>;
const lower = (s: string) => s.toLowerCase();
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : typeof v === 'string' && /^(true|false)$/i.test(v) ? lower(v) === 'true' : undefined);

/** The user fields a scenario step carries (src/idp/scenario/schema.ts userFields). */
interface Fields {
  userName?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  email?: string;
  title?: string;
}

/** Fields a write sets, from a resource body or a pathless PATCH value (dotted and nested forms alike). */
function fieldsOf(v: Json): Fields {
  const name = member(v, 'name');
  const emails = member(v, 'emails');
  const firstEmail = Array.isArray(emails) ? emails.find((e) => isObject(e) && member(e, 'primary') === true) ?? emails[0] : undefined;
  const out: Fields = {
    userName: str(member(v, 'userName')),
    givenName: str(isObject(name) ? member(name, 'givenName') : member(v, 'name.givenName')),
    familyName: str(isObject(name) ? member(name, 'familyName') : member(v, 'name.familyName')),
    displayName: str(member(v, 'displayName')),
    email: str(isObject(firstEmail) ? member(firstEmail, 'value') : undefined),
    title: str(member(v, 'title')),
  };
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined)) as Fields;
}

/** PATCH operations as (path, value) pairs; a pathless value spreads into its keys. */
function patchPairs(body: unknown): { op: string; path?: string; value: unknown }[] {
  const ops = isObject(body) ? member(body, 'Operations') : undefined;
  if (!Array.isArray(ops)) return [];
  return ops.filter(isObject).map((o) => ({ op: lower(String(member(o, 'op') ?? '')), ...(typeof member(o, 'path') === 'string' ? { path: member(o, 'path') as string } : {}), value: member(o, 'value') }));
}

/** A userName (or email) made the run's own: `{{prefix}}-` before it, as the built-in scenarios write them. */
const prefixed = (s: string) => `{{prefix}}-${s}`;

export interface ScenarioDraft {
  name: string;
  title: string;
  description: string;
  rfc: string;
  steps: Record<string, unknown>[];
}

export function scenarioFromRecording(recording: readonly RecordedExchange[], name: string): ScenarioDraft {
  const users = new Map<string, { key: string; active: boolean; deleted: boolean; fields: Fields }>();
  const groups = new Map<string, { key: string; displayName: string; members: Set<string>; deleted: boolean }>();
  const steps: Record<string, unknown>[] = [];
  const userKey = (id: string) => users.get(id)?.key;
  const withPrefix = (f: Fields): Fields => ({ ...f, ...(f.userName ? { userName: prefixed(f.userName) } : {}), ...(f.email ? { email: prefixed(f.email) } : {}) });

  for (const rec of recording) {
    const res = rec.response;
    if ('error' in res || res.status < 200 || res.status >= 300) continue;
    const segs = rec.request.path.split('/').filter((s) => s !== '');
    const kind = lower(segs[0] ?? '');
    const id = segs[1];
    const method = rec.request.method.toUpperCase();
    const body = rec.request.body;
    if (kind === 'users') {
      if (method === 'POST' && !id && isObject(body) && isObject(res.body) && typeof member(res.body, 'id') === 'string') {
        const f = fieldsOf(body);
        if (!f.userName) continue;
        const key = `user${users.size + 1}`;
        const active = bool(member(body, 'active')) ?? true;
        users.set(member(res.body, 'id') as string, { key, active, deleted: false, fields: f });
        steps.push({ assign: { user: key, ...withPrefix(f) } });
        if (!active) steps.push({ deactivate: { user: key } });
        continue;
      }
      const u = id ? users.get(id) : undefined;
      if (!u) continue;
      if (method === 'DELETE') {
        u.deleted = true;
        steps.push({ delete: { user: u.key } });
        continue;
      }
      let changed: Fields = {};
      let active: boolean | undefined;
      if (method === 'PUT' && isObject(body)) {
        changed = fieldsOf(body);
        active = bool(member(body, 'active'));
      } else if (method === 'PATCH') {
        for (const p of patchPairs(body)) {
          if (p.op === 'remove') continue;
          if (p.path === undefined && isObject(p.value)) {
            changed = { ...changed, ...fieldsOf(p.value) };
            active = bool(member(p.value, 'active')) ?? active;
          } else if (p.path !== undefined && lower(p.path) === 'active') active = bool(p.value) ?? active;
          else if (p.path !== undefined && !p.path.includes('[')) changed = { ...changed, ...fieldsOf({ [p.path]: p.value }) };
          else if (p.path !== undefined && /^emails\[/i.test(p.path) && typeof p.value === 'string') changed = { ...changed, email: p.value };
        }
      }
      // Only what differs from what the directory already holds is an update.
      const diff = Object.fromEntries(Object.entries(changed).filter(([k, x]) => (u.fields as Record<string, string>)[k] !== x)) as Fields;
      if (Object.keys(diff).length > 0) {
        u.fields = { ...u.fields, ...diff };
        steps.push({ update: { user: u.key, ...withPrefix(diff) } });
      }
      if (active !== undefined && active !== u.active) {
        u.active = active;
        steps.push({ [active ? 'reactivate' : 'deactivate']: { user: u.key } });
      }
      continue;
    }
    if (kind === 'groups') {
      if (method === 'POST' && !id && isObject(body) && isObject(res.body) && typeof member(res.body, 'id') === 'string') {
        const displayName = str(member(body, 'displayName'));
        if (!displayName) continue;
        const key = `group${groups.size + 1}`;
        const members = new Set((Array.isArray(member(body, 'members')) ? (member(body, 'members') as unknown[]) : []).map((m) => (isObject(m) ? userKey(String(member(m, 'value'))) : undefined)).filter((k): k is string => !!k));
        groups.set(member(res.body, 'id') as string, { key, displayName, members, deleted: false });
        steps.push({ createGroup: { group: key, displayName: prefixed(displayName), ...(members.size ? { members: [...members] } : {}) } });
        continue;
      }
      const g = id ? groups.get(id) : undefined;
      if (!g) continue;
      if (method === 'DELETE') {
        g.deleted = true;
        steps.push({ deleteGroup: { group: g.key } });
        continue;
      }
      const added: string[] = [];
      const removed: string[] = [];
      let rename: string | undefined;
      const valuesOf = (v: unknown) => (Array.isArray(v) ? v : [v]).map((m) => (isObject(m) ? userKey(String(member(m, 'value'))) : undefined)).filter((k): k is string => !!k);
      for (const p of patchPairs(body)) {
        const path = p.path ? lower(p.path) : undefined;
        if (path === 'members' || (path === undefined && isObject(p.value) && member(p.value, 'members') !== undefined)) {
          const list = valuesOf(path === 'members' ? p.value : member(p.value as Json, 'members'));
          (p.op === 'remove' ? removed : added).push(...list);
        } else if (path?.startsWith('members[') && p.op === 'remove') {
          const m = /value\s+eq\s+"([^"]+)"/i.exec(p.path ?? '');
          const k = m ? userKey(m[1] as string) : undefined;
          if (k) removed.push(k);
        } else if ((path === 'displayname' && typeof p.value === 'string') || (path === undefined && isObject(p.value) && str(member(p.value, 'displayName')))) {
          rename = path === 'displayname' ? (p.value as string) : (member(p.value as Json, 'displayName') as string);
        }
      }
      if (method === 'PUT' && isObject(body)) {
        const now = new Set(valuesOf(member(body, 'members') ?? []));
        added.push(...[...now].filter((k) => !g.members.has(k)));
        removed.push(...[...g.members].filter((k) => !now.has(k)));
        rename = str(member(body, 'displayName'));
      }
      const add = [...new Set(added)].filter((k) => !g.members.has(k));
      const remove = [...new Set(removed)].filter((k) => g.members.has(k));
      if (add.length) steps.push({ addMembers: { group: g.key, members: add } });
      if (remove.length) steps.push({ removeMembers: { group: g.key, members: remove } });
      for (const k of add) g.members.add(k);
      for (const k of remove) g.members.delete(k);
      if (rename && rename !== g.displayName) {
        g.displayName = rename;
        steps.push({ renameGroup: { group: g.key, displayName: prefixed(rename) } });
      }
    }
  }

  // The final state, as the target must show it afterwards. A userName two recorded accounts shared (one
  // deleted, then created again) is left out: a profile that deprovisions by disabling keeps the first, and a
  // filter on the userName cannot tell the two apart.
  const named = new Map<string, number>();
  for (const u of users.values()) if (u.fields.userName) named.set(lower(u.fields.userName), (named.get(lower(u.fields.userName)) ?? 0) + 1);
  for (const u of users.values()) {
    if (u.fields.userName && (named.get(lower(u.fields.userName)) ?? 0) > 1) continue;
    steps.push({ expect: u.deleted ? { user: u.key, deprovisioned: true } : { user: u.key, exists: true, active: u.active, ...(u.fields.userName ? { attributes: { userName: prefixed(u.fields.userName) } } : {}) } });
  }
  for (const g of groups.values()) {
    if (!g.deleted) steps.push({ expect: { group: g.key, members: [...g.members].filter((k) => ![...users.values()].some((u) => u.key === k && u.deleted)) } });
  }
  return {
    name,
    title: `Recorded sync (${users.size} user${users.size === 1 ? '' : 's'}, ${groups.size} group${groups.size === 1 ? '' : 's'})`,
    description: `A draft written by 'scimcheck replay --to-scenario' from ${recording.length} recorded exchanges: the directory changes the IdP's writes show, then the final state. Review the steps and the expectations before relying on it.`,
    rfc: 'RFC7644 §3.3',
    steps: steps.length > 0 ? steps : [{ connect: {} }],
  };
}

export function scenarioYaml(draft: ScenarioDraft): string {
  return stringify(draft, { lineWidth: 120 });
}
