/**
 * The schema registry a provider serves under its variants: the same registry the strict provider uses, cut
 * down (`minimal-schema`) or tightened (`required-email`). Everything downstream (validation, PATCH, filters,
 * projection, /Schemas, /ResourceTypes) reads this registry, so the variant changes one value, not code paths.
 */
import { SchemaRegistry } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type AttributeDef, type SchemaDef } from '../scim/types.ts';
import type { VariantSet } from './variants.ts';

/**
 * What `minimal-schema` keeps of the RFC 7643 §4.1 User schema: userName (the only REQUIRED one, §4.1.1) and
 * what most IdPs send. id, externalId and meta are common attributes (RFC 7643 §3.1) and stay regardless.
 */
export const MINIMAL_USER_ATTRIBUTES: readonly string[] = ['userName', 'name', 'displayName', 'emails', 'active'];

const isUserSchema = (s: SchemaDef) => s.id.toLowerCase() === SCHEMA_URN.user.toLowerCase();

function minimalUser(schema: SchemaDef): SchemaDef {
  const keep = new Set(MINIMAL_USER_ATTRIBUTES.map((n) => n.toLowerCase()));
  return { ...schema, attributes: schema.attributes.filter((a) => keep.has(a.name.toLowerCase())) };
}

/** RFC 7643 §2.2 `required` on emails and on its value, so an email without an address does not count. */
function emailsRequired(schema: SchemaDef): SchemaDef {
  const attributes = schema.attributes.map((a): AttributeDef => {
    if (a.name.toLowerCase() !== 'emails') return a;
    return {
      ...a,
      required: true,
      subAttributes: a.subAttributes?.map((s) => (s.name.toLowerCase() === 'value' ? { ...s, required: true } : s)),
    };
  });
  return { ...schema, attributes };
}

export function variantRegistry(base: SchemaRegistry, variants: VariantSet): SchemaRegistry {
  const minimal = variants.has('minimal-schema');
  const requireEmail = variants.has('required-email');
  if (!minimal && !requireEmail) return base;
  let schemas = base.schemas();
  let resourceTypes = base.resourceTypes();
  if (minimal) {
    // No enterprise extension: neither listed on the User resource type nor served under /Schemas (RFC 7643 §6).
    schemas = schemas.filter((s) => s.id.toLowerCase() !== SCHEMA_URN.enterpriseUser.toLowerCase()).map((s) => (isUserSchema(s) ? minimalUser(s) : s));
    resourceTypes = resourceTypes.map((rt) => ({
      ...rt,
      schemaExtensions: (rt.schemaExtensions ?? []).filter((e) => e.schema.toLowerCase() !== SCHEMA_URN.enterpriseUser.toLowerCase()),
    }));
  }
  if (requireEmail) schemas = schemas.map((s) => (isUserSchema(s) ? emailsRequired(s) : s));
  return new SchemaRegistry(schemas, resourceTypes);
}

/** Whether the registry's User schema declares `name` (User.groups, User.password): what variants may drop. */
export function declaresUserAttribute(registry: SchemaRegistry, name: string): boolean {
  return registry.resolve('User', { attr: name }) !== undefined;
}
