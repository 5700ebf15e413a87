/**
 * The policy file's shape (docs/policy.md): the options of a Files.com SSO provider's provisioning
 * settings, as a TypeScript type and the JSON Schema that validates a file before it is used.
 */

export type DeprovisionMethod = 'disable' | 'delete';

export interface ProtocolPermissions {
  webdav?: boolean;
  ftp?: boolean;
  sftp?: boolean;
}

export interface Policy {
  /** What DELETE /Users/{id} does: keep the record inactive for audit, or remove it. */
  deprovision: DeprovisionMethod;
  /** Comma list of group displayNames (with `*` wildcards) whose members are provisioned; unset = everyone. */
  provisionGroups?: string;
  /** Comma list: members of these groups are never provisioned, even when a provisionGroups entry matches. */
  excludeGroups?: string;
  siteAdminGroups?: string;
  groupAdminGroups?: string;
  /** Members of these groups keep a local password beside SSO. */
  localPasswordGroups?: string;
  /** Group displayNames a new user joins on create (existing groups only). */
  defaultGroups?: string[];
  company?: string;
  timeZone?: string;
  permissions?: ProtocolPermissions;
}

const groupList = (what: string) => ({
  type: 'string',
  maxLength: 4096,
  description: `comma-separated group displayNames, * matches any run of characters: ${what}`,
});

/** JSON Schema (draft 2020-12 subset ajv understands by default); closed, so a misspelt option is an error. */
export const POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['deprovision'],
  properties: {
    deprovision: { type: 'string', enum: ['disable', 'delete'] },
    provisionGroups: groupList('members are provisioned'),
    excludeGroups: groupList('members are never provisioned'),
    siteAdminGroups: groupList('members become site admins'),
    groupAdminGroups: groupList('members become group admins'),
    localPasswordGroups: groupList('members keep a local password'),
    defaultGroups: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 256 },
      maxItems: 100,
    },
    company: { type: 'string', maxLength: 256 },
    timeZone: { type: 'string', minLength: 1, maxLength: 128 },
    permissions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        webdav: { type: 'boolean' },
        ftp: { type: 'boolean' },
        sftp: { type: 'boolean' },
      },
    },
  },
} as const;
