/**
 * Writes that must leave the target consistent: a refused write changes nothing (RFC 7644 §3.5.2), a query is
 * never a create (§3.4.3), a 201 names what it created (§3.3), valid multi-valued input is stored or refused
 * but never crashes the target (RFC 7643 §2.4, §7), and deleting what is not there is 404 (§3.12).
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN, type AttributeDef } from '../../scim/types.ts';
import { attr, attrPath, isObject } from './support/attributes.ts';
import { brief, expectNot5xx, groupPath, header, usersPath } from './support/http.ts';
import { idsOf, resourcesOf } from './support/lists.ts';
import { emailToken, filterString, unknownId } from './support/names.ts';
import { currentUser, patchUser, postUser, trackIfCreated, userBodyWith } from './support/resources.ts';
import { userSchemaView } from './support/user-schema.ts';
import { pickWritableString } from './support/writable.ts';
import { table8 } from './support/cites.ts';

const lower = (s: string) => s.toLowerCase();

/** When a 201 came back without an id, finds the user by its userName so cleanup still deletes it. */
async function trackByUserName(ctx: CheckContext, userName: string): Promise<void> {
  if (!ctx.target.capabilities.has('filter')) return;
  const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: `userName eq ${filterString(userName)}` } });
  for (const id of idsOf(resourcesOf(res.json))) ctx.fixtures.track('user', id);
}

/** A multi-valued complex attribute of the target's User with string `value` and a `type` sub-attribute. */
interface TypedMultiValued {
  def: AttributeDef;
  typeDef: AttributeDef;
}

/** Typed multi-valued attributes a client may write (RFC 7643 §2.4), in the order `rank` prefers. */
function typedMultiValued(ctx: CheckContext, rank: (t: TypedMultiValued) => number): TypedMultiValued[] {
  const found: TypedMultiValued[] = [];
  for (const def of userSchemaView(ctx.target).core.attributes) {
    const sub = (name: string) => (def.subAttributes ?? []).find((s) => lower(s.name) === name);
    const value = sub('value');
    const typeDef = sub('type');
    const writable = (a: AttributeDef) => a.mutability === undefined || a.mutability === 'readWrite';
    if (def.type !== 'complex' || !def.multiValued || !writable(def) || !value || value.type !== 'string' || !typeDef || !writable(typeDef)) continue;
    found.push({ def, typeDef });
  }
  return found.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i).map((x) => x.t);
}

/** A value a target accepts for this attribute: an address for emails, a number for phoneNumbers (RFC 7643 §4.1.2). */
function sampleValue(def: AttributeDef, token: string, i: number): string {
  // RFC 2606: example.com never delivers mail; 555-01xx numbers are fictional.
  if (lower(def.name) === 'emails') return `${token}.${i}@example.com`;
  if (lower(def.name) === 'phonenumbers') return `+1 555 01${String(i).padStart(2, '0')}`;
  return `scimcheck-${token}-${i}`;
}

/** The published canonical types of a `type` sub-attribute ([] when none are published). */
function canonical(t: TypedMultiValued): string[] {
  return t.typeDef.canonicalValues ?? [];
}

function created(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

export const checks: Check[] = [
  {
    id: 'patch.atomic.refused-write-unchanged',
    title: 'a PATCH refused for a taken userName leaves its other operation unapplied and meta.version unchanged',
    area: 'patch',
    cite: {
      rfc: 7644,
      section: '3.5.2',
      quote: 'A PATCH request, regardless of the number of operations, SHALL be treated as atomic. If a single operation encounters an error condition, the original SCIM resource MUST be restored',
    },
    level: 'MUST',
    requires: ['patch', 'write'],
    // That check shows the target refuses a taken userName at all; this one looks at what the refusal leaves behind.
    needs: ['uniqueness.username.patch-rename-409'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const taken = await ctx.fixtures.createUser();
      const takenName = String(attr(taken, 'userName'));
      const u = await ctx.fixtures.createUser(slot.set(userBodyWith(ctx, {}) as Record<string, unknown>, 'Before Refused Write'));
      const before = await currentUser(ctx, u.id);
      const res = await patchUser(ctx, u.id, [
        { op: 'replace', path: slot.path, value: 'Must Not Stick' },
        { op: 'replace', path: 'userName', value: takenName },
      ]);
      const after = await currentUser(ctx, u.id);
      if (created(res)) {
        // RFC 7643 §4.1.1: userName "MUST be unique across the service provider's entire set of Users".
        const shared = lower(String(attr(after, 'userName'))) === lower(takenName);
        ctx.fail(shared ? `the PATCH succeeded and two users now share the userName ${takenName}` : 'the PATCH taking another user\'s userName should be refused', {
          expected: '409 uniqueness, nothing applied',
          actual: { status: res.status, userName: attr(after, 'userName'), [slot.path]: slot.get(after) },
        });
      }
      ctx.expectEqual(slot.get(after), slot.get(before), `${slot.path} after the refused PATCH`);
      ctx.expectEqual(attr(after, 'userName'), attr(before, 'userName'), 'userName after the refused PATCH');
      const v0 = attrPath(before, 'meta.version');
      if (v0 !== undefined) ctx.expectEqual(attrPath(after, 'meta.version'), v0, 'meta.version after the refused PATCH');
    },
  },
  {
    id: 'search.users.never-creates',
    title: 'POST /Users/.search queries: it never creates a resource',
    area: 'search',
    cite: {
      rfc: 7644,
      section: '3.4.3',
      quote: 'The inclusion of "/.search" on the end of a valid SCIM endpoint SHALL be used to indicate that the HTTP POST verb is intended to be a query operation.',
    },
    level: 'MUST',
    // A broken target writes here, so a --read-only run leaves the check out.
    requires: ['write'],
    async run(ctx) {
      const path = `${usersPath(ctx)}/.search`;
      const res = await ctx.http.send({
        method: 'POST',
        path,
        body: { schemas: [SCHEMA_URN.searchRequest], filter: `userName eq ${filterString(ctx.fixtures.uniqueName('nobody'))}`, count: 1 },
      });
      trackIfCreated(ctx, 'user', res);
      // RFC 7644 §3.4.3: /.search is optional ("Clients MAY execute queries ... /.search").
      if ([404, 405, 501].includes(res.status)) ctx.skip(`the target does not offer ${path} (HTTP ${res.status}): RFC 7644 §3.4.3 makes it optional`);
      const isList = Array.isArray(attr(res.json, 'schemas')) && (attr(res.json, 'schemas') as unknown[]).some((s) => typeof s === 'string' && lower(s) === lower(SCHEMA_URN.listResponse));
      const madeResource = res.status === 201 || header(res, 'location') !== undefined || (created(res) && !isList && isObject(res.json) && typeof attr(res.json, 'id') === 'string');
      if (madeResource) ctx.fail(`POST ${path} created a resource instead of querying`, { expected: '200 with a ListResponse', actual: brief(res) });
    },
  },
  {
    id: 'users.create.location-names-id',
    title: 'the Location of a 201 is the created user: GET on it answers that user (never …/undefined)',
    topic: 'user.location-header',
    area: 'users',
    cite: { rfc: 7644, section: '3.3', quote: 'The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP body ... the attribute "meta.location".' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const body = ctx.fixtures.userBody();
      const userName = String(attr(body, 'userName'));
      const res = await postUser(ctx, body);
      if (res.status !== 201) ctx.fail('precondition: POST /Users should answer 201', { expected: 201, actual: brief(res) });
      const id = attr(res.json, 'id');
      if (typeof id !== 'string' || id === '') await trackByUserName(ctx, userName);
      const location = header(res, 'location');
      if (location === undefined) return ctx.skip('the 201 carries no Location header (users.create.location-header reports that)');
      const last = decodeURIComponent(location.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? '');
      if (typeof id === 'string' && id !== '') {
        ctx.expectTrue(last === id, 'the Location ends with the id of the created user', { expected: `…/${id}`, actual: location });
      }
      // A relative Location is users.create.location-header's finding; here it is resolved, as a browser would.
      const got = await ctx.http.send({ method: 'GET', path: new URL(location, ctx.target.baseUrl).href });
      if (got.status !== 200) ctx.fail(`GET of the Location ${location} should answer the created user`, { expected: 200, actual: brief(got) });
      ctx.expectTrue(lower(String(attr(got.json, 'userName'))) === lower(userName), 'the resource at the Location is the user just created', {
        expected: userName,
        actual: attr(got.json, 'userName'),
      });
    },
  },
  {
    id: 'validation.multivalued.untyped-values',
    title: 'two values of a multi-valued attribute without type are stored or refused with 400, never a 5xx',
    area: 'validation',
    // SHOULD (RFC 7644 §3.12 introduces its status table with SHOULD); no sentence makes a 5xx a MUST violation.
    // `type` is an optional label (RFC 7643 §2.4), so the body is valid; a target that cannot store it may refuse
    // it with 400, but a crash says it broke on valid input.
    cite: table8(400),
    level: 'SHOULD',
    requires: ['write'],
    async run(ctx) {
      const [pick] = typedMultiValued(ctx, (t) => (lower(t.def.name) === 'emails' ? 0 : lower(t.def.name) === 'phonenumbers' ? 1 : 2));
      if (!pick) return ctx.skip("the target's User schema declares no writable multi-valued attribute with value and type sub-attributes");
      const token = emailToken(ctx.fixtures.uniqueName('untyped'));
      const values = [0, 1].map((i) => ({ value: sampleValue(pick.def, token, i) }));
      const res = await postUser(ctx, userBodyWith(ctx, { [pick.def.name]: values }));
      expectNot5xx(ctx, res, `POST /Users with two ${pick.def.name} values without type`);
      ctx.expectStatus(res, [201, 400], `POST /Users with two ${pick.def.name} values without type`);
      if (res.status === 400) return;
      const id = attr(res.json, 'id');
      if (typeof id === 'string') {
        const got = await ctx.http.send({ method: 'GET', path: `${usersPath(ctx)}/${encodeURIComponent(id)}` });
        expectNot5xx(ctx, got, 'GET of the user stored with untyped values');
        ctx.expectStatus(got, 200, 'GET of the user stored with untyped values');
      }
    },
  },
  {
    id: 'validation.multivalued.type-outside-canonical-values',
    title: 'a type outside the published canonicalValues (e.g. on roles) is accepted',
    area: 'validation',
    cite: { rfc: 7643, section: '7', quote: 'canonicalValues: A collection of suggested canonical values that MAY be used (e.g., "work" and "home"). In some cases, service providers MAY choose to ignore unsupported values.' },
    // MAY (warns at most): canonicalValues are "suggested", and a provider MAY ignore unsupported values; no sentence
    // obliges it to accept them. Refusing breaks IdPs that send their own labels, so a refusal is worth a warning.
    level: 'MAY',
    requires: ['write'],
    async run(ctx) {
      // An attribute that publishes no canonical types first (roles, entitlements): then no type can be "non-canonical".
      const [pick] = typedMultiValued(ctx, (t) => (canonical(t).length === 0 ? 0 : 1));
      if (!pick) return ctx.skip("the target's User schema declares no writable multi-valued attribute with value and type sub-attributes");
      const label = 'scimcheck-label';
      const entry = { value: sampleValue(pick.def, emailToken(ctx.fixtures.uniqueName('label')), 0), type: label };
      const res = await postUser(ctx, userBodyWith(ctx, { [pick.def.name]: [entry] }));
      const published = canonical(pick);
      ctx.expectTrue(res.status === 201, `a ${pick.def.name} type "${label}" should be accepted (${published.length ? `canonicalValues: ${published.join(', ')}` : 'the schema publishes no canonicalValues'})`, {
        expected: 201,
        actual: brief(res),
      });
    },
  },
  {
    id: 'groups.delete.unknown-404',
    title: 'DELETE /Groups/{unknown id} answers 404, not 500',
    area: 'groups',
    // A row of RFC 7644 §3.12 Table 8, which the RFC introduces with SHOULD (as users.delete.unknown-404).
    cite: table8(404),
    level: 'SHOULD',
    requires: ['write', 'groups'],
    async run(ctx) {
      ctx.expectScimError(await ctx.http.send({ method: 'DELETE', path: groupPath(ctx, unknownId()) }), 404);
    },
  },
];
