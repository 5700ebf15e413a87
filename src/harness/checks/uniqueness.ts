/**
 * Uniqueness checks: userName is unique per service provider and compared case-insensitively
 * (RFC 7643 §4.1.1: caseExact false, uniqueness server); conflicts answer 409 uniqueness (RFC 7644 §3.3, §3.12).
 */
import type { Check, CheckContext } from '../check.ts';
import { attr } from './support/attributes.ts';
import { swapCase } from './support/names.ts';
import { userPath } from './support/http.ts';
import { currentUser, patchBody, postUser, putBodyFrom } from './support/resources.ts';
import { expect2xx, expectRefused } from './support/http.ts';
import { USERNAME_UNIQUE_MUST } from './support/cites.ts';
import { pickWritableString } from './support/writable.ts';

const CITE_CREATE_409 = {
  rfc: 7644 as const,
  section: '3.3',
  quote:
    'If the service provider determines that the creation of the requested resource conflicts with existing resources (e.g., a "User" resource with a duplicate "userName"), the service provider MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness".',
};

/**
 * A rename onto another user's userName: §4.1.1 makes userName unique, so the change MUST be refused; which status
 * is not named for PUT/PATCH (§3.3's 409 is about creation, and Table 9 lists "uniqueness" under 400), so any 4xx
 * SCIM error passes, and a scimType, when given, must be "uniqueness".
 */
const CITE_UNIQUE = { rfc: 7643 as const, section: '4.1.1', quote: USERNAME_UNIQUE_MUST };

/** Every check about a userName clash: a target that does not enforce uniqueness fails them all, once. */
const TOPIC = 'username.uniqueness';

/** The userName the target stored for a fixture (it may normalise what we sent). */
function userNameOf(ctx: CheckContext, user: Record<string, unknown>): string {
  const name = attr(user, 'userName');
  if (typeof name !== 'string') ctx.fail('the created user carries no userName', { expected: 'userName: "<string>"', actual: name });
  return name;
}

export const checks: Check[] = [
  {
    id: 'uniqueness.username.duplicate-409',
    title: 'POST of a userName that already exists answers 409 with scimType uniqueness',
    area: 'uniqueness',
    cite: CITE_CREATE_409,
    level: 'MUST',
    topic: TOPIC,
    requires: ['write'],
    async run(ctx) {
      const first = await ctx.fixtures.createUser();
      const res = await postUser(ctx, ctx.fixtures.userBody({ userName: userNameOf(ctx, first) }));
      // §3.3 names both the status and the scimType in its MUST sentence.
      ctx.expectScimError(res, 409, 'uniqueness', { scimTypeRequired: true });
    },
  },
  {
    id: 'uniqueness.username.case-variant-409',
    title: 'POST of the same userName in another letter case answers 409 (userName is caseExact false)',
    area: 'uniqueness',
    cite: CITE_UNIQUE,
    level: 'MUST',
    topic: TOPIC,
    requires: ['write'],
    async run(ctx) {
      const first = await ctx.fixtures.createUser();
      const variant = swapCase(userNameOf(ctx, first));
      const res = await postUser(ctx, ctx.fixtures.userBody({ userName: variant }));
      // A clash on create: RFC 7644 §3.3 "MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness"".
      ctx.expectScimError(res, 409, 'uniqueness', { scimTypeRequired: true });
    },
  },
  {
    id: 'uniqueness.username.duplicate-leaves-original',
    title: 'A refused duplicate POST does not overwrite the existing user (no upsert)',
    area: 'uniqueness',
    cite: CITE_CREATE_409,
    level: 'MUST',
    topic: TOPIC,
    // Whether the duplicate is refused is duplicate-409's verdict; this one looks at what the refusal left.
    needs: ['uniqueness.username.duplicate-409'],
    requires: ['write'],
    async run(ctx) {
      // An attribute of the target's schema (nickName on an RFC 7643 User) tells the original from the intruder.
      const slot = pickWritableString(ctx);
      const first = await ctx.fixtures.createUser(slot.set(ctx.fixtures.userBody() as Record<string, unknown>, 'scimcheck-original'));
      const res = await postUser(ctx, slot.set(ctx.fixtures.userBody({ userName: userNameOf(ctx, first) }) as Record<string, unknown>, 'scimcheck-intruder'));
      ctx.expectStatus(res, 409, 'duplicate POST');
      const after = await currentUser(ctx, first.id);
      ctx.expectEqual(slot.get(after), 'scimcheck-original', `${slot.path} of the existing user after the refused duplicate`);
    },
  },
  {
    id: 'uniqueness.username.put-rename-409',
    title: 'PUT renaming a user onto another user\'s userName is refused (409 or 400, uniqueness) and changes nothing',
    area: 'uniqueness',
    cite: CITE_UNIQUE,
    level: 'MUST',
    topic: TOPIC,
    requires: ['write'],
    async run(ctx) {
      const a = await ctx.fixtures.createUser();
      const b = await ctx.fixtures.createUser();
      const bBefore = await currentUser(ctx, b.id);
      const res = await ctx.http.send({ method: 'PUT', path: userPath(ctx, b.id), body: { ...putBodyFrom(bBefore), userName: userNameOf(ctx, a) } });
      expectRefused(ctx, res, 'PUT onto another user\'s userName', 'uniqueness');
      ctx.expectEqual(attr(await currentUser(ctx, b.id), 'userName'), attr(bBefore, 'userName'), 'userName of the user after the refused rename');
    },
  },
  {
    id: 'uniqueness.username.put-case-variant-409',
    title: 'PUT renaming a user onto a case variant of another user\'s userName is refused (409 or 400, uniqueness)',
    area: 'uniqueness',
    cite: CITE_UNIQUE,
    level: 'MUST',
    topic: TOPIC,
    requires: ['write'],
    async run(ctx) {
      const a = await ctx.fixtures.createUser();
      const b = await ctx.fixtures.createUser();
      const res = await ctx.http.send({
        method: 'PUT',
        path: userPath(ctx, b.id),
        body: { ...putBodyFrom(await currentUser(ctx, b.id)), userName: swapCase(userNameOf(ctx, a)) },
      });
      expectRefused(ctx, res, 'PUT onto a case variant of another user\'s userName', 'uniqueness');
    },
  },
  {
    id: 'uniqueness.username.patch-rename-409',
    title: 'PATCH replacing userName with another user\'s userName is refused (409 or 400, uniqueness)',
    area: 'uniqueness',
    cite: CITE_UNIQUE,
    level: 'MUST',
    topic: TOPIC,
    requires: ['write', 'patch'],
    async run(ctx) {
      const a = await ctx.fixtures.createUser();
      const b = await ctx.fixtures.createUser();
      const before = attr(await currentUser(ctx, b.id), 'userName');
      const res = await ctx.http.send({
        method: 'PATCH',
        path: userPath(ctx, b.id),
        body: patchBody([{ op: 'replace', path: 'userName', value: userNameOf(ctx, a) }]),
      });
      expectRefused(ctx, res, 'PATCH onto another user\'s userName', 'uniqueness');
      ctx.expectEqual(attr(await currentUser(ctx, b.id), 'userName'), before, 'userName after the refused PATCH');
    },
  },
  {
    id: 'uniqueness.username.own-name-put-ok',
    title: 'PUT that keeps the user\'s own userName succeeds (a user does not conflict with itself)',
    area: 'uniqueness',
    // The PUT carries the user's own name in another case: a value that SHALL replace the stored one, no clash.
    cite: { rfc: 7644, section: '3.5.1', quote: 'readWrite, writeOnly: Any values provided SHALL replace the existing attribute values.' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const body = putBodyFrom(await currentUser(ctx, user.id));
      // Same name in another case: still the same user, so no conflict either.
      body.userName = swapCase(userNameOf(ctx, user));
      const res = await ctx.http.send({ method: 'PUT', path: userPath(ctx, user.id), body });
      expect2xx(ctx, res, 'PUT keeping the user\'s own userName (case changed)');
    },
  },
  {
    id: 'uniqueness.username.concurrent-creates',
    title: '20 concurrent POSTs of one userName give exactly one 201 and nineteen 409',
    area: 'uniqueness',
    cite: CITE_CREATE_409,
    level: 'MUST',
    topic: TOPIC,
    // A target that does not refuse even one duplicate fails duplicate-409; racing twenty adds nothing then.
    needs: ['uniqueness.username.duplicate-409'],
    requires: ['write'],
    async run(ctx) {
      const userName = ctx.fixtures.uniqueName('race');
      const bodies = Array.from({ length: 20 }, () => ctx.fixtures.userBody({ userName }));
      const answers = await Promise.all(bodies.map((b) => postUser(ctx, b)));
      const statuses = answers.map((r) => r.status);
      const created = statuses.filter((s) => s === 201).length;
      const conflicts = statuses.filter((s) => s === 409).length;
      ctx.expectTrue(created === 1 && conflicts === 19, 'exactly one create should win and every other answer 409', {
        expected: { '201': 1, '409': 19 },
        actual: statuses.reduce<Record<string, number>>((acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc), {}),
      });
    },
  },
  {
    id: 'uniqueness.id.distinct',
    title: 'Two created users get different ids',
    area: 'uniqueness',
    cite: { rfc: 7643, section: '3.1', quote: 'This identifier MUST be unique across the SCIM service provider\'s entire set of resources.' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const a = await ctx.fixtures.createUser();
      const b = await ctx.fixtures.createUser();
      ctx.expectTrue(a.id !== b.id, 'ids of two users should differ', { expected: 'two distinct ids', actual: [a.id, b.id] });
    },
  },
];
