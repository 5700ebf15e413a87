/**
 * The BulkResponse's shape per operation (RFC 7644 §3.7.3): what `status` and `location` look like, and what a
 * DELETE of an id nobody holds reports. bulk.ts checks what bulk operations do; these check how they are told.
 */
import type { Check } from '../check.ts';
import { attr } from './support/attributes.ts';
import { unknownId } from './support/names.ts';
import { userPath, usersPath } from './support/http.ts';
import { userBodyWith } from './support/resources.ts';
import { bulkBody, expectBulkResponse, opStatus, sendBulk } from './support/bulk.ts';
import { table8 } from './support/cites.ts';

export const checks: Check[] = [
  {
    id: 'bulk.response.status-string',
    title: 'each BulkResponse operation gives its status as a JSON string ("201", "204")',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7.3', quote: 'status: The HTTP response status code for the requested operation.' },
    // MAY (warns at most): §3.7 defines status as "the HTTP response status code" without naming a JSON type or a
    // keyword. Every example in §3.7.3 writes it as a string ("201"), as §3.12 does for the Error's status, and
    // clients parse it that way; a number departs from the examples, not from a requirement.
    level: 'MAY',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const doomed = await ctx.fixtures.createUser();
      const res = await sendBulk(ctx, bulkBody([
        { method: 'POST', path: usersPath(ctx), bulkId: 'fresh', data: userBodyWith(ctx, {}) },
        { method: 'DELETE', path: userPath(ctx, doomed.id) },
      ]));
      const ops = expectBulkResponse(ctx, res, 'POST /Bulk with a POST and a DELETE');
      ctx.expectTrue(ops.length === 2, 'the BulkResponse reports both operations', { expected: 2, actual: ops.length });
      const statuses = ops.map((o) => attr(o, 'status'));
      const bad = statuses.filter((s) => typeof s !== 'string' || !/^\d{3}$/.test(s));
      ctx.expectTrue(bad.length === 0, 'every operation status is a string of three digits', { expected: ['"201"', '"204"'], actual: statuses });
    },
  },
  {
    id: 'bulk.response.delete-location',
    title: 'a BulkResponse DELETE operation carries the location of the deleted resource',
    area: 'bulk',
    cite: { rfc: 7644, section: '3.7.3', quote: 'location: The resource endpoint URL. REQUIRED in a response, except in the event of a POST failure.' },
    level: 'MUST',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const u = await ctx.fixtures.createUser();
      const path = userPath(ctx, u.id);
      const ops = expectBulkResponse(ctx, await sendBulk(ctx, bulkBody([{ method: 'DELETE', path }])), 'POST /Bulk with a DELETE');
      const op = ops[0];
      if (!op) ctx.fail('the BulkResponse reports no operation for the DELETE', { expected: 1, actual: 0 });
      const location = attr(op, 'location');
      // The resource endpoint URL ends with the path the DELETE named (absolute or relative, any case of host).
      const names = typeof location === 'string' && location.replace(/\/+$/, '').toLowerCase().endsWith(path.toLowerCase());
      ctx.expectTrue(names, 'the DELETE operation carries the location of the deleted user', { expected: `…${path}`, actual: location ?? '(absent)' });
    },
  },
  {
    id: 'bulk.delete.unknown-404',
    title: 'a bulk DELETE of an id nobody holds reports status 404, not 500',
    area: 'bulk',
    // A row of RFC 7644 §3.12 Table 8, which the RFC introduces with SHOULD (as users.delete.unknown-404).
    cite: table8(404),
    level: 'SHOULD',
    requires: ['bulk', 'write'],
    async run(ctx) {
      const ops = expectBulkResponse(ctx, await sendBulk(ctx, bulkBody([{ method: 'DELETE', path: userPath(ctx, unknownId()) }])), 'POST /Bulk with a DELETE of an unknown id');
      const op = ops[0];
      ctx.expectEqual(op ? opStatus(op) : undefined, 404, 'status of the DELETE of an unknown id');
    },
  },
];
