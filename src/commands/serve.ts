/**
 * `scimcheck serve` as the CLI runs it: the provider's serve command with the harness's report writer wired in
 * for `--grade-clients` (the provider never imports the harness; this CLI layer may import both).
 */
import { buildReport } from '../harness/runner.ts';
import { writeReports } from '../harness/reporters/write.ts';
import { serveCommand } from '../provider/serve-command.ts';
import { version } from '../version.ts';

export function serveCli(argv: string[]): Promise<number> {
  return serveCommand(argv, {
    writeClientReport(results, info) {
      const report = buildReport({ version, target: info.target, startedAt: info.startedAt, seed: 0, results });
      const files = writeReports(report, info.out);
      // As `run`: 1 when a MUST finding failed the report, else 0.
      return { files, exitCode: report.summary.failed + report.summary.errored > 0 ? 1 : 0 };
    },
  });
}
