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
  /**
   * 'list': any ListResponse; 'empty-list': 200 with totalResults 0 (Entra's random-GUID probe); 'absent': a read
   * of a random id, which answers 404 (RFC 7644 §3.12: "The specified resource ... does not exist").
   */
  wants: 'list' | 'empty-list' | 'absent';
  /** A 404 also counts as success (OneLogin takes "empty list or 404 Not Found" as a valid endpoint). */
  acceptNotFound?: boolean;
}

export interface Profile {
  id: string;
  title: string;
  /** How the IdP's own object ids look (Okta 00u…, Entra GUIDs, OneLogin numbers), for realistic transcripts. */
  idStyle: 'okta' | 'guid' | 'number';
  /** Header values the IdP sends on every request; no User-Agent when the IdP sends none (Entra publishes none). */
  headers: { 'User-Agent'?: string; Accept: string; 'Content-Type': string };
  /** Authentication schemes the IdP's admin UI offers. */
  auth: ('bearer' | 'basic')[];
  /** The IdP's admin UI lets the admin add request headers (OneLogin: "Custom Headers"); `idp --header` fills them. */
  customHeaders?: boolean;
  retry: RetryPolicy;
  /** The "Test connection" requests; `attr` is the configured matching attribute (Entra queries it, not always userName). */
  connectionTest(randomId: string, attr?: MatchAttribute): ConnectionProbe[];
  matching: {
    default: MatchAttribute;
    /** The GET /Users query the IdP sends before creating. */
    query(attr: MatchAttribute, user: DirUser): Record<string, string>;
    /** A 404 answer to the lookup means "no match", like an empty list (Okta documents both as acceptable). */
    notFoundIsEmpty?: boolean;
    /**
     * What follows the link when the lookup finds an account. `sendProfile`: the profile update (updateUser) is
     * sent at once (Okta). `reactivate`: an account found inactive is reactivated the profile's way (setActive).
     * Absent: `{ sendProfile: false, reactivate: true }` (an assigned person's account is active).
     */
    onMatch?: { sendProfile: boolean; reactivate: boolean };
  };
  /**
   * How the IdP reads every user and group of the target (an import / full sync), page by page (RFC 7644
   * §3.4.2.4). `advance: 'count'`: startIndex steps by `count` whatever a page held (Okta); `'received'`: by the
   * resources the page returned. Absent: `{ count: 100, advance: 'received' }` (a profile-neutral full read).
   */
  import?: { count: number; advance: 'count' | 'received' };
  createUser(user: DirUser, ctx: BuildContext): ScimResource;
  /** Requests sent right after a successful create, with the new id (Entra links reference attributes such as manager). */
  afterCreate?(user: DirUser, id: string, ctx: BuildContext): IdpRequest[];
  updateUser: {
    /** Okta GETs the resource before its PUT; Entra GETs it and diffs against what the target holds. */
    readFirst: boolean;
    /**
     * The IdP re-evaluates a linked user against what the target holds at every cycle (read, diff, PATCH what
     * differs), so a scenario `sync` sends the profile's update with no directory change. Absent: it pushes only
     * directory changes, and `sync` sends nothing.
     */
    reconcile?: boolean;
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
  /**
   * Soft delete: a person deleted in the directory is disabled, restorable for `softDeleteRetentionDays`, then
   * hard-deleted (Entra: 30 days, then DELETE). Absent: a deleted person stays disabled until someone acts.
   */
  lifecycle?: { softDeleteRetentionDays?: number };
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
    /** `members` is given when `createWithMembers` is set: the create body carries them. */
    create(group: DirGroup, members?: MemberRef[]): ScimResource;
    /** The create carries the members (Okta AIW); otherwise they are added after the create. */
    createWithMembers?: boolean;
    /** A member's `display`: the user's displayName (default) or its login, userName (Okta). */
    memberDisplay?: 'displayName' | 'userName';
    /**
     * Membership changes, renames and "Push now" by GET + PUT of the whole group (Okta AIW): the body is the group
     * as read with the IdP's name and full member list on top. Absent: PATCH.
     */
    replaceWhole?(id: string, current: ScimResource, group: DirGroup, members: MemberRef[]): IdpRequest;
    /** Removals and additions of one change in one PATCH (Okta). Absent: removals, then additions. */
    changeMembers?(id: string, add: MemberRef[], remove: MemberRef[]): IdpRequest;
    /** The rename request is sent again with every membership change (Okta). */
    renameWithMembership?: boolean;
    /** "Push now": the whole member list in one request (Okta: replace members). Absent: no such button. */
    pushNow?(id: string, members: MemberRef[]): IdpRequest;
    rename(id: string, group: DirGroup): IdpRequest;
    /** Members per PATCH request when a membership change is large. */
    batchSize: number;
    addMembers(id: string, members: MemberRef[]): IdpRequest;
    removeMembers(id: string, members: MemberRef[]): IdpRequest;
  };
  reactions: {
    /** 409 on POST /Users: Okta stops that user; Entra records the error and retries next cycle. */
    onCreateConflict: 'stop' | 'retry-next-cycle';
    /**
     * 404 on an update of a user deleted behind the IdP's back: re-create at once, at the next cycle, or 'stop'
     * (Okta: the task errors until the admin unassigns and reassigns the person, which matches and creates anew).
     */
    onUpdateNotFound: 'recreate-now' | 'recreate-next-cycle' | 'stop';
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
