/**
 * What a check is, and what it gets to work with. Checks live in src/harness/checks/<area>.ts and
 * export an array of Check; the runner (src/harness/runner.ts) plans, runs and records them.
 *
 * A check talks to the target only through `ctx.http` (HTTP, or the provider's fetch handler
 * in-process): the harness never imports the provider.
 */
import type { ResourceTypeDef, SchemaDef, ScimResource } from '../scim/types.ts';
import type { CheckResult, Level } from '../scim/results.ts';

// The result vocabulary lives in the shared core (the IdP writes results too); re-exported for the harness.
export type { CheckResult, Level, Status, TranscriptEntry } from '../scim/results.ts';

/** Features a check may need. All but `write` come from /ServiceProviderConfig (RFC 7643 §5). */
export type Capability = 'patch' | 'bulk' | 'filter' | 'sort' | 'etag' | 'changePassword' | 'write' | 'groups';

/** Citations are data, validated against specs/rfc-sections.json when checks load. */
export interface Cite {
  rfc: 7643 | 7644;
  /** e.g. '3.5.2.1' */
  section: string;
  /** The RFC sentence the check enforces, quoted (short). */
  quote?: string;
}

export interface Check {
  /** Stable slug, e.g. 'patch.add.multivalued-append'. Never a sequence number. */
  id: string;
  title: string;
  /** Report grouping: discovery, auth, users, uniqueness, validation, filter, paging, sort, projection,
   *  patch, groups, etag, bulk, search, content-type, errors, security. */
  area: string;
  cite: Cite;
  /** MUST failures are `failed`; SHOULD and MAY failures are `warned`. */
  level: Level;
  requires?: Capability[];
  /**
   * Ids of checks whose behaviour this one builds on (issue 10: declared prerequisites). The runner runs them
   * first; when one `failed` or `errored`, this check is `skipped` with `blocked by <id>` (the run still fails on
   * the root); when one was `skipped`, this check is skipped with that reason. A prerequisite left out by
   * --only/--exclude does not block. `passed` and `warned` prerequisites let the check run.
   */
  needs?: string[];
  /**
   * The behaviour examined, when checks in several areas examine the same one (e.g. 'user.groups-readonly',
   * 'error.json-body'): failing checks that share a topic are reported as one root cause.
   */
  topic?: string;
  /**
   * When the check runs. Default: with the others, concurrently. 'isolated': it may leave the target in an odd
   * state, so it runs after the others, alone, and the resources it made are cleaned up before the next starts.
   * 'bad-credentials': it sends wrong or missing credentials (targets may delay those), so it runs last.
   */
  phase?: 'isolated' | 'bad-credentials';
  /** Throws a CheckFailure (via ctx.fail / ctx.expect*) to fail; ctx.skip() to skip; returns to pass. */
  run(ctx: CheckContext): Promise<void>;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  /** Relative to the target base URL, e.g. '/Users' or '/Users/abc'; or an absolute URL. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** An object is sent as JSON with Content-Type application/scim+json; a string is sent raw. */
  body?: unknown;
  /**
   * Authentication for this request: 'default' (the run's credentials), 'none' (no header),
   * or a literal Authorization header value (e.g. 'Bearer wrong', 'Bearer ').
   */
  auth?: 'default' | 'none' | { authorization: string };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Raw text of the body ('' when none). */
  text: string;
  /** Parsed JSON when the body parses, else undefined. */
  json: any;
  durationMs: number;
}


export interface HttpClient {
  /** Sends one request and records it (redacted) in the current check's transcript. Never throws for HTTP statuses. */
  send(req: HttpRequest): Promise<HttpResponse>;
}

/** What discovery learned about the target; read-only for checks. */
export interface TargetInfo {
  baseUrl: string;
  serviceProviderConfig: any;
  schemas: SchemaDef[];
  resourceTypes: ResourceTypeDef[];
  /** Endpoint paths relative to baseUrl, e.g. '/Users', '/Groups'. */
  endpoints: { users: string; groups?: string };
  capabilities: Set<Capability>;
  /** From the SPC: filter.maxResults, bulk.maxOperations, bulk.maxPayloadSize. */
  limits: { maxResults?: number; bulkMaxOperations?: number; bulkMaxPayloadSize?: number };
  /** From config: how the target deprovisions ('disable' keeps the record on DELETE). */
  deprovision: 'delete' | 'disable';
  /** The run's prefix; every resource a check creates carries it in userName / displayName. */
  prefix: string;
}

/** Builds valid payloads from the target's own schemas and creates resources that are cleaned up at the end. */
export interface Fixtures {
  /** A unique name with the run prefix, e.g. `${prefix}-u-3f9a`. */
  uniqueName(kind?: string): string;
  /** A valid User body (from the target's schema + config generators), merged with overrides. Not sent. */
  userBody(overrides?: Record<string, unknown>): ScimResource;
  groupBody(overrides?: Record<string, unknown>): ScimResource;
  /** POSTs a user, fails the check (as a precondition failure) unless 201, registers it for cleanup. */
  createUser(overrides?: Record<string, unknown>): Promise<ScimResource & { id: string }>;
  createGroup(overrides?: Record<string, unknown>): Promise<ScimResource & { id: string }>;
  /** Registers a resource created by the check itself (e.g. via a raw POST) for cleanup. */
  track(kind: 'user' | 'group', id: string): void;
}

export interface CheckContext {
  http: HttpClient;
  target: TargetInfo;
  fixtures: Fixtures;
  /** Fail with expected vs actual; message says what went wrong in one sentence. */
  fail(message: string, detail?: { expected?: unknown; actual?: unknown }): never;
  /** Skip with the reason (e.g. the target does not advertise sort). */
  skip(reason: string): never;
  /** Fails unless `res.status` is one of `expected`. */
  expectStatus(res: HttpResponse, expected: number | number[], what?: string): void;
  /**
   * Fails unless the response is a SCIM error (RFC 7644 §3.12) with this status. scimType is OPTIONAL in §3.12:
   * a different scimType fails, a missing one fails only with `{ scimTypeRequired: true }` (a MUST sentence names it).
   */
  expectScimError(res: HttpResponse, status: number | number[], scimType?: string, opts?: { scimTypeRequired?: boolean }): void;
  /** Fails unless `actual` deep-equals `expected` (JSON semantics). */
  expectEqual(actual: unknown, expected: unknown, what: string): void;
  /** Fails unless `cond`; `what` says what should have held. */
  expectTrue(cond: unknown, what: string, detail?: { expected?: unknown; actual?: unknown }): void;
  /** Abort signal for the run (Ctrl-C / timeout). */
  signal: AbortSignal;
  /**
   * A per-run memo: the first caller computes, every later caller (any check) gets the same promise. For facts
   * learned once per run (which filter operators and scoping the target supports). `compute` should not throw
   * CheckFailure: a cached failure would cascade into every caller.
   */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** Thrown by ctx.fail / expect*; the runner turns it into a failed (MUST) or warned (SHOULD/MAY) result. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly expected?: unknown,
    readonly actual?: unknown,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Thrown by ctx.skip. */
export class CheckSkipped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CheckSkipped';
  }
}


export interface RunReport {
  tool: 'scimcheck';
  version: string;
  target: string;
  startedAt: string;
  durationMs: number;
  seed: number;
  summary: { passed: number; failed: number; warned: number; skipped: number; errored: number };
  results: CheckResult[];
  baseline?: { regressions: string[]; fixed: string[]; expectedFailures: string[] };
  /**
   * Failing results grouped under the first failure that explains them (issue 10): `id` is the root check,
   * `checks` every failed/errored result it explains (the root first), `likely` a known fault signature.
   */
  rootCauses?: RootCause[];
  /** What cleanup could not delete from the target (issue 10 #8): ids by kind, with the count implied. */
  leftBehind?: { users: string[]; groups: string[] };
}

export interface RootCause {
  id: string;
  checks: string[];
  /** e.g. 'errors-plain-text: error bodies are text/plain instead of SCIM JSON' (from --self-test's table). */
  likely?: string;
  /** Checks `skipped` because a prerequisite in this group failed (their `blockedBy`): not counted as failing. */
  blocked?: string[];
}
