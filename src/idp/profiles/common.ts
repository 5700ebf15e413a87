/** Small pieces several profiles share: SCIM URNs, the match filter, user-field → SCIM path mapping. */
import { SCHEMA_URN } from '../../scim/types.ts';
import type { DirUser, UserField } from '../directory.ts';
import { filterEq, type MatchAttribute } from './types.ts';

export const ENT = SCHEMA_URN.enterpriseUser;

/** The SCIM filter for a matching attribute (RFC 7644 §3.4.2.2). */
export function matchFilter(attr: MatchAttribute, user: DirUser, externalId: string): string {
  switch (attr) {
    case 'userName':
      return filterEq('userName', user.userName);
    case 'externalId':
      return filterEq('externalId', externalId);
    case 'email':
      // RFC 7644 §3.4.2.2: a multi-valued attribute's sub-attribute compares across all of its values.
      return filterEq('emails.value', user.email ?? user.userName);
    case 'workEmail':
      // RFC 7644 §3.4.2.2 valuePath: the mapping UI's emails[type eq "work"].value as a valid filter.
      return `emails[type eq "work" and value eq ${JSON.stringify(user.email ?? user.userName)}]`;
  }
}

/** SCIM attribute path of each directory field (RFC 7644 §3.5.2 paths; enterprise ones URN-prefixed). */
export const FIELD_PATH: Record<Exclude<UserField, 'manager'>, string> = {
  userName: 'userName',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  displayName: 'displayName',
  email: 'emails[type eq "work"].value',
  title: 'title',
  organization: `${ENT}:organization`,
  department: `${ENT}:department`,
  employeeNumber: `${ENT}:employeeNumber`,
};

export function enterpriseOf(u: DirUser): Record<string, unknown> | undefined {
  const ext: Record<string, unknown> = {};
  if (u.organization) ext.organization = u.organization;
  if (u.department) ext.department = u.department;
  if (u.employeeNumber) ext.employeeNumber = u.employeeNumber;
  return Object.keys(ext).length ? ext : undefined;
}

export function formattedName(u: DirUser): string | undefined {
  const parts = [u.givenName, u.familyName].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/** The fields whose value differs between two versions of a user, in a stable order. */
export function changedFields(prev: DirUser, next: DirUser): UserField[] {
  const order: UserField[] = ['userName', 'displayName', 'email', 'givenName', 'familyName', 'title', 'organization', 'department', 'employeeNumber', 'manager'];
  return order.filter((f) => (prev[f] ?? undefined) !== (next[f] ?? undefined) && next[f] !== undefined);
}
