/**
 * RFC 7644 §3.7 bulk operations. Every resource a bulk request creates is tracked for cleanup from
 * the per-operation `location` of the BulkResponse.
 */
import type { Check, CheckContext } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, isObject, memberIds } from './support/attributes.ts';
import { filterString, unknownId } from './support/names.ts';
import { brief, groupsPath, isScimErrorBody, userPath, usersPath } from './support/http.ts';
import { table8 } from './support/cites.ts';
import { read, userBodyWith } from './support/resources.ts';
import { expectListResponse, resourcesOf } from './support/lists.ts';
import { bulkBody, expectBulkResponse, opStatus, opsOf, sendBulk } from './support/bulk.ts';

/** A User body for a bulk POST, with its own fresh userName. */
function bulkUser(ctx: CheckContext): Record<string, unknown> {
  return userBodyWith(ctx, {}) as Record<string, unknown>;
}

export const checks: Check[] = [
  {
    id: 'bulk.config.limits-advertised',
    title: 'ServiceProviderConfig advertises positive bulk.maxOperations and bulk.maxPayloadSize',
    area: 'bulk',
    cite: { rfc: 7643, section: '5', quote: 'maxOperations: An integer value specifying the maximum number of operations. REQUIRED.' },
    level: 'MUST',
    requires: ['bulk'],
    async run(ctx) {
      const bulk = attr(ctx.target.serviceProviderConfig, 'bulk');
      const maxOps = attr(bulk, 'maxOperations');
      const maxSize = attr(bulk, 'maxPayloadSize');
      ctx.expectTrue(Number.isInteger(maxOps) && maxOps > 0, 'bulk.maxOperations is a positive integer', { expected: 'integer > 0', actual: maxOps });
      ctx.expectTrue(Number.isInteger(maxSize) && maxSize > 0, 'bulk.maxPayloadSize is a positive integer', { expected: 'integer > 0', actual: maxSize });
    },
  },
  {
    id: 'bulk.post.creates-users',
    title: 'POST /Bulk with two User POSTs answers a BulkResponse with 201, location and the bulkIds',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7.3', quote: 'location: The resource endpoint URL. REQUIRED in a response, except in the event of a POST failure.' },
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const path = usersPath(ctx);
      const res = await sendBulk(ctx, bulkBody([
        { method: 'POST', path, bulkId: 'u1', data: bulkUser(ctx) },
        { method: 'POST', path, bulkId: 'u2', data: bulkUser(ctx) },
      ]));
      const ops = expectBulkResponse(ctx, res, 'POST /Bulk');
      ctx.expectEqual(ops.length, 2, 'number of operations in the BulkResponse');
      for (const bulkId of ['u1', 'u2']) {
        const op = ops.find((o) => attr(o, 'bulkId') === bulkId);
        if (!op) ctx.fail(`the BulkResponse should echo bulkId ${bulkId}`, { expected: bulkId, actual: ops.map((o) => attr(o, 'bulkId')) });
        ctx.expectEqual(opStatus(op), 201, `status of operation ${bulkId}`);
        const location = attr(op, 'location');
        ctx.expectTrue(typeof location === 'string' && location.length > 0, `operation ${bulkId} carries a location`, { expected: 'a URL', actual: location });
        const got = await ctx.http.send({ method: 'GET', path: location });
        ctx.expectStatus(got, 200, `GET the location of operation ${bulkId}`);
      }
    },
  },
  {
    id: 'bulk.bulk-id.reference-resolved',
    title: 'a Group created in the same request can reference a new User by bulkId',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7.2', quote: 'The service provider MUST replace the string "bulkId:ytrewq" with the permanent resource id once created.' },
    level: 'MUST',
    requires: ['bulk', 'write', 'groups'],
    async run(ctx) {
      const groups = groupsPath(ctx);
      const res = await sendBulk(ctx, bulkBody([
        { method: 'POST', path: usersPath(ctx), bulkId: 'member', data: bulkUser(ctx) },
        {
          method: 'POST',
          path: groups,
          bulkId: 'team',
          data: { schemas: [SCHEMA_URN.group], displayName: ctx.fixtures.uniqueName('bulk-g'), members: [{ type: 'User', value: 'bulkId:member' }] },
        },
      ]));
      const ops = expectBulkResponse(ctx, res, 'POST /Bulk with a bulkId reference');
      const user = ops.find((o) => attr(o, 'bulkId') === 'member');
      const group = ops.find((o) => attr(o, 'bulkId') === 'team');
      if (!user || !group || opStatus(user) !== 201 || opStatus(group) !== 201) {
        ctx.fail('both operations should be created (201)', { expected: { member: 201, team: 201 }, actual: ops });
      }
      const userId = decodeURIComponent(String(attr(user, 'location')).replace(/\/+$/, '').split('/').pop() ?? '');
      const g = await read(ctx, String(attr(group, 'location')));
      ctx.expectEqual(memberIds(g), [userId], 'the Group member resolved from bulkId:member');
    },
  },
  {
    id: 'bulk.errors.continue',
    title: 'without failOnErrors, a failing operation does not stop the others',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7', quote: 'The service provider MUST continue performing as many changes as possible and disregard partial failures.' },
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const path = usersPath(ctx);
      const res = await sendBulk(ctx, bulkBody([
        // No userName: RFC 7643 §4.1.1 makes it required, so this operation fails.
        { method: 'POST', path, bulkId: 'bad', data: { schemas: [SCHEMA_URN.user], displayName: 'No Username' } },
        { method: 'POST', path, bulkId: 'good', data: bulkUser(ctx) },
      ]));
      const ops = expectBulkResponse(ctx, res, 'POST /Bulk with one bad operation');
      const good = ops.find((o) => attr(o, 'bulkId') === 'good');
      ctx.expectEqual(good ? opStatus(good) : undefined, 201, 'status of the valid operation after a failing one');
    },
  },
  {
    id: 'bulk.errors.carry-response',
    title: 'a failed operation carries its status and a SCIM Error in response',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7.3', quote: 'When indicating an error, the "response" attribute MUST contain the detailed error response as per Section 3.12.' },
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const res = await sendBulk(ctx, bulkBody([{ method: 'POST', path: usersPath(ctx), bulkId: 'bad', data: { schemas: [SCHEMA_URN.user], displayName: 'No Username' } }]));
      const ops = expectBulkResponse(ctx, res, 'POST /Bulk with a bad operation');
      const bad = ops.find((o) => attr(o, 'bulkId') === 'bad') ?? ops[0];
      const status = opStatus(bad);
      ctx.expectTrue(status >= 400 && status < 500, 'the failed operation has a 4xx status', { expected: '4xx', actual: attr(bad, 'status') });
      const response = attr(bad, 'response');
      ctx.expectTrue(isScimErrorBody(response), 'the failed operation carries a SCIM Error in response', { expected: { schemas: [SCHEMA_URN.error] }, actual: response });
      ctx.expectEqual(String(attr(response, 'status')), String(status), 'the Error status matches the operation status');
    },
  },
  {
    id: 'bulk.fail-on-errors.stops',
    title: 'failOnErrors=1 stops processing after the first error',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7', quote: 'failOnErrors: An integer specifying the number of errors that the service provider will accept before the operation is terminated and an error response is returned. OPTIONAL in a request. Not valid in a response.' },
    // MUST by the "definition" exception of test/harness/levels.test.ts: the number of errors accepted before stopping.
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const path = usersPath(ctx);
      const later = bulkUser(ctx);
      const res = await sendBulk(ctx, bulkBody([
        { method: 'POST', path, bulkId: 'bad', data: { schemas: [SCHEMA_URN.user], displayName: 'No Username' } },
        { method: 'POST', path, bulkId: 'after1', data: later },
        { method: 'POST', path, bulkId: 'after2', data: bulkUser(ctx) },
      ], 1));
      const created = opsOf(res.json).filter((o) => opStatus(o) === 201).map((o) => attr(o, 'bulkId'));
      ctx.expectTrue(created.length === 0, 'no operation after the first error is performed', { expected: [], actual: created });
      // Read back too: a target might create and not report it.
      const filterable = ctx.target.capabilities.has('filter');
      if (filterable) {
        const list = await ctx.http.send({ method: 'GET', path, query: { filter: `userName eq ${filterString(String(attr(later, 'userName')))}` } });
        const found = resourcesOf(expectListResponse(ctx, list, 'look up the user after the stopping error'));
        for (const r of found) if (typeof attr(r, 'id') === 'string') ctx.fixtures.track('user', attr(r, 'id'));
        ctx.expectEqual(found.length, 0, 'users created after failOnErrors was reached');
      }
    },
  },
  {
    id: 'bulk.limits.max-operations',
    title: 'more operations than bulk.maxOperations are refused with 413',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7.4', quote: 'If either limits are exceeded, the service provider MUST return HTTP response code 413 (Request Entity Too Large).' },
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const max = ctx.target.limits.bulkMaxOperations;
      if (typeof max !== 'number' || max < 1) return ctx.skip('the target does not advertise bulk.maxOperations');
      if (max > 10_000) return ctx.skip(`bulk.maxOperations is ${max}: too many operations to send`);
      // Deletes of ids nobody holds: harmless even if a target wrongly runs them.
      const ops = Array.from({ length: max + 1 }, () => ({ method: 'DELETE', path: userPath(ctx, unknownId()) }));
      const res = await sendBulk(ctx, bulkBody(ops));
      ctx.expectScimError(res, 413);
    },
  },
  {
    id: 'bulk.limits.max-payload',
    title: 'a request larger than bulk.maxPayloadSize is refused with 413',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7.4', quote: 'If either limits are exceeded, the service provider MUST return HTTP response code 413 (Request Entity Too Large).' },
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const max = ctx.target.limits.bulkMaxPayloadSize;
      if (typeof max !== 'number' || max < 1) return ctx.skip('the target does not advertise bulk.maxPayloadSize');
      if (max > 8 * 1024 * 1024) return ctx.skip(`bulk.maxPayloadSize is ${max} bytes: too large to exceed from a check`);
      const pad = 'x'.repeat(max + 1024);
      const res = await sendBulk(ctx, bulkBody([{ method: 'DELETE', path: userPath(ctx, unknownId()), data: { padding: pad } }]));
      ctx.expectScimError(res, 413);
    },
  },
  {
    id: 'bulk.delete.user',
    title: 'a bulk DELETE removes the user (status 204, then GET 404)',
    area: 'bulk',
    // A DELETE inside a bulk request is a DELETE: §3.6's answer and its 404 afterwards.
    cite: {
      rfc: 7644,
      section: '3.6',
      quote: 'In response to a successful DELETE, the service provider SHALL return a successful HTTP status code 204 (No Content). ... MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.',
    },
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      if (ctx.target.deprovision === 'disable') ctx.skip('the target deprovisions by disabling: DELETE keeps the user');
      const u = await ctx.fixtures.createUser();
      const res = await sendBulk(ctx, bulkBody([{ method: 'DELETE', path: userPath(ctx, u.id) }]));
      const ops = expectBulkResponse(ctx, res, 'POST /Bulk with a DELETE');
      ctx.expectEqual(ops.length > 0 ? opStatus(ops[0]) : undefined, 204, 'status of the DELETE operation');
      const got = await ctx.http.send({ method: 'GET', path: userPath(ctx, u.id) });
      ctx.expectScimError(got, 404);
    },
  },
  {
    id: 'bulk.invalid.missing-method',
    title: 'an operation without method is refused with 400',
    area: 'bulk',
    // "method ... REQUIRED" binds the client's request; the answer to one without it is Table 8's 400.
    cite: table8(400),
    level: 'SHOULD',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const res = await sendBulk(ctx, bulkBody([{ path: usersPath(ctx), bulkId: 'nomethod', data: bulkUser(ctx) }]));
      // Either the whole request is a 400 SCIM error, or the operation reports 400.
      if (res.status === 400) {
        ctx.expectScimError(res, 400);
        return;
      }
      const ops = expectBulkResponse(ctx, res, 'POST /Bulk with an operation lacking method');
      const status = ops.length > 0 ? opStatus(ops[0]) : NaN;
      ctx.expectEqual(status, 400, 'status of the operation without method');
    },
  },
  {
    id: 'bulk.invalid.missing-schema',
    title: 'a bulk request without the BulkRequest schema is refused (or, the target\'s choice, processed)',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7', quote: 'Bulk requests are identified using the following schema URI: "urn:ietf:params:scim:api:messages:2.0:BulkRequest".' },
    // The URN identifies the client's request; a strict server refuses, a lenient one may process it: both are
    // recorded, only a server error warns.
    level: 'MAY',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const res = await sendBulk(ctx, { Operations: [{ method: 'DELETE', path: userPath(ctx, unknownId()) }] });
      if (res.status >= 200 && res.status < 300) ctx.skip(`the target processed a bulk request without schemas (HTTP ${res.status}): its choice`);
      if (!isObject(res.json) || res.status >= 500) ctx.fail('a BulkRequest without schemas should be refused with a SCIM error', { expected: 400, actual: brief(res) });
      ctx.expectScimError(res, res.status);
    },
  },
];
