/** What `createProvider` accepts, and the defaults it fills in. */
import type { AuthOptions } from './auth.ts';
import type { Policy } from './policy/format.ts';
import type { ResourceStore } from './store.ts';

export interface ProviderLimits {
  /** RFC 7643 §5 filter.maxResults: the most resources one list page returns. */
  maxResults: number;
  /** RFC 7643 §5 bulk.maxOperations. */
  bulkMaxOperations: number;
  /** RFC 7643 §5 bulk.maxPayloadSize, in bytes. */
  bulkMaxPayloadSize: number;
  /** Any other request body larger than this is 413. */
  maxBodyBytes: number;
  /** JSON nested deeper than this is 400 invalidSyntax. */
  maxJsonDepth: number;
}

/** filter.maxResults under the small-max-results variant (RFC 7644 §3.4.2.4: the provider sets the page size). */
export const SMALL_MAX_RESULTS = 10;

export const DEFAULT_LIMITS: ProviderLimits = {
  maxResults: 200,
  bulkMaxOperations: 1000,
  bulkMaxPayloadSize: 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxJsonDepth: 64,
};

export interface ProviderOptions {
  /** Where the SCIM endpoints live, default '/scim/v2' (RFC 7644 §3.13 leaves the base URL to the provider). */
  basePath?: string;
  /** No credentials at all means every request is 401: the provider never serves unauthenticated by accident. */
  auth?: AuthOptions;
  /** Serve /ServiceProviderConfig, /Schemas, /ResourceTypes without credentials (RFC 7644 §4 allows it). */
  publicDiscovery?: boolean;
  store?: ResourceStore;
  /** Names from FAULTS (faults.ts): deliberately broken behaviours. */
  faults?: string[];
  /**
   * Names from VARIANTS (variants.ts): RFC-legal choices real servers make (PATCH 204, eq-only filters, a
   * minimal schema...), on which the harness must report no failure. They combine with each other and with faults.
   */
  variants?: string[];
  /** The --state file: a snapshot plus a journal every change is fsynced to before it is acknowledged (state-file.ts). */
  statePath?: string;
  /** --state-recover: start on a damaged journal, keeping its valid records and moving the damaged file aside. */
  stateRecover?: boolean;
  /** Told, one line each, what opening the state did beyond reading it (a stale lock taken over, a recovery). */
  onNotice?: (line: string) => void;
  limits?: Partial<ProviderLimits>;
  /**
   * Group.displayName is `uniqueness: none` in RFC 7643 §4.2; like most real targets (Entra, Okta
   * push groups by name) we refuse duplicates with 409 unless this is false.
   */
  uniqueGroupDisplayName?: boolean;
  /**
   * Files.com-style provisioning policy (`--policy FILE`, docs/policy.md): deprovision method, default groups,
   * and decisions shown under the FILESCOM_USER_URN extension. Without it the provider is plain RFC core + enterprise.
   */
  policy?: Policy;
  /**
   * scrypt cost N of stored password hashes (a power of two; r=8, p=1). Default 256: about 1-2 ms per hash,
   * enough for a test provider (docs/provider.md). Hashes carry their parameters, so changing it is safe.
   */
  passwordHashCost?: number;
  /**
   * The render cache (render-cache.ts): how many characters of remembered JSON answers it may hold, default
   * 8 Mi (about 13k typical Users); 0 turns it off. Only the provider's own store is cached, never under a fault.
   */
  renderCacheChars?: number;
  /** Told about unexpected exceptions (bugs) that were answered with a generic 500; `serve` logs them. */
  onInternalError?: (err: unknown, req: Request) => void;
}

export function normalizeBasePath(p: string | undefined): string {
  let path = (p ?? '/scim/v2').trim();
  if (!path.startsWith('/')) path = `/${path}`;
  return path.replace(/\/+$/, '');
}
