/** OneLogin's recorded wire shapes (OneLogin "Implement SCIM API"). */
import { describe, expect, it } from 'vitest';
import { makeOneLogin, onelogin } from '../../src/idp/profiles/onelogin.ts';
import { group, last, person, setup } from './harness.ts';

const ops = (r: { body: any }) => r.body.Operations;

describe('onelogin wire shapes', () => {
  it('tests the connection by filtering a userName that does not exist', async () => {
    const { target, engine } = setup(onelogin);
    expect((await engine.testConnection()).outcome).toBe('ok');
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0].query.get('filter')).toMatch(/^userName eq "onelogin-connection-test-/);
  });

  it('creates from its template and updates with a PUT, no GET first', async () => {
    const { target, engine } = setup(onelogin);
    await engine.assign(person('alice'));
    expect(target.requests[1].body.emails).toEqual([{ value: 'alice@example.test', type: 'work', primary: true }]);
    const id = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    await engine.update('alice', { title: 'Lead' });
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /Users/${id}`]);
    expect(target.requests[0].body).toMatchObject({ userName: 'alice@example.test', title: 'Lead', active: true });
  });

  it('a template may send emails as a single object', async () => {
    const { target, engine } = setup(makeOneLogin({ emailsAsObject: true }));
    await engine.assign(person('alice'));
    expect(target.requests[1].body.emails).toEqual({ value: 'alice@example.test', type: 'work', primary: true });
  });

  it('deactivates by leaving each group, then PUT active:false; DELETE when set to delete', async () => {
    const { target, engine } = setup(onelogin, 'disable');
    await engine.assign(person('alice'));
    const a = engine.userLinks.get('alice')!;
    await engine.pushGroup(group('eng', ['alice']));
    await engine.pushGroup(group('ops', ['alice']));
    expect(ops(last(target.requests))).toEqual([{ op: 'add', path: 'members', value: [{ value: a }] }]);
    target.requests.length = 0;
    expect((await engine.remove('alice')).outcome).toBe('deactivated');
    expect(target.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PUT']);
    expect(ops(target.requests[0])).toEqual([{ op: 'remove', path: 'members', value: [{ value: a }] }]);
    expect(target.requests[2].body.active).toBe(false);
    const d = setup(onelogin, 'delete');
    await d.engine.assign(person('bob'));
    await d.engine.remove('bob');
    expect(last(d.target.requests).method).toBe('DELETE');
  });

  it('re-creates at once when an update meets 404', async () => {
    const { target, engine } = setup(onelogin);
    await engine.assign(person('alice'));
    target.users.clear();
    target.requests.length = 0;
    expect((await engine.update('alice', { title: 'X' })).outcome).toBe('recreated');
    expect(target.requests.map((r) => r.method)).toEqual(['PUT', 'GET', 'POST']);
  });
});
