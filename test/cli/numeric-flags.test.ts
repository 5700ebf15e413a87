/**
 * Issue 12: `--seed -5` printed Node's raw "argument is ambiguous". Every numeric flag of every command now takes
 * a negative number as its value and refuses it in the command's own words: one line, exit 2.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.ts';
import { joinNegativeValues, parseFlags } from '../../src/cli-args.ts';
import { UsageError } from '../../src/usage-error.ts';

afterEach(() => vi.restoreAllMocks());

const T = 'http://127.0.0.1:9/scim/v2';

describe('negative numbers as flag values', () => {
  it.each([
    [['run', '--seed', '-5'], "--seed must be a whole number from 0 to 4294967295, got '-5'"],
    [['run', '--num-runs', '-2'], "--num-runs must be a whole number from 1 to 1000000, got '-2'"],
    [['run', '--timeout', '-1'], "--timeout must be a whole number from 1 to 3600000, got '-1'"],
    [['run', '--concurrency', '-3'], "--concurrency must be a whole number from 1 to 64, got '-3'"],
    [['run', '--deadline', '-1s'], "--deadline must be a duration like 30s, 2m or 500ms, got '-1s'"],
    [['run', '--time-budget', '-.5'], "--time-budget must be a duration like 30s, 2m or 500ms, got '-.5'"],
    [['idp', '--target', T, '--timeout', '-5'], "--timeout must be a positive number of milliseconds, got '-5'"],
    [['load', '--users', '-5'], "--users must be a whole number from 1 to 10000000, got '-5'"],
    [['load', '--groups', '-1'], '--groups must be'],
    [['load', '--members-per-group', '-1'], '--members-per-group must be'],
    [['load', '--concurrency', '-1'], '--concurrency must be'],
    [['load', '--seed', '-1'], "--seed must be a whole number from 0 to 4294967295, got '-1'"],
    [['load', '--rate', '-2'], "--rate must be a number from 0.01 up, got '-2'"],
    [['load', '--ramp', '-2'], '--ramp must be'],
    [['load', '--duration', '-2'], '--duration must be'],
    [['load', '--timeout', '-9'], "--timeout must be a whole number from 1 to 3600000, got '-9'"],
    [['serve', '--port', '-1'], "--port must be a number from 0 to 65535, got '-1'"],
  ])('scimcheck %j: one clear line, exit 2', async (argv, message) => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(argv)).toBe(2);
    const printed = err.mock.calls.map((c) => String(c[0]));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`scimcheck ${argv[0]}: ${message}`);
    expect(printed[0]?.split('\n')[0]).not.toMatch(/ambiguous/);
    expect(log).not.toHaveBeenCalled();
  });

  it('joins only a value that reads as a negative number, and only to a flag that takes a value', () => {
    const options = { seed: { type: 'string' }, quiet: { type: 'boolean' } } as const;
    expect(joinNegativeValues(['--seed', '-5'], options)).toEqual(['--seed=-5']);
    expect(joinNegativeValues(['--seed', '-x'], options)).toEqual(['--seed', '-x']);
    expect(joinNegativeValues(['--quiet', '-5'], options)).toEqual(['--quiet', '-5']);
    expect(joinNegativeValues(['--seed=-5', '--', '--seed', '-1'], options)).toEqual(['--seed=-5', '--', '--seed', '-1']);
  });

  it('any other parse mistake is a one-line UsageError', () => {
    const parse = (args: string[]) => parseFlags({ args, options: { seed: { type: 'string' } }, strict: true, allowPositionals: false });
    expect(() => parse(['--nope'])).toThrow(UsageError);
    expect(() => parse(['--seed'])).toThrow(/^Option '--seed <value>' argument missing$/);
  });
});
