/** Files.com-style provisioning policy for the reference provider (`scimcheck serve --policy FILE`, docs/policy.md). */
export { POLICY_SCHEMA, type Policy, type DeprovisionMethod, type ProtocolPermissions } from './format.ts';
export { readPolicyFile, parsePolicyText, validatePolicy } from './load.ts';
export { compilePolicy, decide, type PolicyDecision, type PolicyRules } from './decide.ts';
export { compileGroupList, splitGroupList, type GroupMatcher } from './group-pattern.ts';
export { FILESCOM_USER_URN, readExtensionSchema, withPolicyExtension, withPolicyDecision } from './extension.ts';
export { joinDefaultGroups } from './default-groups.ts';
