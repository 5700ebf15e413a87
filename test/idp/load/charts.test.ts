/**
 * load.html's charts: the timeline kept by Metrics (per-interval counts, errors, 429s, p50/p95 in bounded
 * memory) and the SVG drawn from it, read back point by point against a synthetic series.
 */
import { describe, expect, it } from 'vitest';
import { CHART, niceMax } from '../../../src/idp/load/charts.ts';
import { renderCharts, renderHtml } from '../../../src/idp/load/html.ts';
import { Metrics } from '../../../src/idp/load/metrics.ts';
import type { LoadReport } from '../../../src/idp/load/run.ts';
import { overTimeLine } from '../../../src/idp/load/summary.ts';
import { FIRST_INTERVAL_MS, MAX_INTERVALS, type Timeline } from '../../../src/idp/load/timeline.ts';
import { fakeClock } from './helpers.ts';

/** Interval i gets `counts[i]` attempts with latencies i+1, 2(i+1), …; every 4th a 429, every 5th a 500. */
function synthetic(counts: number[]) {
  const clock = fakeClock();
  const m = new Metrics(clock);
  const expected = counts.map((n, i) => {
    clock.advance(i === 0 ? FIRST_INTERVAL_MS / 2 : FIRST_INTERVAL_MS);
    const lat: number[] = [];
    let throttled = 0;
    let errors = 0;
    for (let k = 1; k <= n; k++) {
      const status = k % 4 === 0 ? 429 : k % 5 === 0 ? 500 : 201;
      if (status === 429) throttled++;
      if (status === 500) errors++;
      lat.push(k * (i + 1));
      m.attempt('user create', status, k * (i + 1));
    }
    // Nearest rank, as percentile() in metrics.ts.
    const at = (p: number) => (n ? lat[Math.ceil((p / 100) * n) - 1]! : 0);
    return { requests: n, throttled, errors, p50: at(50), p95: at(95) };
  });
  return { metrics: m, expected };
}

describe('timeline', () => {
  it('counts each interval, its errors and 429s, and its p50/p95 to within 1%', () => {
    const { metrics, expected } = synthetic([10, 40, 0, 25, 7]);
    const tl = metrics.stats().timeline;
    expect(tl.intervalMs).toBe(FIRST_INTERVAL_MS);
    expect(tl.points.map((p) => p.t)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    tl.points.forEach((p, i) => {
      const e = expected[i]!;
      expect(p).toMatchObject({ requests: e.requests, rps: e.requests * 10, errors: e.errors, throttled: e.throttled });
      expect(Math.abs(p.p50 - e.p50)).toBeLessThanOrEqual(e.p50 * 0.01 + 0.05);
      expect(Math.abs(p.p95 - e.p95)).toBeLessThanOrEqual(e.p95 * 0.01 + 0.05);
    });
    expect(tl.points[2]).toMatchObject({ requests: 0, p50: 0, p95: 0 });
  });

  it('stays within a fixed number of intervals on a long run, doubling their width and losing no attempt', () => {
    const clock = fakeClock();
    const m = new Metrics(clock);
    const total = MAX_INTERVALS * 5;
    for (let i = 0; i < total; i++) {
      clock.advance(FIRST_INTERVAL_MS);
      m.attempt('user lookup', i % 10 === 0 ? undefined : 200, 5);
    }
    const tl = m.stats().timeline;
    expect(tl.points.length).toBeLessThanOrEqual(MAX_INTERVALS);
    expect(tl.intervalMs).toBe(FIRST_INTERVAL_MS * 8);
    expect(tl.points.reduce((n, p) => n + p.requests, 0)).toBe(total);
    expect(tl.points.reduce((n, p) => n + p.errors, 0)).toBe(total / 10);
    // Full intervals hold 8 attempts at 10 per second; every latency was 5 ms.
    expect(tl.points[10]).toMatchObject({ requests: 8, rps: 10 });
    expect(Math.abs(tl.points[10]!.p95 - 5)).toBeLessThanOrEqual(0.05);
  });
});

/** The polylines of each chart, read back into values through the chart's own scale. */
function chartValues(html: string): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) {
    const title = /<title id="[^"]+">([^<]+)<\/title>/.exec(svg)![1]!;
    const yMax = Number(/data-y-max="([^"]+)"/.exec(svg)![1]);
    const plotH = CHART.height - CHART.top - CHART.bottom;
    const series: Record<string, number[]> = {};
    for (const [, name, pts] of svg.matchAll(/<polyline class="series" data-series="([^"]+)" points="([^"]*)"/g)) {
      series[name!] = pts!.split(' ').map((xy) => ((CHART.top + plotH - Number(xy.split(',')[1])) / plotH) * yMax);
    }
    out[title] = series;
  }
  return out;
}

describe('load.html charts', () => {
  it('draws throughput, p50/p95 latency and errors/429s as one SVG each, point for point with the timeline', () => {
    const { metrics } = synthetic([10, 40, 0, 25, 7, 3]);
    const tl: Timeline = metrics.stats().timeline;
    const html = renderCharts(tl);
    const charts = chartValues(html);
    expect(Object.keys(charts)).toEqual(['Throughput (req/s)', 'Latency (ms)', 'Errors and 429s per 0.1 s (answers)']);
    // One pixel row is yMax / plotH: the drawn points are within that of the numbers.
    const close = (got: number[], want: number[], yMax: number) => {
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(yMax / 1000 + 1e-9));
    };
    close(charts['Throughput (req/s)']!['requests per second']!, tl.points.map((p) => p.rps), niceMax(400));
    close(charts['Latency (ms)']!.p50!, tl.points.map((p) => p.p50), niceMax(Math.max(...tl.points.map((p) => p.p95))));
    close(charts['Latency (ms)']!.p95!, tl.points.map((p) => p.p95), niceMax(Math.max(...tl.points.map((p) => p.p95))));
    close(charts['Errors and 429s per 0.1 s (answers)']!.errors!, tl.points.map((p) => p.errors), niceMax(10));
    close(charts['Errors and 429s per 0.1 s (answers)']!['429s']!, tl.points.map((p) => p.throttled), niceMax(10));
    // Accessible without the picture: a description per chart and the numbers in a table.
    expect(html.match(/<desc id=/g)).toHaveLength(3);
    expect(html).toContain('Throughput over 6 intervals of 0.1 s (0.6 s). requests per second: highest 400 req/s at 0.1 s');
    expect(html).toMatch(/<details><summary>The numbers behind the charts \(6 intervals\)<\/summary><table>/);
    expect(html.match(/<tr><td>/g)).toHaveLength(6);
    expect(html).not.toMatch(/<script|(src|href)=/);
  });

  it('the text summary names the peaks and when errors and 429s came', () => {
    const { metrics } = synthetic([10, 40, 0, 25, 7, 3]);
    const line = overTimeLine({ requests: metrics.stats() } as LoadReport);
    // Interval 1 has 40 attempts (400 req/s); interval 3 the slowest p95 (rank 24 of 25 × 4 ms = 96 ms, within 1%);
    // 500s (multiples of 5 that are not of 4) 2 + 6 + 4 + 1, 429s 2 + 10 + 6 + 1, none in the last interval.
    expect(line).toMatch(/^over time \(6 intervals of 0\.1 s\): peak 400 req\/s at 0\.1 s; highest p95 9[5-7](\.\d)? ms at 0\.3 s; errors 13 in 4 interval\(s\) from 0 s; 429s 19 in 4 interval\(s\) from 0 s$/);
  });

  it('a run without requests says so instead of drawing empty charts', () => {
    expect(renderCharts({ intervalMs: 100, points: [] })).not.toContain('<svg');
  });

  it('sits in the page before the tables', () => {
    const { metrics } = synthetic([3, 4]);
    const requests = metrics.stats();
    const page = renderHtml({
      tool: 'scimcheck', command: 'load', version: '0', target: 'http://t/<x>', profile: 'okta', startedAt: 'now', durationMs: 1,
      settings: { profile: 'okta', users: 1, groups: 0, membersPerGroup: 0, concurrency: 1, incremental: 0, seed: 1, prefix: 'p', timeoutMs: 1, deprovision: 'disable', cleanup: true },
      phases: [], syncMs: 200, throughput: 35, requests, readBackRequests: 0, cleanupRequests: 0, failures: { count: 0, first: [] }, interrupted: false, exitCode: 1,
    } satisfies LoadReport);
    expect(page.indexOf('<svg')).toBeGreaterThan(0);
    expect(page.indexOf('<svg')).toBeLessThan(page.indexOf('<h2>Phases</h2>'));
    expect(page).toContain('http://t/&lt;x&gt;');
  });
});
