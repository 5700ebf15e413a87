/**
 * RFC 7643 §4.2 Groups and membership, and the derived, readOnly User.groups (RFC 7643 §4.1.2).
 * Membership is always verified by reading the Group back.
 */
import type { Check, CheckContext } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, hasAttr, isObject, memberIds, multi, sameSet } from './support/attributes.ts';
import { filterString, unknownId } from './support/names.ts';
import { brief, expectRefused, groupPath, groupsPath, userPath } from './support/http.ts';
import { EXCLUDED_MUST, GROUPS_READONLY_MUST } from './support/cites.ts';

/** User.groups is readOnly: one defect, also failing security.groups.*, is one root cause (issue 10 #4). */
const GROUPS_TOPIC = 'user.groups-readonly';
import { expectPatchOk, patchGroup, patchUser, read, type PatchOperation } from './support/resources.ts';
import { expectListResponse, idsOf, resourcesOf } from './support/lists.ts';
import { learnFilterSupport } from './support/filter-support.ts';
import { skipUnlessUsable } from './support/scoping.ts';

const MEMBERS_QUOTE = 'members: A list of members of the Group. While values MAY be added or removed, sub-attributes of members are "immutable".';

async function users(ctx: CheckContext, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await ctx.fixtures.createUser()).id);
  return ids;
}

async function readMembers(ctx: CheckContext, groupId: string): Promise<string[]> {
  return memberIds(await read(ctx, groupPath(ctx, groupId)));
}

function expectMembers(ctx: CheckContext, actual: string[], expected: string[], what: string): void {
  if (!sameSet(actual, expected)) ctx.fail(`${what}: the members differ`, { expected: [...expected].sort(), actual: [...actual].sort() });
}

/** True when the target's User schema declares the derived `groups` attribute. */
function userSchemaHasGroups(ctx: CheckContext): boolean {
  const schema = ctx.target.schemas.find((s) => s.id.toLowerCase() === SCHEMA_URN.user.toLowerCase());
  return (schema?.attributes ?? []).some((a) => a.name.toLowerCase() === 'groups');
}

/** Users a Bulk request may carry at once: the target's bulk.maxOperations, at most 100 (RFC 7643 §5). */
const BULK_BATCH = 100;
/** Creates in flight at once when users are POSTed one by one. */
const CREATE_POOL = 16;

/**
 * Creates `n` users quickly without hammering the target: through Bulk when advertised (RFC 7644 §3.7, within
 * bulk.maxOperations and bulk.maxPayloadSize), else, and for whatever Bulk did not create, by POSTs from a
 * bounded pool. Every user is tracked for cleanup. Bulk is only a shortcut here: its failures are not judged.
 */
async function createManyUsers(ctx: CheckContext, n: number): Promise<string[]> {
  const ids: string[] = [];
  if (ctx.target.capabilities.has('bulk')) {
    const maxOps = Math.max(1, Math.min(BULK_BATCH, ctx.target.limits.bulkMaxOperations ?? BULK_BATCH));
    const maxBytes = ctx.target.limits.bulkMaxPayloadSize ?? Number.POSITIVE_INFINITY;
    while (ids.length < n) {
      let ops = Array.from({ length: Math.min(maxOps, n - ids.length) }, (_, i) => ({ method: 'POST', path: ctx.target.endpoints.users, bulkId: `u${i}`, data: ctx.fixtures.userBody() }));
      let body = { schemas: [SCHEMA_URN.bulkRequest], Operations: ops };
      // Stay well under bulk.maxPayloadSize: a 413 would only waste the request.
      while (ops.length > 1 && JSON.stringify(body).length > maxBytes * 0.8) {
        ops = ops.slice(0, Math.ceil(ops.length / 2));
        body = { schemas: [SCHEMA_URN.bulkRequest], Operations: ops };
      }
      const res = await ctx.http.send({ method: 'POST', path: '/Bulk', body });
      const made = bulkMadeUsers(res.json);
      // Anything the target made is cleaned up; only a proper 201 counts as created (RFC 7644 §3.7.3).
      for (const u of made) ctx.fixtures.track('user', u.id);
      const created = made.filter((u) => u.code === 201).map((u) => u.id);
      ids.push(...created);
      if (res.status !== 200 || created.length < ops.length) break;
    }
  }
  const rest: string[] = new Array(Math.max(0, n - ids.length));
  let next = 0;
  const worker = async () => {
    while (next < rest.length) {
      const i = next++;
      rest[i] = (await ctx.fixtures.createUser()).id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CREATE_POOL, rest.length) }, worker));
  return [...ids, ...rest];
}

/** Users a BulkResponse says it made: a 2xx status and a location per operation (RFC 7644 §3.7.3). */
function bulkMadeUsers(json: unknown): { id: string; code: number }[] {
  const ops = attr(json, 'Operations');
  const out: { id: string; code: number }[] = [];
  for (const op of Array.isArray(ops) ? ops : []) {
    const status = attr(op, 'status');
    const code = Number(typeof status === 'object' && status !== null ? attr(status, 'code') : status);
    const location = attr(op, 'location');
    if (!(code >= 200 && code < 300) || typeof location !== 'string') continue;
    const id = decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? '');
    if (id !== '') out.push({ id, code });
  }
  return out;
}

const ADD_QUOTE = 'If the target location specifies a multi-valued attribute, a new value is added to the attribute.';

/** A PATCH of Group.members: how many users, the starting members, the operations, and the members it must leave. */
interface MemberPatch {
  key: string;
  title: string;
  cite: Check['cite'];
  users: number;
  /** Starting members; absent means the Group is created with no members attribute at all. */
  initial?: (ids: string[]) => string[];
  ops: (ids: string[]) => PatchOperation[];
  patchWhat: string;
  expected: (ids: string[]) => string[];
  membersWhat: string;
}

/** In the published id order: the first two precede groups.patch.add-existing-member, the rest follow it. */
const MEMBER_PATCHES: MemberPatch[] = [
  {
    key: 'add-member',
    title: 'PATCH add members appends one member',
    cite: { rfc: 7644, section: '3.5.2.1', quote: ADD_QUOTE },
    users: 2,
    initial: ([a]) => [a],
    ops: ([, b]) => [{ op: 'add', path: 'members', value: [{ value: b }] }],
    patchWhat: 'PATCH add a member',
    expected: ([a, b]) => [a, b],
    membersWhat: 'members after adding one',
  },
  {
    key: 'add-several',
    title: 'PATCH add members with several values adds them all',
    cite: { rfc: 7644, section: '3.5.2.1', quote: ADD_QUOTE },
    users: 3,
    ops: (ids) => [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
    patchWhat: 'PATCH add three members',
    expected: (ids) => ids,
    membersWhat: 'members after adding three',
  },
  {
    key: 'remove-member-filter',
    title: 'PATCH remove members[value eq "id"] removes just that member',
    cite: { rfc: 7644, section: '3.5.2.2', quote: 'If the target location is a multi-valued attribute and a complex filter is specified comparing a "value", the values matched by the filter are removed.' },
    users: 2,
    initial: ([a, b]) => [a, b],
    ops: ([a]) => [{ op: 'remove', path: `members[value eq ${filterString(a)}]` }],
    patchWhat: 'PATCH remove one member',
    expected: ([, b]) => [b],
    membersWhat: 'members after removing one',
  },
  {
    key: 'replace-members',
    title: 'PATCH replace members sets exactly the new list',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are replaced.' },
    users: 3,
    initial: ([a, b]) => [a, b],
    ops: ([, , c]) => [{ op: 'replace', path: 'members', value: [{ value: c }] }],
    patchWhat: 'PATCH replace members',
    expected: ([, , c]) => [c],
    membersWhat: 'members after replace',
  },
  {
    key: 'remove-all-members',
    title: 'PATCH remove members (no filter) empties the Group',
    cite: { rfc: 7644, section: '3.5.2.2', quote: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are removed, and the attribute SHALL be considered unassigned.' },
    users: 2,
    initial: ([a, b]) => [a, b],
    ops: () => [{ op: 'remove', path: 'members' }],
    patchWhat: 'PATCH remove all members',
    expected: () => [],
    membersWhat: 'members after removing all',
  },
];

/** RFC 7644 §3.5.2: a members PATCH leaves exactly the expected member set (read back with a fresh GET). */
function memberPatchCheck(c: MemberPatch): Check {
  return {
    id: `groups.patch.${c.key}`,
    title: c.title,
    area: 'groups',
    cite: c.cite,
    level: 'MUST',
    requires: ['groups', 'write', 'patch'],
    async run(ctx) {
      const ids = await users(ctx, c.users);
      const g = c.initial ? await ctx.fixtures.createGroup({ members: c.initial(ids).map((value) => ({ value })) }) : await ctx.fixtures.createGroup();
      expectPatchOk(ctx, await patchGroup(ctx, g.id, c.ops(ids)), c.patchWhat);
      expectMembers(ctx, await readMembers(ctx, g.id), c.expected(ids), c.membersWhat);
    },
  };
}

export const checks: Check[] = [
  {
    id: 'groups.create.empty',
    title: 'a Group with only a displayName is created with 201',
    area: 'groups',
    cite: { rfc: 7644, section: '3.3', quote: 'When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created).' },
    level: 'MUST',
    requires: ['groups', 'write'],
    async run(ctx) {
      const name = ctx.fixtures.uniqueName('g');
      const res = await ctx.http.send({ method: 'POST', path: groupsPath(ctx), body: { schemas: [SCHEMA_URN.group], displayName: name } });
      const id = attr(res.json, 'id');
      if (typeof id === 'string' && res.status >= 200 && res.status < 300) ctx.fixtures.track('group', id);
      ctx.expectStatus(res, 201, 'POST an empty Group');
      ctx.expectEqual(attr(res.json, 'displayName'), name, 'displayName of the created Group');
      ctx.expectEqual(memberIds(res.json), [], 'members of a Group created without members');
    },
  },
  {
    id: 'groups.create.with-members',
    title: 'a Group created with members returns those members',
    area: 'groups',
    cite: { rfc: 7643, section: '4.2', quote: MEMBERS_QUOTE },
    level: 'MUST',
    requires: ['groups', 'write'],
    async run(ctx) {
      const ids = await users(ctx, 2);
      const g = await ctx.fixtures.createGroup({ members: ids.map((value) => ({ value })) });
      expectMembers(ctx, memberIds(g), ids, 'members in the POST response');
      expectMembers(ctx, await readMembers(ctx, g.id), ids, 'members read back');
    },
  },
  {
    id: 'groups.members.ref-and-display',
    title: 'a member\'s $ref, when returned, is the URI of the User',
    area: 'groups',
    cite: {
      rfc: 7643,
      section: '4.2',
      quote: 'The "value" sub-attribute contains the value of an "id" attribute of a SCIM resource, and the "$ref" sub-attribute must be the URI of a SCIM resource such as a "User", or a "Group".',
    },
    // "lowercase-must" exception: a returned $ref must be the member's URI. Returning $ref and display is optional,
    // so their absence is recorded, not judged.
    level: 'MUST',
    requires: ['groups', 'write'],
    async run(ctx) {
      const u = await ctx.fixtures.createUser();
      const g = await ctx.fixtures.createGroup({ members: [{ value: u.id }] });
      const got = await read(ctx, groupPath(ctx, g.id));
      const m = multi(got, 'members').find((x) => attr(x, 'value') === u.id);
      if (!m) ctx.fail('the member is missing from the Group', { expected: u.id, actual: attr(got, 'members') });
      const ref = attr(m, '$ref');
      if (ref === undefined) ctx.skip('the target returns members without $ref');
      ctx.expectTrue(typeof ref === 'string' && ref.includes(u.id), 'members.$ref is a URI naming the User', { expected: `…/${u.id}`, actual: ref });
    },
  },
  {
    id: 'groups.get.by-id',
    title: 'GET /Groups/{id} returns the Group with its displayName and members',
    area: 'groups',
    cite: { rfc: 7644, section: '3.4.1', quote: 'Clients retrieve a known resource using an HTTP GET request to the resource endpoint' },
    level: 'MUST',
    requires: ['groups', 'write'],
    async run(ctx) {
      const u = await ctx.fixtures.createUser();
      const g = await ctx.fixtures.createGroup({ members: [{ value: u.id }] });
      const got = await read(ctx, groupPath(ctx, g.id));
      ctx.expectEqual(attr(got, 'id'), g.id, 'id');
      ctx.expectEqual(attr(got, 'displayName'), attr(g, 'displayName'), 'displayName');
      expectMembers(ctx, memberIds(got), [u.id], 'members');
    },
  },
  ...MEMBER_PATCHES.slice(0, 2).map(memberPatchCheck),
  {
    id: 'groups.patch.add-existing-member',
    title: 'adding a member that is already there does not duplicate it',
    area: 'groups',
    cite: { rfc: 7644, section: '3.5.2.1', quote: 'If the target location already contains the value specified, no changes SHOULD be made to the resource, and a success response SHOULD be returned.' },
    level: 'SHOULD',
    requires: ['groups', 'write', 'patch'],
    async run(ctx) {
      const [a] = await users(ctx, 1);
      const g = await ctx.fixtures.createGroup({ members: [{ value: a }] });
      expectPatchOk(ctx, await patchGroup(ctx, g.id, [{ op: 'add', path: 'members', value: [{ value: a }] }]), 'PATCH add an existing member');
      ctx.expectEqual(await readMembers(ctx, g.id), [a], 'members after re-adding the same member');
    },
  },
  ...MEMBER_PATCHES.slice(2).map(memberPatchCheck),
  {
    id: 'groups.patch.rename',
    title: 'PATCH replace displayName renames the Group and keeps the members',
    area: 'groups',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'The "replace" operation replaces the value at the target location specified by the "path".' },
    level: 'MUST',
    requires: ['groups', 'write', 'patch'],
    async run(ctx) {
      const [a] = await users(ctx, 1);
      const g = await ctx.fixtures.createGroup({ members: [{ value: a }] });
      const name = ctx.fixtures.uniqueName('renamed');
      expectPatchOk(ctx, await patchGroup(ctx, g.id, [{ op: 'replace', path: 'displayName', value: name }]), 'PATCH replace displayName');
      const got = await read(ctx, groupPath(ctx, g.id));
      ctx.expectEqual(attr(got, 'displayName'), name, 'displayName after rename');
      expectMembers(ctx, memberIds(got), [a], 'members after rename');
    },
  },
  {
    id: 'groups.put.replace-members',
    title: 'PUT with a new members list replaces the membership',
    area: 'groups',
    cite: { rfc: 7644, section: '3.5.1', quote: 'readWrite, writeOnly: Any values provided SHALL replace the existing attribute values.' },
    level: 'MUST',
    requires: ['groups', 'write'],
    async run(ctx) {
      const [a, b] = await users(ctx, 2);
      const g = await ctx.fixtures.createGroup({ members: [{ value: a }] });
      const body = { schemas: [SCHEMA_URN.group], id: g.id, displayName: attr(g, 'displayName'), members: [{ value: b }] };
      const res = await ctx.http.send({ method: 'PUT', path: groupPath(ctx, g.id), body });
      ctx.expectStatus(res, 200, 'PUT the Group');
      expectMembers(ctx, await readMembers(ctx, g.id), [b], 'members after PUT');
    },
  },
  {
    id: 'groups.create.duplicate-display-name',
    title: 'a second Group with the same displayName is either created (201) or refused as a 409 uniqueness error',
    area: 'groups',
    cite: { rfc: 7643, section: '4.2', quote: 'displayName: A human-readable name for the Group. REQUIRED.' },
    // RFC 7643 §8.7.1 gives Group.displayName uniqueness "none": both answers are allowed, a crash is not.
    level: 'MAY',
    requires: ['groups', 'write'],
    async run(ctx) {
      const g = await ctx.fixtures.createGroup();
      const res = await ctx.http.send({ method: 'POST', path: groupsPath(ctx), body: { schemas: [SCHEMA_URN.group], displayName: attr(g, 'displayName') } });
      const id = attr(res.json, 'id');
      if (typeof id === 'string' && res.status >= 200 && res.status < 300) ctx.fixtures.track('group', id);
      if (res.status === 201) return;
      if (res.status === 409) {
        ctx.expectScimError(res, 409, 'uniqueness');
        return;
      }
      ctx.fail('a duplicate Group displayName should be created (201) or refused with 409 uniqueness', { expected: [201, 409], actual: brief(res) });
    },
  },
  {
    id: 'groups.list.excluded-members',
    // Ignoring `excludedAttributes` fails each of these, in three areas: one root cause.
    topic: 'projection.excluded',
    title: 'excludedAttributes=members on a Group list leaves members out',
    area: 'groups',
    cite: { rfc: 7644, section: '3.9', quote: EXCLUDED_MUST },
    level: 'MUST',
    requires: ['groups', 'write', 'filter'],
    async run(ctx) {
      const [a] = await users(ctx, 1);
      const g = await ctx.fixtures.createGroup({ members: [{ value: a }] });
      const path = groupsPath(ctx);
      const res = await ctx.http.send({ method: 'GET', path, query: { filter: `displayName eq ${filterString(String(attr(g, 'displayName')))}`, excludedAttributes: 'members' } });
      const resources = resourcesOf(expectListResponse(ctx, res, `GET ${path}?filter=...&excludedAttributes=members`));
      ctx.expectEqual(idsOf(resources), [g.id], 'the Group listed');
      ctx.expectTrue(!hasAttr(resources[0], 'members'), 'no members in the listed Group', { expected: 'no members', actual: attr(resources[0], 'members') });
    },
  },
  {
    id: 'groups.user.groups-derived',
    title: 'User.groups shows the Groups the user is a member of',
    area: 'groups',
    cite: { rfc: 7643, section: '4.1.2', quote: 'groups: A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.' },
    // RFC 7643 §4.1.2 describes User.groups without a keyword: a target that declares it but leaves it empty warns.
    level: 'MAY',
    requires: ['groups', 'write'],
    async run(ctx) {
      if (!userSchemaHasGroups(ctx)) ctx.skip('the target\'s User schema does not declare the groups attribute');
      const u = await ctx.fixtures.createUser();
      const g = await ctx.fixtures.createGroup({ members: [{ value: u.id }] });
      const got = await read(ctx, userPath(ctx, u.id));
      const groupIds = multi(got, 'groups').map((x) => attr(x, 'value'));
      ctx.expectTrue(groupIds.includes(g.id), 'User.groups lists the Group', { expected: g.id, actual: groupIds });
    },
  },
  {
    id: 'groups.user.groups-readonly-patch',
    title: 'PATCH of User.groups is refused (readOnly) and changes no membership',
    area: 'groups',
    cite: { rfc: 7643, section: '4.1.2', quote: GROUPS_READONLY_MUST },
    level: 'MUST',
    topic: GROUPS_TOPIC,
    requires: ['groups', 'write', 'patch'],
    async run(ctx) {
      const u = await ctx.fixtures.createUser();
      const g = await ctx.fixtures.createGroup();
      const res = await patchUser(ctx, u.id, [{ op: 'add', path: 'groups', value: [{ value: g.id }] }]);
      // The membership must not change through the User, whatever the answer was.
      expectMembers(ctx, await readMembers(ctx, g.id), [], 'Group members after PATCHing User.groups');
      // RFC 7644 §3.5.2: an operation incompatible with mutability SHALL return an error ("the appropriate HTTP response
      // status code"); scimType is OPTIONAL, and if given it is "mutability".
      // Where the User schema has no groups attribute at all (RFC 7643 §7), invalidPath is the right scimType.
      expectRefused(ctx, res, 'PATCH of the readOnly User.groups', userSchemaHasGroups(ctx) ? 'mutability' : undefined);
    },
  },
  {
    id: 'groups.user.groups-readonly-put',
    title: 'PUT of a User carrying groups does not change membership',
    area: 'groups',
    cite: { rfc: 7644, section: '3.5.1', quote: 'readOnly: Any values provided SHALL be ignored.' },
    level: 'MUST',
    topic: GROUPS_TOPIC,
    requires: ['groups', 'write'],
    async run(ctx) {
      const u = await ctx.fixtures.createUser();
      const g = await ctx.fixtures.createGroup();
      const body: Record<string, unknown> = { ...u, groups: [{ value: g.id }] };
      delete body.meta;
      const res = await ctx.http.send({ method: 'PUT', path: userPath(ctx, u.id), body });
      if (res.status >= 500) ctx.fail('PUT of a User with groups crashed the target', { expected: '200 or 400', actual: brief(res) });
      expectMembers(ctx, await readMembers(ctx, g.id), [], 'Group members after PUT of a User carrying groups');
    },
  },
  {
    id: 'groups.member.deleted-user-leaves',
    title: 'a deleted User no longer appears among a Group\'s members',
    area: 'groups',
    cite: { rfc: 7644, section: '3.6', quote: 'Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.' },
    // The RFC does not spell out membership clean-up (§3.6 is about operations on the deleted resource); a dangling
    // member is a defect IdPs trip over, so it warns.
    level: 'MAY',
    requires: ['groups', 'write'],
    async run(ctx) {
      if (ctx.target.deprovision === 'disable') ctx.skip('the target deprovisions by disabling: DELETE keeps the user');
      const [a, b] = await users(ctx, 2);
      const g = await ctx.fixtures.createGroup({ members: [{ value: a }, { value: b }] });
      const del = await ctx.http.send({ method: 'DELETE', path: userPath(ctx, a) });
      ctx.expectStatus(del, 204, 'DELETE the member user');
      expectMembers(ctx, await readMembers(ctx, g.id), [b], 'members after deleting one member user');
    },
  },
  {
    id: 'groups.member.unknown-id',
    title: 'a member referencing an unknown id is refused with 400',
    area: 'groups',
    cite: { rfc: 7643, section: '4.2', quote: 'The "value" sub-attribute contains the value of an "id" attribute of a SCIM resource' },
    // The RFC names no answer to a member that does not exist: refusing is recorded as passed, accepting is skipped
    // with a note (some services keep dangling references).
    level: 'MAY',
    requires: ['groups', 'write'],
    async run(ctx) {
      const res = await ctx.http.send({
        method: 'POST',
        path: groupsPath(ctx),
        body: { schemas: [SCHEMA_URN.group], displayName: ctx.fixtures.uniqueName('g'), members: [{ value: unknownId() }] },
      });
      const id = attr(res.json, 'id');
      if (typeof id === 'string' && res.status >= 200 && res.status < 300) ctx.fixtures.track('group', id);
      if (res.status >= 200 && res.status < 300) ctx.skip(`the target accepts a member whose id no resource has (HTTP ${res.status})`);
      ctx.expectScimError(res, 400);
    },
  },
  {
    id: 'groups.delete.then-404',
    title: 'DELETE of a Group answers 204, then GET answers 404 and the member users remain',
    area: 'groups',
    cite: {
      rfc: 7644,
      section: '3.6',
      quote: 'In response to a successful DELETE, the service provider SHALL return a successful HTTP status code 204 (No Content). ... Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.',
    },
    level: 'MUST',
    requires: ['groups', 'write'],
    async run(ctx) {
      const [a] = await users(ctx, 1);
      const g = await ctx.fixtures.createGroup({ members: [{ value: a }] });
      const del = await ctx.http.send({ method: 'DELETE', path: groupPath(ctx, g.id) });
      ctx.expectStatus(del, 204, 'DELETE the Group');
      const again = await ctx.http.send({ method: 'GET', path: groupPath(ctx, g.id) });
      ctx.expectScimError(again, 404);
      const user = await ctx.http.send({ method: 'GET', path: userPath(ctx, a) });
      ctx.expectStatus(user, 200, 'GET the former member after deleting the Group');
    },
  },
  {
    id: 'groups.filter.member-value',
    title: 'Groups can be filtered by member (members[value eq "id"])',
    area: 'groups',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'Service providers MAY support complex filters where expressions MUST be applied to the same value of a parent attribute' },
    level: 'MUST',
    requires: ['groups', 'write', 'filter'],
    // A value path with eq: a target may refuse value paths (RFC 7644 §3.12); filter.value-path reports that once.
    needs: ['filter.value-path', 'filter.operator.eq'],
    async run(ctx) {
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['value-path', 'eq'], 'this check (members[value eq …] on Groups)');
      const [a, b] = await users(ctx, 2);
      const g1 = await ctx.fixtures.createGroup({ members: [{ value: a }] });
      await ctx.fixtures.createGroup({ members: [{ value: b }] });
      const path = groupsPath(ctx);
      const filter = `members[value eq ${filterString(a)}]`;
      const res = await ctx.http.send({ method: 'GET', path, query: { filter } });
      ctx.expectEqual(idsOf(resourcesOf(expectListResponse(ctx, res, `GET ${path}?filter=${filter}`))), [g1.id], 'Groups having the member');
    },
  },
  {
    id: 'groups.large.thousand-members',
    title: 'a 1,000-member Group built with PATCHes of 100 reads back whole',
    area: 'groups',
    cite: { rfc: 7643, section: '4.2', quote: MEMBERS_QUOTE },
    // The RFC sets no size: refusing a large Group is a limitation (skipped with a note), silently truncating it warns.
    level: 'MAY',
    requires: ['groups', 'write', 'patch'],
    async run(ctx) {
      const ids = await createManyUsers(ctx, 1000);
      const g = await ctx.fixtures.createGroup();
      for (let i = 0; i < ids.length; i += 100) {
        const res = await patchGroup(ctx, g.id, [{ op: 'add', path: 'members', value: ids.slice(i, i + 100).map((value) => ({ value })) }]);
        if (res.status >= 400 && res.status < 500) ctx.skip(`the target refused members ${i + 1}..${i + 100} of a large Group (HTTP ${res.status}): a size limit`);
        expectPatchOk(ctx, res, `PATCH adding members ${i + 1}..${i + 100}`);
      }
      const got = await read(ctx, groupPath(ctx, g.id));
      const members = memberIds(got);
      const missing = ids.filter((id) => !members.includes(id));
      ctx.expectTrue(members.length === 1000 && missing.length === 0, 'all 1,000 members are read back', {
        expected: 1000,
        actual: { members: members.length, missing: missing.length },
      });
      if (!isObject(got)) ctx.fail('no Group body', { expected: 'a Group', actual: got });
    },
  },
];
