/**
 * Baselines for CI (DESIGN.md): `{ "checks": { "<id>": "reason" } }` lists known failures. Listed failures
 * do not fail the run; a listed check that now passes is reported as fixed; anything else failing is a
 * regression. `--update-baseline` writes the current failures, keeping reasons already written.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckResult, RunReport } from './check.ts';
import { UsageError } from '../usage-error.ts';

export interface Baseline {
  checks: Record<string, string>;
}

/** Failed or errored: both mean a required thing did not hold (warnings never fail a run). */
export function isFailure(r: CheckResult): boolean {
  return r.status === 'failed' || r.status === 'errored';
}

export function readBaseline(file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`baseline ${file}: ${e.code === 'ENOENT' ? 'file not found' : e.message}`);
  }
  const checks = (raw as { checks?: unknown })?.checks;
  if (!checks || typeof checks !== 'object' || Array.isArray(checks) || Object.values(checks).some((v) => typeof v !== 'string')) {
    throw new UsageError(`baseline ${file}: expected { "checks": { "<check id>": "reason" } }`);
  }
  return { checks: checks as Record<string, string> };
}

export function compareToBaseline(results: readonly CheckResult[], baseline: Baseline): NonNullable<RunReport['baseline']> {
  const failing = new Set(results.filter(isFailure).map((r) => r.id));
  const passing = new Set(results.filter((r) => r.status === 'passed').map((r) => r.id));
  const listed = new Set(Object.keys(baseline.checks));
  return {
    regressions: [...failing].filter((id) => !listed.has(id)).sort(),
    fixed: [...listed].filter((id) => passing.has(id) && !failing.has(id)).sort(),
    expectedFailures: [...failing].filter((id) => listed.has(id)).sort(),
  };
}

/** The baseline describing this run's failures; known reasons are kept, new ones get the failure message. */
export function baselineFrom(results: readonly CheckResult[], previous?: Baseline): Baseline {
  const checks: Record<string, string> = {};
  for (const r of [...results].filter(isFailure).sort((a, b) => a.id.localeCompare(b.id))) {
    checks[r.id] = previous?.checks[r.id] ?? (r.message ?? r.status).split('\n')[0]!.slice(0, 300);
  }
  return { checks };
}

export function writeBaseline(file: string, baseline: Baseline): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

/** DESIGN.md exit codes: 0 when nothing failed beyond what the baseline expects, else 1. */
export function exitCodeFor(report: RunReport): 0 | 1 {
  if (report.baseline) return report.baseline.regressions.length > 0 ? 1 : 0;
  return report.summary.failed + report.summary.errored > 0 ? 1 : 0;
}
