/**
 * Grading the JSON body a client sent to one route, headers aside (so Bulk operations reuse it for their
 * `data`): resources on create and replace, PATCH messages, SearchRequests.
 */
import { parseFilter } from '../scim/filter/index.ts';
import { isScimError } from '../scim/errors.ts';
import { findKey, getMember, isPlainObject } from '../scim/resource-access.ts';
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type ResourceTypeDef } from '../scim/types.ts';
import { readOnlyAttributesPresent } from '../scim/validate-resource.ts';
import { gradePatchBody, hasSchema, schemasLacking } from './client-patch.ts';
import type { Route } from './client-route.ts';
import { clientFinding } from './client-rules.ts';
import type { Finding } from './finding.ts';

export interface BodyContext {
  registry: SchemaRegistry;
}

/** What the body of `method` on `route` must be, graded; nothing for routes and methods that take no body. */
export function gradeBody(method: string, route: Route, body: unknown, ctx: BodyContext): Finding[] {
  const m = method.toUpperCase();
  if (m === 'POST' && route.kind === 'collection') return gradeResource(body, 'create', route.rt, undefined, ctx);
  if (m === 'PUT' && route.kind === 'resource') return gradeResource(body, 'replace', route.rt, route.id, ctx);
  if (m === 'PATCH' && route.kind === 'resource') return gradePatchBody(body, { registry: ctx.registry, resourceType: route.rt.name, id: route.id });
  if (m === 'POST' && route.kind === 'search') return gradeSearch(body);
  return [];
}

/** A filter string against the filter grammar (RFC 7644 §3.4.2.2 Figure 1), through the core's parser. */
export function gradeFilter(filter: unknown, where: string): Finding[] {
  if (typeof filter !== 'string') return [clientFinding('client.filter.syntax', `${where} is ${JSON.stringify(filter)}, not a filter string`)];
  try {
    parseFilter(filter);
    return [];
  } catch (e) {
    if (!isScimError(e)) throw e;
    // Entra's documented email match puts the comparison after the brackets; the grammar wants it inside.
    const hint = /\]\.\w+\s+\w+/.test(filter) ? ' (a valuePath takes its comparison inside the brackets: emails[type eq "work" and value eq "…"])' : '';
    return [clientFinding('client.filter.syntax', `${where} ${JSON.stringify(filter)}: ${e.detail}${hint}`)];
  }
}

function gradeSearch(body: unknown): Finding[] {
  if (!isPlainObject(body)) return [clientFinding('client.search.schemas', 'the /.search body is not a JSON object, so it carries no "schemas"')];
  const out: Finding[] = [];
  if (!hasSchema(body, SCHEMA_URN.searchRequest)) {
    out.push(clientFinding('client.search.schemas', schemasLacking(body, SCHEMA_URN.searchRequest)));
  }
  const filter = getMember(body, 'filter');
  if (filter !== undefined && filter !== null) out.push(...gradeFilter(filter, 'the SearchRequest "filter"'));
  return out;
}

/** A User or Group (any resource type) as a create (POST) or a replace (PUT of `id`). */
function gradeResource(body: unknown, mode: 'create' | 'replace', rt: ResourceTypeDef, id: string | undefined, ctx: BodyContext): Finding[] {
  if (!isPlainObject(body)) return [clientFinding('client.schemas.required', `the ${mode} body is not a JSON object, so it carries no "schemas"`)];
  const out: Finding[] = [...gradeResourceSchemas(body, rt)];
  const idKey = findKey(body, 'id');
  const givenId = idKey === undefined ? undefined : body[idKey];
  const idChosen = givenId !== undefined && givenId !== null && (mode === 'create' || givenId !== id);
  if (idChosen) {
    out.push(clientFinding('client.id.specified', mode === 'create' ? `the create body gives "id": ${JSON.stringify(givenId)}` : `the replace of ${id} gives "id": ${JSON.stringify(givenId)}, another id`));
  }
  // RFC 7644 §3.3 / §3.5.1: the service provider ignores the rest; worth knowing, not wrong.
  const readOnly = readOnlyAttributesPresent(body, { registry: ctx.registry, resourceType: rt.name }).filter((label) => !(idChosen && label === 'id'));
  if (readOnly.length > 0) {
    const rule = mode === 'create' ? 'client.create.readonly' : 'client.replace.readonly';
    out.push(clientFinding(rule, `the ${mode} body gives readOnly ${readOnly.map((l) => `'${l}'`).join(', ')}: the service provider ignores ${readOnly.length === 1 ? 'it' : 'them'}`));
  }
  return out;
}

/** RFC 7643 §3: `schemas` present, naming the core schema, every extension whose attributes are present, and nothing foreign. */
function gradeResourceSchemas(body: Record<string, unknown>, rt: ResourceTypeDef): Finding[] {
  const schemas = getMember(body, 'schemas');
  if (!Array.isArray(schemas) || schemas.length === 0 || !schemas.every((s) => typeof s === 'string')) {
    return [clientFinding('client.schemas.required', `"schemas" is ${JSON.stringify(schemas ?? null)}, not a non-empty array of URIs`)];
  }
  const listed = new Set((schemas as string[]).map((s) => s.toLowerCase()));
  const out: Finding[] = [];
  if (!listed.has(rt.schema.toLowerCase())) {
    out.push(clientFinding('client.schemas.required', `"schemas" ${JSON.stringify(schemas)} lacks the ${rt.name} schema "${rt.schema}"`));
  }
  const extensions = (rt.schemaExtensions ?? []).map((e) => e.schema);
  for (const urn of extensions) {
    const key = findKey(body, urn);
    if (key !== undefined && isPlainObject(body[key]) && Object.keys(body[key]).length > 0 && !listed.has(urn.toLowerCase())) {
      out.push(clientFinding('client.schemas.required', `the body has "${key}" attributes but "schemas" does not list "${urn}"`));
    }
  }
  const allowed = new Set([rt.schema, ...extensions].map((s) => s.toLowerCase()));
  const foreign = (schemas as string[]).filter((s) => !allowed.has(s.toLowerCase()));
  if (foreign.length > 0) {
    out.push(clientFinding('client.schemas.foreign', `"schemas" lists ${foreign.map((s) => `"${s}"`).join(', ')}, not a schema or extension of ${rt.name} on this target`));
  }
  return out;
}
