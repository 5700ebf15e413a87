/**
 * RFC 7644 §4: the discovery endpoints /ServiceProviderConfig, /Schemas and /ResourceTypes, built from
 * specs/ (RFC 7643 §5-§8.7) with the limits this provider really enforces.
 */
import { readFileSync } from 'node:fs';
import { ScimError, scimError } from '../scim/errors.ts';
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type ListResponse } from '../scim/types.ts';
import type { ProviderLimits } from './options.ts';

type Json = Record<string, unknown>;

function readSpcTemplate(): Json {
  return JSON.parse(readFileSync(new URL('../../specs/service-provider-config.json', import.meta.url), 'utf8')) as Json;
}

export interface Discovery {
  serviceProviderConfig(baseUrl: string): Json;
  schemas(baseUrl: string): ListResponse<Json>;
  schema(baseUrl: string, urn: string): Json;
  resourceTypes(baseUrl: string): ListResponse<Json>;
  resourceType(baseUrl: string, name: string): Json;
}

function listOf(items: Json[]): ListResponse<Json> {
  // RFC 7644 §4: several ResourceTypes or Schemas come back in the ListResponse form.
  return {
    schemas: [SCHEMA_URN.listResponse],
    totalResults: items.length,
    startIndex: 1,
    itemsPerPage: items.length,
    Resources: items,
  };
}

export function createDiscovery(registry: SchemaRegistry, limits: ProviderLimits, authSchemes: ('bearer' | 'basic')[]): Discovery {
  const template = readSpcTemplate();
  // RFC 7643 §5: the SPC advertises what this instance does, so limits come from the live options.
  const spcBody: Json = {
    ...template,
    bulk: { supported: true, maxOperations: limits.bulkMaxOperations, maxPayloadSize: limits.bulkMaxPayloadSize },
    filter: { supported: true, maxResults: limits.maxResults },
    // RFC 7643 §5 changePassword: only where the User schema has a password to change (minimal-schema has none).
    changePassword: { supported: registry.resolve('User', { attr: 'password' }) !== undefined },
    authenticationSchemes: (template.authenticationSchemes as Json[]).filter((s) =>
      s.type === 'oauthbearertoken' ? authSchemes.includes('bearer') : s.type === 'httpbasic' ? authSchemes.includes('basic') : true,
    ),
  };
  delete spcBody.meta;

  const schemaJson = (baseUrl: string, urn: string): Json | undefined => {
    const s = registry.schema(urn);
    if (!s) return undefined;
    // RFC 7643 §7 / §3.1: a Schema resource carries its schemas and meta (resourceType "Schema").
    return {
      schemas: [SCHEMA_URN.schema],
      ...s,
      meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
    };
  };

  const resourceTypeJson = (baseUrl: string, name: string): Json | undefined => {
    const rt = registry.resourceType(name);
    if (!rt || rt.name.toLowerCase() !== name.toLowerCase()) return undefined;
    // RFC 7643 §6: a ResourceType resource, with meta pointing at itself.
    return {
      schemas: [SCHEMA_URN.resourceType],
      ...rt,
      schemaExtensions: rt.schemaExtensions ?? [],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rt.name}` },
    };
  };

  return {
    serviceProviderConfig: (baseUrl) => ({
      ...spcBody,
      meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
    }),
    schemas: (baseUrl) => listOf(registry.schemas().map((s) => schemaJson(baseUrl, s.id)!)),
    schema: (baseUrl, urn) => {
      const s = schemaJson(baseUrl, urn);
      // RFC 7644 §3.4.1: an unknown resource is 404.
      if (!s) throw scimError.notFound(`Schema '${urn}' not found`);
      return s;
    },
    resourceTypes: (baseUrl) => listOf(registry.resourceTypes().map((rt) => resourceTypeJson(baseUrl, rt.name)!)),
    resourceType: (baseUrl, name) => {
      const rt = resourceTypeJson(baseUrl, name);
      if (!rt) throw scimError.notFound(`ResourceType '${name}' not found`);
      return rt;
    },
  };
}

/** RFC 7644 §4: discovery ignores query parameters, but a filter SHOULD be refused with 403 so nobody trusts it. */
export function refuseDiscoveryFilter(url: URL): void {
  if (url.searchParams.has('filter')) {
    throw new ScimError(403, 'Filtering is not supported on discovery endpoints (RFC 7644 §4)');
  }
}
