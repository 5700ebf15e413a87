/** The end-of-run text: requests by kind with latency percentiles, statuses, throttling, and the verdict. */
import type { LoadReport } from './run.ts';

function table(head: string[], rows: (string | number)[][]): string[] {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}

export function verdictLine(r: LoadReport): string {
  if (!r.verdict) return `VERDICT: none — ${r.verdictError ?? 'no read-back'}`;
  const v = r.verdict;
  const lost = v.users.missing + v.groups.missing + v.memberships.missing;
  const dup = v.users.duplicated + v.users.unexpected + v.groups.duplicated + v.groups.unexpected + v.memberships.duplicated;
  const wrong = v.users.wrong + v.groups.wrong + v.users.deletedStillThere + v.memberships.extra;
  const counts = `${v.users.present}/${v.users.expected} users, ${v.groups.present}/${v.groups.expected} groups, ${v.memberships.present}/${v.memberships.expected} memberships`;
  return v.ok
    ? `VERDICT: PASS — nothing lost, nothing duplicated (${counts} read back${v.mode === 'by-id' ? ' by id' : ''})`
    : `VERDICT: FAIL — ${lost} lost, ${dup} duplicated, ${wrong} wrong (${counts})`;
}

/** The charts of load.html in one line: the peaks, and when errors and 429s came. */
export function overTimeLine(r: LoadReport): string | undefined {
  const tl = r.requests.timeline;
  if (!tl?.points.length) return undefined;
  const peak = (f: (p: (typeof tl.points)[number]) => number) => tl.points.reduce((best, p) => (f(p) > f(best) ? p : best), tl.points[0]!);
  const rps = peak((p) => p.rps);
  const p95 = peak((p) => p.p95);
  const when = (f: (p: (typeof tl.points)[number]) => number) => {
    const hit = tl.points.filter((p) => f(p) > 0);
    return hit.length ? `${hit.reduce((n, p) => n + f(p), 0)} in ${hit.length} interval(s) from ${hit[0]!.t} s` : 'none';
  };
  return `over time (${tl.points.length} intervals of ${tl.intervalMs / 1000} s): peak ${rps.rps} req/s at ${rps.t} s; highest p95 ${p95.p95} ms at ${p95.t} s; errors ${when((p) => p.errors)}; 429s ${when((p) => p.throttled)}`;
}

export function renderSummary(r: LoadReport): string[] {
  const out: string[] = [];
  const s = r.settings;
  out.push(`scimcheck load · ${r.profile} · ${s.users} users, ${s.groups} groups × ${s.membersPerGroup} members · concurrency ${s.concurrency} · ${r.target}`);
  out.push('');
  out.push(...table(['phase', 'items', 'done', 'failed', 'seconds'], r.phases.map((p) => [p.name + (p.stopped ? ` (${p.stopped})` : ''), p.items, p.done, p.failed, (p.durationMs / 1000).toFixed(1)])));
  out.push('');
  out.push(...table(['requests by kind', 'count', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], r.requests.byKind.map((k) => [k.kind, k.count, k.errors, k.p50, k.p95, k.p99, k.max])));
  out.push('');
  out.push(`sync: ${r.requests.total} requests in ${(r.syncMs / 1000).toFixed(1)} s = ${r.throughput} req/s; read-back ${r.readBackRequests} requests; cleanup ${r.cleanupRequests} requests`);
  const over = overTimeLine(r);
  if (over) out.push(over);
  out.push(`status codes: ${Object.entries(r.requests.statuses).map(([k, v]) => `${k}×${v}`).join(', ') || 'none'}`);
  const t = r.requests.throttle;
  out.push(
    t.count429 === 0
      ? `429 Too Many Requests: none; retries: ${r.requests.retries}; no answer: ${r.requests.networkErrors}`
      : `429 Too Many Requests: ${t.count429} (${t.withRetryAfter} with Retry-After; honoured ${t.honoured}, not honoured ${t.notHonoured}; longest wait ${t.maxWaitMs} ms; gave up ${t.gaveUp}); retries: ${r.requests.retries}; no answer: ${r.requests.networkErrors}`,
  );
  if (r.failures.count) {
    out.push('', `${r.failures.count} IdP action(s) failed${r.failures.count > r.failures.first.length ? ` (first ${r.failures.first.length})` : ''}:`);
    for (const f of r.failures.first.slice(0, 20)) out.push(`  ${f}`);
  }
  if (r.verdict && r.verdict.problemCount) {
    out.push('', `read-back found ${r.verdict.problemCount} problem(s)${r.verdict.problemCount > r.verdict.problems.length ? ` (first ${r.verdict.problems.length})` : ''}:`);
    for (const p of r.verdict.problems.slice(0, 20)) out.push(`  ${p}`);
  }
  if (r.cleanup) {
    const c = r.cleanup;
    out.push('', `cleanup: ${c.deleted} deleted${c.leftBehind > 0 ? `, ${c.leftBehind} LEFT BEHIND (DELETE answered but the resources are still there; RFC 7644 §3.6)` : c.leftBehind < 0 ? ', what is left could not be read' : ', nothing left'}${c.problems.length ? `; ${c.problems.join('; ')}` : ''}`);
  } else if (!s.cleanup) out.push('', `cleanup: skipped (--no-cleanup); everything carries the prefix ${s.prefix}`);
  out.push('', verdictLine(r));
  return out;
}
