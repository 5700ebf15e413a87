/**
 * `scimcheck idp --profile P --scenario NAME|all --target URL`: replays one or more IdP profiles' traffic for
 * the lifecycle scenarios. By default it prints one progress line per scenario (its verdict) and the summary
 * once; `--verbose` adds each step's verdict and every request and response (one run of every scenario and
 * profile sends about 12,000 requests: issue 12), `--quiet` keeps only failures and the summary.
 * Exit codes (DESIGN.md): 0 every step passed, 1 a step failed, 2 bad usage, 3 target unreachable or 401.
 */
import { writeFile } from 'node:fs/promises';
import { parseFlags } from '../cli-args.ts';
import type { TranscriptEntry } from '../scim/results.ts';
import { UsageError } from '../usage-error.ts';
import { DEFAULT_DEPROVISION } from '../scim/deprovision.ts';
import { getProfile } from './profiles/index.ts';
import { parseHeaderFlag, withCustomHeaders } from './profiles/custom-headers.ts';
import { resolveProfiles, toCheckResult } from './scenario-suite.ts';
import { loadScenarios } from './scenario/load.ts';
import { runScenario, type StepVerdict } from './scenario/runner.ts';
import { visible } from '../harness/reporters/visible.ts';
import { redactSecrets, scrubResult, scrubSecrets } from '../harness/redact.ts';
import { secretsOf } from '../harness/http-client.ts';

const USAGE = `usage: scimcheck idp --profile okta|entra|entra-2020|onelogin|pingfederate --scenario NAME|all --target URL [flags]

  --profile P[,P]        IdP profile(s) to play (default: all)
  --scenario NAME[,…]    scenario name(s) from scenarios/, a path to a .yaml file, or all (default: all)
  --target URL           the SCIM base URL, e.g. https://sp.example/scim/v2
  --auth-bearer TOKEN    bearer token (or SCIMCHECK_TOKEN)
  --auth-basic USER:PASS basic credentials (or SCIMCHECK_BASIC)
  --deprovision MODE     the target's policy on DELETE: delete (default; RFC 7644 §3.6) or disable (keeps the
                         record with active false); the same default as \`scimcheck run\` (config "deprovision")
  --timeout MS           per-request timeout (default 15000)
  --header 'NAME: VALUE' a custom header on every IdP request (repeatable), for profiles whose IdP has such a
                         field (onelogin: "Custom Headers"); values of key/token/secret-like names are redacted
  --prefix P             prefix of every name the run creates (default: scimcheck-idp-<random>)
  --verbose              print every step's verdict and every request and response
  --quiet                print only failures and the summary
  --json FILE            write the results as report.json

by default: one line per scenario (PASS, FAIL with the failing step, SKIP with the reason), then the summary`;

export interface IdpCommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

function printExchange(out: (l: string) => void, e: TranscriptEntry, purpose?: string): void {
  const cut = (s?: string) => (s && s.length > 1500 ? `${s.slice(0, 1500)}… (${s.length} chars)` : s);
  out(`  → ${e.request.method} ${e.request.url}${purpose ? `   [${purpose}]` : ''}`);
  if (e.request.body) out(`    ${cut(e.request.body)}`);
  if ('error' in e.response) out(`  ← ${e.response.error}`);
  else {
    out(`  ← ${e.response.status}`);
    if (e.response.body) out(`    ${cut(e.response.body)}`);
  }
}

/** A scenario's one line: PASS (with caveats), FAIL with the failing step, or SKIP with the reason. */
function verdictLine(profile: string, scenario: string, run: { ok: boolean; failure?: string; skipped?: string; caveats?: string }): string {
  if (!run.ok) return `FAIL ${profile} · ${scenario}: ${run.failure}`;
  if (run.skipped) return `SKIP ${profile} · ${scenario}: ${run.skipped}`;
  return `PASS ${profile} · ${scenario}${run.caveats ? ` (${run.caveats})` : ''}`;
}

export async function idpCommand(argv: string[], io: Partial<IdpCommandIO> = {}): Promise<number> {
  const print = io.out ?? ((l: string) => console.log(l));
  // Issue 11 #15: step details and --verbose exchanges carry the target's text; escape sequences in it are
  // shown, never executed by the terminal.
  // Issue 11 #11: nor the credentials, when a target echoes them into a detail (known once flags are read).
  let secrets: string[] = [];
  const out = (l: string) => print(visible(redactSecrets(l, secrets)));
  const env = io.env ?? process.env;
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseFlags({
      args: argv,
      strict: true,
      options: {
        profile: { type: 'string' },
        scenario: { type: 'string' },
        target: { type: 'string' },
        'auth-bearer': { type: 'string' },
        'auth-basic': { type: 'string' },
        deprovision: { type: 'string' },
        timeout: { type: 'string' },
        prefix: { type: 'string' },
        header: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        quiet: { type: 'boolean' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const target = values.target as string | undefined;
  if (!target) throw new UsageError(`--target URL is required\n${USAGE}`);
  if (!/^https?:\/\/[^/]/i.test(target)) throw new UsageError(`--target must be an http(s) URL, got '${target}'`);
  const profiles = resolveProfiles(((values.profile as string | undefined) ?? '').split(',').filter(Boolean));
  // One default with `scimcheck run` (its config's deprovision, DEFAULT_DEPROVISION): a scenario that passes
  // under one command passes under the other (issue 12). RFC 7644 §3.6: a deleted resource answers 404 after.
  const deprovision = (values.deprovision as string | undefined) ?? DEFAULT_DEPROVISION;
  if (deprovision !== 'disable' && deprovision !== 'delete') throw new UsageError(`--deprovision must be disable or delete, got '${deprovision}'`);
  const timeoutMs = values.timeout === undefined ? 15000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got '${values.timeout}'`);
  const bearer = (values['auth-bearer'] as string | undefined) ?? (values['auth-basic'] ? undefined : env.SCIMCHECK_TOKEN);
  const basic = (values['auth-basic'] as string | undefined) ?? (bearer ? undefined : env.SCIMCHECK_BASIC);
  if (values['auth-bearer'] && values['auth-basic']) throw new UsageError('give either --auth-bearer or --auth-basic, not both');
  if (basic !== undefined && !basic.includes(':')) throw new UsageError('--auth-basic must be USER:PASS');
  const authorization = bearer ? `Bearer ${bearer}` : basic ? `Basic ${Buffer.from(basic).toString('base64')}` : undefined;
  secrets = bearer ? [bearer] : basic ? secretsOf({ kind: 'basic', user: basic.slice(0, basic.indexOf(':')), password: basic.slice(basic.indexOf(':') + 1) }) : [];
  // OneLogin's "Custom Headers" field as `--header 'Name: value'` (curl's form), repeatable.
  const customHeaders: Record<string, string> = {};
  for (const raw of (values.header as string[] | undefined) ?? []) {
    try {
      const [name, value] = parseHeaderFlag(raw);
      customHeaders[name] = value;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const hasCustomHeaders = Object.keys(customHeaders).length > 0;
  // Issue 11 #11: a custom header named like a key, token or secret is a credential too.
  secrets = [...secrets, ...secretsOf({ kind: 'none' }, customHeaders)];
  const scenarios = await loadScenarios(((values.scenario as string | undefined) ?? 'all').split(',').filter(Boolean));
  const verbose = Boolean(values.verbose);
  const quiet = Boolean(values.quiet);
  if (verbose && quiet) throw new UsageError('give either --verbose or --quiet, not both');
  const prefix = (values.prefix as string | undefined) ?? `scimcheck-idp-${Math.random().toString(36).slice(2, 8)}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(prefix)) throw new UsageError(`--prefix may hold letters, digits, '.', '_' and '-' only`);

  const startedAt = new Date();
  const results = [];
  let failed = 0;
  let unreachable = false;
  for (const [pi, p] of profiles.entries()) {
    const listed = getProfile(p)!;
    const profile = hasCustomHeaders && listed.customHeaders ? withCustomHeaders(listed, customHeaders) : listed;
    if (hasCustomHeaders && !listed.customHeaders) out(`note: ${listed.title} has no custom headers field; --header is not sent for it`);
    if (authorization && !profile.auth.includes(authorization.startsWith('Basic') ? 'basic' : 'bearer')) {
      out(`note: ${profile.title} does not offer ${authorization.split(' ')[0]} authentication; sending it anyway`);
    }
    for (const [si, sc] of scenarios.entries()) {
      const position = `[${pi * scenarios.length + si + 1}/${profiles.length * scenarios.length}]`;
      if (verbose) out(`\n== ${profile.id} · ${sc.name}: ${sc.title}`);
      const run = await runScenario(sc, {
        profile,
        baseUrl: target,
        authorization,
        fetch: io.fetch,
        timeoutMs,
        prefix: profiles.length * scenarios.length > 1 ? `${prefix}-p${pi}s${si}` : prefix,
        deprovision,
        onExchange: verbose ? (e, purpose) => printExchange(out, e, purpose) : undefined,
        onStep: verbose ? (v: StepVerdict) => out(`${v.notApplicable ? '–' : v.ok ? '✔' : '✘'} step ${v.index} ${v.label}: ${v.detail}`) : undefined,
      });
      if (!quiet || !run.ok) out(`${verbose ? '' : `${position} `}${verdictLine(profile.id, sc.name, run)}`);
      if (run.cleanupProblems.length) out(`  cleanup: ${run.cleanupProblems.join('; ')}`);
      results.push(toCheckResult(sc, run));
      if (!run.ok) failed++;
      if (run.unreachable) {
        unreachable = true;
        break;
      }
    }
    if (unreachable) break;
  }
  const summary = { passed: results.filter((r) => r.status === 'passed').length, failed, warned: 0, skipped: results.filter((r) => r.status === 'skipped').length, errored: 0 };
  out(`${verbose ? '\n' : ''}${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}`);
  if (values.json) {
    const { version } = await import('../version.ts');
    const report = { tool: 'scimcheck', version, target, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), seed: 0, summary, results };
    await writeFile(values.json as string, `${JSON.stringify({ ...scrubSecrets(report, secrets, { keys: false }), results: results.map((r) => scrubResult(r, secrets)) }, null, 2)}\n`);
  }
  if (unreachable) return 3;
  return failed ? 1 : 0;
}
