/**
 * Okta's SCIM 2.0 client. Sources: Okta developer docs "SCIM 2.0 protocol reference" (okta-scim-20) and
 * "Build a SCIM provisioning integration" guide; see `sources` for the habit-by-habit list.
 */
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import { compact, patch, type Profile } from './types.ts';
import { ENT, enterpriseOf, matchFilter } from './common.ts';
import type { DirUser } from '../directory.ts';

function oktaUserBody(u: DirUser): ScimResource {
  const ext = enterpriseOf(u);
  return compact({
    schemas: ext ? [SCHEMA_URN.user, ENT] : [SCHEMA_URN.user],
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName },
    // Okta protocol reference: a single primary work email.
    emails: u.email ? [{ primary: true, value: u.email, type: 'work' }] : undefined,
    displayName: u.displayName,
    title: u.title,
    locale: 'en-US',
    // Okta protocol reference: externalId carries Okta's own user id.
    externalId: u.idpId,
    [ENT]: ext,
  }) as ScimResource;
}

export interface OktaOptions {
  /** Okta's "Sync Password" provisioning option; on, the create carries a generated password. */
  syncPassword?: boolean;
}

export function makeOkta(opts: OktaOptions = {}): Profile {
  const syncPassword = opts.syncPassword ?? true;
  return {
    id: 'okta',
    title: 'Okta (SCIM 2.0 app, OIN template)',
    idStyle: 'okta',
    headers: {
      // Okta protocol reference shows every request with this agent.
      'User-Agent': 'Okta SCIM Client 1.0.0',
      Accept: 'application/scim+json',
      'Content-Type': 'application/scim+json; charset=utf-8',
    },
    auth: ['bearer', 'basic'],
    // Okta retries throttled and failed calls a bounded number of times (its task stays "error" after).
    retry: { limit: 2, baseDelayMs: 1000, maxDelayMs: 30000, honorRetryAfter: true },
    connectionTest: () => [
      // Okta guide: on save, GET /Users?startIndex=1&count=2 then GET /Groups?startIndex=1&count=100.
      { req: { method: 'GET', path: '/Users', query: { startIndex: '1', count: '2' }, purpose: 'connection-test' }, wants: 'list' },
      { req: { method: 'GET', path: '/Groups', query: { startIndex: '1', count: '100' }, purpose: 'connection-test' }, wants: 'list' },
    ],
    matching: {
      default: 'userName',
      // Okta protocol reference: filter=userName eq "…"&startIndex=1&count=100.
      query: (attr, u) => ({ filter: matchFilter(attr, u, u.idpId), startIndex: '1', count: '100' }),
    },
    createUser: (u, ctx) => ({
      ...oktaUserBody(u),
      // Okta protocol reference: create carries a password (if sync is on), an empty groups array and active.
      groups: [],
      ...(syncPassword ? { password: ctx.password() } : {}),
      active: u.active,
    }),
    updateUser: {
      // Okta protocol reference: profile updates are GET /Users/{id} then PUT of the whole resource.
      readFirst: true,
      build: (_prev, next, id, current) => {
        const base: Record<string, unknown> = { ...(current ?? {}) };
        delete base.meta;
        delete base.name;
        delete base.emails;
        // The whole resource as read (readOnly groups echoed unchanged, RFC 7644 §3.5.1), with Okta's profile on top.
        return [
          {
            method: 'PUT',
            path: `/Users/${id}`,
            body: { ...base, ...oktaUserBody(next), id, active: next.active },
            purpose: 'update (PUT)',
          },
        ];
      },
    },
    setActive: {
      readFirst: false,
      leaveGroupsFirst: false,
      // Okta protocol reference: (de)activation is PATCH replace with a value object and no path; never DELETE.
      build: (_u, id, active) => [patch(`/Users/${id}`, [{ op: 'replace', value: { active } }], active ? 'reactivate' : 'deactivate')],
    },
    // Okta protocol reference: "Okta doesn't perform DELETE operations on user objects".
    deletesUsers: false,
    groups: {
      create: (g) => ({ schemas: [SCHEMA_URN.group], displayName: g.displayName, members: [] }),
      // Okta protocol reference: rename is PATCH replace with a value object {id, displayName}.
      rename: (id, g) => patch(`/Groups/${id}`, [{ op: 'replace', value: { id, displayName: g.displayName } }], 'rename group'),
      batchSize: 100,
      // Okta protocol reference: add members as value [{value, display}].
      addMembers: (id, members) =>
        patch(
          `/Groups/${id}`,
          [{ op: 'add', path: 'members', value: members.map((m) => compact({ value: m.id, display: m.display })) }],
          'add members',
        ),
      // Okta protocol reference: one remove op per member with a members[value eq "…"] path.
      removeMembers: (id, members) =>
        patch(
          `/Groups/${id}`,
          members.map((m) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(m.id)}]` })),
          'remove members',
        ),
    },
    reactions: {
      // Okta guide: a 409 on create fails that user's assignment task until an admin retries it.
      onCreateConflict: 'stop',
      // Okta guide: an update of a missing user errors; the admin's retry re-provisions (match, then create).
      onUpdateNotFound: 'recreate-next-cycle',
    },
    sources: {
      headers: 'Okta SCIM 2.0 protocol reference, request examples (User-Agent: Okta SCIM Client 1.0.0)',
      auth: 'Okta "Build a SCIM provisioning integration": HTTP header (bearer), basic auth, OAuth 2',
      connectionTest: 'Okta guide: GET /Users?startIndex=1&count=2, GET /Groups?startIndex=1&count=100 on save',
      matching: 'Okta protocol reference: GET /Users?filter=userName eq "…"&startIndex=1&count=100',
      create: 'Okta protocol reference, Create the user: externalId = Okta id, password, groups: [], active: true',
      update: 'Okta protocol reference, Update a specific user (PUT), preceded by GET /Users/{id}',
      deactivate: 'Okta protocol reference: PATCH {op:"replace", value:{active:false}}; Okta never DELETEs users',
      groups:
        'Okta protocol reference, Group operations: PATCH replace {id, displayName}; add value [{value, display}]; remove members[value eq "…"]',
      conflict: 'Okta guide, "duplicate users": 409 leaves the assignment in error',
      retries: 'assumption: bounded retries with backoff; Okta does not publish its retry count',
      batching: 'assumption: 100 members per PATCH; Okta does not publish its batch size',
    },
  };
}

export const okta = makeOkta();
