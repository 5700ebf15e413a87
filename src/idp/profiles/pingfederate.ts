/**
 * PingFederate's outbound "SCIM Provisioner" (SCIM 2.0), which pushes users and groups from a datastore
 * (LDAP / AD) to a SCIM service provider. Sources, habit by habit in `sources`:
 *  - PF-overview: Ping docs, SCIM Provisioner overview (integrations/scim/pf_scim_connector): the
 *    specification table (PATCH for users: No; for groups: Yes; group filtering "by retrieving all groups
 *    and finding a match"), create/update/disable/delete each switchable, disable-or-delete chosen by the admin.
 *  - PF-settings: "SCIM provisioner settings reference": authentication methods, Unique User Identifier
 *    (userName, the default, sets `userName eq <value>`; workEmail sets `emails eq <value>`), Filter Expression.
 *  - PF-manage: "User and group management": users are synchronized on userName; Remove User Action.
 *  - PF-changelog: provisioner changelog (1.3: application/scim+json, Results Per Page for group listing;
 *    1.4: PATCH for group updates; 1.4.2: Check Connection).
 * What none of them says is marked "assumption" here and in docs/idp.md.
 */
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import type { DirUser } from '../directory.ts';
import { ENT, enterpriseOf, formattedName, matchFilter } from './common.ts';
import { compact, filterEq, patch, type MatchAttribute, type Profile } from './types.ts';

export interface PingFederateOptions {
  /**
   * The connection's "Remove User Action" (PF-manage): what deprovisioning does. 'disable' (Ping's default on
   * its provisioner pages) PUTs active:false; 'delete' sends DELETE /Users/{id} when the target's policy is delete.
   */
  removeUserAction?: 'disable' | 'delete';
  /** The connection's "Results Per Page" for the group listing (PF-changelog 1.3). assumption: 100. */
  groupsPerPage?: number;
  /**
   * The connection's "Filter Expression" (PF-settings): overrides the Unique User Identifier's filter; `%s` stands
   * for the identifier's value, e.g. `userName eq "%s"` or `emails co "%s"`.
   */
  filterExpression?: string;
}

/** The value of the identifier a user is matched on. */
function identifierValue(attr: MatchAttribute, u: DirUser): string {
  if (attr === 'userName') return u.userName;
  if (attr === 'externalId') return u.idpId;
  return u.email ?? u.userName;
}

/** PF-settings: the Unique User Identifier's filter, or the admin's Filter Expression with `%s` filled in. */
function pingMatchFilter(attr: MatchAttribute, u: DirUser, expression: string | undefined): string {
  // RFC 7644 §3.4.2.2: the value sits inside a JSON string, so quotes and backslashes in it are escaped.
  if (expression) return expression.replaceAll('%s', JSON.stringify(identifierValue(attr, u)).slice(1, -1));
  // PF-settings: workEmail sets `emails eq <value>` (the email compared with the multi-valued attribute).
  if (attr === 'workEmail') return filterEq('emails', identifierValue(attr, u));
  return matchFilter(attr, u, u.idpId);
}

/** The user as the datastore maps it (PF-manage: the Attribute Mapping tab). */
function userBody(u: DirUser): ScimResource {
  const ext = enterpriseOf(u);
  return compact({
    schemas: ext ? [SCHEMA_URN.user, ENT] : [SCHEMA_URN.user],
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName, formatted: formattedName(u) },
    displayName: u.displayName,
    title: u.title,
    emails: u.email ? [{ value: u.email, type: 'work', primary: true }] : undefined,
    [ENT]: ext,
    active: u.active,
  }) as ScimResource;
}

export function makePingFederate(opts: PingFederateOptions = {}): Profile {
  const removeUserAction = opts.removeUserAction ?? 'disable';
  const groupsPerPage = opts.groupsPerPage ?? 100;
  if (!Number.isInteger(groupsPerPage) || groupsPerPage < 1) throw new Error(`groupsPerPage must be a positive whole number, got ${groupsPerPage}`);
  if (opts.filterExpression !== undefined && !opts.filterExpression.includes('%s')) throw new Error(`filterExpression must contain %s (the identifier's value), got '${opts.filterExpression}'`);
  return {
    id: 'pingfederate',
    title: 'PingFederate (SCIM Provisioner, SCIM 2.0)',
    // Datastore users carry directory GUIDs (objectGUID / entryUUID).
    idStyle: 'guid',
    headers: {
      // PingFederate does not document its User-Agent; this names it plainly.
      'User-Agent': 'PingFederate SCIM Provisioner (scimcheck mock)',
      // PF-changelog 1.3 added the application/scim+json header type (assumption: it is the one sent).
      Accept: 'application/scim+json',
      'Content-Type': 'application/scim+json',
    },
    // PF-settings: None, Basic, OAuth 2 Bearer Token, OAuth 2 Client Credentials (the last two send a bearer).
    auth: ['bearer', 'basic'],
    // assumption: Ping does not publish its retry count.
    retry: { limit: 2, baseDelayMs: 1000, maxDelayMs: 30000, honorRetryAfter: true },
    connectionTest: () => [
      // PF-changelog 1.4.2 names "Check Connection"; assumption: it reads the Users endpoint once.
      { req: { method: 'GET', path: '/Users', query: { startIndex: '1', count: '1' }, purpose: 'connection-test' }, wants: 'list' },
    ],
    matching: {
      // PF-manage: users are synchronized on userName (PF-settings: the default Unique User Identifier).
      default: 'userName',
      query: (attr, u) => ({ filter: pingMatchFilter(attr, u, opts.filterExpression) }),
    },
    createUser: (u) => userBody(u),
    updateUser: {
      // assumption: the provisioner keeps the target id and does not GET before its PUT.
      readFirst: false,
      // PF-overview: no PATCH for users, so an update replaces the resource (RFC 7644 §3.5.1 PUT).
      build: (_prev, next, id) => [{ method: 'PUT', path: `/Users/${id}`, body: { ...userBody(next), id }, purpose: 'update (PUT)' }],
    },
    setActive: {
      readFirst: false,
      leaveGroupsFirst: false,
      // PF-overview: no PATCH for users, so disabling (and re-enabling, "User Update") is a PUT with active.
      build: (u, id, active) => [{ method: 'PUT', path: `/Users/${id}`, body: { ...userBody({ ...u, active }), id }, purpose: active ? 'enable (PUT)' : 'disable (PUT)' }],
    },
    // PF-manage: "Remove User Action" decides between disabling and deleting.
    deletesUsers: removeUserAction === 'delete',
    groups: {
      // PF-overview: groups are found "by retrieving all groups and finding a match" (no filter query);
      // PF-changelog 1.3: paged by the connection's Results Per Page.
      findByListing: { count: groupsPerPage },
      // assumption: the group is created empty and members follow in PATCHes.
      create: (g) => ({ schemas: [SCHEMA_URN.group], displayName: g.displayName }),
      // PF-overview: group updates use PATCH (provisioner 1.4); assumption: the ops are the RFC 7644 §3.5.2 forms.
      rename: (id, g) => patch(`/Groups/${id}`, [{ op: 'replace', path: 'displayName', value: g.displayName }], 'rename group'),
      batchSize: 100,
      addMembers: (id, members) => patch(`/Groups/${id}`, [{ op: 'add', path: 'members', value: members.map((m) => ({ value: m.id })) }], 'add members'),
      // RFC 7644 §3.5.2.2: a remove names the member with a value filter in its path.
      removeMembers: (id, members) =>
        patch(
          `/Groups/${id}`,
          members.map((m) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(m.id)}]` })),
          'remove members',
        ),
    },
    reactions: {
      // assumption: a failed create is logged and the user stays unprovisioned until the next cycle's admin action.
      onCreateConflict: 'stop',
      // assumption: the next provisioning cycle re-evaluates the user and creates it again.
      onUpdateNotFound: 'recreate-next-cycle',
    },
    sources: {
      headers: 'PingFederate SCIM Provisioner changelog 1.3: application/scim+json header type; User-Agent undocumented',
      auth: 'SCIM provisioner settings reference: None, Basic, OAuth 2 Bearer Token, OAuth 2 Client Credentials',
      connectionTest: 'assumption: "Check Connection" (changelog 1.4.2) is not described; modelled as one GET /Users?startIndex=1&count=1',
      matching:
        'SCIM provisioner settings reference: Unique User Identifier userName (default) sets userName eq <value>; workEmail sets emails eq <value>; Filter Expression overrides it (%s = the value)',
      create: 'User and group management: attributes from the Attribute Mapping tab; assumption: no externalId',
      update: 'SCIM Provisioner overview, specification table: PATCH for users "No", so updates are PUT /Users/{id}; assumption: no GET first',
      deactivate:
        'User and group management / settings: Remove User Action (Disable, the default on Ping provisioner pages, or Delete); disable and re-enable are PUT with active (no user PATCH)',
      groups:
        'SCIM Provisioner overview: groups found by retrieving all groups and finding a match; group updates by PATCH (changelog 1.4); paged by Results Per Page (changelog 1.3, assumption: 100); assumption: op shapes',
      conflict: 'assumption: a 409 stops that user',
      notFound: 'assumption: a 404 on update re-creates at the next cycle',
      retries: 'assumption: bounded retries with backoff',
      batching: 'assumption: 100 members per PATCH',
    },
  };
}

export const pingfederate = makePingFederate();
