/**
 * Okta's SCIM 2.0 client, in its two kinds of app: the OIN template (`okta`, PATCH for status and group
 * membership) and an app built with the App Integration Wizard (`okta-aiw`, a customer's own app: every user and
 * group update is a PUT). One factory makes both; `sources` lists each habit and where it is documented.
 *
 * Sources: **Okta-ref** = Okta developer docs, "SCIM 2.0 protocol reference" (okta-developer-docs
 * docs/reference/scim/scim-20); **Okta-guide** = "Build a SCIM provisioning integration"; **Okta-kb** = Okta
 * support article "Matching user not found" provisioning error; **polis** = ory/polis#3136 (captured AIW traffic).
 */
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import { compact, patch, type MemberRef, type Profile } from './types.ts';
import { ENT, enterpriseOf, matchFilter } from './common.ts';
import type { DirGroup, DirUser } from '../directory.ts';
import type { IdpRequest } from '../http.ts';

/** The user's Okta app profile as SCIM attributes (Okta-ref, "Create the User"). */
function oktaUserBody(u: DirUser): ScimResource {
  const ext = enterpriseOf(u);
  return compact({
    schemas: ext ? [SCHEMA_URN.user, ENT] : [SCHEMA_URN.user],
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName },
    // Okta-ref: a single primary work email.
    emails: u.email ? [{ primary: true, value: u.email, type: 'work' }] : undefined,
    displayName: u.displayName,
    title: u.title,
    locale: 'en-US',
    // Okta-ref: externalId carries Okta's own user id.
    externalId: u.idpId,
    [ENT]: ext,
  }) as ScimResource;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The resource as read with Okta's profile on top (Okta-ref, "Update the User": "Okta modifies the attributes
 * that were changed and runs a PUT method request with the new body"): everything read stays, `meta`, `id`,
 * readOnly `groups` and sub-attributes Okta does not hold (name.middleName, an email's display) included.
 */
export function overlay(current: ScimResource | undefined, ours: ScimResource): ScimResource {
  const out: Record<string, unknown> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(ours)) {
    const was = out[k];
    if (k === 'schemas' && Array.isArray(was)) out[k] = [...new Set([...(was as string[]), ...(v as string[])])];
    else if (isObject(v) && isObject(was)) out[k] = { ...was, ...v };
    else if (k === 'emails' && Array.isArray(was) && Array.isArray(v)) {
      // Okta holds one primary work email: it replaces the read entry of that kind, the others stay.
      const i = was.findIndex((e) => isObject(e) && (e.primary === true || e.type === 'work'));
      out[k] = i < 0 ? [...v, ...was] : was.map((e, j) => (j === i ? { ...(e as object), ...(v[0] as object) } : e));
    } else out[k] = v;
  }
  return out as ScimResource;
}

const memberValues = (members: MemberRef[]) => members.map((m) => compact({ value: m.id, display: m.display }));

/** Okta-ref, "Update specific Group membership": removals by members[value eq "…"] path, additions as one add op. */
function membershipPatch(id: string, add: MemberRef[], remove: MemberRef[]): IdpRequest {
  const ops: unknown[] = remove.map((m) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(m.id)}]` }));
  if (add.length) ops.push({ op: 'add', path: 'members', value: memberValues(add) });
  return patch(`/Groups/${id}`, ops, add.length && remove.length ? 'change members' : add.length ? 'add members' : 'remove members');
}

/** Okta-ref, AIW example of a membership update: PUT with schemas, displayName and the whole members list. */
function groupPut(id: string, g: DirGroup, members: MemberRef[]): IdpRequest {
  return { method: 'PUT', path: `/Groups/${id}`, body: { schemas: [SCHEMA_URN.group], displayName: g.displayName, members: memberValues(members) }, purpose: 'update group (PUT)' };
}

export interface OktaOptions {
  /**
   * An app built with the App Integration Wizard (a customer's own app) instead of an OIN template: (de)activation
   * is GET + PUT of the user, groups are created with their members, and membership changes and renames are
   * GET + PUT of the whole group (Okta-ref; polis). Default: the OIN template.
   */
  wizard?: boolean;
}

export function makeOkta(opts: OktaOptions = {}): Profile {
  const wizard = opts.wizard ?? false;
  const oinGroups = {
    // Okta-ref, "Update a specific Group name": PATCH replace with a value object {id, displayName}.
    rename: (id: string, g: DirGroup) => patch(`/Groups/${id}`, [{ op: 'replace', value: { id, displayName: g.displayName } }], 'rename group'),
    addMembers: (id: string, members: MemberRef[]) => membershipPatch(id, members, []),
    removeMembers: (id: string, members: MemberRef[]) => membershipPatch(id, [], members),
  };
  return {
    id: wizard ? 'okta-aiw' : 'okta',
    title: wizard ? 'Okta (SCIM 2.0 app built with the App Integration Wizard)' : 'Okta (SCIM 2.0 app, OIN template)',
    idStyle: 'okta',
    headers: {
      // Okta-ref shows every request with this agent.
      'User-Agent': 'Okta SCIM Client 1.0.0',
      Accept: 'application/scim+json',
      'Content-Type': 'application/scim+json; charset=utf-8',
    },
    auth: ['bearer', 'basic'],
    // Okta retries throttled and failed calls a bounded number of times (its task stays "error" after).
    retry: { limit: 2, baseDelayMs: 1000, maxDelayMs: 30000, honorRetryAfter: true },
    connectionTest: () => [
      // Okta-guide: on save, GET /Users?startIndex=1&count=2 then GET /Groups?startIndex=1&count=100.
      { req: { method: 'GET', path: '/Users', query: { startIndex: '1', count: '2' }, purpose: 'connection-test' }, wants: 'list' },
      { req: { method: 'GET', path: '/Groups', query: { startIndex: '1', count: '100' }, purpose: 'connection-test' }, wants: 'list' },
    ],
    matching: {
      default: 'userName',
      // Okta-ref: filter=userName eq "…"&startIndex=1&count=100.
      query: (attr, u) => ({ filter: matchFilter(attr, u, u.idpId), startIndex: '1', count: '100' }),
      // Okta-ref: "Another acceptable response ... if no User objects match the filter criteria" is a 404.
      notFoundIsEmpty: true,
      // Okta-ref: on a match Okta "sends the user's application profile to the SCIM server" (GET + PUT); the
      // assigned person is active, so an inactive match is activated (PATCH for OIN, GET + PUT for AIW).
      onMatch: { sendProfile: true, reactivate: true },
    },
    // Okta-ref, "Retrieve Users" / "Retrieve Groups": count=100, startIndex becomes startIndex+100 while
    // totalResults says more remain.
    import: { count: 100, advance: 'count' },
    createUser: (u, ctx) => ({
      ...oktaUserBody(u),
      // Okta-ref: the create carries an empty groups array, active, and a password "even if password sync isn't
      // enabled" (a placeholder for legacy platforms).
      groups: [],
      password: ctx.password(),
      active: u.active,
    }),
    updateUser: {
      // Okta-ref: profile updates are GET /Users/{id} then PUT of the whole resource (OIN and AIW alike).
      readFirst: true,
      build: (_prev, next, id, current) => [{ method: 'PUT', path: `/Users/${id}`, body: { ...overlay(current, oktaUserBody(next)), id }, purpose: 'update (PUT)' }],
    },
    setActive: wizard
      ? {
          // Okta-ref: for AIW apps "all SCIM operations that update a User object, including these operations,
          // are always sent through a PUT method request": the user as read, active set.
          readFirst: true,
          leaveGroupsFirst: false,
          build: (_u, id, active, current) => [{ method: 'PUT', path: `/Users/${id}`, body: { ...(current ?? {}), id, active }, purpose: active ? 'reactivate (PUT)' : 'deactivate (PUT)' }],
        }
      : {
          readFirst: false,
          leaveGroupsFirst: false,
          // Okta-ref: OIN (de)activation is PATCH replace with a value object and no path.
          build: (_u, id, active) => [patch(`/Users/${id}`, [{ op: 'replace', value: { active } }], active ? 'reactivate' : 'deactivate')],
        },
    // Okta-ref: "Okta doesn't perform DELETE operations on User objects".
    deletesUsers: false,
    groups: {
      // Okta-ref, "Retrieve Groups": Okta checks the group exists with filter=displayName eq "…" before creating.
      matchQuery: (g) => ({ filter: `displayName eq ${JSON.stringify(g.displayName)}`, startIndex: '1', count: '100' }),
      // OIN (Okta-ref): POST with members: [], then PATCH adds; AIW (polis): the POST carries the members.
      create: (g, members) => ({ schemas: [SCHEMA_URN.group], displayName: g.displayName, members: memberValues(members ?? []) }),
      createWithMembers: wizard,
      // Okta-ref, membership examples: a member's display is the user's login (test.user@okta.local).
      memberDisplay: 'userName',
      ...oinGroups,
      // assumption: 100 members per PATCH; Okta does not publish its batch size.
      batchSize: 100,
      ...(wizard
        ? {
            // Okta-ref: for AIW apps name and membership updates are PUT (GET of the group first: assumption, as
            // for users); the body is the doc's example: schemas, displayName, the whole members list.
            replaceWhole: (id: string, _current: ScimResource, g: DirGroup, members: MemberRef[]) => groupPut(id, g, members),
          }
        : {
            // Okta-ref: removals and additions of one change in one PATCH; the name update "is triggered each time
            // there's a group membership update operation"; "Push now" replaces members with the whole list.
            changeMembers: membershipPatch,
            renameWithMembership: true,
            pushNow: (id: string, members: MemberRef[]) => patch(`/Groups/${id}`, [{ op: 'replace', path: 'members', value: memberValues(members) }], 'push now (replace members)'),
          }),
    },
    reactions: {
      // Okta-guide: a 409 on create fails that user's assignment task until an admin retries it.
      onCreateConflict: 'stop',
      // Okta-kb: an account deleted on the app side errors the task; the admin unassigns and reassigns the person.
      onUpdateNotFound: 'stop',
    },
    sources: {
      headers: 'Okta-ref, request examples (User-Agent: Okta SCIM Client 1.0.0)',
      auth: 'Okta-guide: HTTP header (bearer), basic auth, OAuth 2',
      connectionTest: 'Okta-guide: GET /Users?startIndex=1&count=2, GET /Groups?startIndex=1&count=100 on save',
      matching: 'Okta-ref: GET /Users?filter=userName eq "…"&startIndex=1&count=100; a 404 is "another acceptable response" for no match',
      onMatch: 'Okta-ref: on a match Okta "sends the user\'s application profile" (GET + PUT); an inactive match is activated (assumption: the reactivation request is the app\'s usual one)',
      create: 'Okta-ref, Create the User: externalId = Okta id, password (sent even without password sync), groups: [], active: true',
      update: 'Okta-ref, Update a specific User (PUT): GET /Users/{id}, then PUT of the body read with the changed attributes (meta included)',
      deactivate: wizard
        ? 'Okta-ref: AIW apps send every user update, (de)activation included, as PUT; Okta never DELETEs users'
        : 'Okta-ref: OIN apps PATCH {op:"replace", value:{active:false}}; Okta never DELETEs users',
      groups: wizard
        ? 'Okta-ref: AIW name and membership updates are PUT (schemas, displayName, members); polis: the POST carries members; GET first: assumption'
        : 'Okta-ref: group lookup by displayName; POST members: []; one PATCH with removals and additions; rename {id, displayName} with every membership update; Push now = replace members',
      memberDisplay: 'Okta-ref, membership examples: display is the login (userName)',
      import: 'Okta-ref, Retrieve Users / Groups: count=100, startIndex += 100 while totalResults is higher',
      conflict: 'Okta-guide, "duplicate users": 409 leaves the assignment in error',
      notFound: 'Okta-kb "Matching user not found": an account deleted on the app side needs the person unassigned and reassigned',
      retries: 'assumption: bounded retries with backoff; Okta does not publish its retry count',
      batching: 'assumption: 100 members per PATCH; Okta does not publish its batch size',
    },
  };
}

export const okta = makeOkta();
export const oktaAiw = makeOkta({ wizard: true });
