/**
 * Every conformance check, by RFC area, validated when loaded: ids are unique stable slugs and every
 * citation names a section that exists (DESIGN.md: citations are data, checked against specs/).
 */
import type { Check } from '../check.ts';
import { isKnownSection } from '../../scim/citations.ts';
import { needsProblems } from '../prerequisites.ts';
import { checks as discovery } from './discovery.ts';
import { checks as auth } from './auth.ts';
import { checks as users } from './users.ts';
import { checks as uniqueness } from './uniqueness.ts';
import { checks as validation } from './validation.ts';
import { checks as contentType } from './content-type.ts';
import { checks as errors } from './errors.ts';
import { checks as security } from './security.ts';
import { checks as etag } from './etag.ts';
import { checks as filter } from './filter.ts';
import { checks as paging } from './paging.ts';
import { checks as sort } from './sort.ts';
import { checks as projection } from './projection.ts';
import { checks as patch } from './patch.ts';
import { checks as groups } from './groups.ts';
import { checks as bulk } from './bulk.ts';
import { checks as search } from './search.ts';
import { checks as filterValues } from './filter-values.ts';
import { checks as schemasReturned } from './schemas-returned.ts';
import { checks as writeIntegrity } from './write-integrity.ts';
import { checks as bulkResponse } from './bulk-response.ts';

/** A check set that cannot be trusted (duplicate id, bad slug, unknown citation): a scimcheck bug. */
export class CheckSetError extends Error {
  constructor(problems: string[]) {
    super(`invalid check set:\n  ${problems.join('\n  ')}`);
    this.name = 'CheckSetError';
  }
}

/** Lower-case dot-separated segments of [a-z0-9-]: 'patch.add.multivalued-append'. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

export function validateChecks(checks: readonly Check[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of checks) {
    if (!SLUG.test(c.id)) problems.push(`${c.id}: id is not a dotted lower-case slug`);
    if (seen.has(c.id)) problems.push(`${c.id}: duplicate id`);
    seen.add(c.id);
    if (!c.cite || !isKnownSection(c.cite.rfc, c.cite.section)) {
      problems.push(`${c.id}: cites RFC${c.cite?.rfc} §${c.cite?.section}, which is not a section of that RFC`);
    }
    if (!['MUST', 'SHOULD', 'MAY'].includes(c.level)) problems.push(`${c.id}: level ${String(c.level)} is not MUST/SHOULD/MAY`);
    if (typeof c.run !== 'function') problems.push(`${c.id}: has no run function`);
  }
  // Prerequisites must name checks and be orderable (no cycle), or the runner could never start them.
  problems.push(...needsProblems(checks));
  return problems;
}

export function allChecks(): Check[] {
  const checks = [
    ...discovery, ...auth, ...users, ...uniqueness, ...validation, ...contentType, ...errors, ...security,
    ...etag, ...filter, ...paging, ...sort, ...projection, ...patch, ...groups, ...bulk, ...search,
    ...filterValues, ...schemasReturned, ...writeIntegrity, ...bulkResponse,
  ];
  const problems = validateChecks(checks);
  if (problems.length > 0) throw new CheckSetError(problems);
  return checks;
}
