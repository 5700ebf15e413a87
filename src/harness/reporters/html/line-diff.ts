/**
 * A small line diff (longest common subsequence) for "expected vs actual": good enough for the
 * pretty-printed JSON of one failure, with unchanged runs folded so the change is what you see.
 */

export type DiffOp = 'same' | 'del' | 'add' | 'fold';

export interface DiffLine {
  /** del: only in expected; add: only in actual; fold: `text` says how many unchanged lines were hidden. */
  op: DiffOp;
  text: string;
}

/** Above this many cells the LCS table is too big; the middle is then shown as removed + added. */
const MAX_CELLS = 4_000_000;

/** Every line of `a` and `b` in order, marked same / del (a only) / add (b only). */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  // Common prefix and suffix first: most failures differ in a few lines of a long document.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head = a.slice(0, start).map((text): DiffLine => ({ op: 'same', text }));
  const tail = a.slice(endA).map((text): DiffLine => ({ op: 'same', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  return [...head, ...diffMiddle(midA, midB), ...tail];
}

function diffMiddle(a: readonly string[], b: readonly string[]): DiffLine[] {
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((text): DiffLine => ({ op: 'del', text })), ...b.map((text): DiffLine => ({ op: 'add', text }))];
  }
  const n = a.length;
  const m = b.length;
  // lcs[i * (m + 1) + j] = length of the LCS of a[i..] and b[j..]
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) {
      out.push({ op: 'del', text: a[i]! });
      i++;
    } else {
      out.push({ op: 'add', text: b[j]! });
      j++;
    }
  }
  while (i < n) out.push({ op: 'del', text: a[i++]! });
  while (j < m) out.push({ op: 'add', text: b[j++]! });
  return out;
}

/** Keeps `context` unchanged lines around each change; longer unchanged runs become one `fold` line. */
export function foldUnchanged(lines: readonly DiffLine[], context = 3): DiffLine[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (l.op === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = true;
  });
  const out: DiffLine[] = [];
  let hidden = 0;
  const flush = () => {
    if (hidden > 0) out.push({ op: 'fold', text: `${hidden} unchanged line${hidden === 1 ? '' : 's'}` });
    hidden = 0;
  };
  lines.forEach((l, i) => {
    if (keep[i]) {
      flush();
      out.push(l);
    } else hidden++;
  });
  flush();
  return out;
}
