/**
 * Bad-input fuzz: malformed JSON, wrong types, over-deep nesting, odd unicode, invalid filters and
 * paths, wrong media types and oversized bodies. RFC 7644 §3.12: each is answered with a 4xx SCIM
 * error (never 5xx, never silence past the timeout), and the target's state does not change.
 */
import fc from 'fast-check';
import { jsonEqual } from '../../json-equal.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { patchBody, userSpec, type UserSpec } from '../arbitraries.ts';
import { CreateUser, type Real } from '../commands.ts';
import type { PropertyDef } from '../engine.ts';
import { Model } from '../model.ts';
import { PropertyMismatch } from '../session.ts';
import { expectSameIds, isScimErrorAnswer, listAll } from '../verify.ts';
import { scoped } from '../filters.ts';
import type { HttpRequest } from '../../check.ts';

type Where = 'create' | 'replace' | 'patch';

export type BadInput =
  | { kind: 'malformed-json'; where: Where; text: string }
  | { kind: 'wrong-type'; where: 'create' | 'replace'; attr: string; value: unknown }
  | { kind: 'deep'; where: Where; depth: number }
  | { kind: 'invalid-filter'; filter: string }
  | { kind: 'invalid-path'; path: string; op: 'add' | 'replace' | 'remove' }
  | { kind: 'content-type'; contentType: string; text: string }
  | { kind: 'oversized'; where: Where; megabytes: number };

const MALFORMED = ['{', '{"schemas": [}', '{"userName": "a",}', "{'userName': 'a'}", 'nul', '[1, 2', '{"userName": "\\ud800', '"just a string"', '{"a":1}{"b":2}', '\u0000', '{"userName": "tab\there"}'];

const INVALID_FILTERS = [
  'userName eq',
  'userName xx "a"',
  '(userName eq "a"',
  'userName eq "a" and',
  'nosuchattribute eq "x"',
  'emails[type eq "work"',
  'active gt true',
  'userName eq "unterminated',
  '"a" eq userName',
  'userName eq "zoë" or or',
  'name eq "x"',
  'userName eq "😀" ) ',
  'password eq "secret"',
];

const INVALID_PATHS = ['emails[type eq "work"', 'name..givenName', 'emails[type eq "wörk"]]', 'urn:ietf:params:scim:schemas:core:2.0:User:', ']', 'emails[type zz "work"].value', 'name.givenName.more'];

const WRONG_TYPES: { attr: string; value: unknown }[] = [
  { attr: 'userName', value: 12345 },
  { attr: 'userName', value: ['a', 'b'] },
  { attr: 'active', value: 'sometimes' },
  { attr: 'active', value: 1 },
  { attr: 'emails', value: 'not-a-list@example.com' },
  { attr: 'emails', value: [{ value: 'a@example.com', primary: true }, { value: 'b@example.com', primary: true }] },
  { attr: 'name', value: ['given', 'family'] },
  { attr: 'displayName', value: { nested: true } },
  { attr: 'schemas', value: 'urn:ietf:params:scim:schemas:core:2.0:User' },
];

const where = fc.constantFrom<Where>('create', 'replace', 'patch');

export function badInput(opts: { patch: boolean; filter: boolean }): fc.Arbitrary<BadInput> {
  const arbs: fc.Arbitrary<BadInput>[] = [
    fc.record({ kind: fc.constant('malformed-json' as const), where, text: fc.constantFrom(...MALFORMED) }),
    fc.record({ kind: fc.constant('wrong-type' as const), where: fc.constantFrom('create' as const, 'replace' as const), w: fc.constantFrom(...WRONG_TYPES) }).map(({ kind, where, w }) => ({ kind, where, attr: w.attr, value: w.value })),
    fc.record({ kind: fc.constant('deep' as const), where, depth: fc.integer({ min: 100, max: 5000 }) }),
    fc.record({ kind: fc.constant('content-type' as const), contentType: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded'), text: fc.constantFrom('<User><userName>x</userName></User>', 'userName=x&active=true', 'userName: x') }),
    fc.record({ kind: fc.constant('oversized' as const), where, megabytes: fc.integer({ min: 2, max: 3 }) }),
  ];
  if (opts.filter) arbs.push(fc.record({ kind: fc.constant('invalid-filter' as const), filter: fc.constantFrom(...INVALID_FILTERS) }));
  if (opts.patch) arbs.push(fc.record({ kind: fc.constant('invalid-path' as const), path: fc.constantFrom(...INVALID_PATHS), op: fc.constantFrom('add' as const, 'replace' as const, 'remove' as const) }));
  // Without PATCH support, PATCH requests are not generated (RFC 7643 §5 capability).
  return fc.oneof(...arbs).map((b) => ('where' in b && b.where === 'patch' && !opts.patch ? { ...b, where: 'replace' as const } : b) as BadInput);
}

/** The request a bad input becomes, aimed at the run's one user (or at /Users for creates). */
function requestFor(b: BadInput, ctx: { users: string; id: string; prefix: string }): HttpRequest {
  const item = `${ctx.users}/${encodeURIComponent(ctx.id)}`;
  const target = (w: Where): Pick<HttpRequest, 'method' | 'path'> => (w === 'create' ? { method: 'POST', path: ctx.users } : w === 'replace' ? { method: 'PUT', path: item } : { method: 'PATCH', path: item });
  const valid = { schemas: [SCHEMA_URN.user], userName: `${ctx.prefix}bad` };
  switch (b.kind) {
    case 'malformed-json':
      return { ...target(b.where), body: b.text, headers: { 'content-type': 'application/scim+json' } };
    case 'wrong-type':
      return { ...target(b.where), body: { ...valid, [b.attr]: b.value } };
    case 'deep': {
      // A wrong-typed value (userName must be a string) nested deeper than any sane parser limit.
      const nested = `${'['.repeat(b.depth)}1${']'.repeat(b.depth)}`;
      const text = b.where === 'patch' ? `{"schemas":["${SCHEMA_URN.patchOp}"],"Operations":[{"op":"replace","path":"userName","value":${nested}}]}` : `{"schemas":["${SCHEMA_URN.user}"],"userName":${nested}}`;
      return { ...target(b.where), body: text, headers: { 'content-type': 'application/scim+json' } };
    }
    case 'invalid-filter':
      return { method: 'GET', path: ctx.users, query: { filter: b.filter } };
    case 'invalid-path':
      return { method: 'PATCH', path: item, body: patchBody([{ op: b.op, path: b.path, ...(b.op === 'remove' ? {} : { value: 'x' }) }]) };
    case 'content-type':
      return { method: 'POST', path: ctx.users, body: b.text, headers: { 'content-type': b.contentType } };
    case 'oversized': {
      // Big and also wrong (active is a boolean): a target with a larger limit still has to refuse it.
      const pad = 'x'.repeat(b.megabytes * 1024 * 1024);
      const body = b.where === 'patch' ? patchBody([{ op: 'replace', value: { active: pad } }]) : { ...valid, active: pad };
      return { ...target(b.where), body };
    }
  }
}

function label(b: BadInput): string {
  const { kind, ...rest } = b as BadInput & Record<string, unknown>;
  const shown = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' && v.length > 60 ? `${v.slice(0, 60)}…` : v]));
  return `${kind}(${JSON.stringify(shown)})`;
}

interface FuzzCase {
  user: UserSpec;
  inputs: BadInput[];
}

export const badInputFuzz: PropertyDef<FuzzCase> = {
  name: 'bad-input',
  title: 'malformed and invalid requests get a 4xx SCIM error and leave the target unchanged',
  area: 'errors',
  cite: { rfc: 7644, section: '3.12', quote: 'SCIM HTTP error responses ... SHALL be returned as the JSON body of an Error response' },
  notApplicable: () => undefined,
  arbitrary: (t) => fc.record({ user: userSpec({ enterprise: false }), inputs: fc.array(badInput({ patch: t.patch, filter: t.filter }), { minLength: 1, maxLength: 4 }) }),
  async run(v, real: Real) {
    const { session, target } = real;
    const model = new Model(target.registry);
    await new CreateUser(v.user).run(model, real);
    const u = model.users[0];
    if (!u) return;
    const path = `${target.endpoints.users}/${encodeURIComponent(u.id)}`;
    const before = await session.quiet.send({ method: 'GET', path });
    for (const b of v.inputs) {
      session.step(label(b), { status: '4xx', body: 'a SCIM Error (RFC 7644 §3.12)' });
      const res = await session.send(requestFor(b, { users: target.endpoints.users, id: u.id, prefix: session.prefix }));
      if (res.status >= 200 && res.status < 300 && typeof res.json?.id === 'string' && res.json.id !== u.id) session.track('user', res.json.id);
      // RFC 7644 §3.12: client errors are 4xx; a 5xx means the input broke the service provider.
      if (res.status < 400 || res.status >= 500) throw new PropertyMismatch(`${label(b)}: expected a 4xx SCIM error, got HTTP ${res.status}`, '4xx', { status: res.status, body: res.json ?? res.text.slice(0, 300) });
      if (!isScimErrorAnswer(res)) throw new PropertyMismatch(`${label(b)}: HTTP ${res.status} without a SCIM Error body (RFC 7644 §3.12)`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(res.status) }, res.json ?? res.text.slice(0, 300));
    }
    session.step('readWholeState() unchanged', { status: 200, resource: before.json });
    const after = await session.send({ method: 'GET', path });
    if (after.status !== 200 || !jsonEqual(after.json, before.json)) throw new PropertyMismatch('the user changed although every request was refused', before.json, after.json ?? after.status);
    const scope = scoped(target.scope, session.prefix, undefined);
    if (target.filter && scope) {
      const listed = await listAll(session, target.endpoints.users, scope, 50);
      if ('status' in listed) throw new PropertyMismatch('listing the run\'s users failed', 200, listed.status);
      expectSameIds(listed.ids, [u.id], 'users with the run prefix after the refused requests');
    }
  },
};

