import { describe, expect, it } from 'vitest';
import { parseAttributeList, projectResource } from '../../../src/scim/projection.ts';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { ENTERPRISE, USER, fullUser, group, scimErrorOf } from '../validate/rfc-samples.ts';

const registry = SchemaRegistry.fromSpecs();
const users = { registry, resourceType: 'User' };
const list = parseAttributeList;

describe('projectResource (RFC 7644 §3.4.2.5, RFC 7643 §2.2 returned)', () => {
  it('by default returns everything but returned:never (password)', () => {
    const u = fullUser();
    const { password, ...rest } = u;
    expect(password).toBeDefined();
    expect(projectResource(u, {}, users)).toEqual(rest);
  });

  it('never returns password, even when asked for it by name', () => {
    expect(projectResource(fullUser(), { attributes: list('password,userName') }, users)).toEqual({
      schemas: [USER, ENTERPRISE],
      id: fullUser().id,
      userName: 'bjensen@example.com',
    });
  });

  it('attributes=userName returns schemas, id (always) and userName only (RFC 7644 §3.4.2.5 example)', () => {
    const r = projectResource(fullUser(), { attributes: list('userName') }, users);
    expect(Object.keys(r).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('selects sub-attributes: name.givenName and emails.value', () => {
    const r = projectResource(fullUser(), { attributes: list(' name.givenName , emails.value') }, users);
    expect(r).toEqual({
      schemas: [USER, ENTERPRISE],
      id: fullUser().id,
      name: { givenName: 'Barbara' },
      emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }],
    });
  });

  it('names match case-insensitively and the output keeps the stored spelling', () => {
    const r = projectResource(fullUser(), { attributes: list('USERNAME,Name.GIVENNAME') }, users);
    expect(r).toMatchObject({ userName: 'bjensen@example.com', name: { givenName: 'Barbara' } });
  });

  it('selects extension attributes by qualified name, and a whole extension by its URN', () => {
    const one = projectResource(fullUser(), { attributes: list(`${ENTERPRISE}:department,${ENTERPRISE}:manager.value`) }, users);
    expect(one[ENTERPRISE]).toEqual({ department: 'Tour Operations', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } });
    const whole = projectResource(fullUser(), { attributes: list(ENTERPRISE) }, users);
    expect(whole[ENTERPRISE]).toEqual(fullUser()[ENTERPRISE]);
    expect(whole.userName).toBeUndefined();
    // An unqualified name the core schema lacks is looked up in the extensions, as filters do.
    expect(projectResource(fullUser(), { attributes: list('department') }, users)[ENTERPRISE]).toEqual({ department: 'Tour Operations' });
    expect(projectResource(fullUser(), { attributes: list('shoeSize') }, users)).toEqual({ schemas: [USER, ENTERPRISE], id: fullUser().id });
  });

  it('excludedAttributes removes attributes, sub-attributes and extensions, but never id or schemas', () => {
    const r = projectResource(fullUser(), { excludedAttributes: list(`emails,name.familyName,id,schemas,meta,${ENTERPRISE}`) }, users);
    expect(r.emails).toBeUndefined();
    expect(r.meta).toBeUndefined();
    expect(r[ENTERPRISE]).toBeUndefined();
    expect(r.id).toBe(fullUser().id);
    expect(r.schemas).toEqual([USER, ENTERPRISE]);
    expect(r.name).not.toHaveProperty('familyName');
    expect(r.name).toHaveProperty('givenName', 'Barbara');
    expect(r.userName).toBe('bjensen@example.com');
  });

  it('excluding an extension attribute keeps the rest of the extension; excluding all of it drops the key', () => {
    const r = projectResource(fullUser(), { excludedAttributes: list(`${ENTERPRISE}:manager`) }, users);
    expect(r[ENTERPRISE]).not.toHaveProperty('manager');
    expect(r[ENTERPRISE]).toHaveProperty('department');
  });

  it('with both lists, attributes wins and the exclusions are ignored', () => {
    const r = projectResource(fullUser(), { attributes: list('userName,emails'), excludedAttributes: list('emails') }, users);
    expect(r.emails).toEqual(fullUser().emails);
  });

  it('returns request-only attributes only when named', () => {
    const reg = new SchemaRegistry(
      [
        {
          id: 'urn:example:Thing',
          attributes: [
            { name: 'secretish', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'request', uniqueness: 'none' },
            { name: 'plain', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' },
          ],
        },
      ],
      [{ id: 'Thing', name: 'Thing', endpoint: '/Things', schema: 'urn:example:Thing' }],
    );
    const ctx = { registry: reg, resourceType: 'Thing' };
    const thing = { schemas: ['urn:example:Thing'], id: '1', secretish: 's', plain: 'p' };
    expect(projectResource(thing, {}, ctx)).toEqual({ schemas: ['urn:example:Thing'], id: '1', plain: 'p' });
    expect(projectResource(thing, { attributes: list('secretish') }, ctx)).toEqual({ schemas: ['urn:example:Thing'], id: '1', secretish: 's' });
  });

  it('does not modify its input', () => {
    const g = group();
    const before = structuredClone(g);
    const r = projectResource(g, { attributes: list('members.value') }, { registry, resourceType: 'Group' });
    expect(g).toEqual(before);
    expect(r.members).toEqual([{ value: before.members && (before.members as { value: string }[])[0].value }, { value: (before.members as { value: string }[])[1].value }]);
  });
});

describe('parseAttributeList (RFC 7644 §3.4.2.5)', () => {
  it('splits on commas and tolerates whitespace', () => {
    expect(list(' userName ,name.givenName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value')).toEqual([
      { attr: 'userName' },
      { attr: 'name', subAttr: 'givenName' },
      { schema: ENTERPRISE, attr: 'manager', subAttr: 'value' },
    ]);
    expect(list('')).toEqual([]);
  });

  it('refuses malformed names with invalidValue', () => {
    for (const bad of ['a,,b', 'a b', 'name.given.name', '1abc', 'emails[type eq "work"]']) {
      expect(scimErrorOf(() => list(bad)), bad).toMatchObject({ status: 400, scimType: 'invalidValue' });
    }
  });
});
