/**
 * node:util parseArgs for every command, with two newcomer traps removed (issue 12):
 *  - `--seed -5` made parseArgs refuse the value as "argument is ambiguous" (it looks like a flag). A value
 *    that reads as a negative number is taken as the flag's value (as `--seed=-5`), so the command's own check
 *    answers in one clear line: "--seed must be a whole number from 0 to 4294967295, got '-5'".
 *  - parseArgs's messages run over several lines (hints about `--`); a UsageError carries the first line only,
 *    and the CLI prints it and exits 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

/** `-5`, `-0.5`, `-.5`, `-1e3`: never a flag of ours. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/** `--flag -5` -> `--flag=-5` for the flags that take a value; everything else as given. */
export function joinNegativeValues(args: readonly string[], options: ParseArgsConfig['options'] = {}): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const next = args[i + 1];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** parseArgs with negative numbers as values and every mistake a one-line UsageError. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    // The same config with other args: the parsed shape is that of T.
    return parseArgs({ ...config, args: joinNegativeValues(config.args ?? [], config.options) }) as ReturnType<typeof parseArgs<T>>;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad flags');
  }
}

/**
 * A duration flag: `30s`, `2m`, `500ms` or a bare number of milliseconds (run --deadline / --time-budget,
 * idp --deadline, load --deadline: one parser, one wording of the mistake).
 */
export function durationFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--${name} must be a duration like 30s, 2m or 500ms, got '${raw}'`);
  const ms = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[(m[2] ?? 'ms') as 'ms' | 's' | 'm'];
  if (ms < 1) throw new UsageError(`--${name} must be at least 1ms, got '${raw}'`);
  return Math.round(ms);
}
