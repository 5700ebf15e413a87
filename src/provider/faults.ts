/**
 * Deliberately broken behaviours (`scimcheck serve --fault NAME`), each a bug seen in real SCIM servers.
 * They exist to prove the harness notices: every fault flips one behaviour, checked where that
 * behaviour lives, so the strict path and the faulty path are the same code with a flag.
 */
import { UsageError } from '../usage-error.ts';

export const FAULTS = {
  'create-returns-200': 'POST answers 200 instead of 201 Created (RFC 7644 §3.3)',
  'filter-ignored': 'list endpoints ignore `filter` and return every resource (RFC 7644 §3.4.2.2)',
  'username-case-sensitive': 'userName uniqueness and `userName eq` compare case-sensitively (RFC 7643 §4.1.1 caseExact false)',
  'filter-case-sensitive': 'filter string comparisons are case-sensitive even where caseExact is false (RFC 7644 §3.4.2.2)',
  'patch-ignored': 'PATCH answers 200 with the unchanged resource (RFC 7644 §3.5.2)',
  'member-removal-ignored': 'PATCH remove of Group members is accepted but nothing is removed (RFC 7644 §3.5.2.2)',
  'delete-not-deleting': 'DELETE answers 204 but the resource is still there (RFC 7644 §3.6)',
  'errors-plain-text': 'error bodies are text/plain instead of SCIM JSON (RFC 7644 §3.12)',
  'password-echoed': 'the password is returned in responses (RFC 7643 §4.1.1 returned "never")',
  'total-results-wrong': 'totalResults is the page size instead of the number of matches (RFC 7644 §3.4.2)',
  'start-index-ignored': 'startIndex is ignored: every page starts at the first result (RFC 7644 §3.4.2.4)',
  'conflict-as-500': 'a uniqueness conflict answers 500 instead of 409 (RFC 7644 §3.3)',
  'auth-not-enforced': 'requests without valid credentials are served (RFC 7644 §2)',
  'if-match-ignored': 'If-Match is ignored: stale writes succeed (RFC 7644 §3.14)',
  'location-missing': 'POST answers without a Location header (RFC 7644 §3.3)',
  'content-type-json': 'responses say application/json instead of application/scim+json (RFC 7644 §8.1)',
  'put-merges': 'PUT keeps attributes absent from the body instead of clearing them (RFC 7644 §3.5.1)',
  'patch-not-atomic': 'operations before a failing PATCH operation stay applied (RFC 7644 §3.5.2)',
  'excluded-attributes-ignored': '`excludedAttributes` is ignored (RFC 7644 §3.4.2.5)',
  'sort-ignored': '`sortBy` / `sortOrder` are ignored (RFC 7644 §3.4.2.3)',
  'groups-writable': 'User.groups is accepted on write instead of rejected as readOnly (RFC 7643 §4.1.2)',
  'count-ignored': '`count` is ignored: all results come back in one page (RFC 7644 §3.4.2.4)',
  'deleted-user-stays-member': 'deleting a user leaves it in its groups\' members (RFC 7643 §4.2)',
  'version-unchanged': 'meta.version / ETag is not bumped on change (RFC 7644 §3.14)',
  'id-from-body': 'a client-supplied `id` is honoured on POST (RFC 7643 §3.1: id is assigned by the service provider)',
  'empty-patch-body': 'PATCH answers 200 with an empty body (RFC 7644 §3.5.2)',
} as const satisfies Record<string, string>;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(name: string): name is FaultName {
  return Object.prototype.hasOwnProperty.call(FAULTS, name);
}

/** The active faults of one provider; `has` is what code paths ask. */
export class FaultSet {
  private readonly active: ReadonlySet<FaultName>;

  constructor(names: readonly string[] = []) {
    const unknown = names.filter((n) => !isFaultName(n));
    if (unknown.length > 0) {
      throw new UsageError(
        `unknown fault '${unknown.join("', '")}' (valid: ${Object.keys(FAULTS).join(', ')})`,
      );
    }
    this.active = new Set(names as FaultName[]);
  }

  has(name: FaultName): boolean {
    return this.active.has(name);
  }

  list(): FaultName[] {
    return [...this.active];
  }
}

const GROUP_URN_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:group:';

/**
 * What the `member-removal-ignored` fault drops: a PATCH operation removing Group members (RFC 7644
 * §3.5.2.2), by `members`, `members[value eq "..."]` or the URN-qualified path, in any case.
 */
export function isMemberRemoval(op: unknown): boolean {
  if (typeof op !== 'object' || op === null || Array.isArray(op)) return false;
  const o = op as Record<string, unknown>;
  const opName = Object.keys(o).find((k) => k.toLowerCase() === 'op');
  const pathKey = Object.keys(o).find((k) => k.toLowerCase() === 'path');
  if (opName === undefined || String(o[opName]).toLowerCase() !== 'remove') return false;
  let path = pathKey === undefined ? '' : String(o[pathKey] ?? '').trim().toLowerCase();
  if (path.startsWith(GROUP_URN_PREFIX)) path = path.slice(GROUP_URN_PREFIX.length);
  return path === 'members' || path.startsWith('members[') || path.startsWith('members.');
}
