import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/provider/store.ts';

const user = (id: string, userName: string, extra: Record<string, unknown> = {}) => ({ id, userName, ...extra });

describe('MemoryStore', () => {
  it('RFC 7643 §4.1.1 userName caseExact=false: the userName index is case-folded', async () => {
    const s = new MemoryStore();
    await s.create('User', user('1', 'Bjensen'));
    expect(await s.lookup('User', 'userName', 'BJENSEN')).toEqual(['1']);
    expect(await s.lookup('User', 'userName', 'other')).toEqual([]);
  });

  it('keeps indexes in step on replace and delete', async () => {
    const s = new MemoryStore();
    await s.create('User', user('1', 'alice', { externalId: 'E1' }));
    await s.replace('User', user('1', 'alicia', { externalId: 'E2' }));
    expect(await s.lookup('User', 'userName', 'alice')).toEqual([]);
    expect(await s.lookup('User', 'userName', 'ALICIA')).toEqual(['1']);
    expect(await s.lookup('User', 'externalId', 'e1')).toEqual([]);
    expect(await s.lookup('User', 'externalId', 'E2')).toEqual(['1']);
    expect(await s.delete('User', '1')).toBe(true);
    expect(await s.delete('User', '1')).toBe(false);
    expect(await s.lookup('User', 'userName', 'alicia')).toEqual([]);
    expect(await s.get('User', '1')).toBeUndefined();
  });

  it('RFC 7643 §4.1.2 groups: a reverse index answers which groups list a member', async () => {
    const s = new MemoryStore();
    await s.create('Group', { id: 'g1', displayName: 'A', members: [{ value: 'u1' }, { value: 'u2' }] });
    await s.create('Group', { id: 'g2', displayName: 'B', members: [{ value: 'u1' }] });
    expect((await s.groupsOf('u1')).sort()).toEqual(['g1', 'g2']);
    expect(await s.groupsOf('u2')).toEqual(['g1']);
    await s.replace('Group', { id: 'g1', displayName: 'A', members: [{ value: 'u2' }] });
    expect(await s.groupsOf('u1')).toEqual(['g2']);
    await s.delete('Group', 'g2');
    expect(await s.groupsOf('u1')).toEqual([]);
    expect(await s.lookup('Group', 'displayName', 'a')).toEqual(['g1']);
  });

  it('snapshot and load round-trip the content and rebuild the indexes', async () => {
    const s = new MemoryStore();
    await s.create('User', user('1', 'alice'));
    await s.create('Group', { id: 'g1', displayName: 'A', members: [{ value: '1', type: 'User' }] });
    const snap = JSON.parse(JSON.stringify(await s.snapshot()));
    const t = new MemoryStore();
    await t.load(snap);
    expect(await t.list('User')).toEqual(await s.list('User'));
    expect(await t.groupsOf('1')).toEqual(['g1']);
    expect(await t.lookup('User', 'userName', 'ALICE')).toEqual(['1']);
    expect(await t.count('Group')).toBe(1);
  });

  it('two stores share nothing', async () => {
    const a = new MemoryStore();
    const b = new MemoryStore();
    await a.create('User', user('1', 'alice'));
    expect(await b.count('User')).toBe(0);
  });
});
