/**
 * What a profile is: one IdP's SCIM client habits as data plus small body-building functions.
 * The engine reads these; it never asks which IdP it is talking as (DESIGN.md: behaviour is data).
 */
import type { ScimResource } from '../../scim/types.ts';
import type { DirGroup, DirUser } from '../directory.ts';
import type { IdpRequest, RetryPolicy } from '../http.ts';

/** Which directory attribute is compared with which SCIM attribute before a create. */
export type MatchAttribute = 'userName' | 'email' | 'externalId' | 'workEmail';

export interface BuildContext {
  /** Target id of a user, when the IdP has it linked (for manager references). */
  targetIdOf(key: string): string | undefined;
  /** Absolute URL of a target resource, for `$ref` values. */
  refOf(kind: 'Users' | 'Groups', id: string): string;
  /** A one-time password the IdP generates on create (Okta sends one). */
  password(): string;
}

export interface MemberRef {
  id: string;
  display?: string;
}

export interface ConnectionProbe {
  req: IdpRequest;
  /** 'list': any ListResponse; 'empty-list': 200 with totalResults 0 (Entra's random-GUID probe). */
  wants: 'list' | 'empty-list';
  /** A 404 also counts as success (OneLogin takes "empty list or 404 Not Found" as a valid endpoint). */
  acceptNotFound?: boolean;
}

export interface Profile {
  id: string;
  title: string;
  /** How the IdP's own object ids look (Okta 00u…, Entra GUIDs, OneLogin numbers), for realistic transcripts. */
  idStyle: 'okta' | 'guid' | 'number';
  /** Header values the IdP sends on every request. */
  headers: { 'User-Agent': string; Accept: string; 'Content-Type': string };
  /** Authentication schemes the IdP's admin UI offers. */
  auth: ('bearer' | 'basic')[];
  retry: RetryPolicy;
  connectionTest(randomId: string): ConnectionProbe[];
  matching: {
    default: MatchAttribute;
    /** The GET /Users query the IdP sends before creating. */
    query(attr: MatchAttribute, user: DirUser): Record<string, string>;
  };
  createUser(user: DirUser, ctx: BuildContext): ScimResource;
  updateUser: {
    /** Okta GETs the resource before its PUT. */
    readFirst: boolean;
    build(prev: DirUser, next: DirUser, id: string, current: ScimResource | undefined, ctx: BuildContext): IdpRequest[];
  };
  setActive: {
    readFirst: boolean;
    /** Take the user out of every pushed group before deactivating it (and back in on reactivation). */
    leaveGroupsFirst: boolean;
    build(user: DirUser, id: string, active: boolean, current: ScimResource | undefined, ctx: BuildContext): IdpRequest[];
  };
  /** Whether the IdP ever sends DELETE /Users when set up to delete (Okta never does). */
  deletesUsers: boolean;
  groups: {
    /** Optional lookup before creating a group (Entra matches on displayName). */
    matchQuery?(group: DirGroup): Record<string, string>;
    /**
     * Lists every group (`GET /Groups?startIndex=…&count=…`, paged, RFC 7644 §3.4.2.4) before creating one and
     * links a group of the same displayName instead of creating it (OneLogin's "Get Groups", PingFederate's
     * "retrieving all groups and finding a match"). `count` is the page size the IdP asks for.
     */
    findByListing?: { count: number };
    /** Extra query on reads of a group (Entra: excludedAttributes=members). */
    readQuery?: Record<string, string>;
    create(group: DirGroup): ScimResource;
    rename(id: string, group: DirGroup): IdpRequest;
    /** Members per PATCH request when a membership change is large. */
    batchSize: number;
    addMembers(id: string, members: MemberRef[]): IdpRequest;
    removeMembers(id: string, members: MemberRef[]): IdpRequest;
  };
  reactions: {
    /** 409 on POST /Users: Okta stops that user; Entra records the error and retries next cycle. */
    onCreateConflict: 'stop' | 'retry-next-cycle';
    /** 404 on an update of a user deleted behind the IdP's back. */
    onUpdateNotFound: 'recreate-now' | 'recreate-next-cycle';
  };
  /** Habit → where it is documented (rendered into docs/idp.md). */
  sources: Record<string, string>;
}

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export function patch(path: string, ops: unknown[], purpose: string): IdpRequest {
  // RFC 7644 §3.5.2: a PatchOp message carries the PatchOp schema and an Operations array.
  return { method: 'PATCH', path, body: { schemas: [PATCH_OP_SCHEMA], Operations: ops }, purpose };
}

/** Drops undefined / null / empty-string members: Entra and Okta leave unset attributes out. */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === '') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = compact(v as Record<string, unknown>);
      if (Object.keys(inner).length) out[k] = inner;
    } else out[k] = v;
  }
  return out as T;
}

export function filterEq(attr: string, value: string): string {
  // RFC 7644 §3.4.2.2: a compValue string is a JSON string, so quotes and backslashes are escaped.
  return `${attr} eq ${JSON.stringify(value)}`;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
