/**
 * `import … from 'scimcheck'`: the reference provider (as in 'scimcheck/provider') and the types of the
 * report.json a run writes, for scripts that read it in CI. Runs go through the `scimcheck` command; the msw
 * handlers are 'scimcheck/msw', apart, because msw is an optional peer dependency.
 */
export * from './provider/index.ts';
export type { RunReport, RootCause, CheckResult, Level, Status, TranscriptEntry } from './harness/check.ts';
export { version } from './version.ts';
