/**
 * Issue 11 #6 through the provider: a write whose --state journal append fails answers 500 and is not visible
 * afterwards, whichever endpoint made it; reads go on working.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BULK_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, client, expectScimError, patchOp, type Client, type Res } from './helpers.ts';
import { stateDir } from './state-helpers.ts';

const WRITES: { name: string; send(c: Client, ids: { u: string; g: string }): Promise<Res> }[] = [
  { name: 'POST /Users', send: (c) => c.post('/Users', { schemas: [USER_SCHEMA], userName: 'new-user' }) },
  { name: 'PUT /Users/{id}', send: (c, { u }) => c.put(`/Users/${u}`, { schemas: [USER_SCHEMA], userName: 'renamed' }) },
  { name: 'PATCH /Users/{id}', send: (c, { u }) => c.patch(`/Users/${u}`, patchOp({ op: 'replace', path: 'title', value: 'patched' })) },
  { name: 'DELETE /Users/{id} (also leaves its group)', send: (c, { u }) => c.del(`/Users/${u}`) },
  { name: 'PATCH /Groups/{id} members', send: (c, { g, u }) => c.patch(`/Groups/${g}`, patchOp({ op: 'remove', path: `members[value eq "${u}"]` })) },
  { name: 'POST /Groups', send: (c, { u }) => c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'new-group', members: [{ value: u }] }) },
];

async function provisioned(): Promise<{ path: string; ids: { u: string; g: string } }> {
  const path = join(stateDir(), 'state.json');
  const first = client({ statePath: path });
  const u = await first.createUser('someone', { title: 'before' });
  const g = await first.createGroup('some-group', [u.id]);
  await first.provider.close();
  return { path, ids: { u: u.id, g: g.id } };
}

describe('a failed journal write is not visible afterwards (issue 11 #6)', () => {
  for (const w of WRITES) {
    it(`${w.name}: 500, and the store is as it was`, async () => {
      const { path, ids } = await provisioned();
      const c = client({ statePath: path });
      const before = await c.provider.store.snapshot();
      rmSync(join(path, '..'), { recursive: true, force: true });
      expectScimError(await w.send(c, ids), 500);
      expect(await c.provider.store.snapshot()).toEqual(before);
      expect((await c.get(`/Users/${ids.u}`)).json.title).toBe('before');
      await c.provider.close().catch(() => undefined);
    });
  }

  it('after a failed journal write, later writes (Bulk too) are 500 before they change anything', async () => {
    const { path, ids } = await provisioned();
    const c = client({ statePath: path });
    const before = await c.provider.store.snapshot();
    rmSync(join(path, '..'), { recursive: true, force: true });
    expectScimError(await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'first' }), 500);
    expectScimError(await c.del(`/Users/${ids.u}`), 500);
    const b = await c.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'POST', path: '/Users', bulkId: 'x', data: { schemas: [USER_SCHEMA], userName: 'bulk' } }] });
    expect(b.json.Operations.map((o: { status: string }) => o.status)).toEqual(['500']);
    expect(await c.provider.store.snapshot()).toEqual(before);
    await expect(c.provider.close()).rejects.toMatchObject({ status: 500 });
  });
});
