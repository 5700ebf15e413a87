/**
 * Request validation checks: bodies that violate the User schema are refused with 400 and the right
 * scimType (RFC 7644 §3.12), never accepted as garbage and never answered with a 5xx. Levels (docs/levels-audit.md):
 * a User without a userName is a MUST (RFC 7643 §4.1.1) and any refusal satisfies it; that other malformed bodies get
 * a 400 is Table 8's, a SHOULD; which scimType comes with it is OPTIONAL, so those checks only record it.
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, attrPath, multi } from './support/attributes.ts';
import { brief, expectNot5xx, expectRefused, usersPath } from './support/http.ts';
import { table8 } from './support/cites.ts';
import { currentUser, postUser } from './support/resources.ts';

const CITE_400 = table8(400);
const SCIMTYPE_OPTIONAL = 'scimType: A SCIM detail error keyword. See Table 9. OPTIONAL.';
const CITE_INVALID_VALUE = {
  rfc: 7644 as const,
  section: '3.12',
  quote: `${SCIMTYPE_OPTIONAL} ... invalidValue: A required value was missing, or the value specified was not compatible with the operation or attribute type (see Section 2.2 of [RFC7643]), or resource schema (see Section 4 of [RFC7643]).`,
};
const CITE_INVALID_SYNTAX = {
  rfc: 7644 as const,
  section: '3.12',
  quote: `${SCIMTYPE_OPTIONAL} ... invalidSyntax: The request body message structure was invalid or did not conform to the request schema.`,
};
const CITE_USERNAME_REQUIRED = {
  rfc: 7643 as const,
  section: '4.1.1',
  quote: 'Each User MUST include a non-empty userName value. This identifier MUST be unique across the service provider\'s entire set of Users. This attribute is REQUIRED and is case insensitive.',
};

/** A fixture body without its userName (any case). */
function withoutUserName(ctx: CheckContext): Record<string, unknown> {
  const body: Record<string, unknown> = { ...ctx.fixtures.userBody() };
  for (const k of Object.keys(body)) if (k.toLowerCase() === 'username') delete body[k];
  return body;
}

/** Sends a raw (string) body with the SCIM media type. */
function postRaw(ctx: CheckContext, text: string): Promise<HttpResponse> {
  return postUser(ctx, text, { headers: { 'Content-Type': 'application/scim+json' } });
}

/**
 * A refused-body check. The level says what is judged: MUST, that the body is refused (any 4xx SCIM error: the MUST
 * names no status); SHOULD, that it is refused with Table 8's 400; MAY, the scimType of a 400 (OPTIONAL: a missing one
 * passes, another keyword warns, any other answer is `needs`' or skipped).
 */
function rejects(
  id: string,
  title: string,
  cite: Check['cite'],
  body: (ctx: CheckContext) => unknown,
  scimType?: string,
  level: Check['level'] = 'MUST',
  needs?: string[],
): Check {
  return {
    id,
    title,
    area: 'validation',
    cite,
    level,
    ...(needs ? { needs } : {}),
    requires: ['write'],
    // A lenient target may store the body it should refuse, and then fail to list it: run alone, cleaned up after.
    phase: 'isolated',
    async run(ctx) {
      const b = body(ctx);
      const res = typeof b === 'string' ? await postRaw(ctx, b) : await postUser(ctx, b);
      if (level === 'MUST') return expectRefused(ctx, res, 'POST /Users with an invalid body', scimType);
      if (level === 'MAY' && res.status !== 400) ctx.skip(`the body was answered with HTTP ${res.status}, not 400: its status is ${needs?.[0] ?? 'another check'}'s verdict`);
      expectNot5xx(ctx, res, 'POST /Users with an invalid body');
      ctx.expectScimError(res, 400, scimType);
    },
  };
}

/** The first writable dateTime attribute of the User schema or its extensions, as a body path. */
function writableDateTime(ctx: CheckContext): { schema: string; attr: string; sub?: string } | undefined {
  const rt = ctx.target.resourceTypes.find((r) => String(r.schema).toLowerCase() === SCHEMA_URN.user.toLowerCase());
  const urns = [SCHEMA_URN.user as string, ...(rt?.schemaExtensions ?? []).map((e) => e.schema)];
  for (const urn of urns) {
    const schema = ctx.target.schemas.find((s) => s.id.toLowerCase() === urn.toLowerCase());
    for (const a of schema?.attributes ?? []) {
      const writable = (m: string) => m === 'readWrite' || m === 'writeOnly' || m === 'immutable';
      if (a.type === 'dateTime' && !a.multiValued && writable(a.mutability)) return { schema: schema!.id, attr: a.name };
      if (a.type === 'complex' && !a.multiValued) {
        const sub = a.subAttributes?.find((s) => s.type === 'dateTime' && writable(s.mutability));
        if (sub) return { schema: schema!.id, attr: a.name, sub: sub.name };
      }
    }
  }
  return undefined;
}

export const checks: Check[] = [
  rejects('validation.required.username-missing', 'POST without userName is refused (400)', CITE_USERNAME_REQUIRED, withoutUserName),
  rejects(
    'validation.required.username-missing-scimtype',
    'The 400 for a POST without userName carries scimType invalidValue, if any',
    CITE_INVALID_VALUE,
    withoutUserName,
    'invalidValue',
    'MAY',
    ['validation.required.username-missing'],
  ),
  rejects('validation.required.username-empty', 'POST with userName "" is refused (400)', CITE_USERNAME_REQUIRED, (ctx) => ({ ...withoutUserName(ctx), userName: '' })),
  rejects(
    'validation.required.username-null',
    'POST with userName null is refused (400): null is unassigned',
    { rfc: 7643, section: '2.5', quote: 'Unassigned attributes, the null value, or empty array (in the case of a multi-valued attribute) SHALL be considered to be equivalent in "state".' },
    (ctx) => ({ ...withoutUserName(ctx), userName: null }),
  ),
  rejects(
    'validation.types.username-object',
    'POST with userName as a JSON object answers 400',
    CITE_400,
    (ctx) => ({ ...withoutUserName(ctx), userName: { value: ctx.fixtures.uniqueName('obj') } }),
    undefined,
    'SHOULD',
  ),
  rejects('validation.types.name-string', 'POST with the complex "name" as a plain string answers 400', CITE_400, (ctx) => ctx.fixtures.userBody({ name: 'Barbara Jensen' }), undefined, 'SHOULD'),
  rejects('validation.types.active-number', 'POST with active as a number answers 400', CITE_400, (ctx) => ctx.fixtures.userBody({ active: 42 }), undefined, 'SHOULD'),
  rejects(
    'validation.types.emails-value-object',
    'POST with emails[].value as an object answers 400',
    CITE_400,
    (ctx) => ctx.fixtures.userBody({ emails: [{ value: { address: 'x@example.com' }, type: 'work' }] }),
    undefined,
    'SHOULD',
  ),
  {
    id: 'validation.types.never-5xx',
    title: 'No wrongly typed User body makes the target answer 5xx',
    area: 'validation',
    cite: CITE_400,
    level: 'SHOULD',
    requires: ['write'],
    // Wrongly typed bodies a lenient target may store: alone, and cleaned up before the next check.
    phase: 'isolated',
    async run(ctx) {
      const bad: Record<string, unknown>[] = [
        { userName: 12345 },
        { userName: ['a', 'b'] },
        { userName: true },
        { name: ['x'] },
        { name: { givenName: { deep: [1, 2, 3] } } },
        { emails: 'x@example.com' },
        { emails: [null] },
        { emails: [42] },
        { active: { yes: true } },
        { phoneNumbers: { value: 1 } },
        { schemas: 'urn:ietf:params:scim:schemas:core:2.0:User' },
        { schemas: [42] },
        { meta: 'not an object' },
      ];
      for (const override of bad) {
        const res = await postUser(ctx, ctx.fixtures.userBody(override));
        expectNot5xx(ctx, res, `POST /Users with ${JSON.stringify(override)}`);
      }
    },
  },
  rejects('validation.json.malformed', 'POST with malformed JSON answers 400', CITE_400, () => '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": ', undefined, 'SHOULD'),
  rejects(
    'validation.json.malformed-scimtype',
    'The 400 for malformed JSON carries scimType invalidSyntax, if any',
    CITE_INVALID_SYNTAX,
    () => '{"userName": "x",,}',
    'invalidSyntax',
    'MAY',
    ['validation.json.malformed'],
  ),
  rejects('validation.json.array-body', 'POST with a JSON array instead of an object answers 400', CITE_400, (ctx) => JSON.stringify([ctx.fixtures.userBody()]), undefined, 'SHOULD'),
  rejects('validation.json.empty-body', 'POST with an empty body answers 400', CITE_400, () => '', undefined, 'SHOULD'),
  rejects(
    'validation.schemas.missing',
    'POST without the "schemas" attribute answers 400',
    // RFC 7643 §3 makes "schemas" REQUIRED of the representation the client sends; what the server answers to a body
    // without it is Table 8's 400, a SHOULD (a lenient server that fills it in warns).
    CITE_400,
    (ctx) => {
      const body: Record<string, unknown> = { ...ctx.fixtures.userBody() };
      for (const k of Object.keys(body)) if (k.toLowerCase() === 'schemas') delete body[k];
      return body;
    },
    undefined,
    'SHOULD',
  ),
  rejects(
    'validation.schemas.foreign-core',
    'POST to /Users whose schemas names only the Group schema answers 400',
    CITE_400,
    (ctx) => ({ ...ctx.fixtures.userBody(), schemas: [SCHEMA_URN.group] }),
    undefined,
    'SHOULD',
  ),
  {
    id: 'validation.unknown-attribute.ignored',
    title: 'An attribute no schema defines is ignored on create (201, not echoed) or refused',
    area: 'validation',
    cite: {
      rfc: 7644,
      section: '3.3',
      quote: 'Since the server is free to alter and/or ignore POSTed content (e.g., read-only attributes), returning the full representation can be useful to the client',
    },
    // "free to alter and/or ignore": ignoring and refusing are the target's choice; storing the unknown name warns.
    level: 'MAY',
    requires: ['write'],
    // A lenient target may store the unknown attribute: alone, and cleaned up before the next check.
    phase: 'isolated',
    async run(ctx) {
      const res = await postUser(ctx, ctx.fixtures.userBody({ scimcheckUnknownAttribute: 'ignored-please' }));
      expectNot5xx(ctx, res, 'POST /Users with an unknown attribute');
      if (res.status >= 400) ctx.skip(`the target refuses an attribute no schema defines (HTTP ${res.status}): its choice`);
      ctx.expectStatus(res, 201, 'POST /Users with an unknown attribute');
      ctx.expectTrue(attr(res.json, 'scimcheckUnknownAttribute') === undefined, 'the unknown attribute should not be stored or echoed', {
        expected: '(absent)',
        actual: attr(res.json, 'scimcheckUnknownAttribute'),
      });
    },
  },
  {
    id: 'validation.coercion.active-string',
    title: 'active "True" as a string is coerced to true or refused with 400, never stored as a string or a 5xx',
    area: 'validation',
    cite: { rfc: 7643, section: '2.3.2', quote: 'Boolean: The literal "true" or "false".' },
    // The RFC names no answer to a string where a boolean belongs: coercing and refusing are both the target's
    // choice; keeping the string warns (users.attributes.active-boolean-type judges what active holds).
    level: 'MAY',
    requires: ['write'],
    // A lenient target may store active as the string "True": alone, and cleaned up before the next check.
    phase: 'isolated',
    async run(ctx) {
      const res = await postUser(ctx, ctx.fixtures.userBody({ active: 'True' }));
      expectNot5xx(ctx, res, 'POST /Users with active "True"');
      if (res.status >= 400 && res.status < 500) return;
      ctx.expectStatus(res, 201, 'POST /Users with active "True"');
      const stored = attr(await currentUser(ctx, String(attr(res.json, 'id'))), 'active');
      ctx.expectEqual(stored, true, 'active stored after sending "True"');
    },
  },
  {
    id: 'validation.multivalued.two-primary',
    title: 'Two emails both marked primary are refused with 400 (or stored with at most one primary)',
    area: 'validation',
    cite: { rfc: 7643, section: '2.4', quote: 'The primary attribute value "true" MUST appear no more than once.' },
    level: 'MUST',
    requires: ['write'],
    // A lenient target may store two primaries: alone, and cleaned up before the next check.
    phase: 'isolated',
    async run(ctx) {
      const a = `${ctx.fixtures.uniqueName('pa')}@example.com`.toLowerCase();
      const b = `${ctx.fixtures.uniqueName('pb')}@example.com`.toLowerCase();
      const res = await postUser(ctx, ctx.fixtures.userBody({ emails: [{ value: a, primary: true }, { value: b, primary: true }] }));
      expectNot5xx(ctx, res, 'POST /Users with two primary emails');
      // Refusing is one way to keep the MUST; the status of the refusal is not this sentence's concern.
      if (res.status >= 400) return expectRefused(ctx, res, 'POST /Users with two primary emails');
      ctx.expectStatus(res, 201, 'POST /Users with two primary emails');
      const emails = multi(await currentUser(ctx, String(attr(res.json, 'id'))), 'emails');
      const primaries = emails.filter((e) => attr(e, 'primary') === true).length;
      ctx.expectTrue(primaries <= 1, 'at most one email may be primary', { expected: '<= 1 primary', actual: emails });
    },
  },
  {
    id: 'validation.datetime.invalid-value',
    title: 'A writable dateTime attribute given a non-dateTime string is refused, never stored',
    area: 'validation',
    cite: { rfc: 7643, section: '2.3.5', quote: 'A DateTime value (e.g., 2008-01-23T04:56:22Z) MUST be encoded as a valid xsd:dateTime.' },
    level: 'MUST',
    requires: ['write'],
    // A lenient target may store the non-dateTime string: alone, and cleaned up before the next check.
    phase: 'isolated',
    async run(ctx) {
      const target = writableDateTime(ctx);
      if (!target) return ctx.skip('the User schema and its extensions define no writable dateTime attribute');
      const body: Record<string, any> = { ...ctx.fixtures.userBody() };
      const value = target.sub ? { [target.sub]: 'next tuesday' } : 'next tuesday';
      if (target.schema.toLowerCase() === SCHEMA_URN.user.toLowerCase()) {
        body[target.attr] = value;
      } else {
        body.schemas = [...new Set([...(body.schemas ?? [SCHEMA_URN.user]), target.schema])];
        body[target.schema] = { ...(body[target.schema] ?? {}), [target.attr]: value };
      }
      const res = await postUser(ctx, body);
      expectNot5xx(ctx, res, 'POST /Users with an invalid dateTime');
      if (res.status >= 400) return expectRefused(ctx, res, 'POST /Users with an invalid dateTime');
      // Accepted: the server may ignore POSTed content (RFC 7644 §3.3), but must not hold a value that is no dateTime.
      ctx.expectStatus(res, 201, 'POST /Users with an invalid dateTime');
      const stored = await currentUser(ctx, String(attr(res.json, 'id')));
      const holder = target.schema.toLowerCase() === SCHEMA_URN.user.toLowerCase() ? stored : attr(stored, target.schema);
      const kept = target.sub ? attr(attr(holder, target.attr), target.sub) : attr(holder, target.attr);
      ctx.expectTrue(kept !== 'next tuesday', `the user holds "next tuesday" in the dateTime attribute ${target.attr}${target.sub ? `.${target.sub}` : ''}`, {
        expected: 'a refusal, or no such value stored',
        actual: kept,
      });
    },
  },
  {
    id: 'validation.datetime.invalid-filter-value',
    title: 'A filter comparing meta.lastModified with a non-dateTime answers 400',
    area: 'validation',
    // RFC 7643 §2.3.5's MUST binds the client; the server's answer to a request that breaks it is Table 8's 400.
    cite: CITE_400,
    level: 'SHOULD',
    requires: ['filter'],
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: 'meta.lastModified gt "last tuesday"' } });
      expectNot5xx(ctx, res, 'GET /Users?filter=meta.lastModified gt "last tuesday"');
      ctx.expectTrue(res.status === 400, 'a dateTime comparison with a non-dateTime value should be refused with 400', {
        expected: 400,
        actual: brief(res),
      });
    },
  },
  {
    id: 'validation.readonly.meta-created-ignored',
    title: 'meta.created sent on create is ignored: the server sets its own',
    area: 'validation',
    cite: { rfc: 7643, section: '3.1', quote: 'meta: A complex attribute containing resource metadata. ... This attribute SHALL be ignored when provided by clients.' },
    level: 'MUST',
    needs: ['users.create.returns-201'],
    requires: ['write'],
    async run(ctx) {
      const res = await postUser(ctx, ctx.fixtures.userBody({ meta: { created: '2001-01-01T00:00:00Z', lastModified: '2001-01-01T00:00:00Z' } }));
      ctx.expectStatus(res, 201, 'POST /Users with a client-supplied meta.created');
      const got = await currentUser(ctx, String(attr(res.json, 'id')));
      const created = attrPath(got, 'meta.created');
      ctx.expectTrue(created === undefined || Date.parse(created) !== Date.parse('2001-01-01T00:00:00Z'), 'meta.created should be the server\'s, not the client\'s', {
        expected: 'a server-assigned timestamp',
        actual: created,
      });
    },
  },
];
