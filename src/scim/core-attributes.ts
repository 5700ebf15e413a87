/**
 * The common attributes every resource carries (RFC 7643 §3.1). They belong to no schema, so the
 * schema representations of §8.7.1 leave them out; the registry resolves them with these definitions.
 */
import type { AttributeDef } from './types.ts';

function attr(def: Partial<AttributeDef> & Pick<AttributeDef, 'name' | 'type'>): AttributeDef {
  // RFC 7643 §2.2: characteristics left unsaid take these defaults.
  return {
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...def,
  };
}

export const COMMON_ATTRIBUTES: readonly AttributeDef[] = Object.freeze([
  // RFC 7643 §3.1: id is issued by the provider, always returned, case-exact, unique, never set by clients.
  attr({
    name: 'id',
    type: 'string',
    description: 'A unique identifier for the resource, issued by the service provider.',
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  // RFC 7643 §3.1: externalId is the client's identifier for the resource; case-exact.
  attr({
    name: 'externalId',
    type: 'string',
    description: 'An identifier for the resource as defined by the provisioning client.',
    caseExact: true,
  }),
  // RFC 7643 §3.1: meta is complex and read-only; the provider maintains every sub-attribute.
  attr({
    name: 'meta',
    type: 'complex',
    description: 'Resource metadata maintained by the service provider.',
    mutability: 'readOnly',
    subAttributes: [
      attr({ name: 'resourceType', type: 'string', description: 'The name of the resource type.', caseExact: true, mutability: 'readOnly' }),
      attr({ name: 'created', type: 'dateTime', description: 'When the resource was added.', mutability: 'readOnly' }),
      attr({ name: 'lastModified', type: 'dateTime', description: 'When the resource was last changed.', mutability: 'readOnly' }),
      attr({ name: 'location', type: 'reference', description: 'The URI of the resource.', caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attr({ name: 'version', type: 'string', description: 'The version (ETag) of the resource.', caseExact: true, mutability: 'readOnly' }),
    ],
  }),
].map(deepFreeze));

/** Freezes a value and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
