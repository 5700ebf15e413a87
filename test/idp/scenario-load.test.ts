/** Scenario files: the shipped ones validate, bad ones fail with a readable, located error. */
import { describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario } from '../../src/idp/scenario/load.ts';
import { UsageError } from '../../src/usage-error.ts';

const REQUIRED = ['create-and-assign', 'update-attributes', 'rename-user', 'duplicate-upn', 'push-groups', 'disable-vs-delete', 'manual-delete-drift', 'soft-delete-restore', 'reassign-deactivated', 'import'];

const wrap = (steps: string) => `name: t\ntitle: T\nrfc: RFC7644 §3.3\nsteps:\n${steps}`;

function errorOf(text: string): string {
  try {
    parseScenario(text, 'scenarios/t.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('scenario files', () => {
  it('ships every required scenario and they all validate', async () => {
    const all = await loadScenarios(['all']);
    expect(all.map((s) => s.name).sort()).toEqual([...REQUIRED].sort());
    for (const s of all) expect(s.steps.length).toBeGreaterThan(2);
  });

  it('rejects an unknown scenario name with the list of available ones', async () => {
    await expect(loadScenarios(['nope'])).rejects.toThrow(/unknown scenario 'nope' \(available: .*rename-user/);
  });

  it('names the step and the missing field', () => {
    expect(errorOf(wrap('  - assign: { userName: "{{prefix}}-a" }\n'))).toMatch(/steps\[0\] \(assign\): .*missing property 'user'/);
  });

  it('names an unknown property', () => {
    expect(errorOf(wrap('  - deactivate: { user: a, colour: red }\n'))).toMatch(/steps\[0\] \(deactivate\): .*unknown property 'colour'/);
  });

  it('refuses a step with two actions or none', () => {
    expect(errorOf(wrap('  - deactivate: { user: a }\n    reactivate: { user: a }\n'))).toMatch(/exactly one action/);
    expect(errorOf(wrap('  - title: nothing\n'))).toMatch(/exactly one action.*found none/);
  });

  it('requires {{prefix}} in every name the run creates', () => {
    expect(errorOf(wrap('  - assign: { user: a, userName: "plain@example.test" }\n'))).toMatch(/must contain \{\{prefix\}\}/);
  });

  it('reports YAML syntax errors and a name that does not match the file', () => {
    expect(errorOf('name: [unclosed\n')).toMatch(/not valid YAML/);
    expect(errorOf(wrap('  - connect: {}\n').replace('name: t', 'name: other'))).toMatch(/must match the file name 't'/);
  });

  it('checks the rfc citation form', () => {
    expect(errorOf(wrap('  - connect: {}\n').replace('RFC7644 §3.3', 'rfc 7644'))).toMatch(/scenario\.rfc/);
  });
});
