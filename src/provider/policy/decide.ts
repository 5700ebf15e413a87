/**
 * What a provisioning policy decides for one user, from the displayNames of the groups it is a direct
 * member of. Pure: the provider calls it on every read, so a membership change shows at once.
 */
import type { Policy } from './format.ts';
import { compileGroupList, splitGroupList, type GroupMatcher } from './group-pattern.ts';

/** The attributes of the extension schema (specs/schemas/FilesComUserExtension.json), all readOnly. */
export interface PolicyDecision {
  provisioned: boolean;
  siteAdmin: boolean;
  groupAdmin: boolean;
  localPassword: boolean;
  company?: string;
  timeZone?: string;
  webdavPermission: boolean;
  ftpPermission: boolean;
  sftpPermission: boolean;
}

/** A policy with its group lists compiled once, so deciding for a user does no parsing. */
export interface PolicyRules {
  policy: Policy;
  /** Undefined when the policy names no provisionGroups: then every user is in. */
  provision?: GroupMatcher;
  exclude: GroupMatcher;
  siteAdmin: GroupMatcher;
  groupAdmin: GroupMatcher;
  localPassword: GroupMatcher;
}

export function compilePolicy(policy: Policy): PolicyRules {
  return {
    policy,
    // An empty list ("" or " , ") names no group, which is the same as not setting it.
    provision: splitGroupList(policy.provisionGroups).length > 0 ? compileGroupList(policy.provisionGroups) : undefined,
    exclude: compileGroupList(policy.excludeGroups),
    siteAdmin: compileGroupList(policy.siteAdminGroups),
    groupAdmin: compileGroupList(policy.groupAdminGroups),
    localPassword: compileGroupList(policy.localPasswordGroups),
  };
}

export function decide(rules: PolicyRules, groupNames: readonly string[]): PolicyDecision {
  const inAny = (m: GroupMatcher) => groupNames.some(m);
  // Exclusion beats inclusion: a member of an excluded group is out whatever else matches.
  const provisioned = (rules.provision === undefined || inAny(rules.provision)) && !inAny(rules.exclude);
  // Roles and protocol grants belong to an account: a user the policy does not provision gets none.
  const grant = (on: boolean | undefined) => provisioned && on === true;
  const p = rules.policy;
  const out: PolicyDecision = {
    provisioned,
    siteAdmin: grant(inAny(rules.siteAdmin)),
    groupAdmin: grant(inAny(rules.groupAdmin)),
    localPassword: grant(inAny(rules.localPassword)),
    webdavPermission: grant(p.permissions?.webdav),
    ftpPermission: grant(p.permissions?.ftp),
    sftpPermission: grant(p.permissions?.sftp),
  };
  // Site-wide defaults, shown whenever set: they describe the account the user has or would get.
  if (p.company !== undefined && p.company !== '') out.company = p.company;
  if (p.timeZone !== undefined) out.timeZone = p.timeZone;
  return out;
}
