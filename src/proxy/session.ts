/**
 * One proxied session (issue 14): every exchange the forwarder reports is graded on both sides — the client's
 * request (the client grader, src/grading/client-request.ts) and the target's answer (src/grading/server-answer.ts)
 * — and the findings are gathered into report results, one per finding id (src/grading/gather.ts, shared with
 * `serve --grade-clients`), each marked with the side it judges. Server rules that judged traffic and found
 * nothing are reported as passed, so the report says what held as well as what broke.
 */
import { CLIENT_RULES, gradeClientRequest, recogniseClient, type ClientRecognition } from '../grading/client-request.ts';
import { createFindingGatherer, reportCite } from '../grading/gather.ts';
import { createServerAnswerGrader, SERVER_RULES } from '../grading/server-answer.ts';
import type { Finding, GradedRequest } from '../grading/finding.ts';
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import type { CheckResult, Level, TranscriptEntry } from '../scim/results.ts';
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

const LEVEL_OF: Record<Finding['level'], Level> = { MUST: 'MUST', SHOULD: 'SHOULD', MAY: 'MAY', INFO: 'MAY' };

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
  /** Server rules that judged at least one exchange, with how many. */
  const applied = new Map<string, number>();
  let seq = 0;
  let answered = 0;
  let unanswered = 0;
  let findingCount = 0;
  const titles = new Map<string, string>([
    ...Object.values(SERVER_RULES).map((r): [string, string] => [r.id, r.title]),
    ...Object.entries(CLIENT_RULES).map(([id, r]): [string, string] => [id, r.title]),
  ]);
  const gradeClient = opts.gradeClient ?? gradeClientRequest;
  const gathered = createFindingGatherer({ suite: 'proxy', titles: Object.fromEntries(titles), transcriptsPerFinding: opts.transcriptsPerFinding });
  /** Finding ids seen, and the side each judges. */
  const sides = new Map<string, Finding['side']>();
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
      findingCount += findings.length;
      for (const f of findings) sides.set(f.id, f.side);
      gathered.add(findings, transcript);
      const entry: SessionEntry = { seq: ++seq, exchange, findings, transcript };
      opts.onEntry?.(entry);
      return entry;
    },
    results() {
      const out: CheckResult[] = gathered.results().map((r) => {
        const side = sides.get(r.id) ?? 'server';
        return { ...r, area: side, side };
      });
      // Server rules that judged traffic and found nothing wrong: the report says what held, not only what broke.
      for (const rule of Object.values(SERVER_RULES)) {
        const n = applied.get(rule.id);
        if (!n || sides.has(rule.id)) continue;
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
