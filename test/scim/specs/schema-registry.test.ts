import { describe, expect, it } from 'vitest';
import { registryFromDiscovery, SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { SCHEMA_URN, type AttributeDef } from '../../../src/scim/types.ts';

const reg = SchemaRegistry.fromSpecs();
const ENT = SCHEMA_URN.enterpriseUser;

type Expect = Partial<Omit<AttributeDef, 'subAttributes' | 'description'>>;
const rfcDefault: Expect = { multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' };

function expectAttr(rt: string, path: { schema?: string; attr: string; subAttr?: string }, want: Expect) {
  const r = reg.resolve(rt, path);
  expect(r, JSON.stringify(path)).toBeDefined();
  const got = path.subAttr ? r!.sub! : r!.attr;
  expect(got.name.toLowerCase()).toBe((path.subAttr ?? path.attr).toLowerCase());
  expect(got).toMatchObject({ ...rfcDefault, ...want });
  return r!;
}

// RFC 7643 §8.7.1 (User), with the errata fixes documented in docs/specs.md.
const USER_TOP: Record<string, Expect> = {
  userName: { type: 'string', required: true, uniqueness: 'server' },
  name: { type: 'complex' },
  displayName: { type: 'string' },
  nickName: { type: 'string' },
  profileUrl: { type: 'reference', referenceTypes: ['external'] },
  title: { type: 'string' },
  userType: { type: 'string' },
  preferredLanguage: { type: 'string' },
  locale: { type: 'string' },
  timezone: { type: 'string' },
  active: { type: 'boolean' },
  password: { type: 'string', mutability: 'writeOnly', returned: 'never', caseExact: true },
  emails: { type: 'complex', multiValued: true },
  phoneNumbers: { type: 'complex', multiValued: true },
  ims: { type: 'complex', multiValued: true },
  photos: { type: 'complex', multiValued: true },
  addresses: { type: 'complex', multiValued: true },
  groups: { type: 'complex', multiValued: true, mutability: 'readOnly' },
  entitlements: { type: 'complex', multiValued: true },
  roles: { type: 'complex', multiValued: true },
  x509Certificates: { type: 'complex', multiValued: true },
};

const USER_SUBS: Record<string, Record<string, Expect>> = {
  name: Object.fromEntries(['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => [n, { type: 'string' }])),
  emails: { value: { type: 'string' }, display: { type: 'string' }, type: { type: 'string', canonicalValues: ['work', 'home', 'other'] }, primary: { type: 'boolean' } },
  phoneNumbers: { value: { type: 'string' }, display: {}, type: { canonicalValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'] }, primary: { type: 'boolean' } },
  ims: { value: {}, display: {}, type: { canonicalValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'] }, primary: { type: 'boolean' } },
  photos: { value: { type: 'reference', referenceTypes: ['external'] }, display: {}, type: { canonicalValues: ['photo', 'thumbnail'] }, primary: { type: 'boolean' } },
  addresses: {
    formatted: {}, streetAddress: {}, locality: {}, region: {}, postalCode: {}, country: {},
    type: { canonicalValues: ['work', 'home', 'other'] }, primary: { type: 'boolean' },
  },
  groups: {
    value: { mutability: 'readOnly' },
    $ref: { type: 'reference', mutability: 'readOnly' },
    display: { mutability: 'readOnly' },
    type: { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] },
  },
  entitlements: { value: {}, display: {}, type: {}, primary: { type: 'boolean' } },
  roles: { value: {}, display: {}, type: {}, primary: { type: 'boolean' } },
  x509Certificates: { value: { type: 'binary' }, display: {}, type: {}, primary: { type: 'boolean' } },
};

describe('SchemaRegistry.fromSpecs: User (RFC 7643 §4.1, §8.7.1)', () => {
  it('has exactly the §8.7.1 User attributes', () => {
    const names = reg.schema(SCHEMA_URN.user)!.attributes.map((a) => a.name);
    expect(names.sort()).toEqual(Object.keys(USER_TOP).sort());
  });

  for (const [name, want] of Object.entries(USER_TOP)) {
    it(`resolves ${name}`, () => {
      const r = expectAttr('User', { attr: name }, want);
      expect(r).toMatchObject({ schemaUrn: SCHEMA_URN.user, isExtension: false });
      expect(r.sub).toBeUndefined();
    });
  }

  for (const [parent, subs] of Object.entries(USER_SUBS)) {
    it(`resolves every sub-attribute of ${parent}`, () => {
      const declared = reg.resolve('User', { attr: parent })!.attr.subAttributes!.map((s) => s.name);
      expect(declared.sort()).toEqual(Object.keys(subs).sort());
      for (const [sub, want] of Object.entries(subs)) expectAttr('User', { attr: parent, subAttr: sub }, want);
    });
  }

  it('gives every attribute every characteristic (no gaps for consumers to guess)', () => {
    for (const s of reg.schemas()) {
      const walk = (attrs: AttributeDef[]) => {
        for (const a of attrs) {
          for (const k of ['name', 'type', 'multiValued', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'] as const) {
            expect(a[k], `${s.id}:${a.name}.${k}`).not.toBeUndefined();
          }
          expect(a.type === 'complex', `${s.id}:${a.name} complex iff sub-attributes`).toBe(!!a.subAttributes);
          if (a.subAttributes) walk(a.subAttributes);
        }
      };
      walk(s.attributes);
    }
  });
});

describe('SchemaRegistry.fromSpecs: Group (RFC 7643 §4.2, §8.7.1)', () => {
  it('resolves displayName as required (errata fix) and members as multi-valued complex', () => {
    expectAttr('Group', { attr: 'displayName' }, { type: 'string', required: true });
    expectAttr('Group', { attr: 'members' }, { type: 'complex', multiValued: true });
    expect(reg.schema(SCHEMA_URN.group)!.attributes.map((a) => a.name)).toEqual(['displayName', 'members']);
  });

  it('makes the sub-attributes of members immutable', () => {
    expectAttr('Group', { attr: 'members', subAttr: 'value' }, { mutability: 'immutable', required: true });
    expectAttr('Group', { attr: 'members', subAttr: '$ref' }, { type: 'reference', mutability: 'immutable', referenceTypes: ['User', 'Group'] });
    expectAttr('Group', { attr: 'members', subAttr: 'display' }, { mutability: 'immutable' });
    expectAttr('Group', { attr: 'members', subAttr: 'type' }, { mutability: 'immutable', canonicalValues: ['User', 'Group'] });
  });

  it('does not resolve User attributes on a Group', () => {
    expect(reg.resolve('Group', { attr: 'userName' })).toBeUndefined();
    expect(reg.resolve('Group', { schema: SCHEMA_URN.user, attr: 'userName' })).toBeUndefined();
  });
});

describe('SchemaRegistry.fromSpecs: Enterprise User extension (RFC 7643 §4.3)', () => {
  for (const n of ['employeeNumber', 'costCenter', 'organization', 'division', 'department']) {
    it(`resolves ${n} only with the extension URN`, () => {
      const r = expectAttr('User', { schema: ENT, attr: n }, { type: 'string' });
      expect(r).toMatchObject({ schemaUrn: ENT, isExtension: true });
      // Without a URN the core schema and the common attributes are searched, nothing else.
      expect(reg.resolve('User', { attr: n })).toBeUndefined();
    });
  }

  it('resolves manager and its sub-attributes (urn:...:User:manager.value)', () => {
    expectAttr('User', { schema: ENT, attr: 'manager' }, { type: 'complex' });
    expectAttr('User', { schema: ENT, attr: 'manager', subAttr: 'value' }, { type: 'string' });
    expectAttr('User', { schema: ENT, attr: 'manager', subAttr: '$ref' }, { type: 'reference', referenceTypes: ['User'] });
    expectAttr('User', { schema: ENT, attr: 'manager', subAttr: 'displayName' }, { mutability: 'readOnly' });
  });

  it('splits a fully qualified name left in attr', () => {
    const r = reg.resolve('User', { attr: `${ENT}:manager`, subAttr: 'value' });
    expect(r).toMatchObject({ schemaUrn: ENT, isExtension: true, attr: { name: 'manager' }, sub: { name: 'value' } });
    expect(reg.resolve('User', { attr: `${SCHEMA_URN.user}:userName` })?.attr.name).toBe('userName');
  });

  it('lists core first then the optional extension', () => {
    expect(reg.schemasOf('User').map((s) => [s.schema.id, s.isExtension, s.required])).toEqual([
      [SCHEMA_URN.user, false, true],
      [ENT, true, false],
    ]);
    expect(reg.schemasOf('/Groups').map((s) => s.schema.id)).toEqual([SCHEMA_URN.group]);
    expect(reg.schemasOf('Nope')).toEqual([]);
  });
});

describe('common attributes (RFC 7643 §3.1)', () => {
  for (const rt of ['User', 'Group']) {
    it(`resolves id, externalId and meta on ${rt}`, () => {
      expectAttr(rt, { attr: 'id' }, { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' });
      expectAttr(rt, { attr: 'externalId' }, { mutability: 'readWrite', caseExact: true });
      expectAttr(rt, { attr: 'meta' }, { type: 'complex', mutability: 'readOnly' });
      expectAttr(rt, { attr: 'meta', subAttr: 'created' }, { type: 'dateTime', mutability: 'readOnly' });
      expectAttr(rt, { attr: 'meta', subAttr: 'lastModified' }, { type: 'dateTime', mutability: 'readOnly' });
      expectAttr(rt, { attr: 'meta', subAttr: 'location' }, { type: 'reference', mutability: 'readOnly', caseExact: true });
      expectAttr(rt, { attr: 'meta', subAttr: 'resourceType' }, { mutability: 'readOnly', caseExact: true });
      expectAttr(rt, { attr: 'meta', subAttr: 'version' }, { mutability: 'readOnly', caseExact: true });
    });
  }

  it('resolves common attributes under the core URN but not under an extension URN', () => {
    expect(reg.resolve('User', { schema: SCHEMA_URN.user, attr: 'id' })?.attr.name).toBe('id');
    expect(reg.resolve('User', { schema: ENT, attr: 'id' })).toBeUndefined();
  });

  it('does not treat schemas as an attribute', () => {
    expect(reg.resolve('User', { attr: 'schemas' })).toBeUndefined();
    expect(reg.resolve('Group', { attr: 'SCHEMAS' })).toBeUndefined();
  });
});

describe('case-insensitivity (RFC 7643 §2.1) and unknowns', () => {
  it('matches attribute, sub-attribute, URN, resource type and endpoint names in any case', () => {
    const r = reg.resolve('user', { attr: 'USERNAME' });
    expect(r?.attr.name).toBe('userName');
    expect(reg.resolve('/users', { attr: 'emails', subAttr: 'VALUE' })?.sub?.name).toBe('value');
    expect(reg.resolve('USER', { schema: ENT.toUpperCase(), attr: 'Manager', subAttr: 'DisplayName' })).toMatchObject({
      schemaUrn: ENT,
      sub: { name: 'displayName' },
    });
    expect(reg.schema(SCHEMA_URN.group.toLowerCase())?.id).toBe(SCHEMA_URN.group);
    expect(reg.resourceType('GROUPS')?.name).toBe('Group');
    expect(reg.resourceType('/Users')?.name).toBe('User');
  });

  it('returns undefined for unknown attributes, sub-attributes, schemas and resource types', () => {
    expect(reg.resolve('User', { attr: 'shoeSize' })).toBeUndefined();
    expect(reg.resolve('User', { attr: 'name', subAttr: 'nickName' })).toBeUndefined();
    expect(reg.resolve('User', { attr: 'userName', subAttr: 'value' })).toBeUndefined();
    expect(reg.resolve('User', { schema: 'urn:example:nope', attr: 'userName' })).toBeUndefined();
    expect(reg.resolve('Device', { attr: 'id' })).toBeUndefined();
    expect(reg.schema('urn:example:nope')).toBeUndefined();
    expect(reg.resourceType('Device')).toBeUndefined();
  });

  it('keeps its data frozen so one consumer cannot change what another sees', () => {
    const userName = reg.resolve('User', { attr: 'userName' })!.attr;
    expect(() => {
      (userName as { required: boolean }).required = false;
    }).toThrow(TypeError);
    expect(SchemaRegistry.fromSpecs().resolve('User', { attr: 'userName' })!.attr.required).toBe(true);
  });
});

describe('registryFromDiscovery', () => {
  const FOREIGN = 'urn:example:params:scim:schemas:Widget';

  it('fills missing characteristics with RFC 7643 §2.2 defaults', () => {
    const r = registryFromDiscovery(
      [{ id: FOREIGN, attributes: [{ name: 'label' }, { name: 'parts', subAttributes: [{ name: 'sku', caseExact: true }] }] }],
      [{ name: 'Widget', endpoint: '/Widgets', schema: FOREIGN }],
    );
    expect(r.resolve('Widget', { attr: 'label' })!.attr).toEqual({ name: 'label', type: 'string', ...rfcDefault });
    // An untyped attribute that has sub-attributes can only be complex.
    expect(r.resolve('Widget', { attr: 'parts' })!.attr.type).toBe('complex');
    expect(r.resolve('Widget', { attr: 'parts', subAttr: 'SKU' })!.sub).toEqual({ name: 'sku', type: 'string', ...rfcDefault, caseExact: true });
    expect(r.resourceType('/widgets')).toMatchObject({ id: 'Widget', name: 'Widget', endpoint: '/Widgets' });
    expect(r.resolve('Widget', { attr: 'id' })?.attr.returned).toBe('always');
  });

  it('normalizes keyword case and string booleans, and drops what it cannot use', () => {
    const r = registryFromDiscovery(
      [
        {
          id: SCHEMA_URN.user,
          attributes: [
            { name: 'userName', type: 'STRING', required: 'true', mutability: 'READWRITE', uniqueness: 'Server', returned: 'bogus' },
            { name: 'when', type: 'datetime' },
            { type: 'string' },
            'junk',
          ],
        },
        { attributes: [] },
        null,
      ],
      [
        { name: 'User', endpoint: 'https://sp.example/scim/v2/Users', schema: SCHEMA_URN.user, schemaExtensions: [{ schema: 'urn:x:ext' }, { nope: 1 }] },
        { name: 'Broken' },
      ],
    );
    expect(r.schemas().map((s) => s.id)).toEqual([SCHEMA_URN.user]);
    expect(r.schema(SCHEMA_URN.user)!.attributes.map((a) => a.name)).toEqual(['userName', 'when']);
    expect(r.resolve('User', { attr: 'userName' })!.attr).toMatchObject({ type: 'string', required: true, mutability: 'readWrite', uniqueness: 'server', returned: 'default' });
    expect(r.resolve('User', { attr: 'when' })!.attr.type).toBe('dateTime');
    expect(r.resourceTypes()).toEqual([
      { id: 'User', name: 'User', endpoint: '/Users', schema: SCHEMA_URN.user, schemaExtensions: [{ schema: 'urn:x:ext', required: false }] },
    ]);
    // The extension is advertised but its schema was not: it is left out rather than invented.
    expect(r.schemasOf('User').map((s) => s.schema.id)).toEqual([SCHEMA_URN.user]);
  });

  it('round-trips our own specs unchanged', () => {
    const r = registryFromDiscovery(reg.schemas(), reg.resourceTypes());
    for (const s of reg.schemas()) {
      const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'meta' || k === 'schemas' ? undefined : v)));
      expect(strip(r.schema(s.id))).toEqual(strip(s));
    }
  });
});
