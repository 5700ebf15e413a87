/** Writes the report files of a run: report.json, junit.xml, summary.md, report.html (and explicit copies). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunReport } from '../check.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderHtml } from './html.ts';

export interface ReportPaths {
  json?: string;
  junit?: string;
  md?: string;
  html?: string;
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Every format into `outDir` (when given) and into each explicit path; returns the files written. */
export function writeReports(report: RunReport, outDir: string | undefined, extra: ReportPaths = {}, baselineReasons: Record<string, string> = {}): string[] {
  const renders: Record<keyof ReportPaths, () => string> = {
    json: () => renderJson(report),
    junit: () => renderJunit(report, baselineReasons),
    md: () => renderMarkdown(report),
    html: () => renderHtml(report),
  };
  const names: Record<keyof ReportPaths, string> = { json: 'report.json', junit: 'junit.xml', md: 'summary.md', html: 'report.html' };
  const written: string[] = [];
  for (const k of Object.keys(renders) as (keyof ReportPaths)[]) {
    const targets = [...(outDir ? [join(outDir, names[k])] : []), ...(extra[k] ? [extra[k] as string] : [])];
    if (targets.length === 0) continue;
    const text = renders[k]();
    for (const t of new Set(targets)) {
      write(t, text);
      written.push(t);
    }
  }
  return written;
}
