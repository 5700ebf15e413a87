/**
 * The load run over time: attempts counted in fixed-width intervals (by when each attempt ended), with
 * errors, 429s and p50/p95 latency per interval, for the charts of load.html and the JSON report.
 *
 * Memory is bounded however long the run: at most MAX_INTERVALS intervals are kept; when an attempt lands
 * beyond the last one, the interval width doubles and neighbouring intervals are merged. Latencies are
 * kept per interval as a log-scale histogram (bins 2% wide), so a percentile is exact to within 1%
 * whatever the number of attempts, and two intervals merge by adding their bins.
 */

export interface TimelinePoint {
  /** Start of the interval, in seconds since the run started. */
  t: number;
  /** Attempts that ended in the interval. */
  requests: number;
  /** Attempts per second over the interval. */
  rps: number;
  /** Attempts answered with anything but 2xx or 429, or not answered at all. */
  errors: number;
  /** 429 Too Many Requests answers (RFC 6585 §4). */
  throttled: number;
  /** Latency percentiles in ms over the interval's attempts (0 when it had none). */
  p50: number;
  p95: number;
}

export interface Timeline {
  /** Width of every interval, in ms. */
  intervalMs: number;
  points: TimelinePoint[];
}

export const MAX_INTERVALS = 120;
export const FIRST_INTERVAL_MS = 100;
/** Latencies below this share one bin (its value is reported as 0). */
const MIN_MS = 0.01;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

interface Interval {
  requests: number;
  errors: number;
  throttled: number;
  /** Histogram bin → attempts; sparse, since one interval's latencies span few bins. */
  bins: Map<number, number>;
}

function binOf(ms: number): number {
  return ms < MIN_MS ? 0 : Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH) + 1;
}

/** The geometric middle of a bin: within 1% of any latency that fell into it. */
function valueOf(bin: number): number {
  return bin === 0 ? 0 : MIN_MS * GROWTH ** (bin - 0.5);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class TimelineRecorder {
  private intervalMs = FIRST_INTERVAL_MS;
  private intervals: (Interval | undefined)[] = [];

  /** One attempt that ended `atMs` after the run started. `status` undefined: no HTTP answer. */
  record(atMs: number, latencyMs: number, status: number | undefined): void {
    let index = Math.floor(Math.max(0, atMs) / this.intervalMs);
    while (index >= MAX_INTERVALS) {
      this.widen();
      index = Math.floor(Math.max(0, atMs) / this.intervalMs);
    }
    const iv = (this.intervals[index] ??= { requests: 0, errors: 0, throttled: 0, bins: new Map() });
    iv.requests++;
    if (status === 429) iv.throttled++;
    else if (status === undefined || status < 200 || status >= 300) iv.errors++;
    const bin = binOf(latencyMs);
    iv.bins.set(bin, (iv.bins.get(bin) ?? 0) + 1);
  }

  /** Doubles the interval width: intervals 2k and 2k+1 become interval k. */
  private widen(): void {
    const merged: (Interval | undefined)[] = [];
    for (let i = 0; i < this.intervals.length; i += 2) {
      const a = this.intervals[i];
      const b = this.intervals[i + 1];
      if (!a || !b) {
        merged.push(a ?? b);
        continue;
      }
      for (const [bin, n] of b.bins) a.bins.set(bin, (a.bins.get(bin) ?? 0) + n);
      merged.push({ requests: a.requests + b.requests, errors: a.errors + b.errors, throttled: a.throttled + b.throttled, bins: a.bins });
    }
    this.intervals = merged;
    this.intervalMs *= 2;
  }

  /** Every interval from the start to the last one with an attempt (empty ones as zeros, so lines drop to 0). */
  timeline(): Timeline {
    const seconds = this.intervalMs / 1000;
    const points: TimelinePoint[] = [];
    for (let i = 0; i < this.intervals.length; i++) {
      const iv = this.intervals[i];
      const requests = iv?.requests ?? 0;
      points.push({
        t: (i * this.intervalMs) / 1000,
        requests,
        rps: round1(requests / seconds),
        errors: iv?.errors ?? 0,
        throttled: iv?.throttled ?? 0,
        p50: iv ? round1(percentileOf(iv.bins, requests, 50)) : 0,
        p95: iv ? round1(percentileOf(iv.bins, requests, 95)) : 0,
      });
    }
    return { intervalMs: this.intervalMs, points };
  }
}

/** Nearest-rank percentile over a histogram (as `percentile` in metrics.ts over sorted values). */
function percentileOf(bins: Map<number, number>, count: number, p: number): number {
  const rank = Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
  let seen = 0;
  for (const bin of [...bins.keys()].sort((a, b) => a - b)) {
    seen += bins.get(bin)!;
    if (seen >= rank) return valueOf(bin);
  }
  return 0;
}
