import { describe, expect, it } from 'vitest';
import { parseServeFlags } from '../../src/provider/serve-flags.ts';
import { FAULTS } from '../../src/provider/faults.ts';
import { FaultSet } from '../../src/provider/faults.ts';
import { UsageError } from '../../src/usage-error.ts';

describe('scimcheck serve flags', () => {
  it('parses every flag, repeatables included', () => {
    const f = parseServeFlags(['--port', '0', '--host', '::1', '--token', 'a', '--token', 'b', '--basic', 'u:p:q', '--base-path', '/api/scim/', '--public-discovery', '--state', 's.json', '--fault', 'sort-ignored', '--fault', 'patch-ignored']);
    expect(f).toMatchObject({ port: 0, host: '::1', tokens: ['a', 'b'], basic: [{ user: 'u', password: 'p:q' }], basePath: '/api/scim', publicDiscovery: true, statePath: 's.json', faults: ['sort-ignored', 'patch-ignored'] });
  });

  it('defaults: 127.0.0.1, /scim/v2, no credentials (the command then generates a token)', () => {
    expect(parseServeFlags([])).toMatchObject({ host: '127.0.0.1', basePath: '/scim/v2', tokens: [], basic: [], faults: [] });
  });

  it.each([
    [['--nope']],
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--basic', 'nocolon']],
    [['--token', '']],
    [['--fault', 'made-up']],
    [['--policy', 'p.yaml']],
    [['positional']],
  ])('bad flags are a UsageError: %j', (argv) => {
    expect(() => parseServeFlags(argv)).toThrow(UsageError);
  });

  it('an unknown fault lists the valid ones', () => {
    expect(() => parseServeFlags(['--fault', 'x'])).toThrow(/valid: create-returns-200, /);
  });
});

describe('FAULTS', () => {
  it('names at least the 26 documented broken behaviours, each with a description citing its clause', () => {
    expect(Object.keys(FAULTS).length).toBeGreaterThanOrEqual(26);
    for (const [name, what] of Object.entries(FAULTS)) {
      expect(name).toMatch(/^[a-z0-9-]+$/);
      expect(what).toMatch(/RFC 764[34] §/);
    }
  });

  it('FaultSet refuses unknown names and answers has()', () => {
    expect(() => new FaultSet(['nope'])).toThrow(UsageError);
    const s = new FaultSet(['sort-ignored']);
    expect(s.has('sort-ignored')).toBe(true);
    expect(s.has('filter-ignored')).toBe(false);
  });
});
