/**
 * Discovery checks: /ServiceProviderConfig (RFC 7643 §5), /Schemas (RFC 7643 §7) and /ResourceTypes
 * (RFC 7643 §6), served as RFC 7644 §4 describes. All read-only.
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, attrPath, multi } from './support/attributes.ts';
import { describeBody } from '../context.ts';
import { table8 } from './support/cites.ts';

const SPC = '/ServiceProviderConfig';
const SCHEMAS = '/Schemas';
const RESOURCE_TYPES = '/ResourceTypes';

const TYPES = ['string', 'boolean', 'decimal', 'integer', 'datetime', 'reference', 'binary', 'complex'];
const MUTABILITY = ['readonly', 'readwrite', 'immutable', 'writeonly'];
const RETURNED = ['always', 'never', 'default', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

async function getJson(ctx: CheckContext, path: string, query?: Record<string, string>): Promise<HttpResponse> {
  const res = await ctx.http.send({ method: 'GET', path, query });
  ctx.expectStatus(res, 200, `GET ${path}`);
  if (typeof res.json !== 'object' || res.json === null) {
    ctx.fail(`GET ${path} should answer a JSON object`, { expected: 'a JSON object', actual: res.text.slice(0, 300) });
  }
  return res;
}

/**
 * GET one discovery resource by its own URL (RFC 7644 §4: "can be returned"), or skip when the target does not offer
 * single-resource URLs (404/501): the RFC describes them without a keyword. A ListResponse where one resource was
 * asked for is named as such.
 */
async function getOne(ctx: CheckContext, path: string): Promise<Record<string, any>> {
  const res = await ctx.http.send({ method: 'GET', path });
  if (res.status === 404 || res.status === 501) ctx.skip(`the target does not serve ${path} (HTTP ${res.status}); RFC 7644 §4 says single schemas and resource types "can be returned", it does not require it`);
  ctx.expectStatus(res, 200, `GET ${path}`);
  const schemas = attr(res.json, 'schemas');
  const isList = Array.isArray(schemas) && schemas.some((s) => String(s).toLowerCase() === SCHEMA_URN.listResponse.toLowerCase());
  if (typeof res.json !== 'object' || res.json === null || Array.isArray(res.json) || isList) {
    ctx.fail(`GET ${path} should answer the single resource; it answered ${describeBody(res.json)}`, { expected: 'a single JSON object', actual: res.text.slice(0, 300) });
  }
  return res.json;
}

async function spc(ctx: CheckContext): Promise<any> {
  return (await getJson(ctx, SPC)).json;
}

/** RFC 7644 §4: list forms of discovery resources are ListResponses. */
async function listOf(ctx: CheckContext, path: string, query?: Record<string, string>): Promise<any[]> {
  const res = await getJson(ctx, path, query);
  const schemas = attr(res.json, 'schemas');
  ctx.expectTrue(
    Array.isArray(schemas) && schemas.includes(SCHEMA_URN.listResponse),
    `GET ${path} should be a ListResponse (schemas contains ${SCHEMA_URN.listResponse})`,
    { expected: [SCHEMA_URN.listResponse], actual: schemas },
  );
  const resources = attr(res.json, 'Resources');
  ctx.expectTrue(Array.isArray(resources) && resources.length > 0, `GET ${path} should list at least one entry in Resources`, {
    expected: 'a non-empty Resources array',
    actual: resources,
  });
  return resources as any[];
}

/** Every attribute definition in a schema, sub-attributes included, with a dotted name for messages. */
function allAttributes(schema: any): { where: string; def: any }[] {
  const out: { where: string; def: any }[] = [];
  const walk = (defs: unknown, prefix: string) => {
    if (!Array.isArray(defs)) return;
    for (const def of defs) {
      const name = String(attr(def, 'name') ?? '?');
      out.push({ where: `${prefix}${name}`, def });
      walk(attr(def, 'subAttributes'), `${prefix}${name}.`);
    }
  };
  walk(attr(schema, 'attributes'), `${attr(schema, 'id') ?? '?'}:`);
  return out;
}

/** RFC 7643 §5: one feature object of the SPC must be present with a boolean `supported`. */
function featureCheck(feature: string, extra: string[], quote: string): Check {
  return {
    id: `discovery.spc.${feature.toLowerCase()}-object`,
    title: `ServiceProviderConfig.${feature} is an object with a boolean "supported"${extra.length ? ` and ${extra.join(', ')}` : ''}`,
    area: 'discovery',
    cite: { rfc: 7643, section: '5', quote },
    level: 'MUST',
    async run(ctx) {
      const body = await spc(ctx);
      const obj = attr(body, feature);
      ctx.expectTrue(obj !== null && typeof obj === 'object' && !Array.isArray(obj), `ServiceProviderConfig should carry a "${feature}" object`, {
        expected: `{ "supported": true|false }`,
        actual: obj,
      });
      const supported = attr(obj, 'supported');
      ctx.expectTrue(typeof supported === 'boolean', `${feature}.supported should be a JSON boolean`, { expected: 'true or false', actual: supported });
      // RFC 7643 §5: bulk.maxOperations/maxPayloadSize and filter.maxResults are REQUIRED integers.
      for (const name of extra) {
        const v = attr(obj, name);
        ctx.expectTrue(Number.isInteger(v) && v >= 0, `${feature}.${name} should be a non-negative integer`, { expected: 'an integer', actual: v });
      }
    },
  };
}

export const checks: Check[] = [
  {
    id: 'discovery.spc.schema-urn',
    title: 'GET /ServiceProviderConfig answers 200 with the ServiceProviderConfig schema URN',
    area: 'discovery',
    cite: {
      rfc: 7644,
      section: '4',
      quote: 'This endpoint SHALL return responses with a JSON object using a "schemas" attribute of "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig".',
    },
    level: 'MUST',
    async run(ctx) {
      const body = await spc(ctx);
      const schemas = attr(body, 'schemas');
      ctx.expectTrue(Array.isArray(schemas) && schemas.includes(SCHEMA_URN.serviceProviderConfig), 'schemas should contain the ServiceProviderConfig URN', {
        expected: [SCHEMA_URN.serviceProviderConfig],
        actual: schemas,
      });
    },
  },
  featureCheck('patch', [], 'patch: A complex type that specifies PATCH configuration options. REQUIRED.'),
  featureCheck('bulk', ['maxOperations', 'maxPayloadSize'], 'bulk: A complex type that specifies bulk configuration options. See Section 3.7 of [RFC7644]. REQUIRED.'),
  featureCheck('filter', ['maxResults'], 'filter: A complex type that specifies FILTER options. REQUIRED.'),
  featureCheck('changePassword', [], 'changePassword: A complex type that specifies configuration options related to changing a password. REQUIRED.'),
  featureCheck('sort', [], 'sort: A complex type that specifies sort result options. REQUIRED.'),
  featureCheck('etag', [], 'etag: A complex type that specifies ETag configuration options. REQUIRED.'),
  {
    id: 'discovery.spc.authentication-schemes',
    title: 'ServiceProviderConfig.authenticationSchemes lists schemes with type, name and description',
    area: 'discovery',
    cite: {
      rfc: 7643,
      section: '5',
      quote: 'authenticationSchemes: A multi-valued complex type that specifies supported authentication scheme properties. ... REQUIRED.',
    },
    level: 'MUST',
    async run(ctx) {
      const schemes = attr(await spc(ctx), 'authenticationSchemes');
      ctx.expectTrue(Array.isArray(schemes) && schemes.length > 0, 'authenticationSchemes should be a non-empty array', {
        expected: '[{ type, name, description }]',
        actual: schemes,
      });
      for (const s of schemes as unknown[]) {
        // RFC 7643 §5: type, name and description are REQUIRED sub-attributes.
        for (const sub of ['type', 'name', 'description']) {
          const v = attr(s, sub);
          ctx.expectTrue(typeof v === 'string' && v !== '', `every authentication scheme should carry a non-empty "${sub}"`, {
            expected: `${sub}: "<string>"`,
            actual: s,
          });
        }
      }
    },
  },
  {
    id: 'discovery.schemas.list-response',
    title: 'GET /Schemas answers a ListResponse of the supported schemas',
    area: 'discovery',
    cite: { rfc: 7644, section: '4', quote: 'An HTTP GET to the endpoint "/Schemas" SHALL return all supported schemas in ListResponse format.' },
    level: 'MUST',
    async run(ctx) {
      const list = await listOf(ctx, SCHEMAS);
      const ids = list.map((s) => String(attr(s, 'id')).toLowerCase());
      // The User schema is the one every target must describe (RFC 7643 §4.1).
      ctx.expectTrue(ids.includes(SCHEMA_URN.user.toLowerCase()), 'GET /Schemas should include the core User schema', {
        expected: SCHEMA_URN.user,
        actual: ids,
      });
    },
  },
  {
    id: 'discovery.schemas.entry-shape',
    title: 'Every schema in /Schemas has an id URI and an attributes array',
    area: 'discovery',
    cite: { rfc: 7643, section: '7', quote: 'id: The unique URI of the schema. ... REQUIRED. ... attributes: A complex attribute that includes the attributes of a schema ... REQUIRED.' },
    level: 'MUST',
    async run(ctx) {
      for (const s of await listOf(ctx, SCHEMAS)) {
        const id = attr(s, 'id');
        ctx.expectTrue(typeof id === 'string' && /^urn:/i.test(id), 'every schema id should be a URI (urn:...)', { expected: 'urn:...', actual: id });
        ctx.expectTrue(Array.isArray(attr(s, 'attributes')), `schema ${id} should carry an attributes array`, {
          expected: 'attributes: [...]',
          actual: attr(s, 'attributes'),
        });
      }
    },
  },
  {
    id: 'discovery.schemas.attribute-name-type',
    title: 'Every attribute definition in /Schemas has a name; a stated type is a valid one and a stated multiValued a boolean',
    area: 'discovery',
    cite: {
      rfc: 7643,
      section: '7',
      quote: 'type: The attribute\'s data type. Valid values are "string", "boolean", "decimal", "integer", "dateTime", "reference", and "complex".',
    },
    // Kept MUST by the "enumeration" exception of test/harness/levels.test.ts: the RFC lists the only valid values.
    level: 'MUST',
    async run(ctx) {
      for (const s of await listOf(ctx, SCHEMAS)) {
        for (const { where, def } of allAttributes(s)) {
          const name = attr(def, 'name');
          const type = attr(def, 'type');
          const multiValued = attr(def, 'multiValued');
          ctx.expectTrue(typeof name === 'string' && name !== '', `attribute ${where} should have a name`, { expected: 'a name', actual: def });
          // RFC 7643 §2.2: an omitted type defaults to "string"; only a stated one can be invalid.
          ctx.expectTrue(type === undefined || (typeof type === 'string' && TYPES.includes(type.toLowerCase())), `attribute ${where} has a type that is not an RFC 7643 data type`, {
            expected: TYPES,
            actual: type,
          });
          ctx.expectTrue(multiValued === undefined || typeof multiValued === 'boolean', `attribute ${where} should state multiValued as a boolean`, {
            expected: 'true or false',
            actual: multiValued,
          });
        }
      }
    },
  },
  // No check demands that every characteristic be stated: RFC 7643 §2.2 gives each omitted one its default
  // ("If not otherwise stated in Section 7, SCIM attributes have the following characteristics"), and booleans,
  // integers and complex attributes have no case or uniqueness to state. What §7 does ask for is below.
  {
    id: 'discovery.schemas.complex-sub-attributes',
    title: 'Every complex attribute in /Schemas lists its subAttributes',
    area: 'discovery',
    cite: {
      rfc: 7643,
      section: '7',
      quote: 'When an attribute is of type "complex", there SHOULD be a corresponding schema attribute "subAttributes" defined, listing the sub-attributes of the attribute.',
    },
    level: 'SHOULD',
    async run(ctx) {
      for (const s of await listOf(ctx, SCHEMAS)) {
        for (const { where, def } of allAttributes(s)) {
          if (String(attr(def, 'type') ?? '').toLowerCase() !== 'complex') continue;
          const subs = attr(def, 'subAttributes');
          ctx.expectTrue(Array.isArray(subs) && subs.length > 0, `complex attribute ${where} should list its subAttributes`, {
            expected: 'subAttributes: [...]',
            actual: subs ?? '(absent)',
          });
        }
      }
    },
  },
  {
    id: 'discovery.schemas.characteristic-values-valid',
    title: 'Attribute characteristics use only the keywords RFC 7643 defines',
    area: 'discovery',
    cite: {
      rfc: 7643,
      section: '2.2',
      quote: 'mutability: A single keyword indicating the circumstances under which the value of the attribute can be (re)defined ... returned: A single keyword that indicates when an attribute and associated values are returned ... Valid keywords are as follows ... uniqueness: A single keyword value that specifies how the service provider enforces uniqueness of attribute values. ... Valid keywords are as follows',
    },
    // Kept MUST by the "enumeration" exception of test/harness/levels.test.ts: §2.2 lists the only valid keywords.
    level: 'MUST',
    async run(ctx) {
      for (const s of await listOf(ctx, SCHEMAS)) {
        for (const { where, def } of allAttributes(s)) {
          const check = (name: string, allowed: string[]) => {
            const v = attr(def, name);
            if (v === undefined) return;
            ctx.expectTrue(typeof v === 'string' && allowed.includes(v.toLowerCase()), `attribute ${where} has an invalid ${name}`, {
              expected: allowed,
              actual: v,
            });
          };
          check('mutability', MUTABILITY);
          check('returned', RETURNED);
          check('uniqueness', UNIQUENESS);
          for (const b of ['required', 'caseExact']) {
            const v = attr(def, b);
            ctx.expectTrue(v === undefined || typeof v === 'boolean', `attribute ${where}.${b} should be a boolean`, { expected: 'boolean', actual: v });
          }
        }
      }
    },
  },
  {
    id: 'discovery.schemas.user-by-urn',
    title: 'GET /Schemas/{User URN} returns the User schema with a required userName',
    area: 'discovery',
    cite: {
      rfc: 7644,
      section: '4',
      quote: 'Individual schema definitions can be returned by appending the schema URI to the /Schemas endpoint.',
    },
    // "can be returned": no keyword, so a target without this URL is skipped and a wrong answer only warns.
    level: 'MAY',
    async run(ctx) {
      const json = await getOne(ctx, `${SCHEMAS}/${SCHEMA_URN.user}`);
      // Schema URIs compare case-insensitively (RFC 7644 §3.10: "All facets ... are case insensitive").
      ctx.expectEqual(String(attr(json, 'id') ?? '(absent)').toLowerCase(), SCHEMA_URN.user.toLowerCase(), 'id of the schema at /Schemas/<User URN>');
      const attrs = attr(json, 'attributes');
      const userName = Array.isArray(attrs) ? attrs.find((a) => String(attr(a, 'name')).toLowerCase() === 'username') : undefined;
      // RFC 7643 §4.1.1: userName is REQUIRED.
      ctx.expectTrue(userName && attr(userName, 'required') === true, 'the User schema should define userName with required: true', {
        expected: { name: 'userName', required: true },
        actual: userName,
      });
    },
  },
  {
    id: 'discovery.schemas.group-by-urn',
    title: 'GET /Schemas/{Group URN} returns the Group schema with displayName and members',
    area: 'discovery',
    cite: {
      rfc: 7644,
      section: '4',
      quote: 'Individual schema definitions can be returned by appending the schema URI to the /Schemas endpoint.',
    },
    // "can be returned": no keyword, so a target without this URL is skipped and a wrong answer only warns.
    level: 'MAY',
    requires: ['groups'],
    async run(ctx) {
      const json = await getOne(ctx, `${SCHEMAS}/${SCHEMA_URN.group}`);
      ctx.expectEqual(String(attr(json, 'id') ?? '(absent)').toLowerCase(), SCHEMA_URN.group.toLowerCase(), 'id of the schema at /Schemas/<Group URN>');
      const names = (attr(json, 'attributes') ?? []).map((a: unknown) => String(attr(a, 'name')).toLowerCase());
      // RFC 7643 §4.2: displayName and members are the Group attributes.
      ctx.expectTrue(names.includes('displayname') && names.includes('members'), 'the Group schema should define displayName and members', {
        expected: ['displayName', 'members'],
        actual: names,
      });
    },
  },
  {
    id: 'discovery.schemas.each-retrievable',
    title: 'Every schema listed in /Schemas can be fetched at /Schemas/{id}',
    area: 'discovery',
    cite: {
      rfc: 7644,
      section: '4',
      quote: 'In cases where a request is for a specific "ResourceType" or "Schema", the single JSON object is returned in the same way that a single User or Group is retrieved, as per Section 3.4.1.',
    },
    // Describes how a single schema is returned when the target offers the URL (RFC 7644 §4 "can be returned"): no keyword.
    level: 'MAY',
    async run(ctx) {
      for (const s of await listOf(ctx, SCHEMAS)) {
        const id = String(attr(s, 'id'));
        const json = await getOne(ctx, `${SCHEMAS}/${id}`);
        ctx.expectEqual(attr(json, 'id'), id, `id of GET /Schemas/${id}`);
      }
    },
  },
  {
    id: 'discovery.schemas.unknown-404',
    title: 'GET /Schemas/{unknown URN} answers 404 with a SCIM error',
    area: 'discovery',
    cite: table8(404),
    level: 'SHOULD',
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: `${SCHEMAS}/urn:scimcheck:schemas:does-not-exist:2.0:Nothing` });
      ctx.expectScimError(res, 404);
    },
  },
  {
    id: 'discovery.resource-types.list-response',
    title: 'GET /ResourceTypes answers a ListResponse whose entries have name, endpoint and schema',
    area: 'discovery',
    cite: {
      rfc: 7643,
      section: '6',
      quote: 'name: The resource type name. ... REQUIRED. endpoint: The resource type\'s HTTP-addressable endpoint ... REQUIRED. schema: The resource type\'s primary/base schema URI. REQUIRED.',
    },
    level: 'MUST',
    async run(ctx) {
      for (const rt of await listOf(ctx, RESOURCE_TYPES)) {
        for (const f of ['name', 'endpoint', 'schema']) {
          const v = attr(rt, f);
          ctx.expectTrue(typeof v === 'string' && v !== '', `every resource type should carry a non-empty "${f}"`, { expected: `${f}: "<string>"`, actual: rt });
        }
      }
    },
  },
  {
    id: 'discovery.resource-types.user-present',
    title: '/ResourceTypes lists a User type whose schema is the core User URN',
    area: 'discovery',
    cite: { rfc: 7643, section: '6', quote: 'schema: The resource type\'s primary/base schema URI, e.g., "urn:ietf:params:scim:schemas:core:2.0:User". This MUST be equal to the "id" attribute of the associated "Schema" resource. REQUIRED.' },
    // The premise of every user check: scimcheck provisions the User resource type RFC 7643 §4 defines.
    level: 'MUST',
    async run(ctx) {
      const list = await listOf(ctx, RESOURCE_TYPES);
      const user = list.find((rt) => String(attr(rt, 'schema')).toLowerCase() === SCHEMA_URN.user.toLowerCase());
      ctx.expectTrue(user, 'a resource type with schema urn:ietf:params:scim:schemas:core:2.0:User should be listed', {
        expected: SCHEMA_URN.user,
        actual: list.map((rt) => attr(rt, 'schema')),
      });
    },
  },
  {
    id: 'discovery.resource-types.schema-extensions-shape',
    title: 'schemaExtensions entries carry a schema URI and a boolean required',
    area: 'discovery',
    cite: {
      rfc: 7643,
      section: '6',
      quote: 'schemaExtensions: A list of URIs of the resource type\'s schema extensions. ... schema: The URI of an extended schema ... REQUIRED. required: A Boolean value ... REQUIRED.',
    },
    level: 'MUST',
    async run(ctx) {
      let seen = 0;
      for (const rt of await listOf(ctx, RESOURCE_TYPES)) {
        const exts = attr(rt, 'schemaExtensions');
        if (exts === undefined) continue;
        ctx.expectTrue(Array.isArray(exts), `schemaExtensions of ${attr(rt, 'name')} should be an array`, { expected: 'array', actual: exts });
        for (const e of exts) {
          seen++;
          ctx.expectTrue(typeof attr(e, 'schema') === 'string' && /^urn:/i.test(attr(e, 'schema')), 'every schema extension should name its schema URI', {
            expected: 'schema: "urn:..."',
            actual: e,
          });
          ctx.expectTrue(typeof attr(e, 'required') === 'boolean', 'every schema extension should carry a boolean "required"', {
            expected: 'required: true|false',
            actual: e,
          });
        }
      }
      if (seen === 0) ctx.skip('no resource type declares schemaExtensions');
    },
  },
  {
    id: 'discovery.resource-types.schemas-published',
    title: 'Every schema a resource type names (base and extensions) is published at /Schemas',
    area: 'discovery',
    cite: { rfc: 7644, section: '4', quote: 'An HTTP GET to the endpoint "/Schemas" SHALL return all supported schemas in ListResponse format.' },
    level: 'MUST',
    async run(ctx) {
      const ids = new Set((await listOf(ctx, SCHEMAS)).map((s) => String(attr(s, 'id')).toLowerCase()));
      for (const rt of await listOf(ctx, RESOURCE_TYPES)) {
        const named = [attr(rt, 'schema'), ...multi(rt, 'schemaExtensions').map((e) => attr(e, 'schema'))];
        for (const urn of named) {
          ctx.expectTrue(ids.has(String(urn).toLowerCase()), `schema ${urn} of resource type ${attr(rt, 'name')} should be listed at /Schemas`, {
            expected: urn,
            actual: [...ids],
          });
        }
      }
    },
  },
  {
    id: 'discovery.resource-types.user-by-name',
    title: 'GET /ResourceTypes/User returns the User resource type',
    area: 'discovery',
    cite: {
      rfc: 7644,
      section: '4',
      quote: 'In cases where a request is for a specific "ResourceType" or "Schema", the single JSON object is returned in the same way that a single User or Group is retrieved, as per Section 3.4.1.',
    },
    // Describes how a single resource type is returned when the target offers the URL: no keyword.
    level: 'MAY',
    async run(ctx) {
      const list = await listOf(ctx, RESOURCE_TYPES);
      const user = list.find((rt) => String(attr(rt, 'schema')).toLowerCase() === SCHEMA_URN.user.toLowerCase());
      if (!user) ctx.fail('no User resource type is listed at /ResourceTypes', { expected: SCHEMA_URN.user, actual: list.map((rt) => attr(rt, 'schema')) });
      // RFC 7643 §6: the id is "often the same value as the name"; fetch by id when present.
      const key = String(attr(user, 'id') ?? attr(user, 'name'));
      const json = await getOne(ctx, `${RESOURCE_TYPES}/${encodeURIComponent(key)}`);
      ctx.expectEqual(attr(json, 'name'), attr(user, 'name'), `name of GET /ResourceTypes/${key}`);
      ctx.expectEqual(attr(json, 'endpoint'), attr(user, 'endpoint'), `endpoint of GET /ResourceTypes/${key}`);
    },
  },
  {
    id: 'discovery.resource-types.unknown-404',
    title: 'GET /ResourceTypes/{unknown} answers 404 with a SCIM error',
    area: 'discovery',
    cite: table8(404),
    level: 'SHOULD',
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: `${RESOURCE_TYPES}/ScimcheckNoSuchType` });
      ctx.expectScimError(res, 404);
    },
  },
  {
    id: 'discovery.query.filter-not-applied',
    title: 'A filter on /Schemas is refused (403) or ignored, never applied',
    area: 'discovery',
    cite: { rfc: 7644, section: '4', quote: 'Query parameters described in Section 3.4.2, such as filtering, sorting, and pagination, SHALL be ignored.' },
    level: 'MUST',
    async run(ctx) {
      const all = await listOf(ctx, SCHEMAS);
      const res = await ctx.http.send({ method: 'GET', path: SCHEMAS, query: { filter: `id eq "${SCHEMA_URN.user}"` } });
      if (res.status === 403) return;
      ctx.expectStatus(res, [200, 403], 'GET /Schemas?filter=...');
      const got = attr(res.json, 'Resources');
      ctx.expectTrue(Array.isArray(got) && got.length === all.length, 'the filter should be ignored: every schema is still listed', {
        expected: all.length,
        actual: Array.isArray(got) ? got.length : got,
      });
    },
  },
  {
    id: 'discovery.query.filter-forbidden',
    title: 'A filter on /ResourceTypes is answered 403 Forbidden',
    area: 'discovery',
    cite: { rfc: 7644, section: '4', quote: 'If a "filter" is provided, the service provider SHOULD respond with HTTP status code 403 (Forbidden).' },
    level: 'SHOULD',
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: RESOURCE_TYPES, query: { filter: 'name eq "User"' } });
      ctx.expectStatus(res, 403, 'GET /ResourceTypes?filter=...');
    },
  },
  {
    id: 'discovery.query.paging-ignored',
    title: 'count=1 on /Schemas is ignored: every schema is returned',
    area: 'discovery',
    cite: { rfc: 7644, section: '4', quote: 'Query parameters described in Section 3.4.2, such as filtering, sorting, and pagination, SHALL be ignored.' },
    level: 'MUST',
    async run(ctx) {
      const all = await listOf(ctx, SCHEMAS);
      if (all.length < 2) ctx.skip('the target publishes a single schema, so count=1 cannot be told apart');
      const paged = await listOf(ctx, SCHEMAS, { count: '1' });
      ctx.expectEqual(paged.length, all.length, 'number of schemas listed with count=1');
    },
  },
  // No check judges POST/PUT/PATCH/DELETE on the discovery endpoints: RFC 7644 §3.2 lists GET for them and names no
  // status for other methods, so no answer is wrong by the RFC (issue 10 #5).
];
