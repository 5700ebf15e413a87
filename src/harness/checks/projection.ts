/**
 * RFC 7644 §3.4.2.5 and §3.9: `attributes` / `excludedAttributes` on GET, list, POST, PUT and PATCH.
 * Attributes the target's schema marks returned "always" are never held against it.
 */
import type { Check, CheckContext } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, attrPath, extension, hasAttr, isObject } from './support/attributes.ts';
import { brief, groupPath, userPath, usersPath } from './support/http.ts';
import { alwaysReturned, expectPatchOk, hasEnterpriseExtension, patchUser, read, userBodyWith } from './support/resources.ts';
import { createNamedUsers } from './support/population.ts';
import { ATTRIBUTES_SHALL, EXCLUDED_MUST } from './support/cites.ts';
import { getLister, listSet } from './support/scoping.ts';
import { conformUserBody, requireDeclared, userSchemaView } from './support/user-schema.ts';
import { pickWritableString, writableStringSlots, type AttributeSlot } from './support/writable.ts';
import { expectUserSchemas } from './support/schemas-attribute.ts';

/** RFC 7644 §3.9: what the parameter requires of every resource returned (§3.4.2.5 only names it). */
const ATTRIBUTES_QUOTE = ATTRIBUTES_SHALL;
const EXCLUDED_QUOTE = EXCLUDED_MUST;
const OPS_QUOTE = `Clients MAY request a partial resource representation on any operation that returns a resource within the response by specifying either of the mutually exclusive URL query parameters "attributes" or "excludedAttributes", as follows: ${ATTRIBUTES_SHALL}`;

/**
 * The "label": a writable top-level string attribute picked from the target's User schema (title, nickName,
 * displayName, …; support/writable.ts) that the checks set, ask for and leave out. Undefined when it has none.
 */
function optionalLabel(ctx: CheckContext): AttributeSlot | undefined {
  return writableStringSlots(userSchemaView(ctx.target), { topLevel: true })[0];
}

/** A user with every attribute these checks look for, as far as the target declares them: emails, name, displayName, the label. */
function richUser(ctx: CheckContext, label?: AttributeSlot) {
  const body = conformUserBody(
    userSchemaView(ctx.target),
    userBodyWith(ctx, {
      name: { givenName: 'Pat', familyName: 'Projection' },
      displayName: 'Pat Projection',
      emails: [{ value: `${crypto.randomUUID().slice(0, 8)}.proj@example.com`, type: 'work', primary: true }],
    }),
  );
  label?.set(body, 'Analyst');
  return ctx.fixtures.createUser(body);
}

/** Attribute names without duplicates, without the ones asked for, without the undefined label. */
function others(keep: string[], ...names: (string | undefined)[]): string[] {
  const kept = new Set(keep.map((k) => k.toLowerCase()));
  return [...new Set(names.filter((n): n is string => n !== undefined && !kept.has(n.toLowerCase())))];
}

/**
 * Fails unless `resource` holds id and `keep`, and none of `drop` except those the schema returns "always".
 */
function expectProjected(ctx: CheckContext, resource: unknown, keep: string[], drop: string[], what: string): void {
  if (!isObject(resource)) ctx.fail(`${what}: no resource in the response`, { expected: 'a resource', actual: resource });
  const always = alwaysReturned(ctx, SCHEMA_URN.user);
  // RFC 7643 §3.1: id is returned "always".
  if (!hasAttr(resource, 'id')) ctx.fail(`${what}: id is returned always and must be present`, { expected: 'id', actual: Object.keys(resource) });
  for (const k of keep) {
    const v = k.includes('.') ? attrPath(resource, k) : attr(resource, k);
    if (v === undefined || v === null) ctx.fail(`${what}: ${k} was asked for but is missing`, { expected: k, actual: Object.keys(resource) });
  }
  const extra = drop.filter((k) => !always.has(k.toLowerCase()) && (k.includes('.') ? attrPath(resource, k) !== undefined : hasAttr(resource, k)));
  if (extra.length > 0) ctx.fail(`${what}: attributes that were not asked for came back`, { expected: `none of ${drop.join(', ')}`, actual: extra });
}

/** Stands for the label's path in the table below. */
const LABEL = '<label>';

/** A projection parameter applied to a two-user list, and what every listed resource must then hold. */
const LIST_PROJECTIONS: {
  key: 'attributes' | 'excluded';
  title: string;
  quote: string;
  suffixes: [string, string];
  param: 'attributes' | 'excludedAttributes';
  value: string;
  keep: string[];
  drop: string[];
}[] = [
  {
    key: 'attributes',
    title: 'attributes applies to every resource of a list response',
    quote: ATTRIBUTES_QUOTE,
    suffixes: ['x1', 'x2'],
    param: 'attributes',
    value: 'userName',
    keep: ['userName'],
    drop: ['emails', LABEL],
  },
  {
    key: 'excluded',
    title: 'excludedAttributes applies to every resource of a list response',
    quote: EXCLUDED_QUOTE,
    suffixes: ['y1', 'y2'],
    param: 'excludedAttributes',
    value: 'emails',
    keep: ['userName', LABEL],
    drop: ['emails'],
  },
];

/** RFC 7644 §3.4.2.5: attributes / excludedAttributes shape each resource of a ListResponse too. */
function listProjectionCheck(c: (typeof LIST_PROJECTIONS)[number]): Check {
  return {
    id: `projection.list.${c.key}`,
    topic: c.key === 'excluded' ? 'projection.excluded' : 'projection.attributes',
    title: c.title,
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: c.quote },
    level: 'MUST',
    requires: ['write', 'filter'],
    async run(ctx) {
      // Leaving emails out tests something only where the target's schema has emails.
      if (c.param === 'excludedAttributes') requireDeclared(ctx, c.value);
      const label = optionalLabel(ctx);
      const resolve = (names: string[]) => names.map((n) => (n === LABEL ? label?.path : n)).filter((n): n is string => n !== undefined);
      const set = await createNamedUsers(ctx, c.suffixes, () => (label ? label.set({}, 'Analyst') : {}));
      // The two users by a filter the target supports, else by userName eq one by one, else from the whole list.
      const resources = await listSet(ctx, set.set, getLister(ctx), { [c.param]: c.value }, `GET ${usersPath(ctx)}?${c.param}=${c.value}`);
      ctx.expectEqual(resources.length, 2, 'number of resources listed');
      for (const r of resources) expectProjected(ctx, r, resolve(c.keep), resolve(c.drop), `a listed resource with ${c.param}=${c.value}`);
    },
  };
}

export const checks: Check[] = [
  {
    id: 'projection.attributes.single',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes=userName returns id, schemas and userName only (plus always-returned)',
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: ATTRIBUTES_QUOTE },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const label = optionalLabel(ctx);
      const u = await richUser(ctx, label);
      const got = await read(ctx, userPath(ctx, u.id), { attributes: 'userName' });
      expectProjected(ctx, got, ['userName'], others(['userName'], 'emails', 'name', 'displayName', label?.path), 'GET ?attributes=userName');
      // RFC 7643 §3: schemas is REQUIRED on every resource, so the title's promise is asserted too.
      expectUserSchemas(ctx, got, 'GET ?attributes=userName');
    },
  },
  {
    id: 'projection.attributes.sub-attribute',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes=name.givenName returns that sub-attribute and not its siblings',
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: ATTRIBUTES_QUOTE },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      requireDeclared(ctx, 'name.givenName', 'name.familyName');
      const label = optionalLabel(ctx);
      const u = await richUser(ctx, label);
      const got = await read(ctx, userPath(ctx, u.id), { attributes: 'name.givenName' });
      expectProjected(ctx, got, ['name.givenName'], others(['name.givenName'], 'name.familyName', 'emails', label?.path), 'GET ?attributes=name.givenName');
    },
  },
  {
    id: 'projection.attributes.several',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes=userName,<a writable attribute, e.g. title> returns both and nothing else of the defaults',
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: ATTRIBUTES_QUOTE },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const label = pickWritableString(ctx, { topLevel: true });
      const u = await richUser(ctx, label);
      const keep = ['userName', label.path];
      const got = await read(ctx, userPath(ctx, u.id), { attributes: keep.join(',') });
      expectProjected(ctx, got, keep, others(keep, 'emails', 'name', 'displayName'), `GET ?attributes=${keep.join(',')}`);
    },
  },
  {
    id: 'projection.excluded.emails',
    // Ignoring `excludedAttributes` fails each of these, in three areas: one root cause.
    topic: 'projection.excluded',
    title: 'excludedAttributes=emails drops emails and keeps the other defaults',
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: EXCLUDED_QUOTE },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      requireDeclared(ctx, 'emails.value');
      const label = optionalLabel(ctx);
      const u = await richUser(ctx, label);
      const got = await read(ctx, userPath(ctx, u.id), { excludedAttributes: 'emails' });
      expectProjected(ctx, got, others([], 'userName', label?.path), ['emails'], 'GET ?excludedAttributes=emails');
    },
  },
  {
    id: 'projection.excluded.id-kept',
    title: 'excludedAttributes cannot remove id (returned always)',
    area: 'projection',
    cite: { rfc: 7644, section: '3.4.2.5', quote: 'This parameter SHALL have no effect on attributes whose schema "returned" setting is "always"' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const u = await richUser(ctx);
      const got = await read(ctx, userPath(ctx, u.id), { excludedAttributes: 'id,emails' });
      ctx.expectEqual(attr(got, 'id'), u.id, 'id with excludedAttributes=id');
      ctx.expectTrue(!hasAttr(got, 'emails'), 'emails is excluded alongside', { expected: 'no emails', actual: attr(got, 'emails') });
    },
  },
  ...LIST_PROJECTIONS.map(listProjectionCheck),
  {
    id: 'projection.post.attributes',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes on POST shapes the created resource in the response',
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: OPS_QUOTE },
    // §3.9: "on any operation that returns a resource", the attributes SHALL be overridden: POST and PUT too.
    level: 'MUST',
    needs: ['users.create.returns-201'],
    requires: ['write'],
    async run(ctx) {
      const label = optionalLabel(ctx);
      const body = conformUserBody(userSchemaView(ctx.target), userBodyWith(ctx, {}));
      label?.set(body, 'Analyst');
      const res = await ctx.http.send({ method: 'POST', path: usersPath(ctx), body, query: { attributes: 'userName' } });
      const id = attr(res.json, 'id');
      if (typeof id === 'string' && res.status >= 200 && res.status < 300) ctx.fixtures.track('user', id);
      ctx.expectStatus(res, 201, 'POST ?attributes=userName');
      expectProjected(ctx, res.json, ['userName'], others(['userName'], 'emails', label?.path, 'name'), 'POST response with attributes=userName');
    },
  },
  {
    id: 'projection.put.attributes',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes on PUT shapes the replaced resource in the response',
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: OPS_QUOTE },
    // §3.9: "on any operation that returns a resource", the attributes SHALL be overridden: POST and PUT too.
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const label = pickWritableString(ctx, { topLevel: true });
      const u = await richUser(ctx, label);
      const body: Record<string, unknown> = { ...u };
      delete body.meta;
      delete body.groups;
      label.set(body, 'Lead Analyst');
      const res = await ctx.http.send({ method: 'PUT', path: userPath(ctx, u.id), body, query: { attributes: label.path } });
      ctx.expectStatus(res, 200, `PUT ?attributes=${label.path}`);
      expectProjected(ctx, res.json, [label.path], others([label.path], 'emails', 'name', 'userName'), `PUT response with attributes=${label.path}`);
    },
  },
  {
    id: 'projection.patch.attributes',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes on PATCH shapes the resource in a 200 response',
    area: 'projection',
    cite: { rfc: 7644, section: '3.5.2', quote: 'the server either MUST return a 200 OK response code and the entire resource within the response body, subject to the "attributes" query parameter' },
    level: 'MUST',
    // PATCH as a tool: whether it applies at all is the patch area's verdict.
    needs: ['patch.replace.with-path'],
    requires: ['write', 'patch'],
    async run(ctx) {
      const label = pickWritableString(ctx, { topLevel: true });
      const u = await richUser(ctx, label);
      const res = await patchUser(ctx, u.id, [{ op: 'replace', path: label.path, value: 'Senior Analyst' }], { attributes: label.path });
      expectPatchOk(ctx, res, `PATCH ?attributes=${label.path}`);
      // 204 carries no body, so there is nothing to project: the RFC allows it.
      if (res.status === 204) return;
      expectProjected(ctx, res.json, [label.path], others([label.path], 'emails', 'name', 'userName'), `PATCH response with attributes=${label.path}`);
      ctx.expectEqual(label.get(res.json), 'Senior Analyst', `${label.path} in the PATCH response`);
    },
  },
  {
    id: 'projection.groups.excluded-members',
    // Ignoring `excludedAttributes` fails each of these, in three areas: one root cause.
    topic: 'projection.excluded',
    title: 'excludedAttributes=members leaves members out of a Group',
    area: 'projection',
    cite: { rfc: 7644, section: '3.9', quote: EXCLUDED_QUOTE },
    level: 'MUST',
    requires: ['write', 'groups'],
    async run(ctx) {
      const u = await ctx.fixtures.createUser();
      const g = await ctx.fixtures.createGroup({ members: [{ value: u.id }] });
      const got = await read(ctx, groupPath(ctx, g.id), { excludedAttributes: 'members' });
      ctx.expectTrue(!hasAttr(got, 'members'), 'no members with excludedAttributes=members', { expected: 'no members', actual: attr(got, 'members') });
      ctx.expectTrue(typeof attr(got, 'displayName') === 'string', 'displayName is still returned', { expected: 'displayName', actual: Object.keys(got) });
    },
  },
  {
    id: 'projection.attributes.enterprise-urn',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes with a URN-prefixed enterprise attribute returns it',
    area: 'projection',
    cite: { rfc: 7644, section: '3.10', quote: 'In general, attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon (":") character ... Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify extended attributes with the associated schema extension URN to avoid naming conflicts.' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      if (!hasEnterpriseExtension(ctx)) ctx.skip('the User resource type does not offer the enterprise extension');
      requireDeclared(ctx, `${SCHEMA_URN.enterpriseUser}:department`, `${SCHEMA_URN.enterpriseUser}:employeeNumber`);
      const label = optionalLabel(ctx);
      const body = conformUserBody(userSchemaView(ctx.target), userBodyWith(ctx, { [SCHEMA_URN.enterpriseUser]: { department: 'Finance', employeeNumber: '9001' } }));
      label?.set(body, 'Analyst');
      const u = await ctx.fixtures.createUser(body);
      const got = await read(ctx, userPath(ctx, u.id), { attributes: `${SCHEMA_URN.enterpriseUser}:department` });
      ctx.expectEqual(attr(extension(got, SCHEMA_URN.enterpriseUser), 'department'), 'Finance', 'the enterprise department');
      ctx.expectTrue(attr(extension(got, SCHEMA_URN.enterpriseUser), 'employeeNumber') === undefined, 'employeeNumber was not asked for', {
        expected: undefined,
        actual: attr(extension(got, SCHEMA_URN.enterpriseUser), 'employeeNumber'),
      });
      if (label) ctx.expectTrue(label.get(got) === undefined, `${label.path} was not asked for`, { expected: undefined, actual: label.get(got) });
    },
  },
  {
    id: 'projection.attributes.urn-core',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes with a URN-prefixed core attribute (…:User:userName) returns it',
    area: 'projection',
    cite: { rfc: 7644, section: '3.10', quote: 'In general, attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon (":") character ... Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify extended attributes with the associated schema extension URN to avoid naming conflicts.' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const label = optionalLabel(ctx);
      const u = await richUser(ctx, label);
      const got = await read(ctx, userPath(ctx, u.id), { attributes: `${SCHEMA_URN.user}:userName` });
      expectProjected(ctx, got, ['userName'], others(['userName'], 'emails', label?.path, 'name'), 'GET ?attributes=<core URN>:userName');
    },
  },
  {
    id: 'projection.excluded.case-insensitive-name',
    // Ignoring `excludedAttributes` fails each of these, in three areas: one root cause.
    topic: 'projection.excluded',
    title: 'excludedAttributes names are case-insensitive (EMAILS)',
    area: 'projection',
    cite: { rfc: 7643, section: '2.1', quote: 'Attribute names are case insensitive and are often "camel-cased" (e.g., "camelCase").' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      requireDeclared(ctx, 'emails.value');
      const u = await richUser(ctx);
      const res = await ctx.http.send({ method: 'GET', path: userPath(ctx, u.id), query: { excludedAttributes: 'EMAILS' } });
      if (res.status !== 200) ctx.fail('GET ?excludedAttributes=EMAILS should answer 200', { expected: 200, actual: brief(res) });
      expectProjected(ctx, res.json, ['userName'], ['emails'], 'GET ?excludedAttributes=EMAILS');
    },
  },
];
