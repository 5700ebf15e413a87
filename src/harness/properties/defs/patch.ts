/**
 * PATCH laws (RFC 7644 §3.5.2): random PATCH requests equal the model; a replace sent twice changes
 * nothing the second time; a request with one invalid operation changes nothing at all.
 */
import fc from 'fast-check';
import { buildPatchOp, patchBody, patchOpSpec, userSpec, type PatchOpSpec, type UserSpec } from '../arbitraries.ts';
import { CreateUser, GetResource, PatchUser, type Real } from '../commands.ts';
import type { PropertyDef } from '../engine.ts';
import { comparableView, Model } from '../model.ts';
import { PropertyMismatch } from '../session.ts';
import type { PropertyTarget } from '../target.ts';
import { expectResource, expectStatus, patchedResource } from '../verify.ts';

const needsPatch = (t: PropertyTarget) => (t.patch ? undefined : 'target does not advertise patch (ServiceProviderConfig.patch.supported=false)');

interface PatchCase {
  others: UserSpec[];
  user: UserSpec;
  requests: PatchOpSpec[][];
}

export const patchModel: PropertyDef<PatchCase> = {
  name: 'patch-model',
  title: 'random PATCH requests (paths, value filters, sub-attributes, extension URNs, path-less values, several ops) match the model',
  area: 'patch',
  cite: { rfc: 7644, section: '3.5.2', quote: 'Each operation against an attribute MUST be compatible with the attribute\'s mutability and schema' },
  notApplicable: needsPatch,
  arbitrary: (t) =>
    fc.record({
      others: fc.array(userSpec({ enterprise: t.enterprise }), { maxLength: 1 }),
      user: userSpec({ enterprise: t.enterprise }),
      requests: fc.array(fc.array(patchOpSpec({ enterprise: t.enterprise, otherUsers: true }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    }),
  async run(v, real) {
    const model = new Model(real.target.registry);
    for (const s of v.others) await new CreateUser(s).run(model, real);
    await new CreateUser(v.user).run(model, real);
    if (model.users.length <= v.others.length) return;
    const me = v.others.length;
    for (const ops of v.requests) await new PatchUser(me, ops).run(model, real);
    await new GetResource('User', me).run(model, real);
  },
};

/** Operations that only replace: sending them twice must leave the resource as the first time did. */
const replaceOnly = (t: PropertyTarget): fc.Arbitrary<PatchOpSpec> =>
  patchOpSpec({ enterprise: t.enterprise, otherUsers: false }).filter(
    (o) => (o.form === 'simple' && o.op === 'replace') || (o.form === 'pathless' && o.op === 'replace') || (o.form === 'extension' && o.op === 'replace') || (o.form === 'emailFilter' && o.op === 'replace') || o.form === 'userName',
  );

interface IdempotentCase {
  user: UserSpec;
  ops: PatchOpSpec[];
}

export const patchIdempotent: PropertyDef<IdempotentCase> = {
  name: 'patch-idempotent',
  title: 'a replace PATCH sent twice leaves the resource as the first one did',
  area: 'patch',
  cite: { rfc: 7644, section: '3.5.2.3', quote: 'The "replace" operation replaces the value at the target location specified by the "path"' },
  notApplicable: needsPatch,
  arbitrary: (t) => fc.record({ user: userSpec({ enterprise: t.enterprise }), ops: fc.array(replaceOnly(t), { minLength: 1, maxLength: 3 }) }),
  async run(v, real: Real) {
    const { session, target } = real;
    const model = new Model(target.registry);
    await new CreateUser(v.user).run(model, real);
    const u = model.users[0];
    if (!u) return;
    // One body, built once: the second request is byte-for-byte the first.
    const body = patchBody(v.ops.map((o) => buildPatchOp(o, { prefix: session.prefix, nextSeq: () => model.nextSeq(), otherUserNames: [] })));
    const path = `${target.endpoints.users}/${encodeURIComponent(u.id)}`;
    const p = model.predictPatch('User', u.id, body);
    session.step(`patchUser(#0, ${JSON.stringify(v.ops)})`, p.resource ? { status: p.status, resource: comparableView('User', p.resource) } : p);
    // RFC 7644 §3.5.2: success is 200 with the resource or 204 without (then read back with GET).
    const succeeded = (s: number) => p.resource !== undefined && (s === 200 || s === 204);
    const first = await session.send({ method: 'PATCH', path, body });
    if (!succeeded(first.status)) expectStatus(first, p.status, 'first PATCH', p.detail);
    if (p.resource) expectResource('User', (await patchedResource(session, first, path, 'first PATCH')).json, p.resource, 'first PATCH');
    session.step('samePatchAgain()', { status: p.status, resource: p.resource ? comparableView('User', p.resource) : undefined });
    const second = await session.send({ method: 'PATCH', path, body });
    if (!(succeeded(first.status) && succeeded(second.status))) expectStatus(second, first.status, 'the same PATCH again');
    if (p.resource) expectResource('User', (await patchedResource(session, second, path, 'the same PATCH again')).json, p.resource, 'the same PATCH again');
  },
};

/** Operations RFC 7644 §3.5.2 makes fail: each alone turns the whole request into a 400. */
const INVALID_OPS: { why: string; op: Record<string, unknown> }[] = [
  // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with HTTP status code 400 and a "scimType" error code of "noTarget"."
  { why: 'remove without path', op: { op: 'remove' } },
  // RFC 7644 §3.5.2: "op" is one of "add", "remove" or "replace".
  { why: 'unknown op', op: { op: 'frobnicate', path: 'title', value: 'x' } },
  // RFC 7644 §3.5.2: a path that does not parse is invalidPath / invalidFilter.
  { why: 'unterminated value filter', op: { op: 'replace', path: 'emails[type eq "work"', value: 'x' } },
  // RFC 7643 §2.3.2: active is a boolean.
  { why: 'wrong value type', op: { op: 'replace', path: 'active', value: 'sometimes' } },
  // RFC 7643 §3.1 / RFC 7644 §3.5.2: id is readOnly.
  { why: 'readOnly attribute', op: { op: 'replace', path: 'id', value: 'hijacked' } },
  // RFC 7643 §4.1.1: userName is required, so it cannot be removed.
  { why: 'remove a required attribute', op: { op: 'remove', path: 'userName' } },
];

interface AtomicCase {
  user: UserSpec;
  valid: PatchOpSpec[];
  invalid: number;
  at: number;
}

export const patchAtomic: PropertyDef<AtomicCase> = {
  name: 'patch-atomic',
  title: 'a PATCH request with one invalid operation is refused and changes nothing',
  area: 'patch',
  cite: { rfc: 7644, section: '3.5.2', quote: 'If a single operation encounters an error condition, the original SCIM resource MUST be restored' },
  notApplicable: needsPatch,
  arbitrary: (t) =>
    fc.record({
      user: userSpec({ enterprise: t.enterprise }),
      valid: fc.array(patchOpSpec({ enterprise: t.enterprise, otherUsers: false }), { maxLength: 3 }),
      invalid: fc.nat(INVALID_OPS.length - 1),
      at: fc.nat(3),
    }),
  async run(v, real) {
    const { session, target } = real;
    const model = new Model(target.registry);
    await new CreateUser(v.user).run(model, real);
    const u = model.users[0];
    if (!u) return;
    const ops = v.valid.map((o) => buildPatchOp(o, { prefix: session.prefix, nextSeq: () => model.nextSeq(), otherUserNames: [] }));
    const bad = INVALID_OPS[v.invalid]!;
    ops.splice(v.at % (ops.length + 1), 0, bad.op);
    const body = patchBody(ops);
    const p = model.predictPatch('User', u.id, body);
    // The model itself must refuse it, or the case says nothing about atomicity.
    if (p.status < 400) throw new PropertyMismatch(`model accepted an invalid operation (${bad.why}): harness bug`, '4xx', p.status);
    session.step(`patchUser(#0, valid ${JSON.stringify(v.valid)} + invalid ${bad.why})`, { status: p.status, why: p.detail });
    const before = await session.quiet.send({ method: 'GET', path: `${target.endpoints.users}/${encodeURIComponent(u.id)}` });
    const res = await session.send({ method: 'PATCH', path: `${target.endpoints.users}/${encodeURIComponent(u.id)}`, body });
    if (res.status < 400 || res.status >= 500) expectStatus(res, p.status, `PATCH with an invalid operation (${bad.why})`, p.detail);
    session.step('getUser(#0) unchanged', { status: 200, resource: comparableView('User', u.resource) });
    const after = await session.send({ method: 'GET', path: `${target.endpoints.users}/${encodeURIComponent(u.id)}` });
    expectStatus(after, 200, 'GET after the refused PATCH');
    expectResource('User', after.json, u.resource, 'GET after the refused PATCH');
    const v1 = before.json?.meta?.version;
    const v2 = after.json?.meta?.version;
    // RFC 7644 §3.14: the version changes only when the resource does.
    if (v1 !== undefined && v1 !== v2) throw new PropertyMismatch('meta.version changed although the PATCH was refused', v1, v2);
  },
};
