/**
 * Inline SVG line charts for load.html: plain markup (no script, no external asset), readable with
 * JavaScript off, each with a <title> and a <desc> that says in words what the lines show; the page puts
 * the same numbers in a table next to them.
 */
import { escapeHtml } from './escape.ts';

export interface ChartSeries {
  name: string;
  values: number[];
  color: string;
  /** stroke-dasharray, so lines differ by more than colour. */
  dash?: string;
}

export interface ChartSpec {
  /** Unique in the page: the ids of the <title> and <desc>. */
  id: string;
  title: string;
  /** What the y axis counts, e.g. "req/s" or "ms". */
  unit: string;
  /** Width of every interval in seconds; point i is drawn at the middle of interval i. */
  intervalSeconds: number;
  series: ChartSeries[];
}

/** The drawing box (viewBox units): the plot area is inside the margins. */
export const CHART = { width: 720, height: 220, left: 56, right: 16, top: 30, bottom: 34 } as const;
const PLOT_W = CHART.width - CHART.left - CHART.right;
const PLOT_H = CHART.height - CHART.top - CHART.bottom;

/** The smallest 1, 2 or 5 × 10^k at or above v (1 for nothing), so axis labels are round. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 1 : 0));

/** Where point i of value v is drawn. */
export function pointAt(i: number, v: number, intervalSeconds: number, count: number, yMax: number): [number, number] {
  const xMax = count * intervalSeconds;
  const x = CHART.left + (PLOT_W * (i + 0.5) * intervalSeconds) / xMax;
  const y = CHART.top + PLOT_H * (1 - Math.min(v, yMax) / yMax);
  return [r1(x), r1(y)];
}

function describe(spec: ChartSpec): string {
  const count = spec.series[0]?.values.length ?? 0;
  const span = `${count} intervals of ${fmt(spec.intervalSeconds)} s (${fmt(r1(count * spec.intervalSeconds))} s)`;
  const parts = spec.series.map((s) => {
    let peak = 0;
    for (let i = 1; i < s.values.length; i++) if (s.values[i]! > s.values[peak]!) peak = i;
    const mean = s.values.reduce((a, b) => a + b, 0) / Math.max(1, s.values.length);
    return `${s.name}: highest ${fmt(r1(s.values[peak] ?? 0))} ${spec.unit} at ${fmt(r1(peak * spec.intervalSeconds))} s, mean ${fmt(r1(mean))} ${spec.unit}`;
  });
  return `${spec.title} over ${span}. ${parts.join('; ')}.`;
}

export function lineChart(spec: ChartSpec): string {
  const count = spec.series[0]?.values.length ?? 0;
  const yMax = niceMax(Math.max(0, ...spec.series.flatMap((s) => s.values)));
  const id = escapeHtml(spec.id);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${CHART.width} ${CHART.height}" width="${CHART.width}" height="${CHART.height}" data-y-max="${yMax}" data-interval-seconds="${spec.intervalSeconds}">`,
    `<title id="${id}-title">${escapeHtml(`${spec.title} (${spec.unit})`)}</title>`,
    `<desc id="${id}-desc">${escapeHtml(describe(spec))}</desc>`,
    `<text x="${CHART.left}" y="18" class="chart-title">${escapeHtml(`${spec.title} (${spec.unit})`)}</text>`,
  ];
  // Grid and y labels at 0, half and the top.
  for (const f of [0, 0.5, 1]) {
    const y = r1(CHART.top + PLOT_H * (1 - f));
    out.push(`<line x1="${CHART.left}" y1="${y}" x2="${CHART.width - CHART.right}" y2="${y}" class="grid"/>`);
    out.push(`<text x="${CHART.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${escapeHtml(fmt(yMax * f))}</text>`);
  }
  const end = count * spec.intervalSeconds;
  for (const f of [0, 0.5, 1]) {
    const x = r1(CHART.left + PLOT_W * f);
    out.push(`<text x="${x}" y="${CHART.height - 14}" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}" class="tick">${escapeHtml(`${fmt(r1(end * f))} s`)}</text>`);
  }
  // Legend, right-aligned in the title row.
  let lx = CHART.width - CHART.right;
  for (const s of [...spec.series].reverse()) {
    // About 7 units per character at 12px: room for the swatch, a gap and the name.
    lx -= 26 + 7 * s.name.length;
    out.push(`<text x="${lx + 26}" y="18" class="legend">${escapeHtml(s.name)}</text>`);
    out.push(`<line x1="${lx}" y1="14" x2="${lx + 20}" y2="14" stroke="${escapeHtml(s.color)}" stroke-width="3"${s.dash ? ` stroke-dasharray="${escapeHtml(s.dash)}"` : ''}/>`);
    lx -= 16;
  }
  for (const s of spec.series) {
    const pts = s.values.map((v, i) => pointAt(i, v, spec.intervalSeconds, count, yMax).join(',')).join(' ');
    out.push(
      `<polyline class="series" data-series="${escapeHtml(s.name)}" points="${pts}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="2" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${escapeHtml(s.dash)}"` : ''}/>`,
    );
    // One interval draws no line: a dot shows it.
    if (s.values.length === 1) {
      const [x, y] = pointAt(0, s.values[0]!, spec.intervalSeconds, 1, yMax);
      out.push(`<circle cx="${x}" cy="${y}" r="3" fill="${escapeHtml(s.color)}"/>`);
    }
  }
  out.push(`<line x1="${CHART.left}" y1="${CHART.top + PLOT_H}" x2="${CHART.width - CHART.right}" y2="${CHART.top + PLOT_H}" class="axis"/>`, '</svg>');
  return out.join('\n');
}
