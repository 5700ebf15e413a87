/**
 * `npm run bench:reports`: the size of each report file (issue 12, lean reports: each under 500 KB for a green
 * 305+-check run). Runs `scimcheck run --suite conformance` against the embedded reference provider three ways
 * and prints report.json / report.html / junit.xml / summary.md sizes:
 *   - green, --transcripts failing (the default),
 *   - green, --transcripts all (what every run wrote before issue 12),
 *   - failing (the patch-ignored fault), default: every failing result keeps its transcript.
 * Not part of `npm test` (test/e2e/lean-reports.test.ts asserts the bound).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FILES = ['report.json', 'report.html', 'junit.xml', 'summary.md'] as const;

const CASES = [
  { name: 'green, --transcripts failing (default)', args: [], faults: '' },
  { name: 'green, --transcripts all', args: ['--transcripts', 'all'], faults: '' },
  { name: 'failing (patch-ignored), default', args: [], faults: 'patch-ignored' },
] as const;

function run(args: readonly string[], faults: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'scimcheck-bench-reports-'));
  const argv = ['--import', 'tsx', join(root, 'src/cli.ts'), 'run', '--suite', 'conformance', '--out', out, '--quiet', '--seed', '1', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SCIMCHECK_EMBEDDED_FAULTS: faults } });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 || (faults && code === 1) ? resolve(out) : reject(new Error(`scimcheck run exited ${code}`))));
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;

console.log(`| run | checks | ${FILES.join(' | ')} |`);
console.log(`| --- | ---: | ${FILES.map(() => '---:').join(' | ')} |`);
for (const c of CASES) {
  const out = await run(c.args, c.faults);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { results: unknown[]; summary: { failed: number; errored: number } };
  const failing = report.summary.failed + report.summary.errored;
  console.log(`| ${c.name}${failing ? ` (${failing} failing)` : ''} | ${report.results.length} | ${FILES.map((f) => kb(statSync(join(out, f)).size)).join(' | ')} |`);
}
