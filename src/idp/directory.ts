/**
 * The IdP's own directory: people and groups as an admin sees them in Okta / Entra / OneLogin, named
 * neutrally. Profiles map these to SCIM bodies their own way; scenarios change them.
 */
export interface DirUser {
  /** The scenario's symbolic name for this person (e.g. 'alice'). */
  key: string;
  /** The IdP's own object id (Okta 00u…, Entra object id, OneLogin number); Okta sends it as externalId. */
  idpId: string;
  userName: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  email?: string;
  title?: string;
  /** Enterprise extension (RFC 7643 §4.3) organization: the "company" field of the IdPs. */
  organization?: string;
  department?: string;
  employeeNumber?: string;
  /** Scenario key of the manager. */
  manager?: string;
  active: boolean;
}

export interface DirGroup {
  key: string;
  idpId: string;
  displayName: string;
  /** Scenario keys of member users. */
  members: string[];
}

/** The editable profile fields a scenario may set on a user. */
export const USER_FIELDS = [
  'userName',
  'givenName',
  'familyName',
  'displayName',
  'email',
  'title',
  'organization',
  'department',
  'employeeNumber',
  'manager',
] as const;
export type UserField = (typeof USER_FIELDS)[number];

/** Deterministic-looking but unique ids in each IdP's style, so transcripts read like the real thing. */
export function idpIdFor(style: 'okta' | 'guid' | 'number', seed: string): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(h), b = hex(Math.imul(h, 2654435761)), c = hex(Math.imul(h ^ 0x5bd1e995, 40503));
  if (style === 'okta') return `00u${a}${b.slice(0, 9)}`;
  if (style === 'number') return String(100000000 + (h % 800000000));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(0, 3)}-${c.slice(3, 8)}${a.slice(0, 7)}`;
}
