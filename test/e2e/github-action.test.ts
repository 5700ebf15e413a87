/**
 * The GitHub Action's script (scripts/github-action.mjs, run by action.yml): the GITHUB_* files are temporary
 * files here, once against a report.json fixture (escaping, one annotation per root cause, outputs, summary
 * appended) and once as the action runs it, a real embedded run carrying a fault (exit code passed through).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as load } from 'yaml';
// @ts-expect-error -- a plain-Node .mjs script without type declarations
import * as action from '../../scripts/github-action.mjs';
import type { RunReport } from '../../src/harness/check.ts';

const SCRIPT = new URL('../../scripts/github-action.mjs', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

function tempFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'scimcheck-action-'));
  const summary = join(dir, 'step-summary.md');
  const output = join(dir, 'output.txt');
  writeFileSync(summary, '# an earlier step\n');
  writeFileSync(output, '');
  return { dir, summary, output };
}

/** $GITHUB_OUTPUT's `name=value` lines as an object. */
function outputsOf(file: string): Record<string, string> {
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

const result = (id: string, status: 'passed' | 'failed' | 'skipped', message?: string, extra: object = {}) => ({
  id,
  title: `title of ${id}`,
  suite: 'conformance' as const,
  area: id.split('.')[0] ?? '',
  rfc: 'RFC7644 §3.3',
  level: 'MUST' as const,
  status,
  durationMs: 1,
  transcript: [],
  ...(message ? { message } : {}),
  ...extra,
});

const FIXTURE = {
  tool: 'scimcheck',
  version: '0.1.0',
  target: 'https://sp.example/scim/v2',
  startedAt: '2026-12-03T12:00:00.000Z',
  durationMs: 1000,
  seed: 7,
  summary: { passed: 1, failed: 3, warned: 0, skipped: 1, errored: 0 },
  results: [
    result('users.create.returns-201', 'failed', 'expected 201, got 200 (100% wrong)\r\nsecond line'),
    result('users.get.by-id', 'failed', 'precondition: creating a user failed'),
    result('filter.eq:odd,id', 'failed', 'a: b, c'),
    result('users.list', 'passed'),
    result('groups.create', 'skipped', 'blocked by users.create.returns-201', { blockedBy: 'users.create.returns-201' }),
  ],
  rootCauses: [
    { id: 'users.create.returns-201', checks: ['users.create.returns-201', 'users.get.by-id'], likely: 'create-returns-200: POST answers 200', blocked: ['groups.create'] },
    { id: 'filter.eq:odd,id', checks: ['filter.eq:odd,id'] },
  ],
} satisfies RunReport;

describe('the action script, on a report.json fixture', () => {
  it('escapes workflow command data and properties as GitHub requires', () => {
    expect(action.escapeData('100% a\r\nb')).toBe('100%25 a%0D%0Ab');
    expect(action.escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('writes one ::error per root cause, the outputs, and appends summary.md to the step summary', () => {
    const f = tempFiles();
    const reports = join(f.dir, 'report');
    mkdirSync(reports);
    writeFileSync(join(reports, 'report.json'), JSON.stringify(FIXTURE));
    writeFileSync(join(reports, 'summary.md'), '## scimcheck summary\n');
    const log: string[] = [];
    action.publish(reports, 1, { GITHUB_STEP_SUMMARY: f.summary, GITHUB_OUTPUT: f.output }, (l: string) => log.push(l));

    expect(log).toHaveLength(2);
    expect(log[0]).toBe(
      '::error title=users.create.returns-201::RFC7644 §3.3 (MUST): title of users.create.returns-201%0A' +
        'expected 201, got 200 (100%25 wrong)%0D%0Asecond line%0Alikely: create-returns-200: POST answers 200%0A' +
        'explains 1 other failing check: users.get.by-id%0A1 check skipped, blocked by it',
    );
    // `:` and `,` in the title would end the property: escaped there, kept in the text.
    expect(log[1]).toBe('::error title=filter.eq%3Aodd%2Cid::RFC7644 §3.3 (MUST): title of filter.eq:odd,id%0Aa: b, c');
    for (const l of log) expect(l).not.toMatch(/[\r\n]/);

    expect(readFileSync(f.summary, 'utf8')).toBe('# an earlier step\n## scimcheck summary\n');
    expect(outputsOf(f.output)).toEqual({ passed: '1', failed: '3', warned: '0', skipped: '1', errored: '0', 'root-causes': '2', 'exit-code': '1', 'report-dir': reports });
  });

  it('says so when the run wrote no report (or only an older one), and annotates nothing', () => {
    const f = tempFiles();
    const reports = join(f.dir, 'report');
    mkdirSync(reports);
    writeFileSync(join(reports, 'report.json'), JSON.stringify(FIXTURE));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(reports, 'report.json'), old, old);
    const log: string[] = [];
    action.publish(reports, 3, { GITHUB_STEP_SUMMARY: f.summary, GITHUB_OUTPUT: f.output }, (l: string) => log.push(l), Date.now() - 1000);
    expect(log).toEqual([]);
    expect(readFileSync(f.summary, 'utf8')).toMatch(/wrote no report \(exit code 3\)/);
    expect(outputsOf(f.output)).toMatchObject({ passed: '0', failed: '0', 'exit-code': '3' });
  });

  it('maps the inputs to run flags and the credentials to the environment, never to arguments', () => {
    const env = {
      GITHUB_WORKSPACE: '/ws',
      INPUT_TARGET: 'https://sp.example/scim/v2',
      INPUT_BEARER_TOKEN: 's3cret',
      INPUT_PRESET: '',
      INPUT_CONFIG: 'scim.json',
      INPUT_BASELINE: 'ci/baseline.json',
      INPUT_SUITES: 'conformance,scenarios',
      INPUT_PROFILES: 'okta',
      INPUT_ARGS: '--only users  --deadline 10m',
      SCIMCHECK_BASIC: 'left:over',
    };
    const args: string[] = action.runArgs(env);
    expect(args).toEqual(['run', '--out', '/ws/scimcheck-report', '--target', 'https://sp.example/scim/v2', '--config', 'scim.json', '--baseline', 'ci/baseline.json', '--suite', 'conformance,scenarios', '--profile', 'okta', '--only', 'users', '--deadline', '10m']);
    expect(args.join(' ')).not.toContain('s3cret');
    const childEnv = action.cliEnv(env);
    expect(childEnv.SCIMCHECK_TOKEN).toBe('s3cret');
    expect(childEnv.SCIMCHECK_BASIC).toBeUndefined();
    expect(Object.keys(childEnv).filter((k) => k.startsWith('INPUT_'))).toEqual([]);
    expect(() => action.cliEnv({ INPUT_BEARER_TOKEN: 'a', INPUT_BASIC_CREDENTIALS: 'u:p' })).toThrow(/not both/);
  });

  it('action.yml maps every input to the script and every output from it', () => {
    const yml = load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, { value: string }>;
      runs: { using: string; steps: { id?: string; env?: Record<string, string>; run?: string }[] };
    };
    expect(yml.runs.using).toBe('composite');
    const step = yml.runs.steps.find((s) => s.id === 'run');
    expect(step?.run).toContain('scripts/github-action.mjs');
    for (const name of Object.keys(yml.inputs)) {
      expect(step?.env?.[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`], name).toBe(`\${{ inputs.${name} }}`);
    }
    for (const k of ['target', 'bearer-token', 'basic-credentials', 'preset', 'config', 'baseline', 'suites', 'profiles']) expect(yml.inputs).toHaveProperty(k);
    for (const [name, o] of Object.entries(yml.outputs)) expect(o.value).toBe(`\${{ steps.run.outputs.${name} }}`);
    expect(Object.keys(yml.outputs).sort()).toEqual(['exit-code', 'failed', 'passed', 'report-dir', 'root-causes', 'warned']);
  });
});

describe('the action script, as action.yml runs it', () => {
  it('runs the package CLI against the embedded provider with a fault and reports the run to GitHub', { timeout: 300_000 }, async () => {
    const f = tempFiles();
    const out = join(f.dir, 'reports');
    const env = {
      ...process.env,
      GITHUB_WORKSPACE: f.dir,
      GITHUB_STEP_SUMMARY: f.summary,
      GITHUB_OUTPUT: f.output,
      INPUT_SUITES: 'conformance',
      INPUT_OUT: 'reports',
      INPUT_ARGS: '--quiet',
      SCIMCHECK_EMBEDDED_FAULTS: 'create-returns-200',
    };
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done, fail) => {
      const child = spawn(process.execPath, [SCRIPT], { env, cwd: f.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.resume();
      child.on('error', fail);
      child.on('exit', (c) => done({ code: c, stdout: text }));
    });
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    const causes = report.rootCauses ?? [];
    expect(causes.length).toBeGreaterThan(0);
    const annotations = stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations.map((l) => /^::error title=([^:]*)::/.exec(l)?.[1])).toEqual(causes.map((c) => action.escapeProperty(c.id)));
    expect(annotations.some((l) => l.includes('likely: create-returns-200'))).toBe(true);
    const s = report.summary;
    expect(outputsOf(f.output)).toEqual({
      passed: String(s.passed),
      failed: String(s.failed + s.errored),
      warned: String(s.warned),
      skipped: String(s.skipped),
      errored: String(s.errored),
      'root-causes': String(causes.length),
      'exit-code': '1',
      'report-dir': out,
    });
    expect(readFileSync(f.summary, 'utf8')).toBe(`# an earlier step\n${readFileSync(join(out, 'summary.md'), 'utf8')}`);
  });
});
