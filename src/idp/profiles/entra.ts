/**
 * Microsoft Entra ID's provisioning service (the "scim" job of a non-gallery app), in two variants: the default
 * behaviour and the aadOptscim062020 feature flag. Every habit is an option of `makeEntra` whose default is what
 * Entra does; `sources` (and the comment beside each rule) says where it is published or captured.
 *
 * Sources: MS-use = MicrosoftDocs/entra-docs use-scim-to-provision-users-and-groups.md ("Tutorial: Develop and plan
 * provisioning for a SCIM endpoint in Microsoft Entra ID"); MS-compat = application-provisioning-config-problem-
 * scim-compatibility.md (the aadOptscim062020 flag); MS-how = how-provisioning-works.md ("How Application
 * Provisioning works", Deprovisioning); MS-known = known-issues.md. Captured traffic in public threads is named by
 * repository and number.
 */
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import type { DirUser, UserField } from '../directory.ts';
import type { IdpRequest } from '../http.ts';
import { readPath } from '../scenario/read-path.ts';
import { ENT, enterpriseOf, FIELD_PATH, formattedName, matchFilter } from './common.ts';
import { compact, filterEq, patch, type BuildContext, type MatchAttribute, type Profile } from './types.ts';

/** The habits an admin (or Microsoft) can change, each defaulting to what Entra does. */
export interface EntraOptions {
  /** The aadOptscim062020 flag in the tenant URL (MS-compat): lower-case ops, booleans, merged replaces. */
  aadOptscim062020?: boolean;
  /** "Match objects using this attribute" (MS-how, Mapping attributes); Test Connection queries it too. Default userName. */
  matchingAttribute?: MatchAttribute;
  /**
   * How an email match is written. 'entra' (default): `emails[type eq "work"].value eq "…"`, the query MS-use
   * (/Users guidelines) tells a service provider to accept; it is not RFC 7644 §3.4.2.2 filter grammar.
   * 'rfc': the valuePath form `emails[type eq "work" and value eq "…"]`.
   */
  emailFilter?: 'entra' | 'rfc';
  /**
   * The manager reference. 'captured' (default): path `urn:…:enterprise:2.0:User:manager`, value the manager's id
   * as a plain string (Captain-P-Goldfish/SCIM-SDK#686 request body, apache/directory-scimple#1242, MS-use schema
   * example `"manager": "123456"`). 'documented': MS-use Example 5, path `manager`, value `[{"$ref", value}]`.
   */
  manager?: 'captured' | 'documented';
  /**
   * The User-Agent header. Entra publishes none and no captured request shows one, so none is sent (a WAF that
   * rejects requests without one broke a real integration at Test Connection). Set a string to send one.
   */
  userAgent?: string;
  /**
   * The op that disables or enables a user. 'Replace' (default): MS-compat's sample without the flag. 'Add': what
   * rancher/rancher#54025 captured on deprovisioning. With the flag the op is lower-case either way.
   */
  activeOp?: 'Replace' | 'Add';
  /** Days a soft-deleted user stays restorable before the hard delete that sends DELETE (MS-how: 30). */
  softDeleteRetentionDays?: number;
}

/** Entra's default mapping sends mailNickname (the UPN's local part) as externalId. */
export function mailNickname(u: DirUser): string {
  return u.userName.split('@')[0];
}

/** MS-use /Users guidelines: the query Entra sends for a match on the work email. Not RFC filter grammar. */
export function entraEmailFilter(value: string): string {
  return `emails[type eq "work"].value eq ${JSON.stringify(value)}`;
}

function entraUserBody(u: DirUser): ScimResource {
  const ext = enterpriseOf(u);
  // MS-use, Create User: both schemas, meta.resourceType, roles: [], null values left out (MS-known: null
  // attributes are skipped). The manager is not in the create: it follows in its own PATCH (afterCreate).
  return compact({
    schemas: [SCHEMA_URN.user, ENT],
    externalId: mailNickname(u),
    userName: u.userName,
    active: u.active,
    displayName: u.displayName,
    title: u.title,
    emails: u.email ? [{ primary: true, type: 'work', value: u.email }] : undefined,
    meta: { resourceType: 'User' },
    name: { formatted: formattedName(u), familyName: u.familyName, givenName: u.givenName },
    [ENT]: ext,
    roles: [],
  }) as ScimResource;
}

const MANAGER_PATH = `${ENT}:manager`;

/** One attribute Entra's mapping writes: where it goes, the value the directory has, and how the target's copy is read. */
interface Mapped {
  /** The directory field whose change makes this a change (a re-assertion otherwise). */
  field: UserField | 'externalId' | 'active';
  path: string;
  value: unknown;
  held(current: ScimResource): unknown;
}

const blank = (v: unknown) => v === undefined || v === null || v === '';

/** Same value as far as Entra's comparison goes: booleans across "True"/true, otherwise exact. */
function same(held: unknown, wanted: unknown): boolean {
  if (typeof wanted === 'boolean') return held === wanted || (typeof held === 'string' && held.toLowerCase() === String(wanted));
  return held === wanted;
}

/** The attributes of the default user mapping (MS-use attribute table) with a value for this person. */
function mapping(u: DirUser, ctx: BuildContext): Mapped[] {
  const out: Mapped[] = [
    { field: 'userName', path: 'userName', value: u.userName, held: (c) => readPath(c, 'userName') },
    // MS-use: mailNickname → externalId, so a rename changes externalId too.
    { field: 'externalId', path: 'externalId', value: mailNickname(u), held: (c) => readPath(c, 'externalId') },
    // MS-use: IsSoftDeleted → active; a linked, assigned user is wanted active.
    { field: 'active', path: 'active', value: u.active, held: (c) => readPath(c, 'active') },
  ];
  for (const f of ['displayName', 'email', 'givenName', 'familyName', 'title', 'organization', 'department', 'employeeNumber'] as const) {
    if (blank(u[f])) continue;
    out.push({ field: f, path: FIELD_PATH[f], value: u[f], held: (c) => readPath(c, FIELD_PATH[f]) });
  }
  const managerId = u.manager ? ctx.targetIdOf(u.manager) : undefined;
  if (managerId) {
    // Entra compares the id it holds with the target's manager.value (or a plain string where a server kept one).
    out.push({ field: 'manager', path: MANAGER_PATH, value: managerId, held: (c) => readPath(c, `${MANAGER_PATH}.value`) ?? readPath(c, MANAGER_PATH) });
  }
  return out;
}

function changedIn(prev: DirUser, next: DirUser, m: Mapped): boolean {
  if (m.field === 'externalId') return mailNickname(prev) !== mailNickname(next);
  return prev[m.field] !== next[m.field];
}

export function makeEntra(options: EntraOptions | boolean = {}): Profile {
  const o: EntraOptions = typeof options === 'boolean' ? { aadOptscim062020: options } : options;
  const flag = o.aadOptscim062020 ?? false;
  const managerShape = o.manager ?? 'captured';
  const emailFilter = o.emailFilter ?? 'entra';
  const matching = o.matchingAttribute ?? 'userName';
  const Op = (op: 'Add' | 'Replace' | 'Remove') => (flag ? op.toLowerCase() : op);
  const title = flag ? 'Microsoft Entra ID (aadOptscim062020 flag)' : 'Microsoft Entra ID (default scim job)';

  /** The active value as the wire carries it: MS-compat, without the flag the strings "True" / "False". */
  const activeOp = (op: string, active: boolean) => ({ op, path: 'active', value: flag ? active : active ? 'True' : 'False' });
  const activeQuirk = (active: boolean) =>
    flag ? undefined : `sends active as the string "${active ? 'True' : 'False'}" instead of a JSON boolean (documented; the aadOptscim062020 flag fixes it)`;
  const managerQuirk = 'sends the enterprise manager as a plain id string, not the complex {"value": id} of RFC 7643 §4.3';

  /** The match query: the email forms as Entra writes them, the rest as RFC 7644 §3.4.2.2 filters. */
  function query(attr: MatchAttribute, u: DirUser): Record<string, string> {
    if (emailFilter === 'entra' && (attr === 'email' || attr === 'workEmail')) return { filter: entraEmailFilter(u.email ?? u.userName) };
    return { filter: matchFilter(attr, u, mailNickname(u)) };
  }

  function managerOp(op: string, id: string, ctx: BuildContext): Record<string, unknown> {
    // 'documented': MS-use Example 5; 'captured': SCIM-SDK#686 (a plain id under the enterprise URN path).
    return managerShape === 'documented' ? { op, path: 'manager', value: [{ $ref: ctx.refOf('Users', id), value: id }] } : { op, path: MANAGER_PATH, value: id };
  }

  function withQuirks(req: IdpRequest, ops: Record<string, unknown>[]): IdpRequest {
    const quirks: string[] = [];
    const active = ops.find((x) => x.path === 'active');
    if (active && typeof active.value === 'string') quirks.push(activeQuirk(active.value === 'True')!);
    if (ops.some((x) => x.path === MANAGER_PATH && typeof x.value === 'string')) quirks.push(managerQuirk);
    if (quirks.length) req.quirk = quirks.join('; and ');
    return req;
  }

  /**
   * An update the Entra way: the target was read first (MS-use Example 3, GET /Users/{id}; azure-docs#11784 shows
   * it before each PATCH), and only attributes whose value the target does not hold are written. An attribute the
   * target lacks is "Add" (MS-compat: add a single-value attribute); one the directory changed is "Replace"; one
   * the directory did not change but the target holds differently is re-asserted with "Add" (getsentry/self-hosted
   * #3573: the periodic update PATCH uses op add, for active too). A server that echoes a value differently from
   * what it accepted is therefore PATCHed again at every cycle (azure-docs#11784: the manager "always getting
   * Patch'd"); the engine notices the repeat.
   */
  function userUpdate(prev: DirUser, next: DirUser, id: string, current: ScimResource | undefined, ctx: BuildContext): IdpRequest[] {
    const cur = current ?? {};
    const ops: Record<string, unknown>[] = [];
    const merged: Record<string, unknown> = {};
    for (const m of mapping(next, ctx)) {
      const held = m.held(cur);
      if (same(held, m.value)) continue;
      const op = blank(held) ? 'Add' : changedIn(prev, next, m) ? 'Replace' : 'Add';
      if (m.field === 'active') ops.push(activeOp(Op(op), m.value as boolean));
      else if (m.field === 'manager') ops.push(managerOp(Op(op), m.value as string, ctx));
      // MS-compat, with the flag: replacements of plain paths merge into one pathless op with dotted keys.
      else if (flag && op === 'Replace' && !m.path.includes('[')) merged[m.path] = m.value;
      else ops.push({ op: Op(op), path: m.path, value: m.value });
    }
    if (Object.keys(merged).length) ops.push({ op: 'replace', value: merged });
    return ops.length ? [withQuirks(patch(`/Users/${id}`, ops, 'update (read, then PATCH what differs)'), ops)] : [];
  }

  return {
    id: flag ? 'entra-2020' : 'entra',
    title,
    idStyle: 'guid',
    // No User-Agent unless configured (see EntraOptions.userAgent). MS-use samples send Content-type: application/json.
    headers: { ...(o.userAgent ? { 'User-Agent': o.userAgent } : {}), Accept: 'application/scim+json', 'Content-Type': 'application/json' },
    // MS-use, Handling endpoint authentication: a long-lived bearer secret token, or an Entra-issued OAuth token.
    auth: ['bearer'],
    // MS-how, Errors and retries: a failed operation is retried in later cycles; the in-cycle count is an assumption.
    retry: { limit: 3, baseDelayMs: 1000, maxDelayMs: 60000, honorRetryAfter: true },
    connectionTest: (randomId, attr) => {
      const probe: DirUser = { key: 'connection-test', idpId: randomId, userName: randomId, email: randomId, active: true };
      return [
        // MS-use, Getting started: Test Connection queries "a user that doesn't exist, using a random GUID as the
        // matching property selected" and expects 200 with an empty ListResponse.
        { req: { method: 'GET', path: '/Users', query: query(attr ?? matching, probe), purpose: 'connection-test' }, wants: 'empty-list' },
        // MS-use, General: "requests to fetch a random user and group … also done as part of the Test Connection flow";
        // Stack Overflow q. 42662303: the group is retrieved by id (a 501 failed the test, not-found passed it).
        // Reads of a group exclude members (MS-use, Get Group).
        { req: { method: 'GET', path: `/Groups/${randomId}`, query: { ...GROUP_READ }, purpose: 'connection-test' }, wants: 'absent' },
      ];
    },
    matching: {
      default: matching,
      // MS-use, Get User by query: filter only, no paging parameters.
      query: (attr, u) => query(attr, u),
      // MS-how, Initial cycle step 5: "If a matching user is found, it's updated using the attributes provided by the
      // source system" (read and diff, as every update); an assigned person is active, so an inactive match is enabled.
      onMatch: { sendProfile: true, reactivate: true },
    },
    createUser: (u) => entraUserBody(u),
    // MS-known "Manager isn't provisioned": the service provisions the user and then updates the manager;
    // azure-docs#45885 (Microsoft): a separate PATCH after the create links the reference attribute.
    afterCreate: (u, id, ctx) => {
      const managerId = u.manager ? ctx.targetIdOf(u.manager) : undefined;
      if (!managerId) return [];
      const ops = [managerOp(Op('Add'), managerId, ctx)];
      return [withQuirks(patch(`/Users/${id}`, ops, 'manager (reference attribute, after create)'), ops)];
    },
    updateUser: { readFirst: true, reconcile: true, build: userUpdate },
    setActive: {
      readFirst: false,
      leaveGroupsFirst: false,
      build: (_u, id, active) => {
        // MS-compat: without the flag {op:"Replace", path:"active", value:"False"}; with it lower-case and a boolean.
        const ops = [activeOp(Op(o.activeOp ?? 'Replace'), active)];
        return [withQuirks(patch(`/Users/${id}`, ops, active ? 'reactivate' : 'deactivate'), ops)];
      },
    },
    // MS-how, Deprovisioning: DELETE only on the hard delete (30 days after a soft delete, or deleted permanently)
    // when Delete is a target object action; unassignment and soft delete disable with active false.
    deletesUsers: true,
    lifecycle: { softDeleteRetentionDays: o.softDeleteRetentionDays ?? 30 },
    groups: {
      // MS-use, Get Group by displayName: excludedAttributes=members with the filter.
      matchQuery: (g) => ({ ...GROUP_READ, filter: filterEq('displayName', g.displayName) }),
      // MS-use, Get Group: GET /Groups/{id}?excludedAttributes=members (Entra's reads of a group; Test Connection).
      readQuery: { ...GROUP_READ },
      // MS-use, Create Group: externalId, displayName, meta.resourceType and no members.
      create: (g) => ({ schemas: [SCHEMA_URN.group], externalId: g.idpId, displayName: g.displayName, meta: { resourceType: 'Group' } }),
      rename: (id, g) => patch(`/Groups/${id}`, [{ op: Op('Replace'), path: 'displayName', value: g.displayName }], 'rename group'),
      batchSize: 50,
      // MS-use, Update Group [Add Members]: value [{"$ref": null, value}].
      addMembers: (id, members) => patch(`/Groups/${id}`, [{ op: Op('Add'), path: 'members', value: members.map((m) => ({ $ref: null, value: m.id })) }], 'add members'),
      removeMembers: (id, members) =>
        flag
          ? // MS-compat, with flag: one remove op per member with a members[value eq "…"] path.
            patch(`/Groups/${id}`, members.map((m) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(m.id)}]` })), 'remove members')
          : // MS-compat, without flag: {op:"Remove", path:"members", value:[{value}]}.
            patch(`/Groups/${id}`, [{ op: 'Remove', path: 'members', value: members.map((m) => ({ value: m.id })) }], 'remove members'),
    },
    reactions: {
      // MS-how, Errors and retries: a failed export is recorded in the provisioning logs and retried next cycle.
      onCreateConflict: 'retry-next-cycle',
      onUpdateNotFound: 'recreate-next-cycle',
    },
    sources: {
      headers: 'MS-use request samples (Content-type: application/json); User-Agent: none published and none in captured requests, so none is sent (assumption)',
      auth: 'MS-use, Handling endpoint authentication: bearer token (long-lived secret token or Entra-issued OAuth token)',
      connectionTest:
        'MS-use, Getting started: a random GUID on the configured matching property, 200 + empty ListResponse; MS-use, General: a random user AND group are fetched; the group read by id: Stack Overflow q. 42662303',
      matching: `MS-use, Get User by query (no paging); email: MS-use /Users guidelines, emails[type eq "work"].value eq "…" (${emailFilter})`,
      create: 'MS-use, Create User: enterprise schema, meta.resourceType, roles: []; MS-known: null attributes are skipped',
      manager:
        managerShape === 'captured'
          ? 'second PATCH after create: MS-known "Manager isn\'t provisioned", azure-docs#45885; shape: SCIM-SDK#686, directory-scimple#1242, MS-use schema example'
          : 'second PATCH after create: MS-known, azure-docs#45885; shape: MS-use Example 5 (path manager, [{$ref, value}])',
      update: flag
        ? 'read first (MS-use Example 3); MS-compat with aadOptscim062020: merged pathless replace with dotted keys, add for new values'
        : 'read first (MS-use Example 3, azure-docs#11784), then one Add/Replace op per attribute that differs (MS-use Update User, MS-compat); re-asserted values with Add (getsentry/self-hosted#3573)',
      deactivate: flag
        ? 'MS-compat with flag: {op:"replace", path:"active", value:false}'
        : `MS-compat without flag: {op:"Replace", path:"active", value:"False"}${o.activeOp === 'Add' ? ' (op Add: rancher/rancher#54025)' : ''}`,
      delete: 'MS-how, Deprovisioning: soft delete and unassignment disable (active false); DELETE on the hard delete 30 days after a soft delete; an unassigned user is no longer managed and never deleted (Known limitations)',
      groups: 'MS-use, Group operations; excludedAttributes=members on every group read (Get Group, Get Group by displayName)',
      memberRemove: flag ? 'MS-compat with flag: members[value eq "…"] path' : 'MS-compat without flag: Remove with value array',
      conflict: 'MS-how, Errors and retries: errors are logged and the object is retried in later cycles',
      retries: 'MS-how (retries, quarantine); the exact retry count is an assumption',
      batching: 'assumption: 50 members per PATCH; Entra does not publish its batch size',
    },
  };
}

const GROUP_READ = { excludedAttributes: 'members' };

export const entra = makeEntra();
export const entra2020 = makeEntra({ aadOptscim062020: true });
