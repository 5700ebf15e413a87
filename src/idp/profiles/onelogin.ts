/**
 * OneLogin's "SCIM Provisioner with SAML (SCIM v2 Enterprise)" connector: the admin writes a JSON
 * template and OneLogin fills it. Source: OneLogin developer docs "Implement SCIM API" and the connector's
 * configuration page.
 */
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import type { DirUser } from '../directory.ts';
import { ENT, enterpriseOf, formattedName, matchFilter } from './common.ts';
import { compact, filterEq, patch, type Profile } from './types.ts';

export interface OneLoginOptions {
  /** Some admin-authored templates send emails as one object instead of an array. */
  emailsAsObject?: boolean;
}

function templateBody(u: DirUser, opts: OneLoginOptions): ScimResource {
  const email = u.email ? { value: u.email, type: 'work', primary: true } : undefined;
  const ext = enterpriseOf(u);
  // OneLogin "Implement SCIM API": the default v2 Enterprise template, filled from the user's fields.
  return compact({
    schemas: ext ? [SCHEMA_URN.user, ENT] : [SCHEMA_URN.user],
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName, formatted: formattedName(u) },
    displayName: u.displayName,
    title: u.title,
    emails: email ? (opts.emailsAsObject ? email : [email]) : undefined,
    [ENT]: ext,
    active: u.active,
  }) as ScimResource;
}

export function makeOneLogin(opts: OneLoginOptions = {}): Profile {
  return {
    id: 'onelogin',
    title: 'OneLogin (SCIM Provisioner with SAML, SCIM v2 Enterprise)',
    idStyle: 'number',
    headers: {
      // OneLogin does not document its User-Agent; this names it plainly.
      'User-Agent': 'OneLogin SCIM Provisioner (scimcheck mock)',
      Accept: 'application/scim+json',
      'Content-Type': 'application/scim+json',
    },
    // OneLogin connector: "SCIM Bearer Token" field.
    auth: ['bearer'],
    retry: { limit: 1, baseDelayMs: 2000, maxDelayMs: 30000, honorRetryAfter: true },
    connectionTest: (randomId) => [
      // OneLogin "Implement SCIM API": Enable tests the connection with a lookup of a user that does not exist.
      { req: { method: 'GET', path: '/Users', query: { filter: filterEq('userName', `onelogin-connection-test-${randomId}`) }, purpose: 'connection-test' }, wants: 'list' },
    ],
    matching: {
      default: 'userName',
      query: (attr, u) => ({ filter: matchFilter(attr, u, u.idpId) }),
    },
    createUser: (u) => ({ ...templateBody(u, opts), externalId: u.idpId }),
    updateUser: {
      readFirst: false,
      // OneLogin "Implement SCIM API": updates PUT the filled template to /Users/{id}.
      build: (_prev, next, id) => [{ method: 'PUT', path: `/Users/${id}`, body: { ...templateBody(next, opts), externalId: next.idpId }, purpose: 'update (PUT)' }],
    },
    setActive: {
      readFirst: false,
      // OneLogin "Implement SCIM API": deprovisioning first removes the user from each group.
      leaveGroupsFirst: true,
      build: (u, id, active) => [
        { method: 'PUT', path: `/Users/${id}`, body: { ...templateBody({ ...u, active }, opts), externalId: u.idpId }, purpose: active ? 'reactivate (PUT)' : 'deactivate (PUT)' },
      ],
    },
    // OneLogin connector: "Delete" is a provisioning workflow option (else it suspends).
    deletesUsers: true,
    groups: {
      create: (g) => ({ schemas: [SCHEMA_URN.group], displayName: g.displayName, members: [] }),
      rename: (id, g) => patch(`/Groups/${id}`, [{ op: 'replace', path: 'displayName', value: g.displayName }], 'rename group'),
      batchSize: 100,
      // OneLogin "Implement SCIM API": membership PATCHes carry a value array of {value}.
      addMembers: (id, members) => patch(`/Groups/${id}`, [{ op: 'add', path: 'members', value: members.map((m) => ({ value: m.id })) }], 'add members'),
      removeMembers: (id, members) => patch(`/Groups/${id}`, [{ op: 'remove', path: 'members', value: members.map((m) => ({ value: m.id })) }], 'remove members'),
    },
    reactions: {
      onCreateConflict: 'stop',
      onUpdateNotFound: 'recreate-now',
    },
    sources: {
      headers: 'OneLogin "Implement SCIM API": application/scim+json; User-Agent undocumented',
      auth: 'OneLogin SCIM connector configuration: SCIM Bearer Token',
      connectionTest: 'OneLogin "Implement SCIM API": Enable performs a lookup by a non-existent userName',
      matching: 'OneLogin "Implement SCIM API": GET /Users?filter=userName eq "…"',
      create: 'OneLogin SCIM connector: the admin-authored SCIM JSON template (emails may be a single object)',
      update: 'OneLogin "Implement SCIM API": PUT /Users/{id} with the filled template',
      deactivate: 'OneLogin "Implement SCIM API": remove from each group, then PUT active:false; DELETE when "Delete" is chosen',
      groups: 'OneLogin "Implement SCIM API": PATCH members with value [{value}]',
      conflict: 'assumption: a 409 stops that user until an admin retries',
      notFound: 'assumption: a 404 on update re-runs the create flow at once',
      batching: 'assumption: 100 members per PATCH',
    },
  };
}

export const onelogin = makeOneLogin();
