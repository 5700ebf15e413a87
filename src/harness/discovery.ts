/**
 * Discovery (RFC 7644 §4): read /ServiceProviderConfig, /Schemas and /ResourceTypes and turn them into the
 * TargetInfo every check plans and builds payloads from. An unreachable target or rejected credentials end
 * the run (exit 3); missing discovery endpoints fall back to RFC defaults so the discovery checks can fail.
 */
import type { Capability, HttpResponse, TargetInfo } from './check.ts';
import type { RecordingHttpClient } from './http-client.ts';
import { TransportError } from './http-client.ts';
import { registryFromDiscovery } from '../scim/schema-registry.ts';
import type { HarnessConfig } from './config.ts';

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

export interface DiscoverOptions {
  baseUrl: string;
  config?: HarnessConfig;
  readOnly?: boolean;
  prefix: string;
}

export async function discover(http: RecordingHttpClient, opts: DiscoverOptions): Promise<TargetInfo> {
  const config = opts.config ?? {};
  const [spcRes, schemasRes, typesRes] = [
    await get(http, '/ServiceProviderConfig'),
    await get(http, '/Schemas'),
    await get(http, '/ResourceTypes'),
  ];
  for (const [path, res] of [['/ServiceProviderConfig', spcRes], ['/Schemas', schemasRes], ['/ResourceTypes', typesRes]] as const) {
    // RFC 7644 §3.12: 401/403 mean the credentials were refused; nothing else can work.
    if (res.status === 401 || res.status === 403) {
      throw new TargetUnavailable(`the target rejected the credentials (GET ${path} returned ${res.status})`);
    }
  }
  const ok = (r: HttpResponse) => r.status === 200 && r.json !== undefined;
  const spc = ok(spcRes) && typeof spcRes.json === 'object' && !Array.isArray(spcRes.json) ? spcRes.json : {};
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
    deprovision: config.deprovision ?? 'delete',
    prefix: opts.prefix,
  };
}
