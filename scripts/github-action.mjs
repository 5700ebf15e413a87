#!/usr/bin/env node
/**
 * The GitHub Action's step (action.yml): runs `scimcheck run` from the action's own package with the inputs
 * (INPUT_* variables), then reports the run to GitHub through its files and workflow commands:
 *  - summary.md is appended to $GITHUB_STEP_SUMMARY;
 *  - one `::error` annotation per root cause of report.json (title: the root check id; text: its RFC clause,
 *    level, title, message and how many other failing checks it explains);
 *  - outputs passed, failed, warned, skipped, errored, root-causes, exit-code and report-dir go to $GITHUB_OUTPUT;
 *  - the process exits with the run's own exit code (0 pass, 1 a check failed, 2 bad usage, 3 target unreachable).
 * Plain Node (no tsx, no build), so it runs before anything else of the package is loaded. Credentials reach the
 * CLI as SCIMCHECK_TOKEN / SCIMCHECK_BASIC in its environment, never on its command line (a process list shows that).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package this script belongs to (the action's checkout): its bin is the CLI the action runs. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** GitHub caps a step summary at 1 MiB; summary.md bounds itself, this keeps a margin for anything else. */
const SUMMARY_LIMIT = 900 * 1024;

/** Workflow command data: `%`, CR and LF are escaped as GitHub's toolkit does (escapeData). */
export function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow command properties (title=…): also `:` and `,`, which separate properties (escapeProperty). */
export function escapeProperty(s) {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Action inputs -> `scimcheck run` arguments. A composite action does not export its inputs: action.yml maps each
 * to INPUT_<NAME> (upper case, `-` as `_`) in this step's environment.
 */
export function runArgs(env) {
  const input = (name) => (env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
  const args = ['run', '--out', reportDir(env)];
  const flag = (name, flagName) => {
    const v = input(name);
    if (v !== '') args.push(`--${flagName}`, v);
  };
  flag('target', 'target');
  flag('preset', 'preset');
  flag('config', 'config');
  flag('baseline', 'baseline');
  flag('suites', 'suite');
  flag('profiles', 'profile');
  // Extra flags, split on whitespace (no quoting): --only users, --deadline 10m, --transcripts all, …
  const extra = input('args');
  if (extra !== '') args.push(...extra.split(/\s+/));
  return args;
}

/** Where the reports go: the `out` input, else scimcheck-report in the workspace. */
export function reportDir(env) {
  const out = (env.INPUT_OUT ?? '').trim() || 'scimcheck-report';
  return isAbsolute(out) ? out : resolve(env.GITHUB_WORKSPACE || process.cwd(), out);
}

/** The CLI's environment: the inputs' credentials as the variables scimcheck reads, no INPUT_* copies. */
export function cliEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('INPUT_')) out[k] = v;
  const token = (env.INPUT_BEARER_TOKEN ?? '').trim();
  const basic = (env.INPUT_BASIC_CREDENTIALS ?? '').trim();
  if (token !== '' && basic !== '') throw new UsageError('give either bearer-token or basic-credentials, not both');
  if (token !== '') {
    out.SCIMCHECK_TOKEN = token;
    delete out.SCIMCHECK_BASIC;
  }
  if (basic !== '') {
    out.SCIMCHECK_BASIC = basic;
    delete out.SCIMCHECK_TOKEN;
  }
  return out;
}

export class UsageError extends Error {}

/** One `::error` line per root cause (report.json `rootCauses`; none when the run had no failing check). */
export function rootCauseAnnotations(report) {
  const byId = new Map();
  for (const r of report.results ?? []) if (!byId.has(r.id)) byId.set(r.id, r);
  const lines = [];
  for (const cause of report.rootCauses ?? []) {
    const root = byId.get(cause.id);
    const others = (cause.checks ?? []).length - 1;
    const parts = [];
    if (root) {
      parts.push(`${root.rfc} (${root.level})${root.profile ? ` [${root.profile}]` : ''}: ${root.title}`);
      if (root.message) parts.push(root.message);
    } else {
      parts.push('(the root check is not in report.json)');
    }
    if (cause.likely) parts.push(`likely: ${cause.likely}`);
    if (others > 0) parts.push(`explains ${others} other failing check${others === 1 ? '' : 's'}: ${cause.checks.slice(1, 11).join(', ')}${others > 10 ? ', …' : ''}`);
    const blocked = (cause.blocked ?? []).length;
    if (blocked > 0) parts.push(`${blocked} check${blocked === 1 ? '' : 's'} skipped, blocked by it`);
    lines.push(`::error title=${escapeProperty(cause.id)}::${escapeData(parts.join('\n'))}`);
  }
  return lines;
}

/** `name=value` lines for $GITHUB_OUTPUT (a value with a newline uses GitHub's delimiter form). */
export function outputLines(values) {
  const lines = [];
  for (const [k, v] of Object.entries(values)) {
    const s = String(v);
    if (!/[\r\n]/.test(s)) lines.push(`${k}=${s}`);
    else {
      const delimiter = `scimcheck_${Math.random().toString(36).slice(2)}`;
      lines.push(`${k}<<${delimiter}`, s, delimiter);
    }
  }
  return lines;
}

/**
 * Reports a finished run found in `dir` to GitHub: step summary, annotations (written to `log`), outputs.
 * Returns what it reported. A run that stopped before writing its reports (exit 2 or 3) still gets its outputs
 * and a summary line saying so.
 */
export function publish(dir, exitCode, env, log = (l) => process.stdout.write(`${l}\n`), notBefore = 0) {
  // A report older than this run (an earlier run into the same directory) is not this run's.
  const fresh = (f) => existsSync(f) && statSync(f).mtimeMs >= notBefore;
  const jsonFile = join(dir, 'report.json');
  const report = fresh(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : undefined;
  const summaryFile = join(dir, 'summary.md');
  if (env.GITHUB_STEP_SUMMARY) {
    let md;
    if (fresh(summaryFile) && statSync(summaryFile).size <= SUMMARY_LIMIT) md = readFileSync(summaryFile, 'utf8');
    else if (fresh(summaryFile)) md = `scimcheck: summary.md is larger than GitHub's step summary allows; see the report artifact (${summaryFile}).\n`;
    else md = `scimcheck: the run wrote no report (exit code ${exitCode}); its log says why.\n`;
    appendFileSync(env.GITHUB_STEP_SUMMARY, md.endsWith('\n') ? md : `${md}\n`);
  }
  const annotations = report ? rootCauseAnnotations(report) : [];
  for (const a of annotations) log(a);
  const s = report?.summary ?? { passed: 0, failed: 0, warned: 0, skipped: 0, errored: 0 };
  const outputs = {
    passed: s.passed,
    // "failed" counts every failing result: a harness error fails the run as a failed check does.
    failed: s.failed + s.errored,
    warned: s.warned,
    skipped: s.skipped,
    errored: s.errored,
    'root-causes': (report?.rootCauses ?? []).length,
    'exit-code': exitCode,
    'report-dir': dir,
  };
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${outputLines(outputs).join('\n')}\n`);
  return { annotations, outputs, report };
}

/** Runs the package's CLI with the inputs; resolves with its exit code (a signal death counts as 1). */
export function runCli(args, env, cli = join(PACKAGE_ROOT, 'bin', 'scimcheck.js')) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

export async function main(env = process.env) {
  let childEnv;
  try {
    childEnv = cliEnv(env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stdout.write(`::error title=scimcheck::${escapeData(err.message)}\n`);
    return 2;
  }
  const args = runArgs(env);
  process.stdout.write(`scimcheck ${args.join(' ')}\n`);
  // File times have a coarser grain than Date.now() on some file systems: a second of slack.
  const startedAt = Date.now() - 1000;
  const code = await runCli(args, childEnv);
  publish(reportDir(env), code, env, undefined, startedAt);
  return code;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
