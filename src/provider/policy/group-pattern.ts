/**
 * Group lists of a policy: "Engineering, Sales*, *-admins". Each entry is a displayName where `*` matches
 * any run of characters (none included); matching ignores case and the spaces around an entry.
 *
 * Matching runs in time linear in the name plus the pattern (issue 11 #9): a RegExp `^a.*b.*c$` backtracks
 * polynomially in the number of stars, and the names come from whoever provisions groups. A `*`-only glob
 * needs no backtracking at all: the literal before the first star is a prefix, the one after the last star
 * a suffix, and every literal in between may take its leftmost occurrence after the previous one (taking a
 * later one never leaves more room for the rest). Each occurrence is found with Knuth-Morris-Pratt, whose
 * scan never moves back in the name, so the whole match reads each character of the name a bounded number
 * of times.
 */

export type GroupMatcher = (displayName: string) => boolean;

/** Counts character comparisons, so tests can bound the work without a clock. */
export interface StepMeter {
  steps: number;
}

/** The entries of a comma list, trimmed; empty entries ("a,,b", a trailing comma) are dropped. */
export function splitGroupList(list: string | undefined): string[] {
  if (list === undefined) return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** KMP failure function: for each prefix of `part`, the length of its longest proper border. */
function borders(part: string, meter?: StepMeter): Int32Array {
  const b = new Int32Array(part.length);
  let k = 0;
  for (let i = 1; i < part.length; i++) {
    while (k > 0 && part[i] !== part[k]) {
      k = b[k - 1]!;
      if (meter) meter.steps++;
    }
    if (meter) meter.steps++;
    if (part[i] === part[k]) k++;
    b[i] = k;
  }
  return b;
}

/** Leftmost start of `part` in text[from, to), or -1; KMP, so at most 2·(to − from) comparisons. */
function indexWithin(text: string, part: string, table: Int32Array, from: number, to: number, meter?: StepMeter): number {
  let k = 0;
  for (let i = from; i < to; i++) {
    while (k > 0 && text[i] !== part[k]) {
      k = table[k - 1]!;
      if (meter) meter.steps++;
    }
    if (meter) meter.steps++;
    if (text[i] === part[k]) k++;
    if (k === part.length) return i - part.length + 1;
  }
  return -1;
}

/** A compiled `*`-glob: the literal between stars, each with its KMP table. Case is the caller's concern. */
interface Glob {
  /** No star: the name must equal `parts[0]`. */
  exact: boolean;
  parts: string[];
  tables: Int32Array[];
}

function compileGlob(pattern: string, meter?: StepMeter): Glob {
  const parts = pattern.split('*');
  return { exact: parts.length === 1, parts, tables: parts.map((p) => borders(p, meter)) };
}

function globMatches(g: Glob, name: string, meter?: StepMeter): boolean {
  const { parts } = g;
  if (g.exact) return name === parts[0];
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  if (name.length < head.length + tail.length) return false;
  if (meter) meter.steps += head.length + tail.length;
  if (!name.startsWith(head) || !name.endsWith(tail)) return false;
  // The middle literals, leftmost first, inside what the prefix and the suffix leave.
  let at = head.length;
  const end = name.length - tail.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (part === '') continue;
    const found = indexWithin(name, part, g.tables[i]!, at, end, meter);
    if (found < 0) return false;
    at = found + part.length;
  }
  return true;
}

/** Whether `name` matches the `*`-glob `pattern`, exactly as written (case-sensitive, untrimmed). */
export function matchGlob(pattern: string, name: string, meter?: StepMeter): boolean {
  return globMatches(compileGlob(pattern, meter), name, meter);
}

/**
 * Group displayNames compare ignoring case here, as this provider keeps them unique ignoring case: both
 * sides are folded with the same toLowerCase, so the literal parts stay literal ("R&D (EU)", "a.b").
 */
const fold = (s: string) => s.toLowerCase();

/** A matcher for a comma list; an absent or empty list matches nothing. */
export function compileGroupList(list: string | undefined): GroupMatcher {
  const globs = splitGroupList(list).map((entry) => compileGlob(fold(entry)));
  if (globs.length === 0) return () => false;
  return (displayName) => {
    const name = fold(displayName.trim());
    return globs.some((g) => globMatches(g, name));
  };
}
