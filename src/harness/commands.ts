/**
 * `scimcheck list` (every check: id, RFC clause, level, title) and `scimcheck report FILE.json`
 * (re-render HTML / JUnit / Markdown from a saved run).
 */
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../usage-error.ts';
import type { RunReport } from './check.ts';
import { allChecks } from './checks/index.ts';
import { formatCite } from '../scim/citations.ts';
import { parseReport } from './reporters/json.ts';
import { writeReports } from './reporters/write.ts';
import { compareRuns, comparisonText, renderHtml } from './reporters/html.ts';

/** Bad flags are usage errors (exit 2). */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad flags');
  }
}

export async function listCommand(argv: string[]): Promise<number> {
  const { values } = asUsage(() =>
    parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }),
  );
  if (values.help) {
    console.log('usage: scimcheck list [--json]\n\nevery conformance check: id, RFC clause, level (MUST/SHOULD/MAY), title');
    return 0;
  }
  const rows = allChecks().map((c) => ({ id: c.id, rfc: formatCite(c.cite), level: c.level, area: c.area, title: c.title, requires: c.requires ?? [] }));
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const idW = Math.max(2, ...rows.map((r) => r.id.length));
  const rfcW = Math.max(3, ...rows.map((r) => r.rfc.length));
  console.log(`${'id'.padEnd(idW)}  ${'RFC'.padEnd(rfcW)}  level   title`);
  for (const r of rows) console.log(`${r.id.padEnd(idW)}  ${r.rfc.padEnd(rfcW)}  ${r.level.padEnd(6)}  ${r.title}`);
  console.log(`\n${rows.length} checks`);
  return 0;
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args: argv,
      options: { html: { type: 'string' }, junit: { type: 'string' }, md: { type: 'string' }, compare: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help) {
    console.log(
      'usage: scimcheck report FILE.json [--html OUT] [--junit OUT] [--md OUT]\n       scimcheck report FILE.json --compare EARLIER.json [--html OUT]\n\n' +
        'without outputs, writes report.html, junit.xml and summary.md next to FILE.json;\n' +
        'with --compare, prints what changed since EARLIER.json (newly failing, new, fixed, still failing) and writes compare.html next to FILE.json',
    );
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one report.json file');
  const file = positionals[0] as string;
  const report = readReportFile(file);
  if (values.compare !== undefined) {
    const comparison = compareRuns(report, readReportFile(values.compare));
    console.log(comparisonText(comparison));
    const out = values.html ?? join(dirname(file), 'compare.html');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, renderHtml(report, { comparison }));
    console.log(`wrote ${out}`);
    if (values.junit || values.md) for (const f of writeReports(report, undefined, { junit: values.junit, md: values.md })) console.log(`wrote ${f}`);
    return 0;
  }
  const explicit = values.html || values.junit || values.md;
  const dir = dirname(file);
  const paths = explicit
    ? { html: values.html, junit: values.junit, md: values.md }
    : { html: join(dir, 'report.html'), junit: join(dir, 'junit.xml'), md: join(dir, 'summary.md') };
  for (const f of writeReports(report, undefined, paths)) console.log(`wrote ${f}`);
  return 0;
}

function readReportFile(file: string): RunReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const report = parseReport(text);
  if (typeof report === 'string') throw new UsageError(`${file}: ${report}`);
  return report;
}
