/**
 * One load run: the mock IdP's sync engine plays the profile's initial cycle at scale (match-before-create
 * lookups and creates, group creates, membership PATCHes in the profile's batches), then an incremental
 * cycle (renames, attribute updates, deactivations, member moves), with C workers; then a neutral
 * read-back gives the verdict, and everything with the run's prefix is deleted.
 */
import { ScimError } from '../../scim/errors.ts';
import { version } from '../../version.ts';
import { SyncEngine, type ActionResult, type Outcome } from '../engine.ts';
import { ResponseTooLarge, TargetUnreachable, type RetryPolicy } from '../http.ts';
import { getProfile } from '../profiles/index.ts';
import { chunk, type Profile } from '../profiles/types.ts';
import { cleanup, type CleanupResult } from './cleanup.ts';
import { MeteredHttp } from './metered-http.ts';
import { nodeTransport, type NodeTransport } from './node-transport.ts';
import { Metrics, type RequestStats } from './metrics.ts';
import { makePlan, type Change, type Plan } from './plan.ts';
import { runPool } from './pool.ts';
import { RateLimiter, realClock, type Clock } from './rate.ts';
import { readBack, type ReadBackVerdict } from './readback.ts';
import { stopReason } from '../../harness/run-stop.ts';
import type { LoadSettings } from './settings.ts';

export interface PhaseResult {
  name: string;
  items: number;
  done: number;
  failed: number;
  durationMs: number;
  stopped?: 'aborted' | 'deadline';
}

export interface LoadReport {
  tool: 'scimcheck';
  command: 'load';
  version: string;
  target: string;
  profile: string;
  startedAt: string;
  durationMs: number;
  settings: Omit<LoadSettings, 'authorization' | 'target'>;
  phases: PhaseResult[];
  /** Wall time of the sync (connection test through the incremental cycle). */
  syncMs: number;
  /** Requests per second during the sync. */
  throughput: number;
  requests: RequestStats;
  /** Requests of the read-back and of cleanup, counted apart from the sync. */
  readBackRequests: number;
  cleanupRequests: number;
  failures: { count: number; first: string[] };
  verdict?: ReadBackVerdict;
  /** Why there is no verdict (interrupted, unreachable, the read-back broke). */
  verdictError?: string;
  cleanup?: CleanupResult;
  interrupted: boolean;
  unreachable?: string;
  /** 0 the verdict passed and cleanup left nothing; 1 it failed; 3 the target could not be reached. */
  exitCode: number;
}

export interface LoadIO {
  fetch?: typeof fetch;
  /** Ctrl-C, SIGTERM, --deadline: stop starting work (requests in flight are aborted), skip the read-back, still clean up. */
  signal?: AbortSignal;
  /**
   * Bounds cleanup, which outlives `signal` (issue 11 #12: `load --deadline`): a target that stops answering
   * cannot hold cleanup past it. Absent: cleanup is bounded only by each request's timeout and retries.
   */
  cleanupSignal?: AbortSignal;
  clock?: Clock;
  /** Retry waits (tests inject a fast one); defaults to real time. */
  sleep?: (ms: number) => Promise<void>;
  /** Told when a phase starts (plain progress prints a line then). */
  onPhase?: (s: Snapshot) => void;
}

export interface Snapshot {
  phase: string;
  done: number;
  total: number;
  overallDone: number;
  overallTotal: number;
  requests: number;
  errors: number;
  elapsedMs: number;
}

const VERIFIER_HEADERS = { 'User-Agent': 'scimcheck-verifier', Accept: 'application/scim+json', 'Content-Type': 'application/scim+json' };
const VERIFIER_RETRY: RetryPolicy = { limit: 3, baseDelayMs: 200, maxDelayMs: 10_000, honorRetryAfter: true };
const MAX_FAILURES_KEPT = 50;

type Work = { label: string; run: () => Promise<ActionResult>; accept: Outcome[] };

export class LoadRun {
  /** On the run's clock, so its timeline starts with the run. */
  readonly metrics: Metrics;
  readonly plan: Plan;
  readonly profile: Profile;
  readonly engine: SyncEngine;
  private readonly clock: Clock;
  private readonly limiter?: RateLimiter;
  private readonly http: MeteredHttp;
  /** Over a real network (no injected fetch): kept-alive node:http sockets, closed when the run ends. */
  private readonly wire?: NodeTransport;
  private phase = 'starting';
  private phaseDone = 0;
  private phaseTotal = 0;
  private overallDone = 0;
  readonly overallTotal: number;
  private readonly failures: string[] = [];
  private failureCount = 0;
  private consecutiveUnreachable = 0;
  private readonly t0: number;
  private unreachable?: string;

  constructor(readonly s: LoadSettings, readonly io: LoadIO = {}) {
    const profile = getProfile(s.profile);
    if (!profile) throw new ScimError(400, `unknown profile '${s.profile}'`);
    this.profile = profile;
    this.clock = io.clock ?? realClock;
    this.t0 = this.clock.now();
    this.metrics = new Metrics(this.clock);
    if (s.rate) this.limiter = new RateLimiter(s.rate, this.clock);
    this.plan = makePlan({ prefix: s.prefix, users: s.users, groups: s.groups, membersPerGroup: s.membersPerGroup, incremental: s.incremental, seed: s.seed, idStyle: profile.idStyle });
    const batches = this.plan.groups.reduce((n, g) => n + Math.ceil(g.members.length / profile.groups.batchSize), 0);
    this.overallTotal = 1 + s.users + s.groups + batches + this.plan.changes.length;
    // One socket per worker, shared by the IdP and the verifier (they never run at once).
    if (!io.fetch) this.wire = nodeTransport({ maxSockets: s.concurrency });
    this.http = new MeteredHttp(
      {
        baseUrl: s.target,
        authorization: s.authorization,
        fetch: io.fetch,
        transport: this.wire?.send,
        timeoutMs: s.timeoutMs,
        headers: { ...profile.headers },
        retry: profile.retry,
        signal: io.signal,
        sleep: io.sleep,
      },
      { metrics: this.metrics, limiter: this.limiter, clock: this.clock },
    );
    this.engine = new SyncEngine({ profile, http: this.http, baseUrl: s.target, deprovision: s.deprovision });
  }

  snapshot(): Snapshot {
    return {
      phase: this.phase,
      done: this.phaseDone,
      total: this.phaseTotal,
      overallDone: this.overallDone,
      overallTotal: this.overallTotal,
      requests: this.metrics.attempts,
      errors: this.metrics.errorAttempts,
      elapsedMs: this.clock.now() - this.t0,
    };
  }

  /** The neutral reader; cleanup's gets `cleanupSignal` (not `signal`), since it must run after Ctrl-C. */
  private verifierHttp(metrics: Metrics, signal?: AbortSignal): MeteredHttp {
    return new MeteredHttp(
      { baseUrl: this.s.target, authorization: this.s.authorization, fetch: this.io.fetch, transport: this.wire?.send, timeoutMs: this.s.timeoutMs, headers: VERIFIER_HEADERS, retry: VERIFIER_RETRY, sleep: this.io.sleep, signal },
      { metrics, limiter: this.limiter, clock: this.clock },
    );
  }

  private enter(phase: string): void {
    this.phase = phase;
    this.phaseDone = 0;
    this.phaseTotal = 0;
    this.io.onPhase?.(this.snapshot());
  }

  private fail(line: string): void {
    this.failureCount++;
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push(line);
  }

  /** Runs one phase's work with the pool; failures are counted, a lost target ends the run. */
  private async runPhase(name: string, items: Work[], deadline: number | undefined, rampMs?: number): Promise<PhaseResult> {
    this.phase = name;
    this.phaseDone = 0;
    this.phaseTotal = items.length;
    this.io.onPhase?.(this.snapshot());
    const start = this.clock.now();
    let failed = 0;
    const pool = await runPool(
      items,
      async (w) => {
        let r: ActionResult;
        try {
          r = await w.run();
          this.consecutiveUnreachable = 0;
        } catch (e) {
          // Issue 11 #13: an answer over the cap is that action's failure (the target answered, wrongly).
          if (e instanceof ResponseTooLarge) {
            this.phaseDone++;
            this.overallDone++;
            failed++;
            this.fail(`${name}: ${w.label}: failed — ${e.detail}`);
            return;
          }
          if (!(e instanceof TargetUnreachable)) throw e;
          if (this.io.signal?.aborted) return;
          // A few timeouts at scale are failures; a target that stopped answering ends the run.
          if (++this.consecutiveUnreachable >= 3 * this.s.concurrency) {
            this.unreachable = e.detail;
            throw e;
          }
          r = { outcome: 'failed', reason: e.detail };
        }
        this.phaseDone++;
        this.overallDone++;
        if (w.accept.includes(r.outcome) || r.outcome === 'skipped') return;
        failed++;
        this.fail(`${name}: ${w.label}: ${r.outcome}${r.reason ? ` — ${r.reason}` : ''}`);
        // RFC 7644 §3.12: 401 means our credentials are refused; nothing else can succeed.
        if (r.reason?.includes('→ 401')) {
          this.unreachable = `${r.reason}: credentials rejected`;
          throw new TargetUnreachable(this.unreachable);
        }
      },
      { concurrency: this.s.concurrency, signal: this.io.signal, deadline, rampMs, clock: this.clock },
    );
    return { name, items: items.length, done: this.phaseDone, failed, durationMs: Math.round(this.clock.now() - start), stopped: pool.stopped };
  }

  private changeWork(c: Change): Work | undefined {
    const e = this.engine;
    switch (c.kind) {
      case 'rename':
        return { label: `rename ${c.user}`, run: () => e.update(c.user, c.fields), accept: ['updated'] };
      case 'update':
        return { label: `update ${c.user}`, run: () => e.update(c.user, c.fields), accept: ['updated'] };
      case 'deactivate':
        // With a delete policy the profiles that delete send DELETE; the others deactivate (engine.remove).
        return this.s.deprovision === 'delete'
          ? { label: `remove ${c.user}`, run: () => e.remove(c.user), accept: ['deleted', 'deactivated'] }
          : { label: `deactivate ${c.user}`, run: () => e.setActive(c.user, false), accept: ['deactivated'] };
      case 'move':
        if (!e.groupLinks.has(c.from) || !e.groupLinks.has(c.to) || !e.userLinks.has(c.user)) return undefined;
        return {
          label: `move ${c.user} ${c.from}→${c.to}`,
          run: async () => {
            const out = await e.removeMembers(c.from, [c.user]);
            return out.outcome === 'updated' ? e.addMembers(c.to, [c.user]) : out;
          },
          accept: ['updated'],
        };
    }
  }

  private async sync(phases: PhaseResult[]): Promise<void> {
    const s = this.s;
    const e = this.engine;
    const deadline = s.durationSeconds ? this.clock.now() + s.durationSeconds * 1000 : undefined;
    this.phase = 'connection test';
    const conn = await e.testConnection();
    this.overallDone++;
    if (conn.outcome !== 'ok') {
      this.fail(`connection test: ${conn.reason}`);
      if (conn.reason?.includes('→ 401')) {
        this.unreachable = `${conn.reason}: credentials rejected`;
        return;
      }
    }
    const userWork: Work[] = this.plan.users.map((u) => ({ label: `assign ${u.userName}`, run: () => e.assign(u), accept: ['created', 'linked'] }));
    phases.push(await this.runPhase('users', userWork, deadline, s.rampSeconds ? s.rampSeconds * 1000 : undefined));
    if (this.unreachable) return;
    // Groups are created without members, then members are added in the profile's batches (Entra, Okta, OneLogin alike).
    const groupWork: Work[] = this.plan.groups.map((g) => ({ label: `push group ${g.displayName}`, run: () => e.pushGroup({ ...g, members: [] }), accept: ['created', 'linked'] }));
    phases.push(await this.runPhase('groups', groupWork, deadline));
    if (this.unreachable) return;
    const memberWork: Work[] = this.plan.groups.flatMap((g) =>
      e.groupLinks.has(g.key)
        ? chunk(g.members, this.profile.groups.batchSize).map((keys, i) => ({ label: `members of ${g.displayName} batch ${i + 1}`, run: () => e.addMembers(g.key, keys), accept: ['updated'] as Outcome[] }))
        : [],
    );
    phases.push(await this.runPhase('memberships', memberWork, deadline));
    if (this.unreachable) return;
    // The incremental cycle: first the retries the profile keeps pending (Entra retries failed users next cycle).
    if (!this.io.signal?.aborted && (deadline === undefined || this.clock.now() < deadline)) {
      for (const [key, r] of Object.entries(await e.cycle())) if (r.outcome !== 'created' && r.outcome !== 'linked' && r.outcome !== 'recreated') this.fail(`retry ${key}: ${r.outcome} — ${r.reason}`);
    }
    const changeWork = this.plan.changes.map((c) => this.changeWork(c)).filter((w): w is Work => !!w);
    phases.push(await this.runPhase('incremental', changeWork, deadline));
  }

  async run(): Promise<LoadReport> {
    const s = this.s;
    const startedAt = new Date();
    const phases: PhaseResult[] = [];
    let verdict: ReadBackVerdict | undefined;
    let verdictError: string | undefined;
    let cleanupResult: CleanupResult | undefined;
    const readMetrics = new Metrics();
    const cleanMetrics = new Metrics();
    const syncStart = this.clock.now();
    let syncMs = 0;
    try {
      try {
        await this.sync(phases);
      } catch (err) {
        if (!(err instanceof TargetUnreachable)) throw err;
        this.unreachable ??= err.detail;
      }
      syncMs = this.clock.now() - syncStart;
      if (this.io.signal?.aborted) verdictError = `${stopReason(this.io.signal)}: no read-back`;
      else if (this.unreachable) verdictError = `the target could not be reached: ${this.unreachable}`;
      else {
        this.enter('read-back');
        try {
          verdict = await readBack(this.engine, { http: this.verifierHttp(readMetrics, this.io.signal), prefix: s.prefix, leaveGroupsFirst: this.profile.setActive.leaveGroupsFirst, concurrency: s.concurrency });
          // A read-back cut short by Ctrl-C is no verdict.
          if (this.io.signal?.aborted) {
            verdict = undefined;
            verdictError = `${stopReason(this.io.signal)} during the read-back`;
          }
        } catch (err) {
          if (!(err instanceof ScimError)) throw err;
          verdictError = this.io.signal?.aborted ? `${stopReason(this.io.signal)} during the read-back` : `read-back failed: ${err.detail}`;
        }
      }
    } finally {
      try {
        if (s.cleanup && !(this.unreachable && this.engine.userLinks.size === 0 && this.engine.groupLinks.size === 0)) {
          this.enter('cleanup');
          cleanupResult = await cleanup(this.engine, { http: this.verifierHttp(cleanMetrics, this.io.cleanupSignal), prefix: s.prefix, concurrency: s.concurrency });
        }
      } finally {
        this.wire?.close();
      }
    }
    const requests = this.metrics.stats();
    const interrupted = !!this.io.signal?.aborted;
    const exitCode = this.unreachable && !interrupted ? 3 : verdict?.ok && !interrupted && (cleanupResult?.leftBehind ?? 0) <= 0 ? 0 : 1;
    const { authorization: _a, target: _t, ...settings } = s;
    return {
      tool: 'scimcheck',
      command: 'load',
      version,
      target: s.target,
      profile: s.profile,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(this.clock.now() - this.t0),
      settings,
      phases,
      syncMs: Math.round(syncMs),
      throughput: syncMs > 0 ? Math.round((requests.total / syncMs) * 1000 * 10) / 10 : 0,
      requests,
      readBackRequests: readMetrics.attempts,
      cleanupRequests: cleanMetrics.attempts,
      failures: { count: this.failureCount, first: this.failures },
      verdict,
      verdictError,
      cleanup: cleanupResult,
      interrupted,
      unreachable: this.unreachable,
      exitCode,
    };
  }
}
