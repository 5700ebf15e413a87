/**
 * What the load run measures: one sample per HTTP attempt (kind, status, latency), plus how 429 answers
 * and their Retry-After were handled, and the same over time (timeline.ts). Plain data so the summary,
 * JSON and HTML read the same numbers.
 */
import { realClock, type Clock } from './rate.ts';
import { TimelineRecorder, type Timeline } from './timeline.ts';

export interface KindStats {
  kind: string;
  count: number;
  /** Attempts whose answer was not 2xx, or that got no answer at all. */
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ThrottleStats {
  /** 429 answers (RFC 6585 §4). */
  count429: number;
  /** …of which carried a readable Retry-After (RFC 7231 §7.1.3). */
  withRetryAfter: number;
  /** The next attempt waited at least what Retry-After asked (capped by the profile's maxDelayMs). */
  honoured: number;
  /** The next attempt came sooner than Retry-After asked. */
  notHonoured: number;
  /** A 429 was the final answer: the profile's retries ran out. */
  gaveUp: number;
  /** Longest wait before a retry after a 429, in ms. */
  maxWaitMs: number;
}

export interface RequestStats {
  total: number;
  byKind: KindStats[];
  statuses: Record<string, number>;
  throttle: ThrottleStats;
  /** Attempts after the first of one logical request (429 / 5xx / network error). */
  retries: number;
  /** Attempts that got no HTTP answer (refused, reset, timeout). */
  networkErrors: number;
  /** Throughput, errors, 429s and latency per interval since the metrics were created. */
  timeline: Timeline;
}

/** Nearest-rank percentile of sorted values (0 when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export class Metrics {
  private readonly latencies = new Map<string, number[]>();
  private readonly kindErrors = new Map<string, number>();
  private readonly statuses = new Map<string, number>();
  readonly throttle: ThrottleStats = { count429: 0, withRetryAfter: 0, honoured: 0, notHonoured: 0, gaveUp: 0, maxWaitMs: 0 };
  retries = 0;
  networkErrors = 0;
  attempts = 0;
  errorAttempts = 0;
  private readonly overTime = new TimelineRecorder();
  private readonly t0: number;

  /** The clock dates each attempt for the timeline (by when it ended); time 0 is now. */
  constructor(private readonly clock: Clock = realClock) {
    this.t0 = clock.now();
  }

  /** One attempt, ending now: `status` undefined means no HTTP answer. */
  attempt(kind: string, status: number | undefined, ms: number): void {
    this.attempts++;
    this.overTime.record(this.clock.now() - this.t0, ms, status);
    const list = this.latencies.get(kind) ?? [];
    list.push(ms);
    this.latencies.set(kind, list);
    const key = status === undefined ? 'no answer' : String(status);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (status === undefined) this.networkErrors++;
    if (status === undefined || status < 200 || status >= 300) {
      this.errorAttempts++;
      this.kindErrors.set(kind, (this.kindErrors.get(kind) ?? 0) + 1);
    }
  }

  /** A retry after a 429: how long the client waited against what Retry-After asked. */
  waitedAfter429(waitedMs: number, askedMs: number | undefined, capMs: number): void {
    this.throttle.maxWaitMs = Math.max(this.throttle.maxWaitMs, Math.round(waitedMs));
    if (askedMs === undefined) return;
    // A few ms of timer slack is not disobedience.
    if (waitedMs + 5 >= Math.min(askedMs, capMs)) this.throttle.honoured++;
    else this.throttle.notHonoured++;
  }

  stats(): RequestStats {
    const byKind: KindStats[] = [];
    for (const [kind, values] of this.latencies) {
      const sorted = [...values].sort((a, b) => a - b);
      byKind.push({
        kind,
        count: sorted.length,
        errors: this.kindErrors.get(kind) ?? 0,
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted[sorted.length - 1] ?? 0),
      });
    }
    byKind.sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
    const statuses: Record<string, number> = {};
    for (const [k, v] of [...this.statuses].sort(([a], [b]) => a.localeCompare(b))) statuses[k] = v;
    return { total: this.attempts, byKind, statuses, throttle: { ...this.throttle }, retries: this.retries, networkErrors: this.networkErrors, timeline: this.overTime.timeline() };
  }
}
