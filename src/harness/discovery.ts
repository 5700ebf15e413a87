/**
 * Discovery (RFC 7644 §4): read /ServiceProviderConfig, /Schemas and /ResourceTypes and turn them into the
 * TargetInfo every check plans and builds payloads from. An unreachable target, rejected credentials, or a base
 * URL that does not answer a ServiceProviderConfig end the run (exit 3; the last with a hint naming the usual base
 * path that does answer); missing /Schemas or /ResourceTypes fall back to RFC defaults so the discovery checks
 * can fail.
 */
import type { Capability, HttpResponse, TargetInfo } from './check.ts';
import type { RecordingHttpClient } from './http-client.ts';
import { TransportError } from './http-client.ts';
import { registryFromDiscovery } from '../scim/schema-registry.ts';
import type { HarnessConfig } from './config.ts';
import { DEFAULT_DEPROVISION } from '../scim/deprovision.ts';

/** The target cannot be used at all: exit code 3 with this one-line reason. */
export class TargetUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnavailable';
  }
}

/** RFC 7643 §5: SPC features with a `supported` flag, by the capability name checks require. */
const SPC_FEATURES: readonly Capability[] = ['patch', 'bulk', 'filter', 'sort', 'etag', 'changePassword'];

async function get(http: RecordingHttpClient, path: string): Promise<HttpResponse> {
  try {
    return await http.send({ method: 'GET', path });
  } catch (err) {
    if (err instanceof TransportError) throw new TargetUnavailable(`cannot reach the target: ${err.message}`);
    throw err;
  }
}

/** RFC 7644 §4: /Schemas and /ResourceTypes answer a ListResponse; bare arrays are tolerated here. */
function listOf(res: HttpResponse): unknown[] {
  const j = res.json as { Resources?: unknown } | unknown[] | undefined;
  if (Array.isArray(j)) return j;
  if (j && typeof j === 'object' && Array.isArray((j as { Resources?: unknown }).Resources)) return (j as { Resources: unknown[] }).Resources;
  return [];
}

function supported(spc: any, feature: string): boolean {
  const v = spc?.[feature]?.supported;
  return v === true || v === 'true';
}

function positive(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
/** RFC 7643 §5: the ServiceProviderConfig's attributes; a SCIM answer carries its schema or at least one of them. */
const SPC_ATTRIBUTES = ['patch', 'bulk', 'filter', 'changepassword', 'sort', 'etag', 'authenticationschemes'];

/** Whether a GET /ServiceProviderConfig answer is one: 200, a JSON object, the SPC schema or its attributes. */
export function isServiceProviderConfig(res: HttpResponse): boolean {
  const j = res.json as Record<string, unknown> | undefined;
  if (res.status !== 200 || !j || typeof j !== 'object' || Array.isArray(j)) return false;
  // RFC 7643 §2.1: attribute names are case-insensitive; schema URIs are compared the same way here.
  const schemas = Array.isArray(j.schemas) ? j.schemas : [];
  if (schemas.some((u) => typeof u === 'string' && u.toLowerCase() === SPC_SCHEMA.toLowerCase())) return true;
  return Object.keys(j).some((k) => SPC_ATTRIBUTES.includes(k.toLowerCase()));
}

/** Base paths SCIM services are commonly mounted at, tried when --target's does not answer SCIM. */
export const USUAL_BASE_PATHS = ['/scim/v2', '/api/scim', '/scim', '/v2'] as const;

/**
 * The usual base URLs on the target's origin that answer GET /ServiceProviderConfig as SCIM, with the run's
 * credentials (same origin: the client sends them). Never throws: a probe that fails just does not suggest.
 */
export async function answeringBaseUrls(http: RecordingHttpClient, baseUrl: string): Promise<string[]> {
  const { origin, pathname } = new URL(baseUrl);
  const current = pathname.replace(/\/+$/, '');
  const candidates = USUAL_BASE_PATHS.filter((p) => p !== current);
  const answers = await Promise.all(
    candidates.map(async (p) => {
      try {
        return isServiceProviderConfig(await http.send({ method: 'GET', path: `${origin}${p}/ServiceProviderConfig` }));
      } catch {
        return false;
      }
    }),
  );
  return candidates.filter((_, i) => answers[i]).map((p) => `${origin}${p}`);
}

/** What came back, in a few words: `404 text/html`, `200 JSON without ServiceProviderConfig attributes`. */
function whatCameBack(res: HttpResponse): string {
  const type = res.headers['content-type']?.split(';')[0]?.trim();
  if (res.status !== 200) return `${res.status}${type ? ` ${type}` : ''}`;
  if (res.json === undefined) return `200 ${type ?? 'without a content type'}, not JSON`;
  return '200 JSON without the ServiceProviderConfig schema or any of its attributes';
}

async function notScimMessage(http: RecordingHttpClient, baseUrl: string, spcRes: HttpResponse): Promise<string> {
  const path = `${new URL(baseUrl).pathname.replace(/\/+$/, '')}/ServiceProviderConfig`;
  const head = `${baseUrl} is not a SCIM base URL: GET ${path} answered ${whatCameBack(spcRes)}, not a ServiceProviderConfig (RFC 7644 §4)`;
  const found = await answeringBaseUrls(http, baseUrl);
  if (found.length > 0) return `${head}; did you mean ${found.map((u) => `--target ${u}`).join(' or ')}?`;
  return `${head}; none of ${USUAL_BASE_PATHS.join(', ')} on ${new URL(baseUrl).origin} answers one either`;
}

export interface DiscoverOptions {
  baseUrl: string;
  config?: HarnessConfig;
  readOnly?: boolean;
  prefix: string;
}

export async function discover(http: RecordingHttpClient, opts: DiscoverOptions): Promise<TargetInfo> {
  const config = opts.config ?? {};
  const rejected = (path: string, res: HttpResponse) => {
    // RFC 7644 §3.12: 401/403 mean the credentials were refused; nothing else can work.
    if (res.status === 401 || res.status === 403) {
      throw new TargetUnavailable(`the target rejected the credentials (GET ${path} returned ${res.status})`);
    }
  };
  const spcRes = await get(http, '/ServiceProviderConfig');
  rejected('/ServiceProviderConfig', spcRes);
  // Issue 10 #7: without a ServiceProviderConfig every check would fail or skip for a reason that is not the
  // target's conformance (a wrong --target path): one line and exit 3 instead of hundreds of false verdicts.
  if (!isServiceProviderConfig(spcRes)) throw new TargetUnavailable(await notScimMessage(http, opts.baseUrl, spcRes));
  const schemasRes = await get(http, '/Schemas');
  rejected('/Schemas', schemasRes);
  const typesRes = await get(http, '/ResourceTypes');
  rejected('/ResourceTypes', typesRes);
  const ok = (r: HttpResponse) => r.status === 200 && r.json !== undefined;
  const spc = spcRes.json;
  const registry = registryFromDiscovery(ok(schemasRes) ? listOf(schemasRes) : [], ok(typesRes) ? listOf(typesRes) : []);
  const resourceTypes = registry.resourceTypes();

  const capabilities = new Set<Capability>();
  for (const f of SPC_FEATURES) if (supported(spc, f)) capabilities.add(f);
  if (!opts.readOnly) capabilities.add('write');

  const userType = registry.resourceType('User');
  const groupType = registry.resourceType('Group');
  const discovered = resourceTypes.length > 0;
  // Without /ResourceTypes, RFC 7644 §3.2's conventional /Users and /Groups are the best guess.
  const users = config.usersEndpoint ?? userType?.endpoint ?? '/Users';
  const groups = config.groupsEndpoint ?? groupType?.endpoint ?? (discovered ? undefined : '/Groups');
  if (groups) capabilities.add('groups');

  return {
    baseUrl: opts.baseUrl,
    serviceProviderConfig: spc,
    schemas: registry.schemas(),
    resourceTypes,
    endpoints: { users, ...(groups ? { groups } : {}) },
    capabilities,
    limits: {
      maxResults: positive(spc?.filter?.maxResults),
      bulkMaxOperations: positive(spc?.bulk?.maxOperations),
      bulkMaxPayloadSize: positive(spc?.bulk?.maxPayloadSize),
    },
    deprovision: config.deprovision ?? DEFAULT_DEPROVISION,
    prefix: opts.prefix,
  };
}
