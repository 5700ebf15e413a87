/** Sample resources for the filter tests, shaped like the RFC 7643 §8 examples. */
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import type { FilterContext } from '../../../src/scim/filter/evaluate.ts';
import type { ScimResource } from '../../../src/scim/types.ts';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const registry = SchemaRegistry.fromSpecs();
export const userCtx: FilterContext = { registry, resourceType: 'User' };
export const groupCtx: FilterContext = { registry, resourceType: 'Group' };

export const users: Record<'A' | 'B' | 'C' | 'D', ScimResource> = {
  // An employee with a work email at example.com and an enterprise extension.
  A: {
    schemas: [CORE_USER, ENTERPRISE],
    id: 'a1b2c3',
    externalId: 'ExtA',
    userName: 'john',
    name: { familyName: "O'Malley", givenName: 'John' },
    title: 'Tour Guide',
    userType: 'Employee',
    active: true,
    emails: [
      { value: 'john@example.com', type: 'work', primary: true },
      { value: 'john@home.org', type: 'home' },
    ],
    meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:35Z' },
    [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'boss-1', displayName: 'The Boss' } },
  },
  // An intern without a title, with an xmpp IM at foo.com.
  B: {
    schemas: [CORE_USER],
    id: 'b2',
    userName: 'Jane',
    name: { familyName: 'Doe', givenName: 'Jane' },
    userType: 'Intern',
    active: false,
    emails: [{ value: 'jane@example.org', type: 'home' }],
    ims: [{ value: 'jane@foo.com', type: 'xmpp' }],
    meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34Z' },
  },
  // A work email and an @example.com email, but not in the same element; an empty title.
  C: {
    schemas: [CORE_USER],
    id: 'c3',
    userName: 'jSmith',
    title: '',
    userType: 'Contractor',
    emails: [
      { value: 'x@example.com', type: 'home' },
      { value: 'y@other.net', type: 'work' },
    ],
    // The same instant as B's lastModified, written with an offset: later as a string, equal as a time.
    meta: { resourceType: 'User', lastModified: '2011-05-13T06:42:34+02:00' },
  },
  // Few attributes: no userType, no emails, empty name.
  D: {
    schemas: [CORE_USER],
    id: 'd4',
    userName: 'mary',
    name: {},
    emails: [],
    meta: { resourceType: 'User', lastModified: '2010-01-01T00:00:00Z' },
  },
};

export const group: ScimResource = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g1',
  displayName: 'Tour Guides',
  members: [
    { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen', type: 'User' },
    { value: '902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge', type: 'User' },
  ],
};
