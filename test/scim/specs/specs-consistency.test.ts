import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lint, loadConfig } from '@redocly/openapi-core';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../scripts/gen-types.ts';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { SCHEMA_URN, type AttributeDef } from '../../../src/scim/types.ts';

const read = (rel: string) => readFileSync(resolve(REPO_ROOT, rel), 'utf8');
const json = (rel: string) => JSON.parse(read(rel));
const reg = SchemaRegistry.fromSpecs();

type JsonSchema = { type?: string; items?: JsonSchema; $ref?: string; properties?: Record<string, JsonSchema>; definitions?: Record<string, JsonSchema>; readOnly?: boolean; writeOnly?: boolean; required?: string[] };

function deref(root: JsonSchema, s: JsonSchema): JsonSchema {
  if (!s.$ref) return s;
  return root.definitions![s.$ref.replace('#/definitions/', '')];
}

const JSON_TYPE: Record<string, string> = {
  string: 'string', boolean: 'boolean', decimal: 'number', integer: 'integer',
  dateTime: 'string', reference: 'string', binary: 'string', complex: 'object',
};

/** The wire JSON Schema of an attribute must say what the SCIM schema says (RFC 7643 §2.2, §2.3). */
function expectMatches(root: JsonSchema, prop: JsonSchema | undefined, attr: AttributeDef, where: string) {
  expect(prop, `${where} is missing from the JSON Schema`).toBeDefined();
  let s = deref(root, prop!);
  if (attr.multiValued) {
    expect(s.type, `${where} is multi-valued`).toBe('array');
    s = deref(root, s.items!);
  }
  expect(s.type, `${where} type`).toBe(JSON_TYPE[attr.type]);
  const flagged = attr.multiValued ? deref(root, prop!) : prop!;
  expect(!!flagged.readOnly || !!s.readOnly, `${where} readOnly`).toBe(attr.mutability === 'readOnly');
  expect(!!flagged.writeOnly, `${where} writeOnly`).toBe(attr.mutability === 'writeOnly');
  if (attr.subAttributes) {
    expect(Object.keys(s.properties ?? {}).sort(), `${where} sub-attributes`).toEqual(attr.subAttributes.map((x) => x.name).sort());
    for (const sub of attr.subAttributes) expectMatches(root, s.properties![sub.name], sub, `${where}.${sub.name}`);
  }
}

describe('JSON Schemas agree with the SCIM schema representations', () => {
  const cases = [
    { file: 'specs/json-schema/User.schema.json', core: SCHEMA_URN.user, extensions: [SCHEMA_URN.enterpriseUser] },
    { file: 'specs/json-schema/Group.schema.json', core: SCHEMA_URN.group, extensions: [] as string[] },
  ];
  for (const { file, core, extensions } of cases) {
    it(`${file} has every attribute of ${core.split(':').pop()} with its type and mutability`, () => {
      const root: JsonSchema = json(file);
      const scim = reg.schema(core)!;
      for (const a of scim.attributes) expectMatches(root, root.properties![a.name], a, a.name);
      expect(root.required).toEqual(['schemas', ...scim.attributes.filter((a) => a.required).map((a) => a.name)]);
      for (const urn of extensions) {
        const ext = deref(root, root.properties![urn]);
        for (const a of reg.schema(urn)!.attributes) expectMatches(root, ext.properties![a.name], a, `${urn}:${a.name}`);
      }
      // Nothing beyond the schema, the extensions and the common attributes (RFC 7643 §3, §3.1).
      const known = new Set(['schemas', 'id', 'externalId', 'meta', ...scim.attributes.map((a) => a.name), ...extensions]);
      expect(Object.keys(root.properties!).filter((k) => !known.has(k))).toEqual([]);
    });
  }

  it('accepts the RFC 7643 §8.2-style full User and rejects a User without userName', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const validate = ajv.compile(json('specs/json-schema/User.schema.json'));
    const user = {
      schemas: [SCHEMA_URN.user, SCHEMA_URN.enterpriseUser],
      id: '2819c223',
      userName: 'bjensen',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      addresses: [{ locality: 'Hollywood', type: 'work', primary: true }],
      [SCHEMA_URN.enterpriseUser]: { employeeNumber: '701984', manager: { value: '26118915' } },
      meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', location: 'https://example.com/v2/Users/2819c223', version: 'W/"a330bc54f0671c9"' },
    };
    expect(validate(user), JSON.stringify(validate.errors)).toBe(true);
    const { userName: _drop, ...noUserName } = user;
    expect(validate(noUserName)).toBe(false);
    expect(validate({ ...user, emails: { value: 'not-a-list' } })).toBe(false);
  });
});

describe('specs/openapi.yaml covers the SCIM HTTP API (RFC 7644 §3)', () => {
  const doc = parse(read('specs/openapi.yaml'));

  it('lints clean with the recommended OpenAPI rules', async () => {
    const config = await loadConfig({});
    const problems = await lint({ ref: resolve(REPO_ROOT, 'specs/openapi.yaml'), config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`)).toEqual([]);
  }, 60_000);

  it('is OpenAPI 3.1 with bearer and basic security schemes', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('has every endpoint with the methods RFC 7644 §3.2 gives it', () => {
    const want: Record<string, string[]> = {
      '/Users': ['get', 'post'],
      '/Users/{id}': ['get', 'put', 'patch', 'delete'],
      '/Groups': ['get', 'post'],
      '/Groups/{id}': ['get', 'put', 'patch', 'delete'],
      '/.search': ['post'],
      '/Users/.search': ['post'],
      '/Groups/.search': ['post'],
      '/Bulk': ['post'],
      '/Me': ['get', 'put', 'patch', 'delete'],
      '/ServiceProviderConfig': ['get'],
      '/Schemas': ['get'],
      '/Schemas/{id}': ['get'],
      '/ResourceTypes': ['get'],
      '/ResourceTypes/{id}': ['get'],
    };
    expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(want).sort());
    for (const [path, methods] of Object.entries(want)) {
      for (const m of methods) expect(doc.paths[path][m], `${m.toUpperCase()} ${path}`).toBeDefined();
    }
  });

  it('lists the query parameters of RFC 7644 §3.4.2 on the list endpoints', () => {
    for (const path of ['/Users', '/Groups']) {
      const names = doc.paths[path].get.parameters.map((p: { $ref: string }) => p.$ref.split('/').pop());
      expect(names.sort()).toEqual(['attributes', 'count', 'excludedAttributes', 'filter', 'sortBy', 'sortOrder', 'startIndex']);
    }
  });

  it('answers create with 201 + Location + ETag, and conditional requests with 304/412 (RFC 7644 §3.3, §3.14)', () => {
    const created = doc.paths['/Users'].post.responses['201'];
    expect(Object.keys(created.headers).sort()).toEqual(['ETag', 'Location']);
    expect(doc.paths['/Users/{id}'].get.responses['304']).toBeDefined();
    for (const m of ['put', 'patch', 'delete']) expect(doc.paths['/Groups/{id}'][m].responses['412'], m).toBeDefined();
    expect(doc.paths['/Bulk'].post.responses['413']).toBeDefined();
  });

  it('uses SCIM Error bodies with the RFC 7644 §3.12 scimType keywords', () => {
    expect(doc.components.schemas.Error.properties.scimType.enum.sort()).toEqual(
      ['invalidFilter', 'invalidPath', 'invalidSyntax', 'invalidValue', 'invalidVers', 'mutability', 'noTarget', 'sensitive', 'tooMany', 'uniqueness'],
    );
  });
});

describe('discovery documents', () => {
  it('the reference SPC advertises what the brief promises (RFC 7643 §5)', () => {
    const spc = json('specs/service-provider-config.json');
    expect(spc).toMatchObject({
      schemas: [SCHEMA_URN.serviceProviderConfig],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
    });
    expect(spc.authenticationSchemes.map((s: { type: string }) => s.type)).toEqual(['oauthbearertoken', 'httpbasic']);
    expect(typeof spc.documentationUri).toBe('string');
  });

  it('the SPC, ResourceType and Schema schemas describe the discovery documents we serve (RFC 7643 §8.7.2)', () => {
    const spcSchema = json('specs/schemas/ServiceProviderConfig.json');
    const spc = json('specs/service-provider-config.json');
    const names = spcSchema.attributes.map((a: AttributeDef) => a.name);
    for (const k of Object.keys(spc)) if (k !== 'schemas' && k !== 'meta') expect(names, k).toContain(k);
    const rtNames = json('specs/schemas/ResourceType.json').attributes.map((a: AttributeDef) => a.name);
    for (const rt of json('specs/resource-types.json')) {
      for (const k of Object.keys(rt)) if (k !== 'schemas' && k !== 'meta') expect(rtNames, k).toContain(k);
    }
    const typeAttr = json('specs/schemas/Schema.json').attributes
      .find((a: AttributeDef) => a.name === 'attributes').subAttributes.find((a: AttributeDef) => a.name === 'type');
    // Erratum 5606: 'binary' belongs among the attribute types.
    expect(typeAttr.canonicalValues).toContain('binary');
  });
});
