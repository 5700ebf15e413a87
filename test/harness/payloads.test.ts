/**
 * Payloads from the target's own schema (issue 10, false-alarm class 2) and one finding for a target that insists
 * on emails (class 3): the attribute picker over a table of schemas, the body conformer, and the checks that write
 * optional attributes run against the provider's RFC-legal variants and a target that insists on emails.
 */
import { describe, expect, it } from 'vitest';
import type { AttributeDef, SchemaDef } from '../../src/scim/types.ts';
import { SCHEMA_URN } from '../../src/scim/types.ts';
import { SchemaRegistry } from '../../src/scim/schema-registry.ts';
import { conformUserBody, declaredIn, userSchemaView, type SchemaSource } from '../../src/harness/checks/support/user-schema.ts';
import { writableStringSlots } from '../../src/harness/checks/support/writable.ts';
import { allChecks } from '../../src/harness/checks/index.ts';
import { checks as patch } from '../../src/harness/checks/patch.ts';
import { runAgainstShape, type TargetShape } from './scoping-target.ts';

const rfc = SchemaRegistry.fromSpecs();
const RFC_USER = rfc.schema(SCHEMA_URN.user)!;
const ENTERPRISE = rfc.schema(SCHEMA_URN.enterpriseUser)!;

function a(name: string, extra: Partial<AttributeDef> = {}): AttributeDef {
  return { name, type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra };
}

/** A target publishing this User schema (and, optionally, extensions). */
function source(attributes: AttributeDef[], extensions: SchemaDef[] = []): SchemaSource {
  return {
    schemas: [{ id: SCHEMA_URN.user, attributes }, ...extensions],
    resourceTypes: [{ id: 'User', name: 'User', endpoint: '/Users', schema: SCHEMA_URN.user, schemaExtensions: extensions.map((e) => ({ schema: e.id, required: false })) }],
    endpoints: { users: '/Users' },
  };
}

const only = (...names: string[]) => RFC_USER.attributes.filter((x) => names.includes(x.name));

describe('the writable-attribute picker reads the target schema', () => {
  // schema, the paths picked in order of preference (first ones only).
  const TABLE: [string, SchemaSource, string[]][] = [
    ['the RFC 7643 core User', source(RFC_USER.attributes), ['nickName', 'title', 'displayName', 'userType', 'name.middleName']],
    ['the minimal schema (userName, name, displayName, emails, active)', source(only('userName', 'name', 'displayName', 'emails', 'active')), ['displayName', 'name.middleName', 'name.honorificPrefix']],
    ['a User without nickName or title', source(only('userName', 'displayName', 'userType', 'locale', 'profileUrl')), ['displayName', 'userType']],
    ['a User with only userName', source(only('userName')), []],
    ['the core User plus the enterprise extension', source(only('userName'), [ENTERPRISE]), [`${SCHEMA_URN.enterpriseUser}:department`, `${SCHEMA_URN.enterpriseUser}:division`]],
    [
      'characteristics that rule an attribute out',
      source([
        a('userName', { required: true, uniqueness: 'server' }),
        a('badge', { uniqueness: 'server' }),
        a('level', { canonicalValues: ['gold', 'silver'] }),
        a('secret', { mutability: 'writeOnly', returned: 'never' }),
        a('serial', { mutability: 'immutable' }),
        a('tags', { multiValued: true }),
        a('code', { required: true }),
        a('quiet', { returned: 'request' }),
        a('motto'),
      ]),
      ['motto'],
    ],
  ];

  it.each(TABLE)('%s', (_name, schema, want) => {
    const got = writableStringSlots(userSchemaView(schema)).map((s) => s.path);
    expect(got.slice(0, want.length)).toEqual(want);
    if (want.length === 0) expect(got).toEqual([]);
  });

  it('allows a required attribute only when asked, and keeps to top-level core attributes when asked', () => {
    const schema = source([a('userName', { required: true, uniqueness: 'server' }), a('code', { required: true }), ...only('name')], [ENTERPRISE]);
    expect(writableStringSlots(userSchemaView(schema), { required: true }).map((s) => s.path)).toContain('code');
    expect(writableStringSlots(userSchemaView(schema), { topLevel: true }).map((s) => s.path)).toEqual([]);
  });

  it('sets, reads, omits and builds a no-path PATCH value for sub-attributes and extension attributes', () => {
    const [middle] = writableStringSlots(userSchemaView(source(only('userName', 'name'))));
    const body = middle!.set({ schemas: [SCHEMA_URN.user], name: { givenName: 'A' } }, 'M');
    expect(body.name).toEqual({ givenName: 'A', middleName: 'M' });
    expect(middle!.get({ NAME: { MiddleName: 'x' } })).toBe('x');
    expect(middle!.asValue('v')).toEqual({ name: { middleName: 'v' } });
    expect(middle!.omit(body).name).toEqual({ givenName: 'A' });
    const [dept] = writableStringSlots(userSchemaView(source(only('userName'), [ENTERPRISE])));
    const withExt = dept!.set({ schemas: [SCHEMA_URN.user] }, 'R&D');
    expect(withExt).toEqual({ schemas: [SCHEMA_URN.user, SCHEMA_URN.enterpriseUser], [SCHEMA_URN.enterpriseUser]: { department: 'R&D' } });
  });

  it('an empty /Schemas is read as the RFC 7643 core User (as the fixtures do)', () => {
    const view = userSchemaView({ schemas: [], resourceTypes: [], endpoints: { users: '/Users' } });
    expect(view.assumed).toBe(true);
    expect(declaredIn(view, 'nickName')).toBeDefined();
  });
});

describe('bodies keep only what the target declares', () => {
  it('drops undeclared attributes, sub-attributes and extensions, and lists only the extensions kept', () => {
    const view = userSchemaView(source([...only('userName', 'emails'), a('name', { type: 'complex', subAttributes: [a('givenName')] })], [ENTERPRISE]));
    const out = conformUserBody(view, {
      schemas: [SCHEMA_URN.user, SCHEMA_URN.enterpriseUser, 'urn:example:other'],
      userName: 'u',
      externalId: 'x',
      title: 'dropped',
      name: { givenName: 'G', familyName: 'dropped' },
      emails: [{ value: 'a@example.com', type: 'work', bogus: 1 }],
      [SCHEMA_URN.enterpriseUser]: { department: 'D', nonsense: 1 },
      'urn:example:other': { x: 1 },
    });
    expect(out).toEqual({
      schemas: [SCHEMA_URN.user, SCHEMA_URN.enterpriseUser],
      userName: 'u',
      externalId: 'x',
      name: { givenName: 'G' },
      emails: [{ value: 'a@example.com', type: 'work' }],
      [SCHEMA_URN.enterpriseUser]: { department: 'D' },
    });
    expect(conformUserBody(view, { schemas: [SCHEMA_URN.user, SCHEMA_URN.enterpriseUser], userName: 'u', [SCHEMA_URN.enterpriseUser]: { nonsense: 1 } }).schemas).toEqual([SCHEMA_URN.user]);
  });
});

describe('checks that write optional attributes, against targets that declare fewer', () => {
  // The whole check set runs (prerequisites must be in it); the verdicts judged are those of the areas that write
  // optional attributes or scope queries. Bad-credential checks are left out: they add nothing here.
  const ALL = allChecks().filter((c) => c.phase !== 'bad-credentials');
  const AREAS = new Set(['users', 'uniqueness', 'content-type', 'etag', 'filter', 'paging', 'sort', 'projection', 'patch', 'search']);
  const CASES: [string, TargetShape, string[]][] = [
    ['variant minimal-schema', { variants: ['minimal-schema'] }, []],
    ['variant required-email', { variants: ['required-email'] }, []],
    ['variant eq-only-filters', { variants: ['eq-only-filters'] }, []],
    ['a target that refuses users without emails although its schema says optional', { insistOnEmails: true, userAttributes: ['name', 'displayName', 'emails', 'active'] }, ['users.create.required-only']],
  ];

  it.each(CASES)('%s: no failure; warnings only %j', async (_name, shape, warned) => {
    const results = Object.values(await runAgainstShape(ALL, shape)).filter((r) => AREAS.has(r.area ?? ''));
    const bad = results.filter((r) => r.status === 'failed' || r.status === 'errored');
    expect(bad.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(results.filter((r) => r.status === 'warned').map((r) => r.id)).toEqual(warned);
  });

  it('messages name the attribute picked (displayName on the minimal schema)', async () => {
    const results = await runAgainstShape(patch.filter((c) => c.id === 'patch.add.single-valued'), { variants: ['minimal-schema'] });
    const t = results['patch.add.single-valued']!;
    expect(t.status).toBe('passed');
    expect(t.transcript.some((e) => (e.request.body ?? '').includes('"path":"displayName"'))).toBe(true);
  });

  it('a User schema with nothing writable but userName skips with that reason', async () => {
    const results = await runAgainstShape(patch.filter((c) => c.id === 'patch.add.single-valued'), { userAttributes: [] });
    expect(results['patch.add.single-valued']?.status).toBe('skipped');
    expect(results['patch.add.single-valued']?.message).toMatch(/^the target's User schema declares no writable single-valued string attribute .* besides userName$/);
  });
});
