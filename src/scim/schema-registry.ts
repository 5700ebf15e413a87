/**
 * The run-time view of SCIM schemas and resource types (RFC 7643 §6, §7): which attributes a resource
 * type has and what their characteristics are. Pure after construction: the filter evaluator, the
 * PATCH engine, projection and the harness ask it; only `fromSpecs` touches the file system.
 */
import { readFileSync } from 'node:fs';
import { COMMON_ATTRIBUTES, deepFreeze } from './core-attributes.ts';
import type { AttrPath, AttributeDef, AttributeType, ResourceTypeDef, SchemaDef } from './types.ts';

export interface ResolvedAttr {
  /** The URN of the schema that defines the attribute, as the schema spells it. */
  schemaUrn: string;
  isExtension: boolean;
  attr: AttributeDef;
  /** Set when the path named a sub-attribute of `attr`. */
  sub?: AttributeDef;
}

export interface SchemaOfType {
  schema: SchemaDef;
  isExtension: boolean;
  required: boolean;
}

const lower = (s: string) => s.toLowerCase();

function findByName(attrs: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  // RFC 7643 §2.1: attribute names are case insensitive.
  const key = lower(name);
  return attrs?.find((a) => lower(a.name) === key);
}

export class SchemaRegistry {
  readonly #schemas: readonly SchemaDef[];
  readonly #resourceTypes: readonly ResourceTypeDef[];
  readonly #byUrn: ReadonlyMap<string, SchemaDef>;
  // Memos of pure lookups (the registry is frozen): projection and validation ask them for every key of
  // every resource rendered, which was ~15 % of a GET's CPU (docs/provider.md, Benchmarks). Only found
  // answers are kept, keyed case-folded, so the memo is bounded by the schemas, not by what clients send.
  readonly #schemasOf = new Map<string, readonly SchemaOfType[]>();
  readonly #resolved = new Map<string, ResolvedAttr>();

  constructor(schemas: SchemaDef[], resourceTypes: ResourceTypeDef[]) {
    // Copies, frozen: callers cannot change what another caller resolves against.
    this.#schemas = deepFreeze(structuredClone(schemas));
    this.#resourceTypes = deepFreeze(structuredClone(resourceTypes));
    const byUrn = new Map<string, SchemaDef>();
    // RFC 7643 §2.1 / RFC 7644 §3.10: URNs compare case-insensitively; the first definition wins.
    for (const s of this.#schemas) if (!byUrn.has(lower(s.id))) byUrn.set(lower(s.id), s);
    this.#byUrn = byUrn;
  }

  /** The registry of the reference provider: specs/schemas/{User,Group,EnterpriseUser}.json + specs/resource-types.json. */
  static fromSpecs(): SchemaRegistry {
    const { schemas, resourceTypes } = loadSpecs();
    return new SchemaRegistry(schemas as SchemaDef[], resourceTypes as ResourceTypeDef[]);
  }

  schemas(): SchemaDef[] {
    return [...this.#schemas];
  }

  resourceTypes(): ResourceTypeDef[] {
    return [...this.#resourceTypes];
  }

  schema(urn: string): SchemaDef | undefined {
    return this.#byUrn.get(lower(urn));
  }

  /** By name ('User') or endpoint ('/Users', 'Users'), case-insensitively. */
  resourceType(nameOrEndpoint: string): ResourceTypeDef | undefined {
    const key = lower(nameOrEndpoint);
    const asEndpoint = key.startsWith('/') ? key : `/${key}`;
    return (
      this.#resourceTypes.find((rt) => lower(rt.name) === key) ??
      this.#resourceTypes.find((rt) => lower(rt.endpoint) === asEndpoint)
    );
  }

  /** Schemas (core first, then extensions) of a resource type. Unknown schemas are left out. */
  schemasOf(resourceType: string): SchemaOfType[] {
    const rt = this.resourceType(resourceType);
    if (!rt) return [];
    const known = this.#schemasOf.get(rt.name);
    // A copy: callers own the array they get.
    if (known) return [...known];
    const out: SchemaOfType[] = [];
    const core = this.schema(rt.schema);
    // RFC 7643 §6: `schema` is the base schema; resources of the type always carry it.
    if (core) out.push({ schema: core, isExtension: false, required: true });
    for (const ext of rt.schemaExtensions ?? []) {
      const s = this.schema(ext.schema);
      if (s) out.push({ schema: s, isExtension: true, required: ext.required });
    }
    this.#schemasOf.set(rt.name, Object.freeze(out.map((o) => Object.freeze(o))));
    return [...out];
  }

  /**
   * Resolves an attribute path within a resource type (RFC 7644 §3.10 attribute notation).
   * With a URN only that schema is searched; without, the core schema and then the common
   * attributes (RFC 7643 §3.1). `schemas` is not an attribute. Undefined when unknown.
   */
  resolve(resourceType: string, path: AttrPath): ResolvedAttr | undefined {
    // Every step below compares case-insensitively, so the case-folded inputs decide the answer. Names that
    // resolve hold no newline, so a key with exactly three is never shared with an input that does not resolve.
    const key = `${lower(resourceType)}\n${lower(path.schema ?? '')}\n${lower(path.attr)}\n${path.subAttr === undefined ? '' : `.${lower(path.subAttr)}`}`;
    const known = this.#resolved.get(key);
    if (known) return known;
    const found = this.#resolveUncached(resourceType, path);
    if (found) this.#resolved.set(key, Object.freeze(found));
    return found;
  }

  #resolveUncached(resourceType: string, path: AttrPath): ResolvedAttr | undefined {
    const rt = this.resourceType(resourceType);
    if (!rt) return undefined;
    const { schema: urn, attr: attrName, subAttr } = splitUrn(path);
    // RFC 7643 §3: "schemas" lists the resource's schemas; it is not an attribute of any of them.
    if (!urn && lower(attrName) === 'schemas') return undefined;
    const owned = this.schemasOf(rt.name);
    let found: { schema: SchemaDef; isExtension: boolean; attr: AttributeDef } | undefined;
    if (urn) {
      const owner = owned.find((o) => lower(o.schema.id) === lower(urn));
      if (!owner) return undefined;
      const a = findByName(owner.schema.attributes, attrName) ?? (owner.isExtension ? undefined : findByName(COMMON_ATTRIBUTES, attrName));
      if (a) found = { schema: owner.schema, isExtension: owner.isExtension, attr: a };
    } else {
      const core = owned.find((o) => !o.isExtension);
      if (!core) return undefined;
      const a = findByName(core.schema.attributes, attrName) ?? findByName(COMMON_ATTRIBUTES, attrName);
      if (a) found = { schema: core.schema, isExtension: false, attr: a };
    }
    if (!found) return undefined;
    const resolved: ResolvedAttr = { schemaUrn: found.schema.id, isExtension: found.isExtension, attr: found.attr };
    if (subAttr === undefined) return resolved;
    // RFC 7643 §2.3.8: only complex attributes have sub-attributes.
    const sub = findByName(found.attr.subAttributes, subAttr);
    return sub ? { ...resolved, sub } : undefined;
  }
}

/**
 * A path whose attr still carries its URN (`urn:...:User:userName`, not split by the caller) is split
 * at the last colon, as RFC 7644 §3.10 writes fully qualified names.
 */
function splitUrn(path: AttrPath): AttrPath {
  if (path.schema || !path.attr.includes(':')) return path;
  const at = path.attr.lastIndexOf(':');
  return { schema: path.attr.slice(0, at), attr: path.attr.slice(at + 1), subAttr: path.subAttr };
}

const SPEC_SCHEMA_FILES = ['User.json', 'Group.json', 'EnterpriseUser.json'] as const;

interface LoadedSpecs {
  readonly schemas: readonly unknown[];
  readonly resourceTypes: readonly unknown[];
}

// The only module-level state: the parsed spec files, read once and frozen (never mutated after).
const specCache: { value?: LoadedSpecs } = {};

function loadSpecs(): LoadedSpecs {
  if (specCache.value) return specCache.value;
  const dir = new URL('../../specs/', import.meta.url);
  const read = (rel: string): unknown => JSON.parse(readFileSync(new URL(rel, dir), 'utf8'));
  const loaded: LoadedSpecs = deepFreeze({
    schemas: SPEC_SCHEMA_FILES.map((f) => read(`schemas/${f}`)),
    resourceTypes: read('resource-types.json') as unknown[],
  });
  specCache.value = loaded;
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Building a registry from what a foreign target's discovery endpoints returned.

const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary', 'complex'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'] as const;
const RETURNED = ['always', 'never', 'default', 'request'] as const;
const UNIQUENESS = ['none', 'server', 'global'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A keyword from `allowed`, matched case-insensitively (targets write 'ReadOnly', 'DATETIME'...). */
function keyword<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  if (typeof v !== 'string') return fallback;
  return allowed.find((k) => lower(k) === lower(v.trim())) ?? fallback;
}

/** A boolean, tolerating the string forms "true"/"false" some targets send. */
function flag(v: unknown, fallback: boolean): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return lower(v.trim()) === 'true';
  return fallback;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function normalizeAttribute(raw: unknown, depth: number): AttributeDef | undefined {
  if (!isObject(raw) || typeof raw.name !== 'string' || raw.name === '') return undefined;
  // RFC 7643 §2.3.8: complex attributes nest one level only; deeper sub-attributes are dropped.
  const subAttributes =
    depth === 0 && Array.isArray(raw.subAttributes)
      ? raw.subAttributes.map((s) => normalizeAttribute(s, depth + 1)).filter((s): s is AttributeDef => !!s)
      : undefined;
  // RFC 7643 §2.2: an unsaid type is "string"; an untyped attribute with sub-attributes can only be complex.
  const typeFallback: AttributeType = subAttributes && subAttributes.length > 0 ? 'complex' : 'string';
  const attr: AttributeDef = {
    name: raw.name,
    type: keyword(raw.type, ATTRIBUTE_TYPES, typeFallback),
    // RFC 7643 §2.2 defaults: single-valued, optional, case-insensitive, readWrite, returned by default, not unique.
    multiValued: flag(raw.multiValued, false),
    required: flag(raw.required, false),
    caseExact: flag(raw.caseExact, false),
    mutability: keyword(raw.mutability, MUTABILITY, 'readWrite'),
    returned: keyword(raw.returned, RETURNED, 'default'),
    uniqueness: keyword(raw.uniqueness, UNIQUENESS, 'none'),
  };
  if (typeof raw.description === 'string') attr.description = raw.description;
  const canonicalValues = strings(raw.canonicalValues);
  if (canonicalValues && canonicalValues.length > 0) attr.canonicalValues = canonicalValues;
  const referenceTypes = strings(raw.referenceTypes);
  if (referenceTypes && referenceTypes.length > 0) attr.referenceTypes = referenceTypes;
  if (subAttributes && subAttributes.length > 0) attr.subAttributes = subAttributes;
  return attr;
}

function normalizeSchema(raw: unknown): SchemaDef | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  const attributes = Array.isArray(raw.attributes)
    ? raw.attributes.map((a) => normalizeAttribute(a, 0)).filter((a): a is AttributeDef => !!a)
    : [];
  const schema: SchemaDef = { id: raw.id, attributes };
  if (typeof raw.name === 'string') schema.name = raw.name;
  if (typeof raw.description === 'string') schema.description = raw.description;
  return schema;
}

function normalizeResourceType(raw: unknown): ResourceTypeDef | undefined {
  // RFC 7643 §6: name, endpoint and schema are required; without them the type cannot be used.
  if (!isObject(raw) || typeof raw.name !== 'string' || typeof raw.endpoint !== 'string' || typeof raw.schema !== 'string') {
    return undefined;
  }
  // Some targets advertise absolute endpoint URLs; keep the path after the last '/' segment name.
  let endpoint = raw.endpoint.trim();
  if (/^https?:\/\//i.test(endpoint)) endpoint = endpoint.replace(/\/+$/, '').replace(/^.*\//, '/');
  if (!endpoint.startsWith('/')) endpoint = `/${endpoint}`;
  const rt: ResourceTypeDef = {
    id: typeof raw.id === 'string' ? raw.id : raw.name,
    name: raw.name,
    endpoint,
    schema: raw.schema,
  };
  if (typeof raw.description === 'string') rt.description = raw.description;
  if (Array.isArray(raw.schemaExtensions)) {
    rt.schemaExtensions = raw.schemaExtensions
      .filter((e): e is Record<string, unknown> => isObject(e) && typeof e.schema === 'string')
      // RFC 7643 §6: an extension whose `required` is unsaid is taken as optional.
      .map((e) => ({ schema: e.schema as string, required: flag(e.required, false) }));
  }
  return rt;
}

/**
 * Builds a registry from a foreign target's /Schemas and /ResourceTypes resources, tolerating
 * missing characteristics (filled with RFC 7643 §2.2 defaults) and dropping entries it cannot use.
 */
export function registryFromDiscovery(schemas: unknown[], resourceTypes: unknown[]): SchemaRegistry {
  const s = (Array.isArray(schemas) ? schemas : []).map(normalizeSchema).filter((x): x is SchemaDef => !!x);
  const rts = (Array.isArray(resourceTypes) ? resourceTypes : [])
    .map(normalizeResourceType)
    .filter((x): x is ResourceTypeDef => !!x);
  return new SchemaRegistry(s, rts);
}
