/**
 * Fixtures: valid payloads built from the target's own schemas (RFC 7643 §7 `required`), and resources
 * created for checks, every one registered so the run deletes it at the end, even after failures.
 * Every name carries the run prefix (DESIGN.md), so leftovers are recognisable and never collide.
 */
import { randomBytes } from 'node:crypto';
import { CheckFailure, type Fixtures, type HttpClient, type TargetInfo } from './check.ts';
import { SchemaRegistry, type SchemaOfType } from '../scim/schema-registry.ts';
import { SCHEMA_URN, type AttributeDef, type ScimResource } from '../scim/types.ts';
import type { HarnessConfig } from './config.ts';
import { runGenerator, valueForAttribute, type GenContext } from './generators.ts';
import { summarizeResponse } from './context.ts';
import { inRunWide } from './run-wide.ts';

/** DELETEs in flight at once during cleanup. */
const CLEANUP_CONCURRENCY = 8;

/** DELETE operations per Bulk request during cleanup (within the target's bulk.maxOperations). */
const CLEANUP_BULK_BATCH = 100;

/** One DELETE asked of the target during cleanup, as sent in a Bulk request. */
export interface AskedDelete {
  id: string;
  /** The operation's path, e.g. '/Users/abc'. */
  path: string;
  bulkId: string;
}

/** RFC 7644 §3.7.3: a Bulk operation's `status` is the HTTP status as a string; numbers and `{ code }` are tolerated. */
function bulkOpStatus(op: { status?: unknown }): number {
  const s = op?.status;
  return Number(typeof s === 'object' && s !== null ? (s as { code?: unknown }).code : s);
}

/**
 * Which asked DELETEs a BulkResponse confirms gone (2xx, or 404: already gone). Each answer is matched to what was
 * asked by its `bulkId` (we send one per operation), else by its `location` (whose tail is the path asked), else,
 * when it carries neither and the answer has one operation per request, by position. RFC 7644 §3.7.3 makes
 * `location` REQUIRED in an answer, but cleanup must cope with targets that omit it (issue 10 #8: unmatched answers
 * made cleanup re-delete everything); position is the last resort, never used against a bulkId or location.
 */
export function confirmedGone(asked: readonly AskedDelete[], ops: readonly unknown[]): Set<string> {
  const gone = new Set<string>();
  const byBulkId = new Map(asked.map((a) => [a.bulkId, a]));
  ops.forEach((raw, j) => {
    const op = (raw ?? {}) as { status?: unknown; location?: unknown; bulkId?: unknown };
    const code = bulkOpStatus(op);
    if (!((code >= 200 && code < 300) || code === 404)) return;
    let match: AskedDelete | undefined;
    if (typeof op.bulkId === 'string') match = byBulkId.get(op.bulkId);
    else if (typeof op.location === 'string') {
      const loc = op.location.replace(/\/+$/, '').toLowerCase();
      match = asked.find((a) => loc.endsWith(a.path.toLowerCase()));
    } else if (ops.length === asked.length) match = asked[j];
    if (match) gone.add(match.id);
  });
  return gone;
}

/**
 * Deletes `ids` under `endpoint` with Bulk DELETE operations (RFC 7644 §3.7) when the target advertises Bulk;
 * returns the ids the answers confirm gone (see confirmedGone). Never throws: a failed Bulk request just leaves
 * its ids to the one-by-one DELETEs.
 */
async function bulkDeleted(http: HttpClient, target: TargetInfo, endpoint: string, ids: readonly string[]): Promise<Set<string>> {
  const gone = new Set<string>();
  if (!target.capabilities.has('bulk') || ids.length < 2) return gone;
  const per = Math.max(1, Math.min(CLEANUP_BULK_BATCH, target.limits.bulkMaxOperations ?? CLEANUP_BULK_BATCH));
  for (let i = 0; i < ids.length; i += per) {
    const asked: AskedDelete[] = ids.slice(i, i + per).map((id, k) => ({ id, path: `${endpoint}/${encodeURIComponent(id)}`, bulkId: `cleanup-${i + k}` }));
    try {
      const res = await http.send({
        method: 'POST',
        path: '/Bulk',
        // RFC 7644 §3.7: bulkId is optional for DELETE; we send one so each answer can be matched to its request.
        body: { schemas: [SCHEMA_URN.bulkRequest], Operations: asked.map((a) => ({ method: 'DELETE', path: a.path, bulkId: a.bulkId })) },
      });
      const ops = (res.json as { Operations?: unknown } | undefined)?.Operations;
      if (res.status !== 200 || !Array.isArray(ops)) continue;
      for (const id of confirmedGone(asked, ops)) gone.add(id);
    } catch {
      // Left to the one-by-one DELETEs below.
    }
  }
  return gone;
}

/** What cleanup could not remove (issue 10 #8). */
export interface CleanupOutcome {
  /** Ids whose deletion was not confirmed (an error status, a transport error, no endpoint): still on the target. */
  leftBehind: { users: string[]; groups: string[] };
  /** One line per resource left behind, saying why. */
  reasons: string[];
}

export function emptyCleanup(): CleanupOutcome {
  return { leftBehind: { users: [], groups: [] }, reasons: [] };
}

export function mergeCleanup(a: CleanupOutcome, b: CleanupOutcome): CleanupOutcome {
  return {
    leftBehind: { users: [...a.leftBehind.users, ...b.leftBehind.users], groups: [...a.leftBehind.groups, ...b.leftBehind.groups] },
    reasons: [...a.reasons, ...b.reasons],
  };
}

/** Ids quoted in the summary line; the report's leftBehind lists them all. */
const SUMMARY_IDS = 5;

/** At most one line for the whole run: the count, the first ids and the first reason (never one line per resource). */
export function cleanupSummary(o: CleanupOutcome): string[] {
  const { users, groups } = o.leftBehind;
  const total = users.length + groups.length;
  if (total === 0) return [];
  const count = (n: number, kind: string) => (n === 0 ? [] : [`${n} ${kind}${n === 1 ? '' : 's'}`]);
  const ids = [...groups, ...users];
  const shown = ids.slice(0, SUMMARY_IDS).join(', ') + (ids.length > SUMMARY_IDS ? `, … ${ids.length - SUMMARY_IDS} more` : '');
  const first = o.reasons[0] ? `; first: ${o.reasons[0]}` : '';
  return [`cleanup left ${[...count(groups.length, 'group'), ...count(users.length, 'user')].join(' and ')} on the target (${shown})${first}`];
}

/** `scimcheck-<6 hex of seed>`: the same seed names resources the same way. */
export function runPrefix(seed: number): string {
  return `scimcheck-${(seed >>> 0).toString(16).padStart(8, '0').slice(-6)}`;
}

export interface FixtureRegistry {
  /** Fixtures bound to one check's HTTP client (its requests land in that check's transcript). */
  forCheck(http: HttpClient): Fixtures;
  /**
   * A registry with the same names and payloads whose resources are its own: cleaning it up deletes only what
   * was made through it (an isolated check's resources, removed before the next check starts).
   */
  scoped(): FixtureRegistry;
  /**
   * Deletes everything registered (groups first: they reference users), each resource at most once through Bulk
   * and at most once on its own; reports what is still there. Never throws. Resources made by run-wide work
   * (ctx.once, see run-wide.ts) belong to the run's root registry and go only when `keepRunWide` is not set.
   */
  cleanup(http: HttpClient, opts?: { keepRunWide?: boolean }): Promise<CleanupOutcome>;
  tracked(): { users: string[]; groups: string[] };
}

/** Attributes the server assigns (RFC 7643 §3.1) or that are not attributes at all. */
const SERVER_OWNED = new Set(['id', 'meta', 'schemas']);

function writableRequired(attrs: readonly AttributeDef[]): AttributeDef[] {
  return attrs.filter((a) => a.required && a.mutability !== 'readOnly' && !SERVER_OWNED.has(a.name));
}

function hasAttr(schema: SchemaOfType | undefined, name: string): boolean {
  // Unknown schema (discovery missing): assume the RFC 7643 §4.1 core User attributes exist.
  if (!schema) return true;
  return schema.schema.attributes.some((a) => a.name.toLowerCase() === name.toLowerCase());
}

/** Sets `value` at a config path: `attr`, `attr.sub`, `urn:...:attr[.sub]` (RFC 7644 §3.10 notation). */
export function setAtPath(body: ScimResource, path: string, value: unknown, knownUrns: readonly string[]): void {
  let target: Record<string, unknown> = body;
  let rest = path;
  const urn = knownUrns.find((u) => path.toLowerCase().startsWith(`${u.toLowerCase()}:`));
  if (urn) {
    const core = knownUrns[0];
    rest = path.slice(urn.length + 1);
    if (urn !== core) {
      target = (body[urn] as Record<string, unknown> | undefined) ?? {};
      body[urn] = target;
      if (!body.schemas?.includes(urn)) body.schemas = [...(body.schemas ?? []), urn];
    }
  }
  const [attr, sub] = rest.split('.', 2) as [string, string | undefined];
  if (sub === undefined) target[attr] = value;
  else target[attr] = { ...((target[attr] as Record<string, unknown> | undefined) ?? {}), [sub]: value };
}

function applyOverrides(body: ScimResource, overrides: Record<string, unknown> | undefined): ScimResource {
  for (const [k, v] of Object.entries(overrides ?? {})) {
    // `undefined` removes a generated attribute, so a check can send a body lacking e.g. userName.
    if (v === undefined) delete body[k];
    else body[k] = v;
  }
  return body;
}

export function createFixtureRegistry(target: TargetInfo, config: HarnessConfig = {}): FixtureRegistry {
  const registry = new SchemaRegistry(target.schemas, target.resourceTypes);
  let counter = 0;

  const name = (kind: string): string => `${target.prefix}-${kind}-${(++counter).toString(36)}${randomBytes(2).toString('hex')}`;
  const gen: GenContext = { name };

  const typeSchemas = (endpoint: string | undefined, fallbackName: string): SchemaOfType[] => {
    const byEndpoint = endpoint ? registry.schemasOf(endpoint) : [];
    return byEndpoint.length > 0 ? byEndpoint : registry.schemasOf(fallbackName);
  };

  /** Fills required attributes of the resource type's schemas that the body does not carry yet. */
  const fillRequired = (body: ScimResource, schemas: SchemaOfType[]): void => {
    for (const s of schemas) {
      if (s.isExtension && !s.required) continue;
      const holder: Record<string, unknown> = s.isExtension ? ((body[s.schema.id] as Record<string, unknown>) ?? {}) : body;
      for (const a of writableRequired(s.schema.attributes)) {
        if (holder[a.name] === undefined) holder[a.name] = valueForAttribute(a, gen);
      }
      if (s.isExtension) {
        // RFC 7643 §3: a resource lists every schema it carries, extensions included.
        body[s.schema.id] = holder;
        if (!body.schemas?.includes(s.schema.id)) body.schemas = [...(body.schemas ?? []), s.schema.id];
      }
    }
  };

  const userBody = (overrides?: Record<string, unknown>): ScimResource => {
    const schemas = typeSchemas(target.endpoints.users, 'User');
    const core = schemas.find((s) => !s.isExtension);
    const base = name('u');
    const email = `${base}@example.com`;
    // RFC 7643 §4.1: userName is the unique identifier; a target keyed by email gets an email there.
    const body: ScimResource = { schemas: [core?.schema.id ?? SCHEMA_URN.user], userName: config.uniqueIdentifier === 'email' ? email : base };
    if (hasAttr(core, 'name')) body.name = { givenName: 'Scim', familyName: `Check ${base.slice(-6)}`, formatted: `Scim Check ${base.slice(-6)}` };
    if (hasAttr(core, 'displayName')) body.displayName = `Scim Check ${base.slice(-6)}`;
    // RFC 2606: example.com never delivers mail.
    if (hasAttr(core, 'emails')) body.emails = [{ value: email, type: 'work', primary: true }];
    fillRequired(body, schemas);
    const urns = [core?.schema.id ?? SCHEMA_URN.user, ...schemas.filter((s) => s.isExtension).map((s) => s.schema.id)];
    for (const [path, generator] of Object.entries(config.requiredAttributes ?? {})) setAtPath(body, path, runGenerator(generator, gen), urns);
    return applyOverrides(body, overrides);
  };

  const groupBody = (overrides?: Record<string, unknown>): ScimResource => {
    const schemas = typeSchemas(target.endpoints.groups, 'Group');
    const core = schemas.find((s) => !s.isExtension);
    // RFC 7643 §4.2: displayName is the Group's required, human-readable name.
    const body: ScimResource = { schemas: [core?.schema.id ?? SCHEMA_URN.group], displayName: name('g') };
    fillRequired(body, schemas);
    return applyOverrides(body, overrides);
  };

  /** Resources made by run-wide work, whichever registry's check happened to run it; deleted at the very end. */
  const runWideIds = { users: [] as string[], groups: [] as string[] };

  /** A registry: its own ids, the shared names and payload builders above. */
  const registryOf = (root: boolean): FixtureRegistry => {
    const own = { users: [] as string[], groups: [] as string[] };
    const register = (kind: 'user' | 'group', id: string) => {
      const ids = inRunWide() ? runWideIds : own;
      (kind === 'user' ? ids.users : ids.groups).push(id);
    };

    const create = async (http: HttpClient, kind: 'user' | 'group', body: ScimResource): Promise<ScimResource & { id: string }> => {
      const endpoint = kind === 'user' ? target.endpoints.users : target.endpoints.groups;
      if (!endpoint) throw new CheckFailure(`precondition: the target has no ${kind} endpoint`);
      const res = await http.send({ method: 'POST', path: endpoint, body });
      // RFC 7644 §3.3: a successful create answers 201 Created with the resource, including its id.
      const id = (res.json as { id?: unknown } | undefined)?.id;
      if (res.status === 201 && typeof id === 'string' && id !== '') {
        register(kind, id);
        return res.json as ScimResource & { id: string };
      }
      throw new CheckFailure(
        `precondition: could not create a ${kind}: POST ${endpoint} returned ${res.status}${res.status === 201 ? ' without an id' : ''}`,
        { status: 201, id: 'a non-empty string' },
        summarizeResponse(res),
      );
    };

    return {
      forCheck: (http) => ({
        uniqueName: (kind = 'x') => name(kind),
        userBody,
        groupBody,
        createUser: (overrides) => create(http, 'user', userBody(overrides)),
        createGroup: (overrides) => create(http, 'group', groupBody(overrides)),
        track: register,
      }),
      scoped: () => registryOf(false),
      async cleanup(http, opts = {}) {
        const outcome = emptyCleanup();
        const withRunWide = root && !opts.keepRunWide;
        const jobs: [string | undefined, string[], 'group' | 'user'][] = [
          [target.endpoints.groups, [...own.groups.splice(0), ...(withRunWide ? runWideIds.groups.splice(0) : [])], 'group'],
          [target.endpoints.users, [...own.users.splice(0), ...(withRunWide ? runWideIds.users.splice(0) : [])], 'user'],
        ];
        for (const [endpoint, ids, kind] of jobs) {
          const all = [...new Set(ids)];
          // Through Bulk first when the target advertises it; whatever Bulk did not confirm is DELETEd one by one, once.
          const gone = endpoint ? await bulkDeleted(http, target, endpoint, all) : new Set<string>();
          const rest = all.filter((id) => !gone.has(id));
          const problem: (string | undefined)[] = new Array(rest.length);
          const deleteOne = async (i: number) => {
            const id = rest[i] as string;
            if (!endpoint) {
              problem[i] = `no endpoint to delete ${kind} ${id}`;
              return;
            }
            try {
              const res = await http.send({ method: 'DELETE', path: `${endpoint}/${encodeURIComponent(id)}` });
              // RFC 7644 §3.6: 204 on delete; 404 means a check already deleted it.
              if (!(res.status >= 200 && res.status < 300) && res.status !== 404) problem[i] = `DELETE ${endpoint}/${id} returned ${res.status}`;
            } catch (err) {
              problem[i] = `DELETE ${endpoint}/${id} failed: ${(err as Error).message}`;
            }
          };
          // A bounded pool: a run that made 1,000 users is not cleaned up one request at a time, nor all at once.
          let next = 0;
          const worker = async () => {
            while (next < rest.length) await deleteOne(next++);
          };
          await Promise.all(Array.from({ length: Math.min(CLEANUP_CONCURRENCY, rest.length) }, worker));
          rest.forEach((id, i) => {
            if (problem[i] === undefined) return;
            (kind === 'user' ? outcome.leftBehind.users : outcome.leftBehind.groups).push(id);
            outcome.reasons.push(problem[i] as string);
          });
        }
        return outcome;
      },
      tracked: () => ({ users: [...own.users, ...(root ? runWideIds.users : [])], groups: [...own.groups, ...(root ? runWideIds.groups : [])] }),
    };
  };

  return registryOf(true);
}
