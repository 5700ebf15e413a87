/**
 * Findings of many exchanges gathered into report results (report.json's `results`), one per finding id: the
 * level decides the status (MUST fails, SHOULD and MAY warn, INFO passes: a note, never a verdict), the
 * message counts the exchanges and quotes the RFC sentence, and the first few exchanges' transcripts are kept.
 * Pure and shared: `serve --grade-clients` (suite `clients`) builds its report with it.
 */
import type { CheckResult, Level, Status, TranscriptEntry } from '../scim/results.ts';
import type { Finding } from './finding.ts';

const STATUS_OF: Record<Finding['level'], Status> = { MUST: 'failed', SHOULD: 'warned', MAY: 'warned', INFO: 'passed' };
// report.json's level has no INFO: a note is reported at the weakest keyword, with a status that never fails.
const LEVEL_OF: Record<Finding['level'], Level> = { MUST: 'MUST', SHOULD: 'SHOULD', MAY: 'MAY', INFO: 'MAY' };
/** Distinct messages quoted per finding id. */
const MESSAGES_KEPT = 5;

export interface GatherOptions {
  suite: CheckResult['suite'];
  /** Report title of each finding id (the rule table's). */
  titles: Readonly<Record<string, string>>;
  /** Transcripts kept per finding id (default 3). */
  transcriptsPerFinding?: number;
}

interface Gathered {
  finding: Finding;
  count: number;
  messages: string[];
  transcripts: TranscriptEntry[];
}

export interface FindingGatherer {
  /** The findings of one exchange, with its (already redacted) transcript. */
  add(findings: readonly Finding[], transcript: TranscriptEntry): void;
  results(): CheckResult[];
}

/** 'RFC 7644 §3.3' → 'RFC7644 §3.3' (the form report.json uses and the reporters link). */
export function reportCite(rfc: string): string {
  return rfc.replace(/^RFC\s+(\d{4})/, 'RFC$1');
}

export function createFindingGatherer(opts: GatherOptions): FindingGatherer {
  const gathered = new Map<string, Gathered>();
  const perFinding = opts.transcriptsPerFinding ?? 3;
  return {
    add(findings, transcript) {
      for (const f of findings) {
        const g = gathered.get(f.id) ?? { finding: f, count: 0, messages: [], transcripts: [] };
        g.count++;
        if (g.messages.length < MESSAGES_KEPT && !g.messages.includes(f.message)) g.messages.push(f.message);
        if (g.transcripts.length < perFinding && !g.transcripts.includes(transcript)) g.transcripts.push(transcript);
        gathered.set(f.id, g);
      }
    },
    results() {
      return [...gathered.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, g]) => {
          const f = g.finding;
          const more = g.count > g.messages.length ? `\n… and ${g.count - g.messages.length} more` : '';
          return {
            id,
            title: opts.titles[id] ?? id,
            suite: opts.suite,
            area: opts.suite,
            // Whose message the finding judges (report.json keeps it: issue 14).
            side: f.side,
            rfc: reportCite(f.rfc),
            level: LEVEL_OF[f.level],
            status: STATUS_OF[f.level],
            durationMs: 0,
            message: `${g.count} request${g.count === 1 ? '' : 's'}: ${g.messages.join('\n')}${more}\n${f.rfc}: "${f.quote}"`,
            transcript: g.transcripts,
          };
        });
    },
  };
}
