/**
 * `scimcheck run --self-test`: proves the harness bites (issue 3, "Proving the harness"). The reference
 * provider's deliberate faults (src/provider/faults.ts, `serve --fault NAME`) are real-world SCIM bugs; for
 * each, the conformance suite runs against a provider carrying it, restricted to the areas where the bug
 * shows, and the checks this table names must fail. The clean provider must pass every check.
 *
 * The harness never imports the provider: the caller hands in the fault names and a way to run against a
 * provider with given faults (src/commands/run.ts starts the embedded one).
 */
import type { CheckResult, Status } from './check.ts';

export interface FaultExpectation {
  /** `--only` patterns for this fault's run: the areas where the bug shows (keeps the self-test short). */
  only: string[];
  /** Checks that must fail against this fault (`failed` for MUST, `warned` for SHOULD/MAY): each one looks
   *  at exactly the behaviour the fault breaks. Derived by running every fault, then reviewed for relevance. */
  mustFail: string[];
}

/**
 * Fault → the checks that catch it. Collateral failures (a fault that breaks POST also fails every check that
 * creates a user) are left out: a listed check names the broken behaviour itself.
 */
export const FAULT_CATCHES: Readonly<Record<string, FaultExpectation>> = {
  // RFC 7644 §3.3: a successful create answers 201 Created.
  'create-returns-200': { only: ['users.create', 'bulk.post'], mustFail: ['users.create.returns-201'] },
  // RFC 7644 §3.4.2.2: the filter selects; a server that ignores it returns everything.
  'filter-ignored': {
    only: ['filter', 'search.users.filter', 'search.root.filter', 'search.groups.filter', 'groups.filter'],
    mustFail: [
      'filter.eq.username',
      'filter.ne.username',
      'filter.co.title',
      'filter.sw.title',
      'filter.ew.title',
      'filter.pr.title',
      'filter.gt.datetime',
      'filter.logic.and-or-precedence',
      'filter.logic.not',
      'filter.complex.value-path-same-element',
      'filter.empty-result',
      'filter.groups.display-name',
      'groups.filter.member-value',
      'search.users.filter',
      'search.root.filter',
      'search.groups.filter',
    ],
  },
  // RFC 7643 §4.1.1: userName is caseExact false, so uniqueness and `eq` ignore case.
  'username-case-sensitive': {
    only: ['uniqueness.username', 'filter.eq'],
    mustFail: ['uniqueness.username.case-variant-409', 'uniqueness.username.put-case-variant-409', 'filter.eq.username-case-insensitive'],
  },
  // RFC 7644 §3.4.2.2: string comparisons follow the attribute's caseExact.
  'filter-case-sensitive': { only: ['filter'], mustFail: ['filter.eq.username-case-insensitive'] },
  // RFC 7644 §3.5.2: PATCH changes the resource.
  'patch-ignored': {
    only: ['patch', 'groups.patch', 'etag.patch'],
    mustFail: [
      'patch.add.single-valued',
      'patch.add.multivalued-append',
      'patch.add.no-path',
      'patch.replace.with-path',
      'patch.replace.no-path',
      'patch.replace.value-filter',
      'patch.remove.attribute',
      'patch.remove.value-filter',
      'patch.remove.no-path',
      'patch.extension.urn-path',
      'patch.active.deactivate-idempotent',
      'groups.patch.add-member',
      'groups.patch.remove-member-filter',
      'groups.patch.rename',
      'etag.patch.version-changes',
    ],
  },
  // RFC 7644 §3.5.2.2: remove with a value filter removes the matching members.
  'member-removal-ignored': {
    only: ['groups.patch', 'patch.remove'],
    mustFail: ['groups.patch.remove-member-filter', 'groups.patch.remove-all-members'],
  },
  // RFC 7644 §3.6: a deleted resource is gone: GET answers 404.
  'delete-not-deleting': {
    only: ['users.delete', 'groups.delete', 'groups.member', 'bulk.delete'],
    mustFail: ['users.delete.then-get-404', 'users.delete.twice-404', 'users.delete.then-put-404', 'groups.delete.then-404', 'bulk.delete.user'],
  },
  // RFC 7644 §3.12: errors are SCIM JSON bodies with the SCIM media type.
  'errors-plain-text': {
    only: ['errors', 'content-type.response', 'discovery.schemas', 'discovery.resource-types'],
    mustFail: ['content-type.response.error-409', 'errors.body.status-string-409', 'discovery.schemas.unknown-404'],
  },
  // RFC 7643 §4.1.1: password is returned "never".
  'password-echoed': {
    only: ['security.password'],
    mustFail: [
      'security.password.not-returned-post',
      'security.password.not-returned-get',
      'security.password.not-returned-put',
      'security.password.not-returned-patch',
      'security.password.not-returned-list',
      'security.password.not-returned-search',
      'security.password.not-returned-when-requested',
    ],
  },
  // RFC 7644 §3.4.2: totalResults is the number of matches, not the page size.
  'total-results-wrong': {
    only: ['paging', 'search.paging'],
    mustFail: ['paging.total-results.consistent', 'paging.count.zero', 'search.paging'],
  },
  // RFC 7644 §3.4.2.4: startIndex is the 1-based index of the first result.
  'start-index-ignored': {
    only: ['paging', 'search.paging', 'sort.with-paging'],
    mustFail: ['paging.start-index.echoed', 'paging.start-index.offsets', 'paging.walk.complete', 'search.paging'],
  },
};

export interface FaultRow {
  fault: string;
  only: string[];
  /** Listed checks (FAULT_CATCHES); empty when the fault has no entry. */
  expected: string[];
  /** Every check that failed or warned in this fault's run. */
  caught: string[];
  /** Listed checks that did not fail as their level says. */
  missing: string[];
  /** Checks where the harness itself broke. */
  errored: string[];
  ok: boolean;
  note?: string;
}

export interface SelfTestOutcome {
  clean: { ok: boolean; notPassing: { id: string; status: Status; message?: string }[] };
  rows: FaultRow[];
  ok: boolean;
}

/** Runs the conformance suite against a provider with these faults, restricted to `only` (all when empty). */
export type RunAgainst = (faults: string[], only: string[]) => Promise<CheckResult[]>;

export interface SelfTestOptions {
  /** Fault names to prove, in order (the provider's FAULTS, or a subset). */
  faults: readonly string[];
  runAgainst: RunAgainst;
  /** Runs (each its own provider) at a time; default 2. */
  parallel?: number;
  signal?: AbortSignal;
  /** Told about the clean run and each fault as it finishes. */
  onClean?(clean: SelfTestOutcome['clean']): void;
  onRow?(row: FaultRow): void;
}

/** The status a failing check gets at its level (RFC 2119 levels mapped to result levels). */
function failingStatus(r: CheckResult): Status {
  return r.level === 'MUST' ? 'failed' : 'warned';
}

export function isNotPassing(r: CheckResult): boolean {
  return r.status === 'failed' || r.status === 'warned' || r.status === 'errored';
}

/** Judges one fault run: every listed check failed at its level, and the harness did not break. */
export function judgeFault(fault: string, expectation: FaultExpectation | undefined, results: readonly CheckResult[]): FaultRow {
  const byId = new Map(results.map((r) => [r.id, r]));
  const caught = results.filter((r) => r.status === 'failed' || r.status === 'warned').map((r) => r.id);
  const errored = results.filter((r) => r.status === 'errored').map((r) => r.id);
  const expected = expectation?.mustFail ?? [];
  const missing = expected.filter((id) => {
    const r = byId.get(id);
    return !r || r.status !== failingStatus(r);
  });
  const notes: string[] = [];
  if (!expectation) notes.push('no entry in FAULT_CATCHES: any failing check counts');
  if (errored.length > 0) notes.push(`harness errors: ${errored.join(', ')}`);
  const ok = caught.length > 0 && missing.length === 0 && errored.length === 0;
  return { fault, only: expectation?.only ?? [], expected, caught, missing, errored, ok, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

export function judgeClean(results: readonly CheckResult[]): SelfTestOutcome['clean'] {
  const notPassing = results.filter(isNotPassing).map((r) => ({ id: r.id, status: r.status, ...(r.message !== undefined ? { message: r.message } : {}) }));
  return { ok: notPassing.length === 0, notPassing };
}

async function pool<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
}

/** The clean run and one run per fault, `parallel` at a time; rows come back in the order of `faults`. */
export async function runSelfTest(opts: SelfTestOptions): Promise<SelfTestOutcome> {
  type Job = { fault?: string; i: number };
  const jobs: Job[] = [{ i: -1 }, ...opts.faults.map((fault, i) => ({ fault, i }))];
  const rows: (FaultRow | undefined)[] = new Array(opts.faults.length);
  let clean: SelfTestOutcome['clean'] = { ok: false, notPassing: [] };
  await pool(jobs, opts.parallel ?? 2, async (job) => {
    if (opts.signal?.aborted) return;
    if (job.fault === undefined) {
      clean = judgeClean(await opts.runAgainst([], []));
      opts.onClean?.(clean);
      return;
    }
    const expectation = FAULT_CATCHES[job.fault];
    const row = judgeFault(job.fault, expectation, await opts.runAgainst([job.fault], expectation?.only ?? []));
    rows[job.i] = row;
    opts.onRow?.(row);
  });
  const done = rows.filter((r): r is FaultRow => r !== undefined);
  const complete = done.length === opts.faults.length && !opts.signal?.aborted;
  return { clean, rows: done, ok: complete && clean.ok && done.every((r) => r.ok) };
}

/** One console line per fault. */
export function selfTestLine(row: FaultRow): string {
  const verdict = row.ok ? 'caught ' : 'MISSED ';
  const listed = row.expected.length > 0 ? row.expected.filter((id) => !row.missing.includes(id)) : row.caught;
  const extra = row.missing.length > 0 ? `; did not fail: ${row.missing.join(', ')}` : '';
  return `${verdict} ${row.fault.padEnd(28)} ${listed.join(', ') || '(no check failed)'}${extra}${row.note ? ` [${row.note}]` : ''}`;
}

/** The fault → checks table as Markdown (self-test.md). */
export function selfTestMarkdown(outcome: SelfTestOutcome): string {
  const cell = (ids: readonly string[]) => (ids.length > 0 ? ids.map((id) => `\`${id}\``).join(', ') : '—');
  const lines = [
    `# scimcheck self-test`,
    '',
    `Clean provider: ${outcome.clean.ok ? 'every check passes' : `**${outcome.clean.notPassing.length} check(s) did not pass**: ${cell(outcome.clean.notPassing.map((r) => `${r.id} (${r.status})`))}`}`,
    '',
    '| fault | caught | run with --only | relevant checks that failed | other failing checks |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of outcome.rows) {
    const relevant = r.expected.filter((id) => !r.missing.includes(id));
    const others = r.caught.filter((id) => !r.expected.includes(id));
    const caught = r.ok ? 'yes' : `**no**${r.missing.length ? ` (did not fail: ${cell(r.missing)})` : ''}${r.note ? ` — ${r.note}` : ''}`;
    lines.push(`| \`${r.fault}\` | ${caught} | ${r.only.length ? r.only.join(', ') : 'all'} | ${cell(relevant)} | ${cell(others)} |`);
  }
  return `${lines.join('\n')}\n`;
}
