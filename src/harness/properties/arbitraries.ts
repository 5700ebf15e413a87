/**
 * Generators for the property suites: user and group bodies, PATCH operations and filters, as plain data
 * ("specs") that are turned into requests only when a run executes, because names need the run's prefix
 * and filters need the values the population really holds. Specs shrink well and print readably.
 */
import fc from 'fast-check';
import { SCHEMA_URN, type CompareOp } from '../../scim/types.ts';

/** Mixed case, non-ASCII letters, quotes and backslashes: the names real directories hold. */
export const WORDS = ['alice', 'Bob', 'ÉLODIE', 'zoë', "o'Brien", 'say "hi"', 'Ærø', '李雷', 'straße', 'back\\slash', 'MiXeD', 'x'] as const;
export const DOMAINS = ['example.com', 'Example.ORG', 'mail.test'] as const;
export const EMAIL_TYPES = ['work', 'home', 'other'] as const;

export const word = fc.constantFrom(...WORDS);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

export interface EmailSpec {
  local: string;
  domain: string;
  type?: string;
}

export interface UserSpec {
  local: string;
  displayName?: string;
  givenName?: string;
  familyName?: string;
  title?: string;
  nickName?: string;
  active: boolean;
  emails: EmailSpec[];
  /** Index (modulo the list) of the email marked primary, if any (RFC 7643 §2.4: at most one). */
  primary?: number;
  externalId?: string;
  department?: string;
  employeeNumber?: string;
}

const emailSpec: fc.Arbitrary<EmailSpec> = fc.record({ local: word, domain: fc.constantFrom(...DOMAINS), type: optional(fc.constantFrom(...EMAIL_TYPES)) }, { requiredKeys: ['local', 'domain'] });

export function userSpec(opts: { enterprise: boolean }): fc.Arbitrary<UserSpec> {
  return fc.record(
    {
      local: word,
      displayName: word,
      givenName: word,
      familyName: word,
      title: word,
      nickName: word,
      active: fc.boolean(),
      emails: fc.array(emailSpec, { maxLength: 3 }),
      primary: fc.nat(3),
      externalId: word,
      ...(opts.enterprise ? { department: word, employeeNumber: fc.constantFrom('1', '42', 'E-7') } : {}),
    },
    { requiredKeys: ['local', 'active', 'emails'] },
  ) as fc.Arbitrary<UserSpec>;
}

/** An email address as text; the local part keeps only what an address may hold, so it stays plausible. */
export function emailAddress(e: EmailSpec, seq: number | string): string {
  const local = e.local.replace(/[^\p{L}\p{N}.'_-]/gu, '') || 'u';
  return `${local}.${seq}@${e.domain}`;
}

/** The userName a spec gets in a run: prefix (ASCII, unique per run) + sequence + the spec's word. */
export function userNameFor(prefix: string, seq: number, local: string): string {
  return `${prefix}${seq}-${local}`;
}

/** RFC 7643 §4.1: a User body for POST / PUT built from a spec. */
export function userBody(spec: UserSpec, userName: string, seq: number | string): Record<string, unknown> {
  const body: Record<string, unknown> = { schemas: [SCHEMA_URN.user], userName, active: spec.active };
  if (spec.displayName !== undefined) body.displayName = spec.displayName;
  if (spec.title !== undefined) body.title = spec.title;
  if (spec.nickName !== undefined) body.nickName = spec.nickName;
  if (spec.externalId !== undefined) body.externalId = `${spec.externalId}-${seq}`;
  if (spec.givenName !== undefined || spec.familyName !== undefined) {
    body.name = { ...(spec.givenName !== undefined ? { givenName: spec.givenName } : {}), ...(spec.familyName !== undefined ? { familyName: spec.familyName } : {}) };
  }
  if (spec.emails.length > 0) {
    const primary = spec.primary === undefined ? -1 : spec.primary % (spec.emails.length + 1);
    body.emails = spec.emails.map((e, i) => ({
      value: emailAddress(e, `${seq}${i}`),
      ...(e.type !== undefined ? { type: e.type } : {}),
      ...(i === primary ? { primary: true } : {}),
    }));
  }
  if (spec.department !== undefined || spec.employeeNumber !== undefined) {
    (body.schemas as string[]).push(SCHEMA_URN.enterpriseUser);
    body[SCHEMA_URN.enterpriseUser] = {
      ...(spec.department !== undefined ? { department: spec.department } : {}),
      ...(spec.employeeNumber !== undefined ? { employeeNumber: spec.employeeNumber } : {}),
    };
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// PATCH operations (RFC 7644 §3.5.2), in the forms the RFC defines.

export type PatchOpSpec =
  /** add / replace / remove of a simple attribute by path (sub-attribute paths included). */
  | { form: 'simple'; op: 'add' | 'replace' | 'remove'; path: 'title' | 'displayName' | 'nickName' | 'name.givenName' | 'name.familyName' | 'active' | 'externalId'; value: string | boolean }
  /** replace of userName: a fresh name with the run prefix, or the (case-changed) name of another user. */
  | { form: 'userName'; taken?: { user: number; upper: boolean }; local: string }
  /** add emails by path (multi-valued add appends, RFC 7644 §3.5.2.1). */
  | { form: 'addEmail'; email: EmailSpec }
  /** replace / remove through a value filter path: emails[type eq "work"] or emails[type eq "work"].value. */
  | { form: 'emailFilter'; op: 'replace' | 'remove'; type: string; sub: boolean; email: EmailSpec }
  /** remove of all emails (RFC 7644 §3.5.2.2 without filter: every value). */
  | { form: 'removeEmails' }
  /** Without path: the value is an object of attributes (RFC 7644 §3.5.2.1 / §3.5.2.3). */
  | { form: 'pathless'; op: 'add' | 'replace'; title?: string; active?: boolean; nickName?: string; department?: string }
  /** Extension attribute by its fully qualified path (RFC 7644 §3.10). */
  | { form: 'extension'; op: 'add' | 'replace' | 'remove'; attr: 'department' | 'employeeNumber'; value: string };

const simplePaths = ['title', 'displayName', 'nickName', 'name.givenName', 'name.familyName', 'externalId'] as const;

export function patchOpSpec(opts: { enterprise: boolean; otherUsers: boolean }): fc.Arbitrary<PatchOpSpec> {
  const arbs: fc.Arbitrary<PatchOpSpec>[] = [
    fc.record({ form: fc.constant('simple' as const), op: fc.constantFrom('add' as const, 'replace' as const, 'remove' as const), path: fc.constantFrom(...simplePaths), value: word }),
    fc.record({ form: fc.constant('simple' as const), op: fc.constantFrom('add' as const, 'replace' as const), path: fc.constant('active' as const), value: fc.boolean() }),
    fc.record({ form: fc.constant('addEmail' as const), email: emailSpec }),
    fc.record({ form: fc.constant('emailFilter' as const), op: fc.constantFrom('replace' as const, 'remove' as const), type: fc.constantFrom(...EMAIL_TYPES), sub: fc.boolean(), email: emailSpec }),
    fc.constant({ form: 'removeEmails' as const }),
    fc.record(
      { form: fc.constant('pathless' as const), op: fc.constantFrom('add' as const, 'replace' as const), title: word, active: fc.boolean(), nickName: word, ...(opts.enterprise ? { department: word } : {}) },
      { requiredKeys: ['form', 'op'] },
    ) as fc.Arbitrary<PatchOpSpec>,
    fc.record({
      form: fc.constant('userName' as const),
      local: word,
      taken: opts.otherUsers ? fc.option(fc.record({ user: fc.nat(7), upper: fc.boolean() }), { nil: undefined }) : fc.constant(undefined),
    }) as fc.Arbitrary<PatchOpSpec>,
  ];
  if (opts.enterprise) {
    arbs.push(fc.record({ form: fc.constant('extension' as const), op: fc.constantFrom('add' as const, 'replace' as const, 'remove' as const), attr: fc.constantFrom('department' as const, 'employeeNumber' as const), value: word }));
  }
  return fc.oneof(...arbs);
}

export interface PatchBuildContext {
  prefix: string;
  nextSeq(): number;
  /** userNames of the other live users of the run (for `taken`). */
  otherUserNames: string[];
}

/** One PATCH operation object on the wire. */
export function buildPatchOp(spec: PatchOpSpec, ctx: PatchBuildContext): Record<string, unknown> {
  switch (spec.form) {
    case 'simple':
      if (spec.op === 'remove') return { op: 'remove', path: spec.path };
      return { op: spec.op, path: spec.path, value: spec.path === 'externalId' ? `${spec.value}-${ctx.nextSeq()}` : spec.value };
    case 'userName': {
      const other = spec.taken && ctx.otherUserNames.length > 0 ? ctx.otherUserNames[spec.taken.user % ctx.otherUserNames.length] : undefined;
      // RFC 7643 §4.1.1: userName is unique and case-insensitive, so another user's name in other case is taken too.
      const value = other !== undefined ? (spec.taken!.upper ? other.toUpperCase() : other) : userNameFor(ctx.prefix, ctx.nextSeq(), spec.local);
      return { op: 'replace', path: 'userName', value };
    }
    case 'addEmail':
      return { op: 'add', path: 'emails', value: [{ value: emailAddress(spec.email, ctx.nextSeq()), ...(spec.email.type ? { type: spec.email.type } : {}) }] };
    case 'emailFilter': {
      const path = `emails[type eq ${JSON.stringify(spec.type)}]${spec.sub ? '.value' : ''}`;
      if (spec.op === 'remove') return { op: 'remove', path };
      const address = emailAddress(spec.email, ctx.nextSeq());
      return { op: 'replace', path, value: spec.sub ? address : { value: address, type: spec.type } };
    }
    case 'removeEmails':
      return { op: 'remove', path: 'emails' };
    case 'pathless': {
      const value: Record<string, unknown> = {};
      if (spec.title !== undefined) value.title = spec.title;
      if (spec.active !== undefined) value.active = spec.active;
      if (spec.nickName !== undefined) value.nickName = spec.nickName;
      // RFC 7644 §3.5.2.1: extension attributes in a path-less value sit under their schema URN.
      if (spec.department !== undefined) value[SCHEMA_URN.enterpriseUser] = { department: spec.department };
      return { op: spec.op, value };
    }
    case 'extension': {
      const path = `${SCHEMA_URN.enterpriseUser}:${spec.attr}`;
      return spec.op === 'remove' ? { op: 'remove', path } : { op: spec.op, path, value: spec.value };
    }
  }
}

export function patchBody(ops: Record<string, unknown>[]): Record<string, unknown> {
  // RFC 7644 §3.5.2: the PatchOp message schema and a non-empty Operations array.
  return { schemas: [SCHEMA_URN.patchOp], Operations: ops };
}

// ---------------------------------------------------------------------------------------------
// Filters (RFC 7644 §3.4.2.2). Operands may refer to what a member of the population holds, so that
// equality, prefixes and case variants hit real values instead of missing everything.

export type Transform = 'same' | 'upper' | 'lower' | 'swap' | 'head' | 'tail' | 'middle';

export type Operand =
  | { lit: string }
  | { ref: { user: number; attr: StringAttr; transform: Transform } }
  | { date: { user: number; which: 'created' | 'lastModified'; shiftMs: -1000 | 0 | 1000 } }
  | { fixedDate: string };

export type StringAttr = 'userName' | 'displayName' | 'title' | 'nickName' | 'name.givenName' | 'name.familyName' | 'emails.value' | 'emails.type' | 'emails' | 'externalId' | 'department';

export type FilterSpec =
  | { and: [FilterSpec, FilterSpec] }
  | { or: [FilterSpec, FilterSpec] }
  | { not: FilterSpec }
  | { pr: StringAttr | 'active' | 'meta.created' }
  | { str: { attr: StringAttr; op: CompareOp; operand: Operand } }
  | { bool: { op: 'eq' | 'ne'; value: boolean } }
  | { date: { attr: 'meta.created' | 'meta.lastModified'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; operand: Operand } }
  | { emailsWhere: { type: string; op: 'co' | 'sw' | 'eq'; operand: Operand } };

const STRING_OPS: CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** The pieces of the filter grammar (RFC 7644 §3.4.2.2) a target may or may not support (§3.12 invalidFilter). */
export type FilterFeature = CompareOp | 'pr' | 'and' | 'or' | 'not' | 'valuePath';
export const FILTER_FEATURES: readonly FilterFeature[] = [...STRING_OPS, 'pr', 'and', 'or', 'not', 'valuePath'];

/**
 * Filters from the grammar, restricted to `features` when given (what the target was seen to support), so that a
 * target refusing most operators still gets filters it can answer instead of a run of refusals.
 */
export function filterSpec(opts: { enterprise: boolean; dates: boolean; features?: ReadonlySet<FilterFeature> }): fc.Arbitrary<FilterSpec> {
  const has = (f: FilterFeature) => !opts.features || opts.features.has(f);
  const attrs: StringAttr[] = ['userName', 'displayName', 'title', 'nickName', 'name.givenName', 'name.familyName', 'emails.value', 'emails.type', 'emails', 'externalId'];
  if (opts.enterprise) attrs.push('department');
  const attr = fc.constantFrom(...attrs);
  const transform = fc.constantFrom<Transform>('same', 'upper', 'lower', 'swap', 'head', 'tail', 'middle');
  const operand: fc.Arbitrary<Operand> = fc.oneof(
    { arbitrary: fc.record({ ref: fc.record({ user: fc.nat(7), attr, transform }) }), weight: 3 },
    { arbitrary: fc.record({ lit: fc.oneof(word, fc.constantFrom('', 'a', 'Z', '@', '.', 'É')) }), weight: 1 },
  );
  const leaves: fc.Arbitrary<FilterSpec>[] = [];
  const stringOps = STRING_OPS.filter(has);
  if (stringOps.length) leaves.push(fc.record({ str: fc.record({ attr, op: fc.constantFrom(...stringOps), operand }) }));
  const boolOps = (['eq', 'ne'] as const).filter(has);
  if (boolOps.length) leaves.push(fc.record({ bool: fc.record({ op: fc.constantFrom(...boolOps), value: fc.boolean() }) }));
  if (has('pr')) leaves.push(fc.record({ pr: fc.constantFrom<StringAttr | 'active' | 'meta.created'>(...attrs, 'active') }));
  const innerOps = (['co', 'sw', 'eq'] as const).filter(has);
  if (has('valuePath') && has('and') && has('eq') && innerOps.length) {
    leaves.push(fc.record({ emailsWhere: fc.record({ type: fc.constantFrom(...EMAIL_TYPES), op: fc.constantFrom(...innerOps), operand }) }));
  }
  const dateOps = (['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const).filter(has);
  if (opts.dates && dateOps.length) {
    const dateOperand: fc.Arbitrary<Operand> = fc.oneof(
      fc.record({ date: fc.record({ user: fc.nat(7), which: fc.constantFrom('created' as const, 'lastModified' as const), shiftMs: fc.constantFrom(-1000 as const, 0 as const, 1000 as const) }) }),
      fc.record({ fixedDate: fc.constantFrom('2000-01-01T00:00:00Z', '2999-12-31T23:59:59Z') }),
    );
    leaves.push(fc.record({ date: fc.record({ attr: fc.constantFrom('meta.created' as const, 'meta.lastModified' as const), op: fc.constantFrom(...dateOps), operand: dateOperand }) }));
  }
  // A target that supports none of the comparisons gets plain `userName eq` filters (the least any filter needs).
  if (!leaves.length) leaves.push(fc.record({ str: fc.record({ attr: fc.constant<StringAttr>('userName'), op: fc.constant<CompareOp>('eq'), operand }) }));
  const leaf = fc.oneof(...leaves);
  const nodes: fc.WeightedArbitrary<FilterSpec>[] = [{ arbitrary: leaf, weight: 4 }];
  return fc.letrec<{ node: FilterSpec }>((tie) => {
    if (has('and')) nodes.push({ arbitrary: fc.record({ and: fc.tuple(tie('node'), tie('node')) }), weight: 1 });
    if (has('or')) nodes.push({ arbitrary: fc.record({ or: fc.tuple(tie('node'), tie('node')) }), weight: 1 });
    if (has('not')) nodes.push({ arbitrary: fc.record({ not: tie('node') }), weight: 1 });
    return { node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, ...nodes) };
  }).node;
}
