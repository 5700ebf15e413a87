/**
 * The `schemas` attribute every resource carries (RFC 7643 §3), also when `attributes` / `excludedAttributes`
 * shape it: it is not an attribute a projection can name or drop. Pure over ctx.target.
 */
import type { CheckContext } from '../../check.ts';
import { attr } from './attributes.ts';
import { userSchemaView } from './user-schema.ts';

export const SCHEMAS_QUOTE = 'The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing URIs.';

/** Fails unless `resource.schemas` is an array of strings listing the target's core User schema URN. */
export function expectUserSchemas(ctx: CheckContext, resource: unknown, what: string): void {
  const core = userSchemaView(ctx.target).core.id;
  const schemas = attr(resource, 'schemas');
  const ok = Array.isArray(schemas) && schemas.every((s) => typeof s === 'string') && schemas.some((s: string) => s.toLowerCase() === core.toLowerCase());
  if (!ok) ctx.fail(`${what}: schemas must be returned, listing ${core}`, { expected: { schemas: [core] }, actual: { schemas: schemas ?? '(absent)' } });
}
