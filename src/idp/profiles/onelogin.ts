/**
 * OneLogin's "SCIM Provisioner with SAML (SCIM v2 Enterprise)" connector: the admin writes a JSON
 * template and OneLogin fills it. Sources, habit by habit in `sources`:
 *  - OL-api: OneLogin developer docs, "Implement SCIM API" (developers.onelogin.com/scim/implement-scim-api):
 *    the list of calls the connector makes (Get User with userName filter, Create User, Get User by ID,
 *    Update User, Get Groups, Create Group, Patch Group, Delete User, Get Users) and the Example API Flow.
 *  - OL-kb: OneLogin knowledge base KB0013904 "SCIM Custom Connector" and the connector's Configuration tab
 *    (SCIM Base URL, SCIM JSON Template, SCIM Bearer Token, Custom Headers).
 * What neither says is marked "assumption" here and in docs/idp.md.
 */
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import type { DirUser } from '../directory.ts';
import { ENT, enterpriseOf, formattedName, matchFilter } from './common.ts';
import { mergeHeaders } from './custom-headers.ts';
import { compact, filterEq, patch, type Profile } from './types.ts';

export interface OneLoginOptions {
  /** Some admin-authored templates send emails as one object instead of an array. */
  emailsAsObject?: boolean;
  /**
   * The connector's "Custom Headers" field (OL-kb): extra headers sent with every request, e.g. a tenant or
   * API-version header a gateway in front of the SCIM server wants (src/idp/profiles/custom-headers.ts).
   */
  customHeaders?: Record<string, string>;
}

function templateBody(u: DirUser, opts: OneLoginOptions): ScimResource {
  const email = u.email ? { value: u.email, type: 'work', primary: true } : undefined;
  const ext = enterpriseOf(u);
  // OL-kb: the v2 Enterprise template, filled from the user's fields (first/last name and email built in).
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
  const custom = opts.customHeaders ?? {};
  return {
    id: 'onelogin',
    title: 'OneLogin (SCIM Provisioner with SAML, SCIM v2 Enterprise)',
    idStyle: 'number',
    headers: mergeHeaders(
      {
        // OneLogin does not document its User-Agent; this names it plainly.
        'User-Agent': 'OneLogin SCIM Provisioner (scimcheck mock)',
        // assumption: the media type of OneLogin's requests is not shown in OL-api (it asks servers to answer
        // application/json); application/scim+json is RFC 7644 §8.1's.
        Accept: 'application/scim+json',
        'Content-Type': 'application/scim+json',
      },
      custom,
    ),
    // OL-kb: the Configuration tab has a "SCIM Bearer Token" field.
    auth: ['bearer'],
    // OL-kb: and a "Custom Headers" field (`scimcheck idp --header 'Name: value'`).
    customHeaders: true,
    retry: { limit: 1, baseDelayMs: 2000, maxDelayMs: 30000, honorRetryAfter: true },
    connectionTest: (randomId) => [
      // OL-api, Example API Flow step 1: enabling the connector looks up a userName that cannot exist, and an
      // empty list of users or a 404 Not Found both confirm the endpoint.
      {
        req: { method: 'GET', path: '/Users', query: { filter: filterEq('userName', `onelogin-connection-test-${randomId}`) }, purpose: 'connection-test' },
        wants: 'empty-list',
        acceptNotFound: true,
      },
    ],
    matching: {
      default: 'userName',
      // OL-api: "Get User with userName filter" before creating.
      query: (attr, u) => ({ filter: matchFilter(attr, u, u.idpId) }),
    },
    createUser: (u) => ({ ...templateBody(u, opts), externalId: u.idpId }),
    updateUser: {
      readFirst: false,
      // OL-api lists "Update User"; assumption: sent as a PUT of the filled template to /Users/{id} (the method is
      // not in what we could check).
      build: (_prev, next, id) => [{ method: 'PUT', path: `/Users/${id}`, body: { ...templateBody(next, opts), externalId: next.idpId }, purpose: 'update (PUT)' }],
    },
    setActive: {
      readFirst: false,
      // assumption: OL-api does not say OneLogin takes the user out of its groups before suspending it; the
      // habit is kept as data so it can be turned off in one place once someone shows OneLogin's traffic.
      leaveGroupsFirst: true,
      build: (u, id, active) => [
        { method: 'PUT', path: `/Users/${id}`, body: { ...templateBody({ ...u, active }, opts), externalId: u.idpId }, purpose: active ? 'reactivate (PUT)' : 'deactivate (PUT)' },
      ],
    },
    // OL-api / "Test Your SCIM": "When users are deleted in OneLogin…" offers Delete, Suspend or Do Nothing;
    // Delete sends "Delete User".
    deletesUsers: true,
    groups: {
      // OL-api: "Get Groups" (the connector's group list, refreshed as entitlements) precedes group changes;
      // paged. assumption: 100 per page, and a listed group with the same displayName is used, not re-created.
      findByListing: { count: 100 },
      create: (g) => ({ schemas: [SCHEMA_URN.group], displayName: g.displayName, members: [] }),
      // assumption: OL-api lists "Patch Group" but shows no rename; a replace of displayName is the RFC 7644
      // §3.5.2.3 form.
      rename: (id, g) => patch(`/Groups/${id}`, [{ op: 'replace', path: 'displayName', value: g.displayName }], 'rename group'),
      batchSize: 100,
      // OL-api: membership changes are "Patch Group"; assumption: the op carries a value array of {value}
      // (the body is not shown in what we could check).
      addMembers: (id, members) => patch(`/Groups/${id}`, [{ op: 'add', path: 'members', value: members.map((m) => ({ value: m.id })) }], 'add members'),
      removeMembers: (id, members) => patch(`/Groups/${id}`, [{ op: 'remove', path: 'members', value: members.map((m) => ({ value: m.id })) }], 'remove members'),
    },
    reactions: {
      // assumption: OneLogin does not publish what it does after a 409 or a 404.
      onCreateConflict: 'stop',
      onUpdateNotFound: 'recreate-now',
    },
    sources: {
      headers: 'assumption: media types not shown in OneLogin "Implement SCIM API"; User-Agent undocumented; custom headers: the connector\'s "Custom Headers" field (OneLogin KB0013904 / Configuration tab)',
      auth: 'OneLogin SCIM connector Configuration tab: SCIM Bearer Token',
      connectionTest: 'OneLogin "Implement SCIM API", Example API Flow step 1: a lookup of a non-existent userName; an empty list or a 404 both confirm the endpoint',
      matching: 'OneLogin "Implement SCIM API": Get User with userName filter',
      create: 'OneLogin KB0013904: the admin-authored SCIM JSON template (emails may be a single object)',
      update: 'OneLogin "Implement SCIM API": Update User; assumption: as PUT /Users/{id} with the filled template, no GET first',
      deactivate: 'assumption: leaving each group before the PUT active:false is not documented; DELETE when "Delete" is chosen under "When users are deleted in OneLogin" ("Test Your SCIM Implementation")',
      groups:
        'OneLogin "Implement SCIM API": Get Groups (paged listing; assumption: 100 per page, matched on displayName), Create Group, Patch Group; assumption: member op shape value [{value}] and rename as replace displayName',
      conflict: 'assumption: a 409 stops that user until an admin retries',
      notFound: 'assumption: a 404 on update re-runs the create flow at once',
      batching: 'assumption: 100 members per PATCH',
    },
  };
}

export const onelogin = makeOneLogin();
