/**
 * Issue 11 #5: a bad Bulk operation is that operation's error inside the BulkResponse (RFC 7644 §3.7.3), never
 * a 500 for the whole request after earlier operations were committed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BULK_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, client } from './helpers.ts';

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({ schemas: [BULK_SCHEMA], Operations, ...extra });

describe('bad Bulk operations (issue 11 #5)', () => {
  it('a path that is not valid percent-encoding is that operation\'s 400; the POST before it is reported as committed', async () => {
    const c = client();
    const res = await c.post('/Bulk', bulk([
      { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER_SCHEMA], userName: 'bulk-a' } },
      { method: 'DELETE', path: '/Users/%ZZ' },
    ]));
    expect(res.status).toBe(200);
    const [created, bad] = res.json.Operations;
    expect(created).toMatchObject({ bulkId: 'a', status: '201' });
    expect(bad).toMatchObject({ method: 'DELETE', status: '400', response: { status: '400', scimType: 'invalidPath' } });
    expect((await c.get(new URL(created.location).pathname.replace('/scim/v2', ''))).status).toBe(200);
  });

  it('any methods, paths, bulkIds, versions and data: never a 500, neither for the request nor for an operation', async () => {
    const c = client();
    const u = await c.createUser('fuzz-target');
    const g = await c.createGroup('fuzz-group', [u.id]);
    const segment = fc.oneof(
      fc.constantFrom(u.id, g.id, 'bulkId:a', 'bulkId:b', 'bulkId:', '%ZZ', '%', '%E0%A4%A', '%00', '..', 'constructor', '__proto__', '.search', ''),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    const head = fc.constantFrom('/Users', '/Groups', 'Users', '/Bulk', '/Me', '', '/users', '/Users?attributes=__proto__');
    const path = fc.oneof(
      { arbitrary: fc.tuple(fc.constantFrom('/Users', '/Groups'), segment).map(([h, s]) => `${h}/${s}`), weight: 3 },
      { arbitrary: fc.tuple(head, fc.array(segment, { maxLength: 3 })).map(([h, rest]) => [h, ...rest].join('/')), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
    );
    const data = fc.oneof(
      fc.constant({ schemas: [USER_SCHEMA], userName: 'fuzz-user' }),
      fc.constant({ schemas: [GROUP_SCHEMA], displayName: 'fuzz-g', members: [{ value: 'bulkId:a' }] }),
      fc.constant({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 't' }] }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const op = fc.record(
      {
        method: fc.oneof({ arbitrary: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'post', 'HEAD', ''), weight: 4 }, { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }),
        path: fc.oneof({ arbitrary: path, weight: 4 }, { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }),
        bulkId: fc.oneof(fc.constantFrom('a', 'b', ''), fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
        version: fc.oneof(fc.constantFrom('W/"x"', '*'), fc.jsonValue({ maxDepth: 1 })),
        data,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 5 }), async (ops) => {
        const res = await c.post('/Bulk', bulk(ops));
        expect(res.status, res.text).toBeLessThan(500);
        for (const o of res.json?.Operations ?? []) expect(Number(o.status), JSON.stringify(o)).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
