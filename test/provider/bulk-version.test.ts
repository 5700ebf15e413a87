/**
 * Issue 11 #10: a Bulk operation's `version` of the wrong type must not silently skip the If-Match check.
 * RFC 7644 §3.7 (version: "The current resource version ... If the 'version' is present, ... precondition"),
 * §3.14: a string ETag. A number or object is that operation's 400 invalidValue; nothing is written.
 */
import { describe, expect, it } from 'vitest';
import { BULK_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, client } from './helpers.ts';

const bulk = (Operations: unknown[]) => ({ schemas: [BULK_SCHEMA], Operations });

describe('Bulk version of the wrong type (issue 11 #10)', () => {
  const wrong: [string, unknown][] = [
    ['a number', 5],
    ['an object', {}],
    ['an array', ['W/"1"']],
    ['a boolean', true],
  ];
  for (const [label, version] of wrong) {
    it(`${label} is that operation's 400 invalidValue for PUT, PATCH and DELETE, and nothing changes`, async () => {
      const c = client();
      const u = await c.createUser('versioned', { displayName: 'Before' });
      const path = `/Users/${u.id}`;
      const res = await c.post('/Bulk', bulk([
        { method: 'PUT', path, version, data: { schemas: [USER_SCHEMA], userName: 'versioned', displayName: 'After PUT' } },
        { method: 'PATCH', path, version, data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'After PATCH' }] } },
        { method: 'DELETE', path, version },
      ]));
      expect(res.status).toBe(200);
      for (const op of res.json.Operations) expect(op).toMatchObject({ status: '400', response: { status: '400', scimType: 'invalidValue' } });
      const after = await c.get(path);
      expect(after.status).toBe(200);
      expect(after.json.displayName).toBe('Before');
    });
  }

  it('a string version is still checked (412 when stale) and an absent or null one means no precondition', async () => {
    const c = client();
    const u = await c.createUser('versioned2');
    const path = `/Users/${u.id}`;
    const res = await c.post('/Bulk', bulk([
      { method: 'PATCH', path, version: 'W/"stale"', data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] } },
      { method: 'PATCH', path, version: null, data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'y' }] } },
    ]));
    expect(res.json.Operations.map((o: { status: string }) => o.status)).toEqual(['412', '200']);
  });
});
