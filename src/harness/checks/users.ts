/**
 * User resource lifecycle checks: create (RFC 7644 §3.3), read (§3.4.1), replace (§3.5.1),
 * delete (§3.6) and the common attributes of RFC 7643 §3.1 / User attributes of §4.1.
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, attrPath, isAbsoluteUrl, isDateTime, multi, sameUrl } from './support/attributes.ts';
import { unknownId } from './support/names.ts';
import { expect2xx, expectRefused, header, userPath, usersPath } from './support/http.ts';
import { currentUser, getUser, postUser, putBodyFrom } from './support/resources.ts';
import { learnFilterSupport } from './support/filter-support.ts';
import { skipUnlessUsable } from './support/scoping.ts';
import { declared, requireDeclared, userSchemaView } from './support/user-schema.ts';
import { pickWritableString, writableStringSlots } from './support/writable.ts';
import { requiredOnlyUser } from './support/required-only.ts';
import { READ_ONLY_IGNORED_ON_CREATE, table8 } from './support/cites.ts';

/** The check whose subject is that POST /Users answers 201: checks that read a 201 answer build on it. */
const CREATED = 'users.create.returns-201';

const WRITE = ['write'] as const;

/** RFC 7644 §3.6: a target configured to disable on DELETE keeps the record, so 404 checks do not apply. */
function skipWhenDisabling(ctx: CheckContext): void {
  if (ctx.target.deprovision === 'disable') ctx.skip('target is configured to deprovision by disabling (deprovision=disable)');
}

/** The User resource type's declared extensions (RFC 7643 §6 schemaExtensions). */
function userExtensions(ctx: CheckContext): string[] {
  const rt = ctx.target.resourceTypes.find((r) => String(r.schema).toLowerCase() === SCHEMA_URN.user.toLowerCase());
  return (rt?.schemaExtensions ?? []).map((e) => e.schema);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

async function createRaw(ctx: CheckContext, overrides: Record<string, unknown> = {}) {
  const body = ctx.fixtures.userBody(overrides);
  const res = await postUser(ctx, body);
  return { body, res };
}

async function putUser(ctx: CheckContext, id: string, body: unknown) {
  return ctx.http.send({ method: 'PUT', path: userPath(ctx, id), body });
}

const GONE_QUOTE_FULL =
  'Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.';
const GONE_QUOTE = 'Service providers ... MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.';

/** An operation on a user after its DELETE; `prepare` runs before the DELETE (e.g. to read a PUT body). */
interface AfterDeleteCase {
  key: string;
  title: string;
  quote: string;
  deleteWhat: string;
  prepare?(ctx: CheckContext, id: string): Promise<unknown>;
  after(ctx: CheckContext, id: string, prepared: unknown): Promise<HttpResponse>;
}

const AFTER_DELETE_CASES: AfterDeleteCase[] = [
  {
    key: 'then-get-404',
    title: 'After DELETE, GET of the user answers 404',
    quote: GONE_QUOTE_FULL,
    deleteWhat: 'DELETE of a user',
    after: (ctx, id) => getUser(ctx, id),
  },
  {
    key: 'twice-404',
    title: 'A second DELETE of the same user answers 404',
    quote: GONE_QUOTE,
    deleteWhat: 'first DELETE',
    after: (ctx, id) => ctx.http.send({ method: 'DELETE', path: userPath(ctx, id) }),
  },
  {
    key: 'then-put-404',
    title: 'After DELETE, PUT of the user answers 404 (no resurrection)',
    quote: GONE_QUOTE,
    deleteWhat: 'DELETE',
    prepare: async (ctx, id) => putBodyFrom(await currentUser(ctx, id)),
    after: (ctx, id, body) => putUser(ctx, id, body),
  },
];

/** RFC 7644 §3.6: every operation on a deleted resource answers 404. */
function goneAfterDelete(c: AfterDeleteCase): Check {
  return {
    id: `users.delete.${c.key}`,
    title: c.title,
    area: 'users',
    cite: { rfc: 7644, section: '3.6', quote: c.quote },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      skipWhenDisabling(ctx);
      const user = await ctx.fixtures.createUser();
      const prepared = await c.prepare?.(ctx, user.id);
      expect2xx(ctx, await ctx.http.send({ method: 'DELETE', path: userPath(ctx, user.id) }), c.deleteWhat);
      ctx.expectScimError(await c.after(ctx, user.id, prepared), 404);
    },
  };
}

export const checks: Check[] = [
  {
    id: 'users.create.returns-201',
    title: 'POST /Users answers 201 Created',
    area: 'users',
    cite: { rfc: 7644, section: '3.3', quote: 'an HTTP response SHALL be returned with HTTP status code 201 (Created).' },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const { res } = await createRaw(ctx);
      ctx.expectStatus(res, 201, 'POST /Users');
    },
  },
  {
    id: 'users.create.location-header',
    title: 'POST /Users answers a Location header with the absolute URL of the new user',
    area: 'users',
    cite: { rfc: 7644, section: '3.3', quote: 'The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP body, a JSON representation [RFC7159] with the attribute "meta.location".' },
    level: 'MUST',
    topic: 'user.location-header',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      const { res } = await createRaw(ctx);
      ctx.expectStatus(res, 201, 'POST /Users');
      const location = header(res, 'location');
      ctx.expectTrue(isAbsoluteUrl(location), 'the Location header should be an absolute URL', { expected: 'https://.../Users/{id}', actual: location ?? '(absent)' });
    },
  },
  {
    id: 'users.create.location-equals-meta',
    title: 'The Location header equals meta.location of the created user',
    area: 'users',
    cite: { rfc: 7644, section: '3.3', quote: 'The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP body, a JSON representation [RFC7159] with the attribute "meta.location".' },
    level: 'MUST',
    topic: 'user.location-header',
    // A missing or relative Location is users.create.location-header's failure, not a second one here.
    needs: ['users.create.location-header'],
    requires: [...WRITE],
    async run(ctx) {
      const { res } = await createRaw(ctx);
      ctx.expectStatus(res, 201, 'POST /Users');
      const location = header(res, 'location');
      const meta = attrPath(res.json, 'meta.location');
      // The subject is the Location header; the resource's own meta.location is what it should equal.
      ctx.expectTrue(typeof location === 'string' && typeof meta === 'string' && sameUrl(location, meta), 'the Location header should be the URL in meta.location', {
        expected: meta ?? '(meta.location absent)',
        actual: location ?? '(Location header absent)',
      });
    },
  },
  {
    id: 'users.create.body-echoes-username',
    title: 'The POST response body is the created user with the userName sent',
    area: 'users',
    cite: { rfc: 7644, section: '3.3', quote: 'The response body SHOULD contain the service provider\'s representation of the newly created resource.' },
    level: 'SHOULD',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      const { body, res } = await createRaw(ctx);
      ctx.expectStatus(res, 201, 'POST /Users');
      ctx.expectEqual(attr(res.json, 'userName'), body.userName, 'userName in the POST response');
    },
  },
  {
    id: 'users.create.id-assigned',
    title: 'The created user carries a non-empty server-assigned id',
    area: 'users',
    cite: { rfc: 7643, section: '3.1', quote: 'Each representation of the resource MUST include a non-empty "id" value.' },
    level: 'MUST',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      const { res } = await createRaw(ctx);
      ctx.expectStatus(res, 201, 'POST /Users');
      const id = attr(res.json, 'id');
      ctx.expectTrue(typeof id === 'string' && id.trim() !== '', 'the created user should carry a non-empty string id', { expected: 'id: "<string>"', actual: id });
    },
  },
  {
    id: 'users.create.id-from-body-ignored',
    title: 'An id in the POST body is ignored: the server assigns its own',
    area: 'users',
    // RFC 7643 §3.1's "MUST NOT be specified by the client" binds the client; the server's duty is §3.3's: id is readOnly.
    cite: { rfc: 7644, section: '3.3', quote: READ_ONLY_IGNORED_ON_CREATE },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const clientId = `scimcheck-client-chosen-${crypto.randomUUID()}`;
      const { res } = await createRaw(ctx, { id: clientId });
      // RFC 7644 §3.3: the server is free to ignore read-only content; rejecting the body outright is also safe.
      if (res.status === 400) return;
      ctx.expectStatus(res, [201, 400], 'POST /Users with an id in the body');
      ctx.expectTrue(attr(res.json, 'id') !== clientId, 'the server should assign its own id, not the one in the body', {
        expected: 'a server-assigned id',
        actual: attr(res.json, 'id'),
      });
    },
  },
  {
    id: 'users.create.schemas-core',
    title: 'The created user lists the core User schema URN in schemas',
    area: 'users',
    cite: { rfc: 7643, section: '3', quote: 'The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing URIs.' },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const res = await getUser(ctx, user.id);
      ctx.expectStatus(res, 200, 'GET of the created user');
      const schemas = attr(res.json, 'schemas');
      ctx.expectTrue(Array.isArray(schemas) && schemas.some((s: unknown) => String(s).toLowerCase() === SCHEMA_URN.user.toLowerCase()), 'schemas should contain the core User URN', {
        expected: [SCHEMA_URN.user],
        actual: schemas,
      });
    },
  },
  {
    id: 'users.create.meta-resource-type',
    title: 'The created user\'s meta.resourceType, when returned, is the name of its resource type',
    area: 'users',
    cite: {
      rfc: 7643,
      section: '6',
      quote: 'name: The resource type name. When applicable, service providers MUST specify the name, e.g., "User" or "Group". This name is referenced by the "meta.resourceType" attribute in all resources. REQUIRED.',
    },
    level: 'MUST',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      const { res } = await createRaw(ctx);
      ctx.expectStatus(res, 201, 'POST /Users');
      const got = attrPath(res.json, 'meta.resourceType');
      // RFC 7643 §3.1 does not require meta; a returned resourceType must name the User resource type.
      if (got === undefined) ctx.skip('the created user carries no meta.resourceType');
      const rt = ctx.target.resourceTypes.find((r) => String(r.schema).toLowerCase() === SCHEMA_URN.user.toLowerCase());
      ctx.expectEqual(got, rt?.name ?? 'User', 'meta.resourceType of the created user (the User resource type\'s name)');
    },
  },
  {
    id: 'users.create.meta-timestamps',
    title: 'meta.created and meta.lastModified of a created user, when returned, are dateTimes',
    area: 'users',
    cite: { rfc: 7643, section: '3.1', quote: 'created: The "DateTime" that the resource was added to the service provider. This attribute MUST be a DateTime.' },
    level: 'MUST',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      const { res } = await createRaw(ctx);
      ctx.expectStatus(res, 201, 'POST /Users');
      const present = ['meta.created', 'meta.lastModified'].filter((f) => attrPath(res.json, f) !== undefined);
      // RFC 7643 §3.1 does not require meta: only timestamps the target returns are judged.
      if (present.length === 0) ctx.skip('the created user carries neither meta.created nor meta.lastModified');
      for (const f of present) {
        const v = attrPath(res.json, f);
        ctx.expectTrue(isDateTime(v), `${f} should be an xsd:dateTime`, { expected: '2024-01-01T00:00:00Z', actual: v });
      }
    },
  },
  {
    id: 'users.create.last-modified-equals-created',
    title: 'A never-modified user has meta.lastModified equal to meta.created',
    area: 'users',
    cite: {
      rfc: 7643,
      section: '3.1',
      quote: 'If this resource has never been modified since its initial creation, the value MUST be the same as the value of "created".',
    },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const res = await getUser(ctx, user.id);
      ctx.expectStatus(res, 200, 'GET of the created user');
      const created = attrPath(res.json, 'meta.created');
      const lastModified = attrPath(res.json, 'meta.lastModified');
      if (created === undefined || lastModified === undefined) ctx.skip('the target does not return meta.created and meta.lastModified');
      ctx.expectTrue(Date.parse(created) === Date.parse(lastModified), 'lastModified should equal created before any change', {
        expected: created,
        actual: lastModified,
      });
    },
  },
  {
    id: 'users.create.meta-from-body-ignored',
    title: 'meta sent in a POST body is ignored (resourceType and location stay the server\'s)',
    area: 'users',
    cite: { rfc: 7643, section: '3.1', quote: 'meta: A complex attribute containing resource metadata. ... This attribute SHALL be ignored when provided by clients.' },
    level: 'MUST',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      const bogus = 'https://scimcheck.invalid/Elsewhere/not-this-user';
      const { res } = await createRaw(ctx, { meta: { resourceType: 'Group', location: bogus } });
      ctx.expectStatus(res, 201, 'POST /Users with a client-supplied meta');
      ctx.expectTrue(attrPath(res.json, 'meta.resourceType') !== 'Group', 'meta.resourceType should be the server\'s, not the client\'s "Group"', {
        expected: 'the User resource type\'s name (or no meta.resourceType)',
        actual: attrPath(res.json, 'meta.resourceType'),
      });
      ctx.expectTrue(attrPath(res.json, 'meta.location') !== bogus, 'meta.location should be the server\'s, not the client\'s', {
        expected: 'the server-assigned location',
        actual: attrPath(res.json, 'meta.location'),
      });
    },
  },
  {
    id: 'users.get.round-trip',
    title: 'GET /Users/{id} returns what the POST response described',
    area: 'users',
    // The POST answer is a SHOULD ("the service provider's representation"); this compares it with the stored user.
    cite: { rfc: 7644, section: '3.3', quote: 'The response body SHOULD contain the service provider\'s representation of the newly created resource.' },
    level: 'SHOULD',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      const { res } = await createRaw(ctx, { name: { givenName: 'Round', familyName: 'Trip' } });
      ctx.expectStatus(res, 201, 'POST /Users');
      const created = res.json;
      const got = await getUser(ctx, String(attr(created, 'id')));
      ctx.expectStatus(got, 200, 'GET of the created user');
      for (const path of ['id', 'userName', 'name.givenName', 'name.familyName', 'meta.location', 'meta.created', 'meta.resourceType']) {
        ctx.expectEqual(attrPath(got.json, path), attrPath(created, path), `${path} in GET vs POST response`);
      }
    },
  },
  {
    id: 'users.get.meta-location-resolves',
    title: 'meta.location of a user fetches that same user',
    area: 'users',
    cite: { rfc: 7643, section: '3.1', quote: 'location: The URI of the resource being returned.' },
    // MUST by the "definition" exception of test/harness/levels.test.ts: the URI of the resource fetches the resource.
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const got = await getUser(ctx, user.id);
      const location = attrPath(got.json, 'meta.location');
      // RFC 7643 §3.1 does not require meta: only a returned location is judged.
      if (location === undefined) ctx.skip('the user carries no meta.location');
      ctx.expectTrue(isAbsoluteUrl(location), 'meta.location should be an absolute URL', { expected: 'https://.../Users/{id}', actual: location ?? '(absent)' });
      const viaLocation = await ctx.http.send({ method: 'GET', path: location });
      ctx.expectStatus(viaLocation, 200, 'GET of meta.location');
      ctx.expectEqual(attr(viaLocation.json, 'id'), user.id, 'id of the resource at meta.location');
    },
  },
  {
    id: 'users.get.unknown-404',
    title: 'GET /Users/{unknown id} answers 404 with a SCIM error',
    area: 'users',
    cite: table8(404),
    level: 'SHOULD',
    async run(ctx) {
      const res = await getUser(ctx, unknownId());
      ctx.expectScimError(res, 404);
    },
  },
  {
    id: 'users.list.list-response',
    title: 'GET /Users answers a ListResponse with totalResults and Resources',
    area: 'users',
    cite: { rfc: 7644, section: '3.4.2', quote: 'Responses MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:ListResponse".' },
    level: 'MUST',
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { count: 1 } });
      ctx.expectStatus(res, 200, 'GET /Users?count=1');
      const schemas = attr(res.json, 'schemas');
      ctx.expectTrue(Array.isArray(schemas) && schemas.includes(SCHEMA_URN.listResponse), 'the list should carry the ListResponse URN', {
        expected: [SCHEMA_URN.listResponse],
        actual: schemas,
      });
      ctx.expectTrue(Number.isInteger(attr(res.json, 'totalResults')), 'totalResults should be an integer', { expected: 'integer', actual: attr(res.json, 'totalResults') });
    },
  },
  {
    id: 'users.put.replaces-omitted-attribute',
    title: 'PUT without a readWrite attribute clears it or gives it a default (keeping the old value only warns)',
    area: 'users',
    cite: {
      rfc: 7644,
      section: '3.5.1',
      quote: 'Attributes whose mutability is "readWrite" that are omitted from the request body MAY be assumed to be not asserted by the client. The service provider MAY assume that any existing values are to be cleared, or the service provider MAY assign a default value to the final resource representation.',
    },
    // Every branch is a MAY: keeping the old value (a merge) is what no IdP expects, so it warns and never fails.
    level: 'MAY',
    requires: [...WRITE],
    async run(ctx) {
      // An attribute of the target's schema (nickName on an RFC 7643 User), set at create and left out of the PUT.
      const slot = pickWritableString(ctx);
      const nick = `scimcheck-nick-${crypto.randomUUID().slice(0, 8)}`;
      const user = await ctx.fixtures.createUser(slot.set(ctx.fixtures.userBody() as Record<string, unknown>, nick));
      const body = slot.omit(putBodyFrom(await currentUser(ctx, user.id)));
      const res = await putUser(ctx, user.id, body);
      ctx.expectStatus(res, 200, `PUT without ${slot.path}`);
      const after = await currentUser(ctx, user.id);
      ctx.expectTrue(slot.get(after) !== nick, `${slot.path} omitted from the PUT body kept its old value (the target merges PUT bodies)`, {
        expected: '(absent or a server default)',
        actual: slot.get(after),
      });
    },
  },
  {
    id: 'users.put.multivalued-replaced',
    title: 'PUT with one email replaces the user\'s emails (no merge with the old ones)',
    area: 'users',
    cite: { rfc: 7644, section: '3.5.1', quote: 'readWrite, writeOnly: Any values provided SHALL replace the existing attribute values.' },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      requireDeclared(ctx, 'emails.value');
      const oldMail = `${ctx.fixtures.uniqueName('old')}@example.com`.toLowerCase();
      const newMail = `${ctx.fixtures.uniqueName('new')}@example.com`.toLowerCase();
      const user = await ctx.fixtures.createUser({ emails: [{ value: oldMail, type: 'work', primary: true }] });
      const body = { ...putBodyFrom(await currentUser(ctx, user.id)), emails: [{ value: newMail, type: 'work', primary: true }] };
      const res = await putUser(ctx, user.id, body);
      ctx.expectStatus(res, 200, 'PUT with a new emails list');
      const emails = (attr(await currentUser(ctx, user.id), 'emails') ?? []).map((e: unknown) => String(attr(e, 'value')).toLowerCase());
      ctx.expectTrue(!emails.includes(oldMail) && emails.includes(newMail), 'emails after PUT should hold only the new address', {
        expected: [newMail],
        actual: emails,
      });
    },
  },
  {
    id: 'users.put.id-in-body-ignored',
    title: 'A different id in a PUT body is ignored: the user keeps its id',
    area: 'users',
    cite: { rfc: 7644, section: '3.5.1', quote: 'readOnly: Any values provided SHALL be ignored.' },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const other = `scimcheck-client-chosen-${crypto.randomUUID()}`;
      const res = await putUser(ctx, user.id, { ...putBodyFrom(await currentUser(ctx, user.id)), id: other });
      ctx.expectStatus(res, 200, 'PUT with another id in the body');
      ctx.expectEqual(attr(res.json, 'id'), user.id, 'id in the PUT response');
      const still = await getUser(ctx, user.id);
      ctx.expectStatus(still, 200, 'GET by the original id after the PUT');
      const moved = await getUser(ctx, other);
      if (moved.status === 200) ctx.fixtures.track('user', other);
      // Which error an unknown id gets is users.get.unknown-404's verdict (a SHOULD); here only "not found" matters.
      ctx.expectTrue(moved.status >= 400 && moved.status < 500, 'no user should answer at the id that was only in the PUT body', {
        expected: '404 (no such user)',
        actual: moved.status,
      });
    },
  },
  {
    id: 'users.put.created-unchanged',
    title: 'PUT does not change meta.created',
    area: 'users',
    cite: {
      rfc: 7643,
      section: '3.1',
      quote: 'All "meta" sub-attributes are assigned by the service provider (have a "mutability" of "readOnly") ... created: The "DateTime" that the resource was added to the service provider.',
    },
    // MUST by the "definition" exception of test/harness/levels.test.ts: a replace does not move the creation time.
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const before = await currentUser(ctx, user.id);
      // A change to an attribute of the target's schema when it has one; else the same body again (still a PUT).
      const slot = writableStringSlots(userSchemaView(ctx.target))[0];
      const res = await putUser(ctx, user.id, slot ? slot.set(putBodyFrom(before), 'scimcheck-put') : putBodyFrom(before));
      ctx.expectStatus(res, 200, 'PUT');
      const after = await currentUser(ctx, user.id);
      if (attrPath(before, 'meta.created') === undefined) ctx.skip('the target does not return meta.created');
      ctx.expectEqual(attrPath(after, 'meta.created'), attrPath(before, 'meta.created'), 'meta.created after PUT');
    },
  },
  {
    id: 'users.put.last-modified-advances',
    title: 'PUT moves meta.lastModified forward',
    area: 'users',
    cite: { rfc: 7643, section: '3.1', quote: 'lastModified: The most recent DateTime that the details of this resource were updated at the service provider.' },
    // MUST by the "definition" exception of test/harness/levels.test.ts: an update moves "the most recent DateTime".
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      // The PUT must change a detail of the user: an attribute picked from the target's schema.
      const slot = pickWritableString(ctx);
      const user = await ctx.fixtures.createUser();
      const before = await currentUser(ctx, user.id);
      const was = attrPath(before, 'meta.lastModified');
      if (was === undefined) ctx.skip('the target does not return meta.lastModified');
      // Wait past one second so targets with second-resolution timestamps can show the change.
      await sleep(1100, ctx.signal);
      const res = await putUser(ctx, user.id, slot.set(putBodyFrom(before), 'scimcheck-put'));
      ctx.expectStatus(res, 200, 'PUT');
      const now = attrPath(await currentUser(ctx, user.id), 'meta.lastModified');
      ctx.expectTrue(Date.parse(now) > Date.parse(was), 'meta.lastModified should be later after the PUT', { expected: `later than ${was}`, actual: now });
    },
  },
  {
    id: 'users.put.unknown-404',
    title: 'PUT /Users/{unknown id} answers 404 and creates nothing',
    area: 'users',
    cite: table8(404),
    level: 'SHOULD',
    requires: [...WRITE],
    async run(ctx) {
      const id = unknownId();
      const res = await putUser(ctx, id, ctx.fixtures.userBody());
      if (res.status >= 200 && res.status < 300) {
        const created = attr(res.json, 'id');
        if (typeof created === 'string') ctx.fixtures.track('user', created);
      }
      ctx.expectScimError(res, 404);
    },
  },
  {
    id: 'users.delete.returns-204',
    title: 'DELETE /Users/{id} answers 204 No Content',
    area: 'users',
    cite: { rfc: 7644, section: '3.6', quote: 'In response to a successful DELETE, the service provider SHALL return a successful HTTP status code 204 (No Content).' },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const res = await ctx.http.send({ method: 'DELETE', path: userPath(ctx, user.id) });
      ctx.expectStatus(res, 204, 'DELETE of a user');
    },
  },
  ...AFTER_DELETE_CASES.map(goneAfterDelete),
  {
    id: 'users.delete.unknown-404',
    title: 'DELETE /Users/{unknown id} answers 404',
    area: 'users',
    cite: table8(404),
    level: 'SHOULD',
    requires: [...WRITE],
    async run(ctx) {
      ctx.expectScimError(await ctx.http.send({ method: 'DELETE', path: userPath(ctx, unknownId()) }), 404);
    },
  },
  {
    id: 'users.attributes.external-id-round-trip',
    title: 'externalId sent on create is stored and returned unchanged',
    area: 'users',
    cite: {
      rfc: 7643,
      section: '3.1',
      quote: 'The value of the "externalId" attribute is always issued by the provisioning client and MUST NOT be specified by the service provider.',
    },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      // caseExact true (RFC 7643 §3.1), so mixed case must survive.
      const externalId = `ScimCheck-Ext-${crypto.randomUUID()}`;
      const user = await ctx.fixtures.createUser({ externalId });
      const stored = attr(await currentUser(ctx, user.id), 'externalId');
      // A target that does not keep externalId at all specifies nothing; one that changes it does.
      if (stored === undefined) ctx.skip('the target does not keep externalId');
      ctx.expectEqual(stored, externalId, 'externalId read back');
    },
  },
  {
    id: 'users.attributes.active-round-trip',
    title: 'active=false on create reads back false, and a PUT with true reads back true',
    area: 'users',
    cite: { rfc: 7644, section: '3.5.1', quote: 'readWrite, writeOnly: Any values provided SHALL replace the existing attribute values.' },
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      requireDeclared(ctx, 'active');
      const user = await ctx.fixtures.createUser({ active: false });
      const before = await currentUser(ctx, user.id);
      ctx.expectEqual(attr(before, 'active'), false, 'active after creating with active=false');
      ctx.expectStatus(await putUser(ctx, user.id, { ...putBodyFrom(before), active: true }), 200, 'PUT with active=true');
      ctx.expectEqual(attr(await currentUser(ctx, user.id), 'active'), true, 'active after PUT with active=true');
    },
  },
  {
    id: 'users.attributes.active-boolean-type',
    title: 'active, when returned, is a JSON boolean',
    area: 'users',
    cite: { rfc: 7643, section: '2.3.2', quote: 'Boolean: The literal "true" or "false".' },
    // MUST by the "definition" exception of test/harness/levels.test.ts: a boolean attribute holds a JSON boolean.
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      // Set where the schema declares it, so that there is a value to see (a user without one may return none).
      const user = await ctx.fixtures.createUser(declared(ctx, 'active') ? { active: true } : {});
      const active = attr(await currentUser(ctx, user.id), 'active');
      ctx.expectTrue(active === undefined || typeof active === 'boolean', 'active should be true, false or absent', { expected: 'boolean', actual: active });
    },
  },
  {
    id: 'users.attributes.name-round-trip',
    title: 'The complex name (givenName, familyName, middleName) round-trips',
    area: 'users',
    cite: { rfc: 7643, section: '4.1.1', quote: 'name: The components of the user\'s name.' },
    // MUST by the "round-trip" exception of test/harness/levels.test.ts.
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      const parts = { givenName: 'Bárbara', middleName: 'Jane', familyName: "O'Jensen" };
      // Only the parts of name the target's schema declares (RFC 7643 §7).
      const name = Object.fromEntries(Object.entries(parts).filter(([k]) => declared(ctx, `name.${k}`)));
      if (Object.keys(name).length === 0) ctx.skip("the target's User schema declares none of name.givenName, name.middleName, name.familyName");
      const user = await ctx.fixtures.createUser({ name });
      const got = await currentUser(ctx, user.id);
      for (const [k, v] of Object.entries(name)) {
        ctx.expectEqual(attrPath(got, `name.${k}`), v, `name.${k} read back`);
      }
    },
  },
  {
    id: 'users.attributes.emails-primary-round-trip',
    title: 'Two emails round-trip with primary on the one that was marked primary',
    area: 'users',
    cite: { rfc: 7643, section: '2.4', quote: 'primary: A Boolean value indicating the \'primary\' or preferred attribute value for this attribute, e.g., the preferred mailing address or the primary email address.' },
    // MUST by the "round-trip" exception of test/harness/levels.test.ts.
    level: 'MUST',
    requires: [...WRITE],
    async run(ctx) {
      requireDeclared(ctx, 'emails.value', 'emails.type', 'emails.primary');
      const work = `${ctx.fixtures.uniqueName('work')}@example.com`.toLowerCase();
      const home = `${ctx.fixtures.uniqueName('home')}@example.com`.toLowerCase();
      const user = await ctx.fixtures.createUser({
        emails: [
          { value: work, type: 'work', primary: true },
          { value: home, type: 'home' },
        ],
      });
      const emails = multi(await currentUser(ctx, user.id), 'emails');
      const find = (v: string) => emails.find((e) => String(attr(e, 'value')).toLowerCase() === v);
      ctx.expectTrue(find(work) && find(home), 'both emails should read back', { expected: [work, home], actual: emails });
      ctx.expectEqual(attr(find(work), 'primary'), true, 'primary of the work email');
      ctx.expectTrue(attr(find(home), 'primary') !== true, 'the home email should not be primary', { expected: 'false or absent', actual: attr(find(home), 'primary') });
    },
  },
  {
    id: 'users.enterprise.attributes-round-trip',
    title: 'Enterprise extension attributes round-trip under their URN',
    area: 'users',
    cite: { rfc: 7643, section: '4.3', quote: 'The following SCIM extension defines attributes commonly used in representing users that belong to, or act on behalf of, a business or enterprise.' },
    // MUST by the "round-trip" exception of test/harness/levels.test.ts.
    level: 'MUST',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      if (!userExtensions(ctx).some((s) => s.toLowerCase() === SCHEMA_URN.enterpriseUser.toLowerCase())) {
        ctx.skip('the User resource type does not declare the enterprise extension');
      }
      const all = { employeeNumber: `E-${crypto.randomUUID().slice(0, 8)}`, department: 'Conformance', costCenter: 'CC-42' };
      // Only the enterprise attributes the target's schema declares (RFC 7643 §7).
      const ent = Object.fromEntries(Object.entries(all).filter(([k]) => declared(ctx, `${SCHEMA_URN.enterpriseUser}:${k}`)));
      if (Object.keys(ent).length === 0) ctx.skip("the target's enterprise extension schema declares none of employeeNumber, department, costCenter");
      const base = ctx.fixtures.userBody();
      const schemas = [...new Set([...(base.schemas ?? [SCHEMA_URN.user]), SCHEMA_URN.enterpriseUser])];
      const res = await postUser(ctx, { ...base, schemas, [SCHEMA_URN.enterpriseUser]: { ...(attr(base, SCHEMA_URN.enterpriseUser) ?? {}), ...ent } });
      ctx.expectStatus(res, 201, 'POST /Users with enterprise attributes');
      const got = await currentUser(ctx, String(attr(res.json, 'id')));
      const ext = attr(got, SCHEMA_URN.enterpriseUser);
      for (const [k, v] of Object.entries(ent)) ctx.expectEqual(attr(ext, k), v, `${SCHEMA_URN.enterpriseUser}:${k} read back`);
    },
  },
  {
    id: 'users.enterprise.schemas-lists-extension',
    title: 'A user holding enterprise attributes lists the extension URN in schemas',
    area: 'users',
    cite: {
      rfc: 7643,
      section: '3',
      quote: 'The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing URIs that are used to indicate the namespaces of the SCIM schemas that define the attributes present in the current JSON structure.',
    },
    level: 'MUST',
    needs: [CREATED],
    requires: [...WRITE],
    async run(ctx) {
      if (!userExtensions(ctx).some((s) => s.toLowerCase() === SCHEMA_URN.enterpriseUser.toLowerCase())) {
        ctx.skip('the User resource type does not declare the enterprise extension');
      }
      requireDeclared(ctx, `${SCHEMA_URN.enterpriseUser}:department`);
      const base = ctx.fixtures.userBody();
      const schemas = [...new Set([...(base.schemas ?? [SCHEMA_URN.user]), SCHEMA_URN.enterpriseUser])];
      const res = await postUser(ctx, { ...base, schemas, [SCHEMA_URN.enterpriseUser]: { ...(attr(base, SCHEMA_URN.enterpriseUser) ?? {}), department: 'Conformance' } });
      ctx.expectStatus(res, 201, 'POST /Users with enterprise attributes');
      const got = await currentUser(ctx, String(attr(res.json, 'id')));
      const list = attr(got, 'schemas');
      ctx.expectTrue(Array.isArray(list) && list.some((s: unknown) => String(s).toLowerCase() === SCHEMA_URN.enterpriseUser.toLowerCase()), 'schemas should list the enterprise extension URN', {
        expected: [SCHEMA_URN.user, SCHEMA_URN.enterpriseUser],
        actual: list,
      });
    },
  },
  {
    id: 'users.create.required-only',
    title: 'A user carrying only the attributes the User schema marks required is created',
    area: 'users',
    cite: { rfc: 7643, section: '7', quote: 'required: A Boolean value that specifies whether or not the attribute is required.' },
    // No RFC sentence obliges a provider to accept a minimal user (so at most a warning), but a target that insists
    // on an attribute its own schema calls optional (often emails) misdescribes itself: reported once here, and the
    // checks that remove an optional attribute's last value need this one, so the quirk is not also PATCH failures.
    level: 'MAY',
    requires: [...WRITE],
    async run(ctx) {
      // Learned once per run (support/required-only.ts): other checks consult the same answer.
      const o = await requiredOnlyUser(ctx);
      if (o.accepted) return;
      ctx.fail(
        `the target refused a user carrying only what its /Schemas marks required (${o.sent.join(', ')}) with HTTP ${o.answer?.status}: it insists on an attribute its schema calls optional (required: false)`,
        { expected: 201, actual: o.answer },
      );
    },
  },
  {
    id: 'users.create.bad-request-not-created',
    title: 'A rejected POST (missing userName) leaves no user behind',
    area: 'users',
    cite: { rfc: 7643, section: '4.1.1', quote: 'Each User MUST include a non-empty userName value.' },
    level: 'MUST',
    // Whether the body is refused at all is that check's verdict; this one looks for what a refusal left behind.
    needs: ['validation.required.username-missing', 'filter.operator.eq'],
    requires: [...WRITE, 'filter'],
    async run(ctx) {
      // The lookup afterwards filters with eq: a target refusing eq (RFC 7644 §3.12) cannot show what was left.
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['eq'], 'the lookup by externalId');
      const body = ctx.fixtures.userBody({ externalId: `scimcheck-rejected-${crypto.randomUUID()}` });
      const externalId = String(body.externalId);
      for (const k of Object.keys(body)) if (k.toLowerCase() === 'username') delete body[k];
      const res = await postUser(ctx, body);
      expectRefused(ctx, res, 'POST /Users without userName');
      // RFC 7644 §3.4.2.2: look the rejected record up by its externalId.
      const found = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: `externalId eq ${JSON.stringify(externalId)}` } });
      ctx.expectStatus(found, 200, 'GET /Users?filter=externalId eq ...');
      ctx.expectEqual(attr(found.json, 'totalResults'), 0, 'users found with the rejected body\'s externalId');
    },
  },
];
