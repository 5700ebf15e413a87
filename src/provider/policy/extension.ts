/**
 * The User extension that makes a policy's decisions visible (specs/schemas/FilesComUserExtension.json):
 * added to the provider's schema registry only when a policy is active, and filled in on every read.
 */
import { readFileSync } from 'node:fs';
import { SchemaRegistry } from '../../scim/schema-registry.ts';
import type { ResourceTypeDef, SchemaDef, ScimResource } from '../../scim/types.ts';
import { decide, type PolicyRules } from './decide.ts';

/**
 * Not under urn:ietf:params:scim: RFC 7643 §10.2 has IANA register the schemas in that namespace, and this
 * one is ours (docs/policy.md).
 */
export const FILESCOM_USER_URN = 'urn:scimcheck:params:scim:schemas:extension:filescom:2.0:User';

export function readExtensionSchema(): SchemaDef {
  const raw = JSON.parse(readFileSync(new URL('../../../specs/schemas/FilesComUserExtension.json', import.meta.url), 'utf8')) as SchemaDef & {
    schemas?: string[];
  };
  // The registry holds schema definitions; the Schema resource wrapper (schemas, meta) is added by discovery.
  const { schemas: _wrapper, meta: _meta, ...def } = raw;
  return def;
}

/**
 * A registry like `base` with the extension listed on the User resource type (RFC 7643 §6 schemaExtensions,
 * not required: a user without policy data is still a valid User), so /Schemas and /ResourceTypes show it.
 */
export function withPolicyExtension(base: SchemaRegistry): SchemaRegistry {
  const schema = readExtensionSchema();
  const resourceTypes: ResourceTypeDef[] = base.resourceTypes().map((rt) =>
    rt.name === 'User'
      ? { ...rt, schemaExtensions: [...(rt.schemaExtensions ?? []), { schema: FILESCOM_USER_URN, required: false }] }
      : rt,
  );
  return new SchemaRegistry([...base.schemas(), schema], resourceTypes);
}

/** The displayNames of the groups a presented User lists (RFC 7643 §4.1.2 groups.display). */
function groupNamesOf(view: ScimResource): string[] {
  const groups = Array.isArray(view.groups) ? (view.groups as { display?: unknown }[]) : [];
  return groups.map((g) => g.display).filter((d): d is string => typeof d === 'string');
}

/** A presented User with the policy's decision under the extension URN (RFC 7643 §3.3), computed now. */
export function withPolicyDecision(view: ScimResource, rules: PolicyRules): ScimResource {
  const schemas = Array.isArray(view.schemas) ? view.schemas : [];
  // RFC 7643 §3: "schemas" names every schema whose attributes the resource carries.
  const named = schemas.some((s) => s.toLowerCase() === FILESCOM_USER_URN.toLowerCase());
  return {
    ...view,
    schemas: named ? schemas : [...schemas, FILESCOM_USER_URN],
    [FILESCOM_USER_URN]: { ...decide(rules, groupNamesOf(view)) },
  };
}
