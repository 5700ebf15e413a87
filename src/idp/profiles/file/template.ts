/**
 * The placeholder language of profile files (docs/idp.md, "Your own IdP as a file"). A template is a JSON value;
 * its strings may hold `{{expression}}` where an expression is `name.path (?? name.path)* (| filter)*`. Names are a
 * fixed list per template position (PLACEHOLDERS), read through fixed resolvers: nothing is evaluated, no
 * property of an arbitrary object is looked up, so a file cannot reach code or prototypes.
 *
 * The compact rule (as the built-in profiles' `compact`): an unset value (undefined, null, '') is left out, and a
 * literal object or array that leaving values out made empty is left out too. `{ $each: "{{members}}", do: T }`
 * repeats T per member (spliced into an enclosing array); `$when: "{{expr}}"` on an object keeps it only when the
 * expression is set (not unset, not false, not an empty list); `{ $when, $value }` does so for any value.
 */
import type { DirGroup, DirUser } from '../../directory.ts';
import type { BuildContext, MemberRef } from '../types.ts';
import { formattedName } from '../common.ts';
import { mailNickname } from '../entra.ts';

/** What a template is evaluated against; each field is present only where its position offers it. */
export interface Scope {
  user?: DirUser;
  prev?: DirUser;
  group?: DirGroup;
  id?: string;
  members?: MemberRef[];
  add?: MemberRef[];
  remove?: MemberRef[];
  member?: MemberRef;
  active?: boolean;
  randomId?: string;
  op?: string;
  ctx?: BuildContext;
}

/** Directory-user fields a template may read, each with how it is computed. */
const USER_VALUES: Record<string, (u: DirUser, ctx?: BuildContext) => unknown> = {
  userName: (u) => u.userName,
  givenName: (u) => u.givenName,
  familyName: (u) => u.familyName,
  displayName: (u) => u.displayName,
  email: (u) => u.email,
  title: (u) => u.title,
  organization: (u) => u.organization,
  department: (u) => u.department,
  employeeNumber: (u) => u.employeeNumber,
  idpId: (u) => u.idpId,
  active: (u) => u.active,
  // The UPN's local part (Entra's mailNickname → externalId).
  mailNickname: (u) => mailNickname(u),
  // "givenName familyName", unset when both are.
  formattedName: (u) => formattedName(u),
  // The manager's target id, when the IdP has linked the manager.
  managerId: (u, ctx) => (u.manager ? ctx?.targetIdOf(u.manager) : undefined),
  managerRef: (u, ctx) => {
    const id = u.manager ? ctx?.targetIdOf(u.manager) : undefined;
    return id && ctx ? ctx.refOf('Users', id) : undefined;
  },
};

const GROUP_VALUES: Record<string, (g: DirGroup) => unknown> = { displayName: (g) => g.displayName, idpId: (g) => g.idpId };
const MEMBER_VALUES: Record<string, (m: MemberRef) => unknown> = { id: (m) => m.id, display: (m) => m.display };

/** Every placeholder name, each with the resolver of its value; `user.*` and `prev.*` take USER_VALUES. */
const RESOLVERS: Record<string, (s: Scope) => unknown> = {
  ...Object.fromEntries(Object.entries(USER_VALUES).map(([k, f]) => [`user.${k}`, (s: Scope) => (s.user ? f(s.user, s.ctx) : undefined)])),
  ...Object.fromEntries(Object.entries(USER_VALUES).map(([k, f]) => [`prev.${k}`, (s: Scope) => (s.prev ? f(s.prev, s.ctx) : undefined)])),
  // The new value of a field the directory change touched (an update's user vs prev); unset when unchanged.
  ...Object.fromEntries(
    Object.entries(USER_VALUES).map(([k, f]) => [
      `changed.${k}`,
      (s: Scope) => {
        if (!s.user || !s.prev) return undefined;
        const v = f(s.user, s.ctx);
        return JSON.stringify(v) === JSON.stringify(f(s.prev, s.ctx)) ? undefined : v;
      },
    ]),
  ),
  ...Object.fromEntries(Object.entries(GROUP_VALUES).map(([k, f]) => [`group.${k}`, (s: Scope) => (s.group ? f(s.group) : undefined)])),
  ...Object.fromEntries(Object.entries(MEMBER_VALUES).map(([k, f]) => [`member.${k}`, (s: Scope) => (s.member ? f(s.member) : undefined)])),
  id: (s) => s.id,
  members: (s) => s.members,
  add: (s) => s.add,
  remove: (s) => s.remove,
  active: (s) => s.active,
  randomId: (s) => s.randomId,
  op: (s) => s.op,
  password: (s) => s.ctx?.password(),
};

/** The placeholder roots each template position offers (what the engine knows when it builds that request). */
export type Position =
  | 'connectionTest'
  | 'matching'
  | 'createUser'
  | 'afterCreate'
  | 'updateUser'
  | 'diffAttribute'
  | 'setActive'
  | 'groupQuery'
  | 'groupCreate'
  | 'groupMembers'
  | 'groupRename'
  | 'groupReplace'
  | 'changeMembers';

const ROOTS: Record<Position, string[]> = {
  connectionTest: ['randomId'],
  matching: ['user'],
  createUser: ['user', 'password'],
  afterCreate: ['user', 'id'],
  updateUser: ['user', 'prev', 'changed', 'id'],
  diffAttribute: ['user', 'id', 'op'],
  setActive: ['user', 'id', 'active'],
  groupQuery: ['group'],
  groupCreate: ['group', 'members'],
  groupMembers: ['id', 'members'],
  groupRename: ['group', 'id'],
  groupReplace: ['group', 'id', 'members'],
  changeMembers: ['id', 'add', 'remove'],
};

/** Roots whose value is a member list, which `$each` walks (binding `member`). */
const LISTS = new Set(['members', 'add', 'remove']);

const FILTERS: Record<string, (v: unknown) => unknown> = {
  // A JSON string literal, quotes included: what a SCIM filter's compValue is (RFC 7644 §3.4.2.2).
  json: (v) => (v === undefined ? undefined : JSON.stringify(typeof v === 'string' ? v : String(v))),
  // true → "True", "work" → "Work" (Entra sends booleans as such strings without its aadOptscim062020 flag).
  capitalized: (v) => {
    if (v === undefined) return undefined;
    const s = String(v);
    return s.charAt(0).toUpperCase() + s.slice(1);
  },
};

interface Expr {
  alternatives: string[];
  filters: string[];
}

const PLACEHOLDER = /\{\{(.*?)\}\}/g;
const WHOLE = /^\{\{(.*?)\}\}$/;

function parseExpr(src: string): Expr {
  const [head, ...filters] = src.split('|').map((s) => s.trim());
  return { alternatives: head.split('??').map((s) => s.trim()), filters };
}

const DIRECTIVES = new Set(['$each', 'do', '$when', '$value']);

/**
 * The problems of one template at `pointer` (JSON pointer into the file): unknown placeholders and filters,
 * placeholders this position does not offer, malformed directives. Empty when it is fine.
 */
export function checkTemplate(value: unknown, position: Position, pointer: string): string[] {
  const roots = ROOTS[position];
  const problems: string[] = [];
  const checkString = (s: string, at: string, here: string[]) => {
    const open = (s.match(/\{\{/g) ?? []).length;
    const found = [...s.matchAll(PLACEHOLDER)];
    if (open !== found.length) problems.push(`${at}: unclosed '{{' in '${s}'`);
    for (const m of found) {
      const e = parseExpr(m[1]);
      for (const name of e.alternatives) {
        if (!Object.hasOwn(RESOLVERS, name)) problems.push(`${at}: unknown placeholder '{{${name}}}' (known here: ${known(here)})`);
        else if (!here.includes(name.split('.')[0])) problems.push(`${at}: placeholder '{{${name}}}' is not available here (known here: ${known(here)})`);
      }
      for (const f of e.filters) if (!Object.hasOwn(FILTERS, f)) problems.push(`${at}: unknown filter '${f}' in '{{${m[1]}}}' (filters: ${Object.keys(FILTERS).join(', ')})`);
    }
  };
  // `member` is offered inside a $each body only.
  const walk = (v: unknown, at: string, here: string[]) => {
    if (typeof v === 'string') return checkString(v, at, here);
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}/${i}`, here));
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ('$each' in o) {
      const list = typeof o.$each === 'string' ? WHOLE.exec(o.$each)?.[1].trim() : undefined;
      const offered = [...LISTS].filter((l) => here.includes(l));
      if (!list || !offered.includes(list)) problems.push(`${at}/$each: must be one of ${offered.map((l) => `"{{${l}}}"`).join(', ') || 'nothing here (no member list at this position)'}`);
      const extra = Object.keys(o).filter((k) => k !== '$each' && k !== 'do');
      if (!('do' in o) || extra.length) problems.push(`${at}: a $each object holds exactly $each and do${extra.length ? ` (found also ${extra.join(', ')})` : ''}`);
      walk(o.do, `${at}/do`, [...here, 'member']);
      return;
    }
    if ('$value' in o && Object.keys(o).some((k) => k !== '$value' && k !== '$when')) problems.push(`${at}: a $value object holds only $when and $value`);
    if ('do' in o) problems.push(`${at}/do: 'do' belongs to a $each object`);
    for (const [k, x] of Object.entries(o)) {
      // SCIM's own `$ref` (RFC 7643 §2.3.7) is an attribute; any other `$` key is a misspelt directive.
      if (k.startsWith('$') && k !== '$ref' && !DIRECTIVES.has(k)) problems.push(`${at}/${escape(k)}: unknown directive '${k}' (directives: $each, $when, $value)`);
      if (k === '$when' && (typeof x !== 'string' || !WHOLE.test(x))) problems.push(`${at}/$when: must be one placeholder expression "{{…}}"`);
      walk(x, `${at}/${escape(k)}`, here);
    }
  };
  walk(value, pointer, roots);
  return problems;
}

function known(roots: string[]): string {
  return Object.keys(RESOLVERS)
    .filter((n) => roots.includes(n.split('.')[0]))
    .join(', ');
}

/** JSON pointer escaping of one key (RFC 6901 §3). */
export function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

const unset = (v: unknown) => v === undefined || v === null || v === '';

function evalExpr(src: string, scope: Scope): unknown {
  const e = parseExpr(src);
  let v: unknown;
  for (const name of e.alternatives) {
    v = RESOLVERS[name]?.(scope);
    if (!unset(v)) break;
  }
  if (unset(v)) v = undefined;
  for (const f of e.filters) v = FILTERS[f](v);
  return v;
}

/** A string template: one placeholder gives its value as it is; text around placeholders gives text, unset if any is. */
export function evalString(s: string, scope: Scope): unknown {
  const whole = WHOLE.exec(s);
  if (whole && !whole[1].includes('}}')) return evalExpr(whole[1], scope);
  let missing = false;
  const out = s.replace(PLACEHOLDER, (_m, src: string) => {
    const v = evalExpr(src, scope);
    if (v === undefined) missing = true;
    return v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return missing ? undefined : out;
}

/** Whether a `$when` expression holds: set, not false, not an empty list. */
export function holds(expr: string, scope: Scope): boolean {
  const v = evalString(expr, scope);
  return !(v === undefined || v === false || (Array.isArray(v) && v.length === 0));
}

const SPLICE = Symbol('splice');
type Spliced = { [SPLICE]: unknown[] };

/** Evaluates a template; undefined when it is unset (the caller leaves it out). */
export function evaluate(t: unknown, scope: Scope): unknown {
  const v = evalNode(t, scope);
  return v && typeof v === 'object' && SPLICE in v ? (v as Spliced)[SPLICE] : v;
}

function evalNode(t: unknown, scope: Scope): unknown {
  if (typeof t === 'string') {
    const v = evalString(t, scope);
    return unset(v) ? undefined : v;
  }
  if (Array.isArray(t)) {
    const out: unknown[] = [];
    let dropped = false;
    for (const x of t) {
      const v = evalNode(x, scope);
      if (v === undefined) dropped = true;
      else if (typeof v === 'object' && v !== null && SPLICE in v) out.push(...(v as Spliced)[SPLICE]);
      else out.push(v);
    }
    return dropped && out.length === 0 ? undefined : out;
  }
  if (!t || typeof t !== 'object') return t;
  const o = t as Record<string, unknown>;
  if (typeof o.$when === 'string' && !holds(o.$when, scope)) return undefined;
  if ('$each' in o) {
    const list = (evalString(o.$each as string, scope) as MemberRef[] | undefined) ?? [];
    const items = list.map((member) => evalNode(o.do, { ...scope, member })).filter((v) => v !== undefined);
    return { [SPLICE]: items } satisfies Spliced;
  }
  if ('$value' in o) return evaluate(o.$value, scope);
  const out: Record<string, unknown> = {};
  let dropped = false;
  for (const [k, x] of Object.entries(o)) {
    if (k === '$when') continue;
    const v = evaluate(x, scope);
    if (v === undefined) dropped = true;
    else out[k] = v;
  }
  return dropped && Object.keys(out).length === 0 ? undefined : out;
}
