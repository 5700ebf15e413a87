/**
 * The data the HTML report embeds (as JSON) and its script renders: the report's results reshaped for
 * display — citation title and link, expected-vs-actual line diff, baseline / comparison marks, the
 * area bucket of each result — with transcripts redacted once more on the way in.
 */
import type { CheckResult, RunReport, Status, TranscriptEntry } from '../../check.ts';
import { citationUrl, sectionTitle } from '../../../scim/citations.ts';
import { compareGroups, groupOf, STATUSES } from '../common.ts';
import { diffLines, foldUnchanged, type DiffLine } from './line-diff.ts';
import type { Change, RunComparison } from './compare.ts';
import { guardTranscript, guardCurl } from './redact-guard.ts';
import { causesView, leftBehindText, type CauseView } from '../causes.ts';

export interface ResultView {
  id: string;
  title: string;
  suite: CheckResult['suite'];
  area: string;
  /** The summary bar this result counts in: a conformance area, `scenarios · <profile>`, or `properties`. */
  bucket: string;
  level: CheckResult['level'];
  status: Status;
  durationMs: number;
  profile?: string;
  rfc: string;
  cite?: { url: string; title?: string; quote?: string };
  message?: string;
  expected?: string;
  actual?: string;
  /** Folded line diff of expected (del) vs actual (add), when both are there. */
  diff?: DiffLine[];
  /** Property failures: the counterexample fast-check shrank to, and the replay flags. */
  shrunk?: string;
  reproduce?: string;
  transcript: TranscriptEntry[];
  baseline?: 'regression' | 'expected' | 'fixed';
  change?: Change;
  /** For a failure grouped under another check's root cause, or a check blocked by one: the root's id. */
  rootCause?: string;
}

/** One root cause as the page lists it (issue 10 #4), before the table. */
export interface CauseItemView {
  id: string;
  status: Status;
  title: string;
  level: CheckResult['level'];
  rfc: string;
  citeUrl?: string;
  message?: string;
  likely?: string;
  /** The other failing checks it explains, each with its own first message line. */
  dependents: { id: string; message?: string }[];
  blocked: string[];
}

export type Counts = Record<Status, number>;

export interface AreaView {
  name: string;
  counts: Counts;
}

export interface ReportView {
  tool: string;
  version: string;
  target: string;
  startedAt: string;
  durationMs: number;
  seed: number;
  summary: Counts;
  areas: AreaView[];
  baseline?: RunReport['baseline'];
  comparison?: Omit<RunComparison, 'changes'>;
  /** "93 failing checks, 31 root causes" and the causes, root first. */
  causes: { headline: string; items: CauseItemView[] };
  /** What cleanup could not delete, as one sentence (absent when nothing was left). */
  leftBehind?: string;
  results: ResultView[];
}

export interface ViewOptions {
  /** The RFC sentence a conformance check quotes (its `cite.quote`), by check id. */
  quoteOf?: (id: string) => string | undefined;
  comparison?: RunComparison;
}

/** The report-wide grouping (common.ts groupOf): the console lists and counts by the same groups. */
export const bucketOf = groupOf;

export function zeroCounts(): Counts {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Counts;
}

export function areaViews(results: readonly Pick<CheckResult, 'suite' | 'area' | 'profile' | 'status'>[]): AreaView[] {
  const by = new Map<string, Counts>();
  for (const r of results) {
    const b = bucketOf(r);
    const c = by.get(b) ?? zeroCounts();
    c[r.status] = (c[r.status] ?? 0) + 1;
    by.set(b, c);
  }
  return [...by.entries()]
    .map(([name, counts]) => ({ name, counts }))
    .sort((a, b) => compareGroups(a.name, b.name));
}

/** 'RFC7644 §3.5.2.1' -> { rfc: 7644, section: '3.5.2.1' }; undefined when it is not that shape. */
export function parseRfc(text: string): { rfc: number; section: string } | undefined {
  const m = /^RFC\s?(\d{4})\s*§\s*([\d.]+?)\.?$/.exec(text.trim());
  return m ? { rfc: Number(m[1]), section: m[2] as string } : undefined;
}

/** A string that holds a JSON object or array is shown as that JSON (response bodies in `actual`). */
function unpackJson(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return unpackJson(JSON.parse(t));
      } catch {
        return v;
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map(unpackJson);
  if (v !== null && typeof v === 'object') {
    // Sorted keys: member order carries no meaning in JSON, so it should not show up as a difference.
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, unpackJson((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** Readable multi-line text of an expected/actual value; strings stay as they are. */
export function prettyValue(v: unknown): string {
  const u = unpackJson(v);
  if (typeof u === 'string') return u;
  return JSON.stringify(u, null, 2) ?? String(u);
}

/** Cap on the text of one expected/actual value kept in the page. */
const VALUE_LIMIT = 60_000;

function clip(s: string): string {
  return s.length > VALUE_LIMIT ? `${s.slice(0, VALUE_LIMIT)}\n… (${s.length - VALUE_LIMIT} more characters)` : s;
}

function shrunkOf(r: CheckResult): string | undefined {
  if (r.suite !== 'properties' || !r.message) return undefined;
  const i = r.message.indexOf('\n');
  return i > 0 ? r.message.slice(i + 1) : undefined;
}

export function resultView(r: CheckResult, report: RunReport, opts: ViewOptions, rootOf: ReadonlyMap<string, string> = new Map()): ResultView {
  const ref = parseRfc(r.rfc);
  const expected = r.expected === undefined ? undefined : clip(prettyValue(r.expected));
  const actual = r.actual === undefined ? undefined : clip(prettyValue(r.actual));
  const diff = expected !== undefined && actual !== undefined ? foldUnchanged(diffLines(expected.split('\n'), actual.split('\n'))) : undefined;
  const base = report.baseline;
  const baseline = base?.regressions.includes(r.id)
    ? 'regression'
    : base?.expectedFailures.includes(r.id)
      ? 'expected'
      : base?.fixed.includes(r.id)
        ? 'fixed'
        : undefined;
  const shrunk = shrunkOf(r);
  return {
    id: r.id,
    title: r.title,
    suite: r.suite,
    area: r.area || r.suite,
    bucket: bucketOf(r),
    level: r.level,
    status: r.status,
    durationMs: r.durationMs,
    profile: r.profile,
    rfc: r.rfc,
    cite: ref ? { url: citationUrl(ref.rfc, ref.section), title: sectionTitle(ref.rfc, ref.section), quote: r.suite === 'conformance' ? opts.quoteOf?.(r.id) : undefined } : undefined,
    message: shrunk !== undefined ? r.message!.slice(0, r.message!.indexOf('\n')) : r.message,
    expected,
    actual,
    diff,
    shrunk,
    reproduce: r.reproduce === undefined ? undefined : guardCurl(r.reproduce),
    transcript: guardTranscript(r.transcript ?? []),
    baseline,
    change: opts.comparison?.changes[r.id],
    rootCause: rootOf.get(r.id),
  };
}

function causeItems(causes: CauseView[]): CauseItemView[] {
  return causes.map(({ cause, root, dependents, blocked }) => {
    const ref = parseRfc(root.rfc);
    return {
      id: root.id,
      status: root.status,
      title: root.title,
      level: root.level,
      rfc: root.rfc,
      citeUrl: ref ? citationUrl(ref.rfc, ref.section) : undefined,
      message: root.message?.split('\n')[0],
      likely: cause.likely,
      dependents: dependents.map((d) => ({ id: d.id, message: d.message?.split('\n')[0] })),
      blocked,
    };
  });
}

export function reportView(report: RunReport, opts: ViewOptions = {}): ReportView {
  const summary = zeroCounts();
  for (const s of STATUSES) summary[s] = report.summary?.[s] ?? 0;
  const comparison = opts.comparison ? (({ changes: _c, ...rest }) => rest)(opts.comparison) : undefined;
  const causes = causesView(report);
  return {
    tool: report.tool,
    version: report.version,
    target: report.target,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    seed: report.seed,
    summary,
    areas: areaViews(report.results),
    baseline: report.baseline,
    comparison,
    causes: { headline: causes.headline, items: causeItems(causes.causes) },
    leftBehind: leftBehindText(report.leftBehind),
    results: report.results.map((r) => resultView(r, report, opts, causes.rootOf)),
  };
}
