import { describe, expect, it } from 'vitest';
import { findKey, getMember, getPathValues, resolvePath } from '../../../src/scim/resource-access.ts';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ctx = { registry: SchemaRegistry.fromSpecs(), resourceType: 'User' };

const user = {
  UserName: 'bjensen',
  name: { GivenName: 'Barbara' },
  emails: [{ value: 'a@x', type: 'work' }, { value: 'b@x', Type: 'home' }, { value: 'c@x' }],
  nullish: null,
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user': { employeeNumber: '42', manager: { value: 'm1' } },
};

describe('findKey / getMember (RFC 7643 §2.1: names are case-insensitive)', () => {
  it('finds the actual key, preferring an exact match', () => {
    expect(findKey(user, 'username')).toBe('UserName');
    expect(findKey({ a: 1, A: 2 }, 'A')).toBe('A');
    expect(findKey(user, 'missing')).toBeUndefined();
    expect(findKey(null, 'x')).toBeUndefined();
    expect(findKey(['x'], '0')).toBeUndefined();
    expect(getMember(user, 'NAME')).toEqual({ GivenName: 'Barbara' });
  });
});

describe('getPathValues', () => {
  it('flattens multi-valued attributes and their sub-attributes', () => {
    expect(getPathValues(user, { attr: 'userName' }, ctx)).toEqual(['bjensen']);
    expect(getPathValues(user, { attr: 'name', subAttr: 'givenName' }, ctx)).toEqual(['Barbara']);
    expect(getPathValues(user, { attr: 'emails', subAttr: 'type' }, ctx)).toEqual(['work', 'home']);
    expect(getPathValues(user, { attr: 'emails' }, ctx)).toHaveLength(3);
    expect(getPathValues(user, { attr: 'nullish' }, ctx)).toEqual([]);
    expect(getPathValues(user, { attr: 'title' }, ctx)).toEqual([]);
  });

  it('reads extension attributes under their URN key, prefixed or not (RFC 7643 §3.3)', () => {
    expect(getPathValues(user, { schema: ENTERPRISE, attr: 'employeeNumber' }, ctx)).toEqual(['42']);
    expect(getPathValues(user, { attr: 'employeeNumber' }, ctx)).toEqual(['42']);
    expect(getPathValues(user, { attr: 'manager', subAttr: 'value' }, ctx)).toEqual(['m1']);
    // The core URN prefix points at the top level.
    expect(getPathValues(user, { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'userName' }, ctx)).toEqual(['bjensen']);
  });

  it('works without a registry for unprefixed core names and explicit URN keys', () => {
    expect(getPathValues(user, { attr: 'userName' })).toEqual(['bjensen']);
    expect(getPathValues(user, { schema: ENTERPRISE, attr: 'employeeNumber' })).toEqual(['42']);
  });

  it('resolvePath falls back to the resource type extensions for unprefixed names', () => {
    expect(resolvePath({ attr: 'employeeNumber' }, ctx)).toMatchObject({ schemaUrn: ENTERPRISE, isExtension: true });
    expect(resolvePath({ attr: 'userName' }, ctx)).toMatchObject({ isExtension: false });
    expect(resolvePath({ attr: 'nope' }, ctx)).toBeUndefined();
  });
});

describe('containerOf', () => {
  it('finds nothing for an extension attribute when the resource has no extension object', () => {
    const plain = { userName: 'x', employeeNumber: 'top-level, not the extension' };
    expect(getPathValues(plain, { schema: ENTERPRISE, attr: 'employeeNumber' }, ctx)).toEqual([]);
    expect(getPathValues(plain, { attr: 'employeeNumber' }, ctx)).toEqual([]);
  });
});
