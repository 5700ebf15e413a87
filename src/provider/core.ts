/**
 * The one place the provider touches the pure SCIM core (src/scim). Everything the provider needs from
 * filter, PATCH, validation, projection, sort and paging passes through here, so a change in a core
 * signature is fixed in one file.
 */
export { parseFilter, validateFilter, compileFilter } from '../scim/filter/index.ts';
export { parseAttrPath, parsePatchPath } from '../scim/attribute-path.ts';
export { normalizeResource, readOnlyAttributesPresent } from '../scim/validate-resource.ts';
export { applyPatch, parsePatchRequest } from '../scim/patch.ts';
export { planMemberDelta, type MemberStep } from '../scim/patch/member-delta.ts';
export { valuesEqual } from '../scim/compare.ts';
export { getPathValues } from '../scim/resource-access.ts';
export { projectResource, parseAttributeList } from '../scim/projection.ts';
export { sortResources } from '../scim/sort.ts';
export { normalizePaging, pageOf } from '../scim/paging.ts';
export { parseListQuery } from '../scim/list-query.ts';
