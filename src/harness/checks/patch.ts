/**
 * RFC 7644 §3.5.2 PATCH on Users. Every change is verified by reading the resource back with GET:
 * the stored state is what counts, whatever the PATCH response carried (200 with the resource or 204).
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, attrPath, extension, hasAttr, isObject, multi } from './support/attributes.ts';
import { filterString, nameVariant, unknownId } from './support/names.ts';
import { brief, expectRefused, userPath, usersPath } from './support/http.ts';
import { PATCH_MUTABILITY_SHALL, table8 } from './support/cites.ts';
import { expectPatchOk, hasEnterpriseExtension, patchUser, read, userBodyWith, type PatchOperation } from './support/resources.ts';
import { expectListResponse, idsOf, resourcesOf } from './support/lists.ts';
import { learnFilterSupport } from './support/filter-support.ts';
import { skipUnlessUsable } from './support/scoping.ts';
import { refusesMinimalUsers } from './support/required-only.ts';
import { conformUserBody, declared, requireDeclared, userSchemaView } from './support/user-schema.ts';
import { pickRemovableMultiValued, pickWritableString, writableStringSlots, type AttributeSlot } from './support/writable.ts';

type Op = { op: string; path?: string; value?: unknown };

/**
 * A user with a work and a home email, a name, a displayName and active, as far as the target's schema declares
 * them (support/user-schema.ts); `values` sets picked attributes (support/writable.ts), `omit` leaves some out.
 */
async function patchUserFixture(ctx: CheckContext, values: [AttributeSlot, unknown][] = [], omit: AttributeSlot[] = []) {
  const tag = crypto.randomUUID().slice(0, 8);
  const body = conformUserBody(
    userSchemaView(ctx.target),
    userBodyWith(ctx, {
      name: { givenName: 'Pat', familyName: 'Original' },
      displayName: 'Pat Original',
      active: true,
      emails: [
        { value: `work.${tag}@example.com`, type: 'work', primary: true },
        { value: `home.${tag}@example.org`, type: 'home' },
      ],
    }),
  );
  for (const slot of omit) slot.omit(body);
  for (const [slot, value] of values) slot.set(body, value);
  return ctx.fixtures.createUser(body);
}

/** Merges PATCH values without a path (`{ name: { a } }` + `{ name: { b } }` = `{ name: { a, b } }`). */
function mergeValues(values: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of values) {
    for (const [k, x] of Object.entries(v)) {
      const prev = out[k];
      out[k] = isObject(prev) && isObject(x) ? { ...prev, ...x } : x;
    }
  }
  return out;
}

/** The emails sub-attributes a check on emails[type eq …] needs the target's schema to declare. */
const TYPED_EMAILS = ['emails.value', 'emails.type'];

/** PATCHes, requires 200/204, and returns the user as stored afterwards. */
async function patchAndRead(ctx: CheckContext, id: string, ops: Op[], what: string): Promise<Record<string, any>> {
  const res = await patchUser(ctx, id, ops);
  expectPatchOk(ctx, res, what);
  return read(ctx, userPath(ctx, id));
}

function emailOfType(user: unknown, type: string): any {
  return multi(user, 'emails').find((e) => String(attr(e, 'type')).toLowerCase() === type);
}

/** Fails unless the PATCH was refused with a 400 SCIM error (and the given scimType, when one is named). */
function expect400(ctx: CheckContext, res: HttpResponse, scimType: string | undefined, what: string, opts?: { scimTypeRequired?: boolean }): void {
  if (res.status !== 400) ctx.fail(`${what}: expected 400${scimType ? ` ${scimType}` : ''}`, { expected: 400, actual: brief(res) });
  ctx.expectScimError(res, 400, scimType, opts);
}

/**
 * A MUST check that a PATCH of a fresh user with these operations is refused with 400 and this scimType;
 * `declares`: attributes the operations name, which the target's schema must declare for the scimType to apply.
 */
function refusedPatch(spec: {
  id: string;
  title: string;
  cite: Check['cite'];
  ops: PatchOperation[];
  scimType: string;
  what: string;
  declares?: string[];
  /** MUST when the quoted sentence names the 400 (and then the scimType, which must be present); SHOULD for Table 8's. */
  level?: Check['level'];
}): Check {
  const level = spec.level ?? 'MUST';
  return {
    id: spec.id,
    title: spec.title,
    area: 'patch',
    cite: spec.cite,
    level,
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, ...(spec.declares ?? []));
      const u = await patchUserFixture(ctx);
      const res = await patchUser(ctx, u.id, spec.ops);
      expect400(ctx, res, spec.scimType, spec.what, { scimTypeRequired: level === 'MUST' });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const checks: Check[] = [
  {
    id: 'patch.add.single-valued',
    title: 'add with a path sets a single-valued attribute',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.1', quote: 'If the target location does not exist, the attribute and value are added.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      // An attribute of the target's schema (nickName on an RFC 7643 User), left out at create so add finds none.
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx, [], [slot]);
      const got = await patchAndRead(ctx, u.id, [{ op: 'add', path: slot.path, value: 'Patsy' }], `PATCH add ${slot.path}`);
      ctx.expectEqual(slot.get(got), 'Patsy', `${slot.path} after add`);
    },
  },
  {
    id: 'patch.add.single-valued-replaces',
    title: 'add on a single-valued attribute that has a value replaces it',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.1', quote: 'If the target location specifies a single-valued attribute, the existing value is replaced.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx, [[slot, 'Original Title']]);
      const got = await patchAndRead(ctx, u.id, [{ op: 'add', path: slot.path, value: 'Added Title' }], `PATCH add ${slot.path}`);
      ctx.expectEqual(slot.get(got), 'Added Title', `${slot.path} after add over an existing value`);
    },
  },
  {
    id: 'patch.add.multivalued-append',
    title: 'add to a multi-valued attribute appends and keeps the existing values',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.1', quote: 'If the target location specifies a multi-valued attribute, a new value is added to the attribute.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, ...TYPED_EMAILS);
      const u = await patchUserFixture(ctx);
      const extra = `other.${crypto.randomUUID().slice(0, 8)}@example.net`;
      const got = await patchAndRead(ctx, u.id, [{ op: 'add', path: 'emails', value: [{ value: extra, type: 'other' }] }], 'PATCH add emails');
      const values = multi(got, 'emails').map((e) => String(attr(e, 'value')).toLowerCase());
      const before = multi(u, 'emails').map((e) => String(attr(e, 'value')).toLowerCase());
      ctx.expectTrue(values.includes(extra) && before.every((v) => values.includes(v)), 'the new email is added and the old ones stay', {
        expected: [...before, extra],
        actual: values,
      });
    },
  },
  {
    id: 'patch.add.no-path',
    title: 'add without a path merges the attributes of the value object',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.1', quote: 'If omitted, the target location is assumed to be the resource itself. The "value" parameter contains a set of attributes to be added to the resource.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      // One or two attributes of the target's schema, absent before; userName (not in the value) must stay.
      const slots = writableStringSlots(userSchemaView(ctx.target)).slice(0, 2);
      if (slots.length === 0) pickWritableString(ctx);
      const u = await patchUserFixture(ctx, [], slots);
      const values = slots.map((slot, i) => [slot, `NoPath ${i + 1}`] as const);
      const got = await patchAndRead(ctx, u.id, [{ op: 'add', value: mergeValues(values.map(([slot, v]) => slot.asValue(v))) }], 'PATCH add without path');
      for (const [slot, v] of values) ctx.expectEqual(slot.get(got), v, `${slot.path} after add without path`);
      ctx.expectEqual(attr(got, 'userName'), attr(u, 'userName'), 'userName (not in the value) is untouched');
    },
  },
  {
    id: 'patch.replace.with-path',
    title: 'replace with a path sets the attribute',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'The "replace" operation replaces the value at the target location specified by the "path".' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx, [[slot, 'Pat Original']]);
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', path: slot.path, value: 'Pat Replaced' }], `PATCH replace ${slot.path}`);
      ctx.expectEqual(slot.get(got), 'Pat Replaced', `${slot.path} after replace`);
    },
  },
  {
    id: 'patch.replace.no-path',
    title: 'replace without a path replaces each attribute of the value object',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'If the "path" parameter is omitted, the target is assumed to be the resource itself. In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slots = writableStringSlots(userSchemaView(ctx.target)).slice(0, 2);
      if (slots.length === 0) pickWritableString(ctx);
      const u = await patchUserFixture(ctx, slots.map((slot) => [slot, 'Original']));
      const values = slots.map((slot, i) => [slot, `Pat NoPath ${i + 1}`] as const);
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', value: mergeValues(values.map(([slot, v]) => slot.asValue(v))) }], 'PATCH replace without path');
      for (const [slot, v] of values) ctx.expectEqual(slot.get(got), v, `${slot.path} after replace without path`);
    },
  },
  {
    id: 'patch.replace.sub-attribute',
    title: 'replace name.familyName changes that sub-attribute and keeps its siblings',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'If the target location specifies a complex attribute, a set of sub-attributes SHALL be specified in the "value" parameter, which replaces any existing values or adds where an attribute did not previously exist.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, 'name.familyName', 'name.givenName');
      const u = await patchUserFixture(ctx);
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', path: 'name.familyName', value: 'Renamed' }], 'PATCH replace name.familyName');
      ctx.expectEqual(attrPath(got, 'name.familyName'), 'Renamed', 'name.familyName after replace');
      ctx.expectEqual(attrPath(got, 'name.givenName'), 'Pat', 'name.givenName is kept');
    },
  },
  {
    id: 'patch.replace.value-filter',
    title: 'replace emails[type eq "work"].value changes only the matching element',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'If the target location is a multi-valued attribute and a value selection ("valuePath") filter is specified that matches one or more values of the multi-valued attribute, then all matching record values SHALL be replaced.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, ...TYPED_EMAILS);
      const u = await patchUserFixture(ctx);
      const fresh = `new.${crypto.randomUUID().slice(0, 8)}@example.com`;
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', path: 'emails[type eq "work"].value', value: fresh }], 'PATCH replace emails[type eq "work"].value');
      ctx.expectEqual(String(attr(emailOfType(got, 'work'), 'value')).toLowerCase(), fresh, 'the work email value');
      ctx.expectEqual(attr(emailOfType(got, 'home'), 'value'), attr(emailOfType(u, 'home'), 'value'), 'the home email is untouched');
    },
  },
  {
    id: 'patch.replace.multivalued-whole',
    title: 'replace emails with a path replaces the whole list',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are replaced.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, ...TYPED_EMAILS);
      const u = await patchUserFixture(ctx);
      const only = `only.${crypto.randomUUID().slice(0, 8)}@example.com`;
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', path: 'emails', value: [{ value: only, type: 'work', primary: true }] }], 'PATCH replace emails');
      const values = multi(got, 'emails').map((e) => String(attr(e, 'value')).toLowerCase());
      ctx.expectEqual(values, [only], 'emails after replacing the list');
    },
  },
  {
    id: 'patch.remove.attribute',
    title: 'remove with a path clears the attribute',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.2', quote: 'If the target location is a single-value attribute, the attribute and its associated value is removed, and the attribute SHALL be considered unassigned.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx, [[slot, 'Original Title']]);
      const got = await patchAndRead(ctx, u.id, [{ op: 'remove', path: slot.path }], `PATCH remove ${slot.path}`);
      ctx.expectTrue(slot.get(got) === undefined || slot.get(got) === null, `${slot.path} is gone after remove`, { expected: undefined, actual: slot.get(got) });
    },
  },
  {
    id: 'patch.remove.value-filter',
    title: 'remove emails[type eq "home"] removes only the matching element',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.2', quote: 'If the target location is a multi-valued attribute and a complex filter is specified comparing a "value", the values matched by the filter are removed.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, ...TYPED_EMAILS);
      const u = await patchUserFixture(ctx);
      const got = await patchAndRead(ctx, u.id, [{ op: 'remove', path: 'emails[type eq "home"]' }], 'PATCH remove emails[type eq "home"]');
      ctx.expectTrue(emailOfType(got, 'home') === undefined, 'the home email is removed', { expected: 'no home email', actual: attr(got, 'emails') });
      ctx.expectTrue(emailOfType(got, 'work') !== undefined, 'the work email stays', { expected: 'a work email', actual: attr(got, 'emails') });
    },
  },
  refusedPatch({
    id: 'patch.remove.no-path',
    title: 'remove without a path is refused with 400 noTarget',
    cite: { rfc: 7644, section: '3.5.2.2', quote: 'If "path" is unspecified, the operation fails with HTTP status code 400 and a "scimType" error code of "noTarget".' },
    ops: [{ op: 'remove' }],
    scimType: 'noTarget',
    what: 'PATCH remove without path',
  }),
  refusedPatch({
    id: 'patch.replace.value-filter-no-match',
    title: 'replace through a value filter that matches nothing is refused with 400 noTarget',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'If the target location is a multi-valued attribute for which a value selection filter ("valuePath") has been supplied and no record match was made, the service provider SHALL indicate failure by returning HTTP status code 400 and a "scimType" error code of "noTarget".' },
    ops: [{ op: 'replace', path: 'emails[type eq "scimcheck-no-such-type"].value', value: 'nobody@example.com' }],
    scimType: 'noTarget',
    what: 'PATCH replace through a value filter matching nothing',
    declares: TYPED_EMAILS,
  }),
  refusedPatch({
    id: 'patch.invalid.path',
    title: 'a malformed path is refused with 400 (invalidPath)',
    cite: { ...table8(400), quote: `${table8(400).quote} ... invalidPath: The "path" attribute was invalid or malformed (see Figure 7).` },
    level: 'SHOULD',
    ops: [{ op: 'replace', path: 'emails[type eq "work"', value: 'x@example.com' }],
    scimType: 'invalidPath',
    what: 'PATCH with an unclosed value filter in path',
  }),
  {
    id: 'patch.invalid.op',
    title: 'an unknown op is refused with 400',
    area: 'patch',
    // §3.5.2's "MUST have exactly one op member" binds the client; the answer to an unknown op is Table 8's 400.
    cite: table8(400),
    level: 'SHOULD',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx, [[slot, 'Original Title']]);
      const res = await patchUser(ctx, u.id, [{ op: 'merge', path: slot.path, value: 'Merged' }]);
      expect400(ctx, res, undefined, 'PATCH with op "merge"');
      const got = await read(ctx, userPath(ctx, u.id));
      ctx.expectEqual(slot.get(got), 'Original Title', `${slot.path} after a refused PATCH`);
    },
  },
  {
    id: 'patch.invalid.missing-schemas',
    title: 'a PATCH body without the PatchOp schema is refused (or, the target\'s choice, processed)',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2', quote: 'The body of each request MUST contain the "schemas" attribute with the URI value of "urn:ietf:params:scim:api:messages:2.0:PatchOp".' },
    // The MUST binds the client; a strict server refuses, a lenient one may process the operations: both are
    // recorded, only a server error warns.
    level: 'MAY',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx);
      const res = await ctx.http.send({ method: 'PATCH', path: userPath(ctx, u.id), body: { Operations: [{ op: 'replace', path: slot.path, value: 'NoSchemas' }] } });
      if (res.status >= 200 && res.status < 300) ctx.skip(`the target processed a PATCH body without schemas (HTTP ${res.status}): its choice`);
      if (res.status >= 500) ctx.fail('a PATCH body without schemas crashed the target', { expected: '400 (or processing it)', actual: brief(res) });
      ctx.expectScimError(res, res.status);
    },
  },
  {
    id: 'patch.op.case-insensitive',
    title: 'an op written "Replace" is accepted (IdP interop)',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2', quote: 'whose value indicates the operation to perform and MAY be one of "add", "remove", or "replace"' },
    // The RFC spells the ops in lower case and says nothing of case; Microsoft Entra sends "Replace"/"Add". Accepting
    // them is interop, not a requirement: a refusal is recorded (skipped with a note), a wrong result warns.
    level: 'MAY',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx);
      const res = await patchUser(ctx, u.id, [{ op: 'Replace', path: slot.path, value: 'Capitalised Op' }]);
      if (res.status >= 400 && res.status < 500) ctx.skip(`the target refuses op "Replace" (HTTP ${res.status}); Microsoft Entra sends ops capitalised`);
      expectPatchOk(ctx, res, 'PATCH with op "Replace"');
      const got = await read(ctx, userPath(ctx, u.id));
      ctx.expectEqual(slot.get(got), 'Capitalised Op', `${slot.path} after op "Replace"`);
    },
  },
  {
    id: 'patch.extension.urn-path',
    title: 'replace with an enterprise extension URN path sets the extension attribute',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2', quote: 'The "path" attribute value is a String containing an attribute path describing the target of the operation.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      if (!hasEnterpriseExtension(ctx)) ctx.skip('the User resource type does not offer the enterprise extension');
      requireDeclared(ctx, `${SCHEMA_URN.enterpriseUser}:department`);
      const u = await patchUserFixture(ctx);
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', path: `${SCHEMA_URN.enterpriseUser}:department`, value: 'Patched Dept' }], 'PATCH replace enterprise department');
      ctx.expectEqual(attr(extension(got, SCHEMA_URN.enterpriseUser), 'department'), 'Patched Dept', 'enterprise department after replace');
    },
  },
  {
    id: 'patch.atomic.failing-last-op',
    title: 'a PATCH whose last op fails leaves the resource and meta.version unchanged',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2', quote: 'A PATCH request, regardless of the number of operations, SHALL be treated as atomic. If a single operation encounters an error condition, the original SCIM resource MUST be restored' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slots = writableStringSlots(userSchemaView(ctx.target)).slice(0, 2);
      if (slots.length === 0) pickWritableString(ctx);
      const u = await patchUserFixture(ctx, slots.map((slot) => [slot, 'Original']));
      const before = await read(ctx, userPath(ctx, u.id));
      // The last op fails: RFC 7644 §3.5.2.3, a value filter matching no record → 400 noTarget, only known when
      // applying it (where the schema has typed emails); else §3.5.2.2, remove without a path → 400 noTarget.
      const failing: Op = declared(ctx, 'emails.type')
        ? { op: 'replace', path: 'emails[type eq "scimcheck-no-such-type"].value', value: 'nobody@example.com' }
        : { op: 'remove' };
      const res = await patchUser(ctx, u.id, [...slots.map((slot, i) => ({ op: 'replace', path: slot.path, value: `Must Not Stick ${i + 1}` })), failing]);
      if (res.status < 400) ctx.fail('the PATCH with a failing last op should be refused', { expected: '4xx', actual: brief(res) });
      const after = await read(ctx, userPath(ctx, u.id));
      for (const slot of slots) ctx.expectEqual(slot.get(after), slot.get(before), `${slot.path} after the refused PATCH`);
      const v0 = attrPath(before, 'meta.version');
      if (v0 !== undefined) ctx.expectEqual(attrPath(after, 'meta.version'), v0, 'meta.version after the refused PATCH');
    },
  },
  {
    id: 'patch.active.deactivate-idempotent',
    title: 'replace active=false deactivates, and repeating it still succeeds',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'The "replace" operation replaces the value at the target location specified by the "path".' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, 'active');
      const u = await patchUserFixture(ctx);
      await patchAndRead(ctx, u.id, [{ op: 'replace', path: 'active', value: false }], 'first PATCH active=false');
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', path: 'active', value: false }], 'second PATCH active=false');
      ctx.expectEqual(attr(got, 'active'), false, 'active after deactivating twice');
    },
  },
  {
    id: 'patch.active.reactivate',
    title: 'a deactivated user can be reactivated with replace active=true',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'The "replace" operation replaces the value at the target location specified by the "path".' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      requireDeclared(ctx, 'active');
      const u = await patchUserFixture(ctx);
      await patchAndRead(ctx, u.id, [{ op: 'replace', path: 'active', value: false }], 'PATCH active=false');
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', value: { active: true } }], 'PATCH active=true');
      ctx.expectEqual(attr(got, 'active'), true, 'active after reactivating');
    },
  },
  {
    id: 'patch.response.body-or-204',
    title: 'a successful PATCH answers 200 with the resource or 204, never 200 with an empty body',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2', quote: 'On successful completion, the server either MUST return a 200 OK response code and the entire resource within the response body ... or MAY return HTTP status code 204 (No Content)' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx);
      const res = await patchUser(ctx, u.id, [{ op: 'replace', path: slot.path, value: 'Response Shape' }]);
      expectPatchOk(ctx, res, `PATCH replace ${slot.path}`);
      if (res.status === 204) return;
      if (!isObject(res.json) || attr(res.json, 'id') !== u.id) {
        ctx.fail('a 200 PATCH response must carry the entire resource', { expected: { id: u.id }, actual: brief(res) });
      }
      ctx.expectEqual(slot.get(res.json), 'Response Shape', `${slot.path} in the 200 PATCH response`);
    },
  },
  {
    id: 'patch.readonly.id',
    title: 'replacing id (readOnly) is refused (400 mutability) and the id stays',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2', quote: PATCH_MUTABILITY_SHALL },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const u = await patchUserFixture(ctx);
      const res = await patchUser(ctx, u.id, [{ op: 'replace', path: 'id', value: crypto.randomUUID() }]);
      // "the appropriate HTTP response status code": any refusal; scimType is OPTIONAL, but if given, "mutability".
      expectRefused(ctx, res, 'PATCH replace id', 'mutability');
      const got = await read(ctx, userPath(ctx, u.id));
      ctx.expectEqual(attr(got, 'id'), u.id, 'id after the refused PATCH');
    },
  },
  {
    id: 'patch.meta.last-modified-advances',
    title: 'a PATCH moves meta.lastModified forward',
    area: 'patch',
    cite: { rfc: 7643, section: '3.1', quote: 'lastModified: The most recent DateTime that the details of this resource were updated at the service provider.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const u = await patchUserFixture(ctx);
      const before = attrPath(u, 'meta.lastModified');
      // RFC 7643 §3.1 does not require meta: only a returned lastModified is judged (its type by users.create.meta-timestamps).
      if (typeof before !== 'string' || Number.isNaN(Date.parse(before))) ctx.skip('the created user carries no meta.lastModified dateTime');
      // Let the clock pass a whole second so even second-precision timestamps must differ (not a timing assertion).
      await sleep(1100);
      const got = await patchAndRead(ctx, u.id, [{ op: 'replace', path: slot.path, value: 'Later Title' }], `PATCH replace ${slot.path}`);
      const after = attrPath(got, 'meta.lastModified');
      ctx.expectTrue(typeof after === 'string' && Date.parse(after) > Date.parse(before), 'meta.lastModified is later than before the PATCH', {
        expected: `> ${before}`,
        actual: after,
      });
    },
  },
  {
    id: 'patch.unknown-id',
    title: 'PATCH of an unknown id answers 404',
    area: 'patch',
    cite: table8(404),
    level: 'SHOULD',
    requires: ['patch', 'write'],
    async run(ctx) {
      // userName: the one attribute every User has (RFC 7643 §4.1.1), so only the unknown id can be wrong.
      const res = await patchUser(ctx, unknownId(), [{ op: 'replace', path: 'userName', value: `scimcheck-nobody-${crypto.randomUUID()}` }]);
      ctx.expectScimError(res, 404);
    },
  },
  {
    id: 'patch.username.rename-then-filter',
    title: 'after a userName change via PATCH, a filter finds the new name and not the old one',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.3', quote: 'The "replace" operation replaces the value at the target location specified by the "path".' },
    level: 'MUST',
    requires: ['patch', 'write', 'filter'],
    needs: ['filter.operator.eq'],
    async run(ctx) {
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['eq']);
      const u = await patchUserFixture(ctx);
      const oldName = String(attr(u, 'userName'));
      const newName = nameVariant(oldName, 'renamed');
      await patchAndRead(ctx, u.id, [{ op: 'replace', path: 'userName', value: newName }], 'PATCH replace userName');
      const path = usersPath(ctx);
      const found = await ctx.http.send({ method: 'GET', path, query: { filter: `userName eq ${filterString(newName)}` } });
      ctx.expectEqual(idsOf(resourcesOf(expectListResponse(ctx, found, 'filter on the new userName'))), [u.id], 'ids found by the new userName');
      const gone = await ctx.http.send({ method: 'GET', path, query: { filter: `userName eq ${filterString(oldName)}` } });
      ctx.expectEqual(idsOf(resourcesOf(expectListResponse(ctx, gone, 'filter on the old userName'))), [], 'ids found by the old userName');
    },
  },
  {
    id: 'patch.remove.multivalued-all',
    title: 'remove with the path of a multi-valued attribute removes all its values',
    area: 'patch',
    cite: { rfc: 7644, section: '3.5.2.2', quote: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are removed, and the attribute SHALL be considered unassigned.' },
    level: 'MUST',
    requires: ['patch', 'write'],
    async run(ctx) {
      // A removable multi-valued attribute of the target's schema (phoneNumbers first; emails last, as some targets insist on one).
      const mv = pickRemovableMultiValued(ctx);
      if (!mv) return ctx.skip("the target's User schema declares no multi-valued attribute with a writable value that is not required");
      // Removing every email from a target that insists on one (whatever its schema says) is reported once, by
      // users.create.required-only, not again here.
      if (mv.path.toLowerCase() === 'emails') {
        const refused = await refusesMinimalUsers(ctx);
        if (refused) ctx.skip(`removing every email: ${refused}`);
      }
      const u = await ctx.fixtures.createUser(conformUserBody(userSchemaView(ctx.target), userBodyWith(ctx, { [mv.path]: mv.entries(crypto.randomUUID().slice(0, 8), 2) })));
      const got = await patchAndRead(ctx, u.id, [{ op: 'remove', path: mv.path }], `PATCH remove ${mv.path}`);
      ctx.expectTrue(!hasAttr(got, mv.path), `${mv.path} is unassigned`, { expected: undefined, actual: attr(got, mv.path) });
    },
  },
];
