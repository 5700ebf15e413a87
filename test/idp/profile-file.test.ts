/**
 * Profile files (src/idp/profiles/file/): the shipped example plays every scenario against the reference
 * provider under both deprovisioning policies; the placeholder language; and every kind of bad file is one line
 * per problem naming the file and the JSON pointer, raised as a UsageError (exit 2 from the CLI).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { idpCommand } from '../../src/idp/commands.ts';
import { getProfile } from '../../src/idp/profiles/index.ts';
import { isProfileFile, loadProfileFile, parseProfileFile } from '../../src/idp/profiles/file/load.ts';
import { evaluate } from '../../src/idp/profiles/file/template.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { runScenario } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';
import { UsageError } from '../../src/usage-error.ts';

const BASE = 'http://localhost/scim/v2';
const EXAMPLE = resolve(import.meta.dirname, '../../examples/acme-idp.yaml');
const scenarios = await loadScenarios(['all']);
const dir = mkdtempSync(join(tmpdir(), 'scimcheck-profile-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function provider(deprovision: 'delete' | 'disable') {
  const p = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] }, policy: { deprovision } });
  return ((input: RequestInfo | URL, init?: RequestInit) => p.fetch(input instanceof Request ? input : new Request(input, init))) as typeof fetch;
}

describe('examples/acme-idp.yaml', () => {
  it('loads, and is picked by --profile as a file', () => {
    const p = loadProfileFile(EXAMPLE);
    expect(p).toMatchObject({ id: 'acme', deletesUsers: true, headers: { 'X-Acme-Tenant': 'acme-prod' } });
    expect(getProfile('./examples/acme-idp.yaml')?.id).toBe('acme');
    expect(isProfileFile('okta')).toBe(false);
    expect(['./x', 'a/b', 'x.yaml', 'x.yml', 'x.JSON'].every(isProfileFile)).toBe(true);
  });

  for (const deprovision of ['delete', 'disable'] as const) {
    for (const sc of scenarios) {
      if (sc.name === 'push-groups' && deprovision === 'disable') continue;
      it(`${sc.name} passes (deprovision: ${deprovision})`, { timeout: 300_000 }, async () => {
        const fetch = provider(deprovision);
        const run = await runScenario(sc, { profile: loadProfileFile(EXAMPLE), baseUrl: BASE, authorization: 'Bearer T', fetch, timeoutMs: 10000, prefix: 'acme', deprovision, sleep: async () => {} });
        expect(run.failure).toBeUndefined();
        expect(run.steps.every((s) => s.ok)).toBe(true);
        expect(run.cleanupProblems).toEqual([]);
      });
    }
  }

  it('sends its own habits: lower-case ops, the tenant header, DELETE when the person leaves', async () => {
    const seen: { method: string; path: string; headers: Headers; body: string }[] = [];
    const inner = provider('delete');
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = input instanceof Request ? input : new Request(input, init);
      seen.push({ method: req.method, path: new URL(req.url).pathname, headers: req.headers, body: await req.clone().text() });
      return inner(req);
    }) as typeof globalThis.fetch;
    const sc = scenarios.find((s) => s.name === 'disable-vs-delete')!;
    const run = await runScenario(sc, { profile: loadProfileFile(EXAMPLE), baseUrl: BASE, authorization: 'Bearer T', fetch, timeoutMs: 10000, prefix: 'acme', deprovision: 'delete', sleep: async () => {} });
    expect(run.ok).toBe(true);
    const patches = seen.filter((r) => r.method === 'PATCH' && r.headers.get('x-acme-tenant') === 'acme-prod');
    expect(patches.length).toBeGreaterThan(0);
    for (const p of patches) for (const op of JSON.parse(p.body).Operations) expect(op.op).toMatch(/^[a-z]+$/);
    expect(seen.some((r) => r.method === 'DELETE' && r.path.startsWith('/scim/v2/Users/') && r.headers.get('user-agent') === 'acme-sync/2.3 (python-requests)')).toBe(true);
  });

  it('plays through `scimcheck idp --profile FILE` (mixed with a built-in name)', async () => {
    const lines: string[] = [];
    const code = await idpCommand(['--profile', `okta,${EXAMPLE}`, '--scenario', 'create-and-assign', '--target', BASE, '--auth-bearer', 'T', '--deprovision', 'delete'], {
      out: (l) => lines.push(l),
      err: () => {},
      env: {},
      fetch: provider('delete'),
    });
    expect(lines.join('\n')).toMatch(/PASS okta · create-and-assign[\s\S]*PASS acme · create-and-assign/);
    expect(code).toBe(0);
  });
});

describe('the placeholder language', () => {
  const user = { key: 'a', idpId: '42', userName: 'ann@x.test', givenName: 'Ann', active: false };
  it('gives a whole placeholder as its value, text around placeholders as text, and leaves unset values out', () => {
    expect(evaluate({ a: '{{user.active}}', b: 'u-{{user.userName}}', c: '{{user.title}}', d: 'x {{user.title}}', e: { f: '{{user.familyName}}' }, g: [], h: null }, { user })).toEqual({
      a: false,
      b: 'u-ann@x.test',
      g: [],
      h: null,
    });
  });
  it('has fallbacks, filters, $when, $value and $each', () => {
    const members = [{ id: '1', display: 'One' }, { id: '2' }];
    expect(evaluate('{{user.email ?? user.userName | json}}', { user })).toBe('"ann@x.test"');
    expect(evaluate('{{active | capitalized}}', { active: true })).toBe('True');
    expect(evaluate(['a', { $when: '{{user.title}}', $value: 'b' }, { $when: '{{user.givenName}}', $value: 'c' }], { user })).toEqual(['a', 'c']);
    expect(evaluate([{ $each: '{{members}}', do: { op: 'remove', path: 'members[value eq {{member.id | json}}]' } }], { members })).toEqual([
      { op: 'remove', path: 'members[value eq "1"]' },
      { op: 'remove', path: 'members[value eq "2"]' },
    ]);
    expect(evaluate({ value: { $each: '{{members}}', do: { value: '{{member.id}}', display: '{{member.display}}' } } }, { members: [] })).toEqual({ value: [] });
    expect(evaluate([{ $when: '{{add}}', op: 'add' }], { add: [] })).toBeUndefined();
  });
});

describe('a bad profile file: one line per problem, file and JSON pointer, UsageError (exit 2)', () => {
  const example = parse(readFileSync(EXAMPLE, 'utf8'));
  function write(name: string, doc: unknown, raw?: string): string {
    const path = join(dir, name);
    writeFileSync(path, raw ?? stringify(doc));
    return path;
  }
  function problems(path: string): string[] {
    try {
      loadProfileFile(path);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message.split('\n');
    }
    throw new Error('expected the file to be refused');
  }

  const cases: [string, string, (d: any) => void, RegExp][] = [
    ['a misspelt field', 'misspelt', (d) => ((d.groups.batchsize = 10), delete d.groups.batchSize), /^\/groups: unknown property 'batchsize' \(did you mean 'batchSize'\? expected one of: matchQuery, .*\)$/],
    ['a wrong type', 'type', (d) => (d.updateUser.readFirst = 'yes'), /^\/updateUser\/readFirst: must be boolean$/],
    ['a wrong enum value', 'enum', (d) => (d.reactions.onCreateConflict = 'retry'), /^\/reactions\/onCreateConflict: must be one of "stop", "retry-next-cycle"$/],
    ['an unknown placeholder', 'placeholder', (d) => (d.createUser.nickName = '{{user.nickname}}'), /^\/createUser\/nickName: unknown placeholder '\{\{user\.nickname\}\}' \(known here: user\.userName, .*\)$/],
    ['a placeholder not offered there', 'not-here', (d) => (d.groups.rename.path = '/Groups/{{user.userName}}'), /^\/groups\/rename\/path: placeholder '\{\{user\.userName\}\}' is not available here \(known here: group\.displayName, group\.idpId, id\)$/],
    ['an unknown filter', 'filter', (d) => (d.matching.queries.userName.filter = 'userName eq {{user.userName | quote}}'), /^\/matching\/queries\/userName\/filter: unknown filter 'quote' in .*\(filters: json, capitalized\)$/],
    ['a misspelt directive', 'directive', (d) => (d.createUser.emails[0] = { $whn: '{{user.email}}', value: '{{user.email}}' }), /^\/createUser\/emails\/0\/\$whn: unknown directive '\$whn'/],
    ['both update forms', 'both', (d) => (d.updateUser.diffAgainstRead = { purpose: 'x', opNames: { add: 'add', replace: 'replace' }, attributes: [{ path: 'title', value: '{{user.title}}' }] }), /^\/updateUser: give exactly one of 'requests' \(templates\) and 'diffAgainstRead'/],
  ];
  for (const [what, name, change, line] of cases) {
    it(what, () => {
      const doc = structuredClone(example);
      change(doc);
      const path = write(`${name}.yaml`, doc);
      const lines = problems(path);
      for (const l of lines) expect(l.startsWith(`${path}: /`), l).toBe(true);
      expect(lines.some((l) => line.test(l.slice(path.length + 2))), lines.join('\n')).toBe(true);
    });
  }

  it('a prototype-polluting key, anywhere (YAML or JSON)', () => {
    const yaml = readFileSync(EXAMPLE, 'utf8').replace("  active: '{{user.active}}'\nupdateUser:", "  active: '{{user.active}}'\n  __proto__: { polluted: true }\nupdateUser:");
    expect(problems(write('proto.yaml', undefined, yaml))).toEqual([`${join(dir, 'proto.yaml')}: /createUser/__proto__: the key '__proto__' is not allowed (it names an object's prototype)`]);
    const json = JSON.stringify({ ...example, sources: { constructor: 'x' } });
    expect(problems(write('proto.json', undefined, json))).toEqual([`${join(dir, 'proto.json')}: /sources/constructor: the key 'constructor' is not allowed (it names an object's prototype)`]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a missing file, and text that is not YAML', () => {
    expect(problems(join(dir, 'nope.yaml'))).toEqual([`${join(dir, 'nope.yaml')}: cannot read the profile file (no such file)`]);
    expect(() => parseProfileFile('a: [', 'bad.yaml')).toThrow(/^bad\.yaml: not valid YAML: /);
  });

  it('several problems: one line each', () => {
    const doc = structuredClone(example);
    doc.retry.limit = 'three';
    doc.idStyle = 'uuid';
    const lines = problems(write('several.yaml', doc));
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^.*several\.yaml: \/(retry\/limit: must be integer|idStyle: must be one of "okta", "guid", "number")$/);
  });

  it('idp, run --suite scenarios and load exit 2 with the line', async () => {
    const doc = structuredClone(example);
    doc.updateUser.readFirst = 'yes';
    const path = write('cli.yaml', doc);
    const { main } = await import('../../src/cli.ts');
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((l: string) => void printed.push(l));
    try {
      for (const argv of [
        ['idp', '--profile', path, '--target', BASE],
        ['run', '--suite', 'scenarios', '--profile', `okta,${path}`, '--target', BASE],
        ['load', '--profile', path, '--target', BASE],
      ]) {
        printed.length = 0;
        expect(await main(argv), argv[0]).toBe(2);
        expect(printed, argv[0]).toEqual([`scimcheck ${argv[0]}: ${path}: /updateUser/readFirst: must be boolean`]);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
