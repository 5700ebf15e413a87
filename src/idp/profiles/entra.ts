/**
 * Microsoft Entra ID's provisioning service (the "scim" job of a non-gallery app), in two variants:
 * the default behaviour and the aadOptscim062020 feature flag. Sources: MicrosoftDocs/entra-docs
 * use-scim-to-provision-users-and-groups.md, application-provisioning-config-problem-scim-compatibility.md,
 * how-provisioning-works.md.
 */
import { SCHEMA_URN, type ScimResource } from '../../scim/types.ts';
import type { DirUser } from '../directory.ts';
import type { IdpRequest } from '../http.ts';
import { changedFields, ENT, enterpriseOf, FIELD_PATH, formattedName, matchFilter } from './common.ts';
import { compact, filterEq, patch, type BuildContext, type Profile } from './types.ts';

/** Entra's default mapping sends mailNickname (the UPN's local part) as externalId. */
export function mailNickname(u: DirUser): string {
  return u.userName.split('@')[0];
}

function entraUserBody(u: DirUser): ScimResource {
  const ext = enterpriseOf(u);
  // use-scim-to-provision, Create User: both schemas, meta.resourceType, roles: [], null values left out.
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

function managerValue(next: DirUser, ctx: BuildContext): unknown[] | undefined {
  const id = next.manager ? ctx.targetIdOf(next.manager) : undefined;
  // use-scim-to-provision, Update User [manager]: value is an array with $ref and value.
  return id ? [{ $ref: ctx.refOf('Users', id), value: id }] : undefined;
}

function userPatch(prev: DirUser, next: DirUser, id: string, ctx: BuildContext, flag: boolean): IdpRequest[] {
  const ops: Record<string, unknown>[] = [];
  const merged: Record<string, unknown> = {};
  const fields = changedFields(prev, next);
  if (fields.includes('userName') && mailNickname(prev) !== mailNickname(next)) {
    // The default mapping derives externalId from the UPN, so a rename changes it too.
    if (flag) merged.externalId = mailNickname(next);
    else ops.push({ op: 'Replace', path: 'externalId', value: mailNickname(next) });
  }
  for (const f of fields) {
    if (f === 'manager') {
      const value = managerValue(next, ctx);
      if (value) ops.push({ op: flag ? 'add' : 'Add', path: 'manager', value });
      continue;
    }
    const path = FIELD_PATH[f];
    const value = next[f];
    const wasSet = prev[f] !== undefined;
    if (!flag) {
      // compatibility doc, without flag: one capitalised op per attribute; "Add" when it was empty.
      ops.push({ op: wasSet ? 'Replace' : 'Add', path, value });
    } else if (!wasSet || path.includes('[')) {
      // compatibility doc, with flag: lower-case add for a new single value; filtered paths stay separate.
      ops.push({ op: wasSet ? 'replace' : 'add', path, value });
    } else {
      // compatibility doc, with flag: other replacements merge into one pathless op with dotted keys.
      merged[path] = value;
    }
  }
  if (Object.keys(merged).length) ops.push({ op: 'replace', value: merged });
  return ops.length ? [patch(`/Users/${id}`, ops, 'update (PATCH per attribute)')] : [];
}

export function makeEntra(flag: boolean): Profile {
  const Op = (op: 'Add' | 'Replace' | 'Remove') => (flag ? op.toLowerCase() : op);
  return {
    id: flag ? 'entra-2020' : 'entra',
    title: flag ? 'Microsoft Entra ID (aadOptscim062020 flag)' : 'Microsoft Entra ID (default scim job)',
    idStyle: 'guid',
    headers: {
      // Entra does not document its User-Agent; this names it plainly. Its doc samples send application/json.
      'User-Agent': 'Microsoft Entra ID SCIM Client (scimcheck mock)',
      Accept: 'application/scim+json',
      'Content-Type': 'application/json',
    },
    // use-scim-to-provision: a long-lived bearer secret token, or OAuth client credentials (still bearer).
    auth: ['bearer'],
    // how-provisioning-works: failures are retried, 429 Retry-After honoured, then left to the next cycle.
    retry: { limit: 3, baseDelayMs: 1000, maxDelayMs: 60000, honorRetryAfter: true },
    connectionTest: (randomId) => [
      // use-scim-to-provision: "Test Connection" filters userName on a random GUID and needs 200 + empty list.
      { req: { method: 'GET', path: '/Users', query: { filter: filterEq('userName', randomId) }, purpose: 'connection-test' }, wants: 'empty-list' },
    ],
    matching: {
      default: 'userName',
      // use-scim-to-provision, Get User by query: filter only, no paging parameters.
      query: (attr, u) => ({ filter: matchFilter(attr, u, mailNickname(u)) }),
    },
    createUser: (u) => entraUserBody(u),
    updateUser: {
      readFirst: false,
      build: (prev, next, id, _current, ctx) => userPatch(prev, next, id, ctx, flag),
    },
    setActive: {
      readFirst: false,
      leaveGroupsFirst: false,
      build: (_u, id, active) => {
        const req = patch(
          `/Users/${id}`,
          // compatibility doc: without the flag active travels as the string "False"/"True" with op "Replace".
          [flag ? { op: 'replace', path: 'active', value: active } : { op: 'Replace', path: 'active', value: active ? 'True' : 'False' }],
          active ? 'reactivate' : 'deactivate',
        );
        // RFC 7643 §2.3.2: a boolean is a JSON true/false; a strict target may refuse the string.
        if (!flag) req.quirk = `sends active as the string "${active ? 'True' : 'False'}" instead of a JSON boolean (documented; the aadOptscim062020 flag fixes it)`;
        return [req];
      },
    },
    // how-provisioning-works: soft-deleted/unassigned users are disabled; DELETE only on hard delete.
    deletesUsers: true,
    groups: {
      // use-scim-to-provision, Get Group by displayName: excludedAttributes=members with the filter.
      matchQuery: (g) => ({ excludedAttributes: 'members', filter: filterEq('displayName', g.displayName) }),
      readQuery: { excludedAttributes: 'members' },
      // use-scim-to-provision, Create Group: externalId, displayName, meta.resourceType and no members.
      create: (g) => ({ schemas: [SCHEMA_URN.group], externalId: g.idpId, displayName: g.displayName, meta: { resourceType: 'Group' } }),
      rename: (id, g) => patch(`/Groups/${id}`, [{ op: Op('Replace'), path: 'displayName', value: g.displayName }], 'rename group'),
      batchSize: 50,
      // use-scim-to-provision, Update Group [Add Members]: value [{"$ref": null, value}].
      addMembers: (id, members) => patch(`/Groups/${id}`, [{ op: Op('Add'), path: 'members', value: members.map((m) => ({ $ref: null, value: m.id })) }], 'add members'),
      removeMembers: (id, members) =>
        flag
          ? // compatibility doc, with flag: one remove op per member with a members[value eq "…"] path.
            patch(`/Groups/${id}`, members.map((m) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(m.id)}]` })), 'remove members')
          : // use-scim-to-provision, Update Group [Remove Members]: {op:"Remove", path:"members", value:[{value}]}.
            patch(`/Groups/${id}`, [{ op: 'Remove', path: 'members', value: members.map((m) => ({ value: m.id })) }], 'remove members'),
    },
    reactions: {
      // how-provisioning-works: a failed export is recorded in the provisioning logs and retried next cycle.
      onCreateConflict: 'retry-next-cycle',
      onUpdateNotFound: 'recreate-next-cycle',
    },
    sources: {
      headers: 'use-scim-to-provision-users-and-groups.md request samples (Content-type: application/json); User-Agent undocumented',
      auth: 'use-scim-to-provision-users-and-groups.md, Authorization: bearer token (long-lived or OAuth)',
      connectionTest: 'use-scim-to-provision-users-and-groups.md: Test Connection queries a random userName, expects 200 and an empty ListResponse',
      matching: 'use-scim-to-provision-users-and-groups.md, Get User by query: GET /Users?filter=userName eq "…" (no paging)',
      create: 'use-scim-to-provision-users-and-groups.md, Create User: enterprise schema, meta.resourceType, roles: []',
      update: flag
        ? 'application-provisioning-config-problem-scim-compatibility.md, with aadOptscim062020: merged pathless replace with dotted keys'
        : 'use-scim-to-provision-users-and-groups.md, Update User: one Replace/Add op per attribute',
      deactivate: flag
        ? 'compatibility doc with flag: {op:"replace", path:"active", value:false}'
        : 'compatibility doc without flag: {op:"Replace", path:"active", value:"False"}',
      delete: 'how-provisioning-works.md: DELETE only when the user is hard-deleted (or the app is set to delete)',
      groups: 'use-scim-to-provision-users-and-groups.md, Group operations; excludedAttributes=members on reads',
      memberRemove: flag ? 'compatibility doc with flag: members[value eq "…"] path' : 'compatibility doc without flag: Remove with value array',
      conflict: 'how-provisioning-works.md: errors are logged and the object is retried in later cycles',
      retries: 'how-provisioning-works.md (retries, quarantine); the exact retry count is an assumption',
      batching: 'assumption: 50 members per PATCH; Entra does not publish its batch size',
    },
  };
}

export const entra = makeEntra(false);
export const entra2020 = makeEntra(true);
