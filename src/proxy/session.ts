/**
 * One proxied session (issue 14): every exchange the forwarder reports is graded on both sides — the client's
 * request (the client grader, src/grading/client-request.ts) and the target's answer (src/grading/server-answer.ts)
 * — and the findings are gathered into report results, one per finding id: its level decides the status (MUST
 * fails, SHOULD warns, MAY and INFO never fail), its message counts the exchanges and quotes the RFC sentence,
 * and it keeps the first few exchanges' transcripts, redacted.
 */
import { CLIENT_RULES, gradeClientRequest, recogniseClient, type ClientRecognition } from '../grading/client-request.ts';
import { createServerAnswerGrader, SERVER_RULES } from '../grading/server-answer.ts';
import type { Finding, GradedRequest } from '../grading/finding.ts';
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import type { CheckResult, Level, Status, TranscriptEntry } from '../scim/results.ts';
import type { ProxiedExchange } from './forward.ts';
import { SeenSecrets, transcriptOf } from './transcript.ts';

export type ClientGrader = (req: GradedRequest, ctx: { registry: SchemaRegistry }) => Finding[];

export interface SessionEntry {
  /** 1, 2, … in the order the answers went back. */
  seq: number;
  exchange: ProxiedExchange;
  findings: Finding[];
  /** The exchange redacted, as reports and the console show it. */
  transcript: TranscriptEntry;
}

export interface ProxySessionOptions {
  /** The target's policy on DELETE ('disable' keeps the record: no 404 expected afterwards). */
  deprovision?: 'delete' | 'disable';
  /** The client-side grader (default: gradeClientRequest of src/grading/client-request.ts). */
  gradeClient?: ClientGrader;
  onEntry?(entry: SessionEntry): void;
  /** Transcripts kept per finding id (default 3). */
  transcriptsPerFinding?: number;
}

interface Gathered {
  first: Finding;
  count: number;
  messages: string[];
  transcripts: TranscriptEntry[];
}

const STATUS_OF: Record<Finding['level'], Status> = { MUST: 'failed', SHOULD: 'warned', MAY: 'warned', INFO: 'passed' };
const LEVEL_OF: Record<Finding['level'], Level> = { MUST: 'MUST', SHOULD: 'SHOULD', MAY: 'MAY', INFO: 'MAY' };
/** Distinct messages quoted per finding id. */
const MESSAGES_KEPT = 5;

/** 'RFC 7644 §3.3' → 'RFC7644 §3.3' (the form report.json uses and the reporters link). */
export function reportCite(rfc: string): string {
  return rfc.replace(/^RFC\s+(\d{4})/, 'RFC$1');
}

export interface ProxySession {
  record(exchange: ProxiedExchange): SessionEntry;
  results(): CheckResult[];
  stats(): { exchanges: number; answered: number; unanswered: number; findings: number };
  /** Secret literals learned from the traffic (for scrubbing anything else written). */
  secrets(): string[];
  /** Which IdP the client looks like, from its User-Agent and habits (src/grading/client-profile.ts). */
  client(): ClientRecognition | undefined;
}

export function createProxySession(opts: ProxySessionOptions = {}): ProxySession {
  const server = createServerAnswerGrader({ deprovision: opts.deprovision });
  const secrets = new SeenSecrets();
  const gathered = new Map<string, Gathered>();
  /** Server rules that judged at least one exchange, with how many. */
  const applied = new Map<string, number>();
  const perFinding = opts.transcriptsPerFinding ?? 3;
  let seq = 0;
  let answered = 0;
  let unanswered = 0;
  let findingCount = 0;
  const titles = new Map<string, string>([
    ...Object.values(SERVER_RULES).map((r): [string, string] => [r.id, r.title]),
    ...Object.entries(CLIENT_RULES).map(([id, r]): [string, string] => [id, r.title]),
  ]);
  const gradeClient = opts.gradeClient ?? gradeClientRequest;
  let recognition: ClientRecognition | undefined;

  return {
    record(exchange) {
      secrets.learn(exchange.request.headers);
      const findings: Finding[] = [];
      // The registry the server grader follows (the target's own /Schemas once the client read them).
      const registry = server.registry();
      findings.push(...gradeClient(exchange.request, { registry }));
      recognition = recogniseClient(exchange.request, recognition);
      if (exchange.answer) {
        answered++;
        const graded = server.grade(exchange.request, exchange.answer);
        findings.push(...graded.findings);
        for (const id of graded.applied) applied.set(id, (applied.get(id) ?? 0) + 1);
      } else {
        unanswered++;
      }
      const transcript = transcriptOf(exchange, secrets.list());
      for (const f of findings) {
        findingCount++;
        const g = gathered.get(f.id) ?? { first: f, count: 0, messages: [], transcripts: [] };
        g.count++;
        if (g.messages.length < MESSAGES_KEPT && !g.messages.includes(f.message)) g.messages.push(f.message);
        if (g.transcripts.length < perFinding && !g.transcripts.includes(transcript)) g.transcripts.push(transcript);
        // A worse level seen later decides the verdict (a rule id has one level, but be safe).
        if (f.level === 'MUST' && g.first.level !== 'MUST') g.first = f;
        gathered.set(f.id, g);
      }
      const entry: SessionEntry = { seq: ++seq, exchange, findings, transcript };
      opts.onEntry?.(entry);
      return entry;
    },
    results() {
      const out: CheckResult[] = [];
      for (const [id, g] of gathered) {
        const f = g.first;
        const title = titles.get(id) ?? id;
        const more = g.count > g.messages.length ? `\n… and ${g.count - g.messages.length} more` : '';
        out.push({
          id,
          title,
          suite: 'proxy',
          area: f.side,
          side: f.side,
          rfc: reportCite(f.rfc),
          level: LEVEL_OF[f.level],
          status: STATUS_OF[f.level],
          durationMs: 0,
          message: `${g.count} exchange${g.count === 1 ? '' : 's'}: ${g.messages.join('\n')}${more}\n${f.rfc}: "${f.quote}"`,
          transcript: g.transcripts,
        });
      }
      // Server rules that judged traffic and found nothing wrong: the report says what held, not only what broke.
      for (const rule of Object.values(SERVER_RULES)) {
        const n = applied.get(rule.id);
        if (!n || gathered.has(rule.id)) continue;
        out.push({
          id: rule.id,
          title: rule.title,
          suite: 'proxy',
          area: 'server',
          side: 'server',
          rfc: reportCite(rule.rfc),
          level: LEVEL_OF[rule.level],
          status: 'passed',
          durationMs: 0,
          message: `held in ${n} exchange${n === 1 ? '' : 's'}`,
          transcript: [],
        });
      }
      return out.sort((a, b) => (a.side ?? '').localeCompare(b.side ?? '') || a.id.localeCompare(b.id));
    },
    stats: () => ({ exchanges: seq, answered, unanswered, findings: findingCount }),
    secrets: () => secrets.list(),
    client: () => recognition,
  };
}
