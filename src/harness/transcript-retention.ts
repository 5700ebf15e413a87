/**
 * Which results keep their transcripts in the reports (issue 12, lean reports). A green 305-check run kept every
 * request and response: report.json 7.3 MB, report.html 6.4 MB, junit.xml 3.5 MB, nearly all of it exchanges
 * nobody reads. By default (`--transcripts failing`) only results that did not pass keep theirs (failed, errored,
 * warned, skipped: whatever someone may have to look into); `--transcripts all` keeps every one.
 */
import type { CheckResult } from './check.ts';

export const TRANSCRIPT_MODES = ['failing', 'all'] as const;
export type TranscriptMode = (typeof TRANSCRIPT_MODES)[number];

/**
 * The results as the reports keep them: a `passed` result loses its transcript and the curl command made from it
 * (`reproduce`), unless `mode` is 'all'. Everything else (message, expected/actual, timing) stays.
 */
export function retainTranscripts(results: readonly CheckResult[], mode: TranscriptMode): CheckResult[] {
  if (mode === 'all') return [...results];
  return results.map((r) => {
    if (r.status !== 'passed' || (r.transcript.length === 0 && r.reproduce === undefined)) return r;
    const { reproduce: _dropped, ...rest } = r;
    return { ...rest, transcript: [] };
  });
}
