/**
 * `scimcheck replay FILE --target URL2` (issue 14): plays a `proxy --record` recording against another target
 * (src/proxy/replay.ts), grades the new answers as the proxy does, and reports where they differ in kind from the
 * recorded ones. Exit 0: no divergence and no MUST finding; 1: a divergence or a MUST finding; 2: bad usage or an
 * unreadable recording; 3: the new target never answered.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseScenario } from '../idp/scenario/load.ts';
import { scenarioFromRecording, scenarioYaml } from '../proxy/to-scenario.ts';
import { parseFlags } from '../cli-args.ts';
import { visibleLine } from '../harness/reporters/visible.ts';
import { UsageError } from '../usage-error.ts';
import { version } from '../version.ts';
import { buildReport } from '../harness/runner.ts';
import { exitCodeFor } from '../harness/baseline.ts';
import { redactSecrets, scrubResult } from '../harness/redact.ts';
import { createConsoleReporter } from '../harness/reporters/console.ts';
import { writeReports } from '../harness/reporters/write.ts';
import type { CheckResult } from '../scim/results.ts';
import { parseRecording, replay, type Divergence, type DivergenceKind } from '../proxy/replay.ts';
import { createProxySession } from '../proxy/session.ts';

export const REPLAY_HELP = `usage: scimcheck replay FILE --target URL [flags]
       scimcheck replay FILE --to-scenario NAME.yaml

Plays a recording of 'scimcheck proxy --record FILE' against another SCIM target, mapping the ids and versions
the new target issues into the later requests, and reports where its answers differ in kind from the recorded
ones (status class, error scimType, missing attributes, group membership, empty against non-empty lists). The new
answers are graded as the proxy grades them.

  --target URL            the SCIM base URL to replay against
  --auth-bearer TOKEN     bearer token (or env SCIMCHECK_TOKEN): a recording holds no credentials
  --auth-basic USER:PASS  basic credentials (or env SCIMCHECK_BASIC)
  --out DIR               report directory (default reports/replay)
  --timeout MS            per exchange (default 30000)
  --deprovision P         the new target's policy on DELETE: delete (default) or disable
  --quiet                 print only the verdict
  --to-scenario NAME.yaml instead of replaying: write a scenario draft (the directory changes the recorded writes
                          show, then the final state), validated by the scenario schema; run it with
                          scimcheck idp --scenario NAME.yaml

Passwords were recorded as [REDACTED]: a replayed create sends that text as the password.

exit codes: 0 same answers in kind and no MUST finding, 1 a divergence or a MUST finding, 2 bad usage,
3 the target never answered`;

const KIND_TITLES: Record<DivergenceKind, string> = {
  'status-class': 'the new target answers with the recorded status class',
  'error-type': 'the new target refuses with the recorded scimType',
  'missing-attribute': 'the new target returns the attributes the recorded one did',
  membership: 'the new target keeps the recorded group members',
  'list-size': 'a lookup that found nothing (or something) still does',
};

function authorizationOf(bearer: string | undefined, basic: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const b = bearer ?? env.SCIMCHECK_TOKEN;
  const u = basic ?? env.SCIMCHECK_BASIC;
  if (b && u) throw new UsageError('give either --auth-bearer or --auth-basic, not both');
  if (b) return `Bearer ${b}`;
  if (u) {
    if (!u.includes(':')) throw new UsageError('--auth-basic must be USER:PASS');
    return `Basic ${Buffer.from(u).toString('base64')}`;
  }
  return undefined;
}

/** One result per kind of divergence (a regression signal, not an RFC verdict: it warns; the exit code says it). */
function divergenceResults(divergences: readonly Divergence[]): CheckResult[] {
  const byKind = new Map<DivergenceKind, Divergence[]>();
  for (const d of divergences) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
  return [...byKind].map(([kind, ds]) => ({
    id: `replay.${kind}`,
    title: KIND_TITLES[kind],
    suite: 'proxy',
    area: 'replay',
    rfc: '',
    level: 'MAY',
    status: 'warned',
    durationMs: 0,
    message: `${ds.length} exchange${ds.length === 1 ? '' : 's'} answered differently:\n${ds.slice(0, 10).map((d) => `#${d.seq} ${d.request}: recorded ${d.recorded}, now ${d.now}`).join('\n')}${ds.length > 10 ? `\n… and ${ds.length - 10} more` : ''}`,
    transcript: [],
  }));
}

/**
 * One divergence as printed live. Recorded and new answers are the targets' text: credentials are scrubbed
 * (issue 11 #11) and control characters shown, never acted on (issue 11 #15).
 */
export function divergenceLine(d: Divergence, secrets: readonly string[]): string {
  return visibleLine(redactSecrets(`#${d.seq} ${d.request}: ${d.kind}: recorded ${d.recorded}, now ${d.now}`, secrets));
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      'auth-bearer': { type: 'string' },
      'auth-basic': { type: 'string' },
      out: { type: 'string' },
      timeout: { type: 'string' },
      deprovision: { type: 'string' },
      quiet: { type: 'boolean' },
      'to-scenario': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    console.log(REPLAY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one recording FILE (from scimcheck proxy --record)');
  if (v['to-scenario'] !== undefined) {
    if (v.target) throw new UsageError('--to-scenario writes a draft and replays nothing: leave out --target');
    return toScenario(positionals[0] as string, v['to-scenario']);
  }
  if (!v.target) throw new UsageError('--target URL is required (or --to-scenario NAME.yaml)');
  let target: URL;
  try {
    target = new URL(v.target);
  } catch {
    throw new UsageError(`--target must be an http(s) URL, got '${v.target}'`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new UsageError(`--target must be an http(s) URL, got '${v.target}'`);
  const timeoutMs = Number(v.timeout ?? '30000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new UsageError(`--timeout must be a whole number of milliseconds, got '${v.timeout}'`);
  const deprovision = v.deprovision ?? 'delete';
  if (deprovision !== 'delete' && deprovision !== 'disable') throw new UsageError(`--deprovision must be delete or disable, got '${deprovision}'`);
  const file = positionals[0] as string;
  const recording = readRecording(file);
  const authorization = authorizationOf(v['auth-bearer'], v['auth-basic'], process.env);
  const base = target.toString().replace(/\/+$/, '');
  const startedAt = new Date();
  const session = createProxySession({ deprovision });
  const quiet = !!v.quiet;
  const ownSecrets = authorization ? [authorization.replace(/^\S+\s+/, '')] : [];
  const { steps, divergences } = await replay(recording, {
    target: base,
    ...(authorization ? { authorization } : {}),
    timeoutMs,
    onStep: (s) => {
      session.record(s.exchange);
      if (!quiet) for (const d of s.divergences) console.log(divergenceLine(d, [...session.secrets(), ...ownSecrets]));
    },
  });
  const secrets = [...session.secrets(), ...ownSecrets];
  const results = [...session.results(), ...divergenceResults(divergences)].map((r) => scrubResult(r, secrets));
  const report = buildReport({ version, target: base, startedAt, seed: 0, results });
  const written = writeReports(report, v.out ?? 'reports/replay');
  const reporter = createConsoleReporter({ quiet });
  reporter.info(`replayed ${steps.length} exchange${steps.length === 1 ? '' : 's'} from ${file}: ${divergences.length} divergence${divergences.length === 1 ? '' : 's'} in kind`);
  reporter.finish(report, { written });
  if (steps.length > 0 && steps.every((s) => s.exchange.answer === undefined)) {
    console.error(`scimcheck replay: the target never answered (${base})`);
    return 3;
  }
  return divergences.length > 0 ? 1 : exitCodeFor(report);
}

function readRecording(file: string) {
  try {
    return parseRecording(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`recording ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
}

/** --to-scenario: the draft, validated by the scenario loader before it is written (a draft that fails is our bug). */
function toScenario(file: string, out: string): number {
  const name = basename(out).replace(/\.ya?ml$/, '');
  if (!out.endsWith('.yaml') || !/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`--to-scenario must name a file like my-sync.yaml (lower case, digits, dashes), got '${out}'`);
  const draft = scenarioFromRecording(readRecording(file), name);
  const text = `# Drafted by scimcheck replay --to-scenario from ${basename(file)}: review before use.\n${scenarioYaml(draft)}`;
  const scenario = parseScenario(text, out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`wrote ${out}: ${scenario.steps.length} step${scenario.steps.length === 1 ? '' : 's'} (run it: scimcheck idp --profile P --scenario ${out} --target URL)`);
  return 0;
}
