/**
 * The IdP's HTTP client (src/idp/http.ts, unchanged behaviour: the profile's retries and Retry-After
 * handling) with a meter around every attempt: kind, status, latency, retries, 429 waits, and the
 * `--rate` schedule. Each send() call's context is found by its own request object (no AsyncLocalStorage:
 * its promise hooks slow every await of the process).
 */
import { IdpHttp, retryAfterMs, type IdpHttpOptions, type IdpRequest, type IdpResponse, type WireRequest, type WireResponse } from '../http.ts';
import type { Metrics } from './metrics.ts';
import { realClock, type Clock, type RateLimiter } from './rate.ts';

interface SendContext {
  kind: string;
  attempts: number;
  /** When the last attempt ended with 429, and what its Retry-After asked. */
  after429At?: number;
  askedMs?: number;
}

/** The request kinds of the summary table, from the engine's `purpose` labels. */
const KINDS: Record<string, string> = {
  'connection-test': 'connection test',
  'match-before-create': 'user lookup',
  create: 'user create',
  'read before update': 'user read',
  'read before (de)activation': 'user read',
  'update (PATCH per attribute)': 'user update',
  'update (PUT)': 'user update',
  'update (read, then PATCH what differs)': 'user update',
  'manager (reference attribute, after create)': 'user manager link',
  deactivate: 'user deactivate',
  'disable (PUT)': 'user deactivate',
  'enable (PUT)': 'user reactivate',
  'deactivate (PUT)': 'user deactivate',
  reactivate: 'user reactivate',
  'reactivate (PUT)': 'user reactivate',
  'hard delete': 'user delete',
  'match group': 'group lookup',
  'create group': 'group create',
  'rename group': 'group rename',
  'delete group': 'group delete',
  'add members': 'members add',
  'remove members': 'members remove',
  'push now (replace members)': 'members replace',
  'read group before PUT': 'group read',
  'update group (PUT)': 'group update',
};

export function kindOf(req: IdpRequest): string {
  if (req.purpose && KINDS[req.purpose]) return KINDS[req.purpose]!;
  return req.purpose ?? `${req.method} ${req.path.split('/')[1] ?? ''}`.trim();
}

export interface MeterOptions {
  metrics: Metrics;
  limiter?: RateLimiter;
  clock?: Clock;
}

export class MeteredHttp extends IdpHttp {
  /** Per send() call, keyed by its request object: the attempts of one call share it. */
  private readonly contexts = new WeakMap<IdpRequest, SendContext>();
  private readonly metrics: Metrics;
  private readonly limiter?: RateLimiter;
  private readonly clock: Clock;
  private readonly capMs: number;

  constructor(opts: IdpHttpOptions, meter: MeterOptions) {
    // At IdP scale a full transcript would be gigabytes; the meter keeps figures instead.
    super({ ...opts, keepTranscript: false });
    this.metrics = meter.metrics;
    this.limiter = meter.limiter;
    this.clock = meter.clock ?? realClock;
    this.capMs = opts.retry.maxDelayMs;
  }

  override async send(req: IdpRequest): Promise<IdpResponse> {
    // A request object sent twice at once would share a context; a shallow copy keeps each call apart.
    const own = { ...req };
    this.contexts.set(own, { kind: kindOf(req), attempts: 0 });
    const res = await super.send(own);
    if (res.status === 429) this.metrics.throttle.gaveUp++;
    return res;
  }

  protected override async attempt(req: IdpRequest, wire: WireRequest): Promise<WireResponse> {
    const ctx = this.contexts.get(req);
    const metrics = this.metrics;
    if (this.limiter) await this.limiter.take();
    const start = this.clock.now();
    if (ctx) {
      ctx.attempts++;
      if (ctx.attempts > 1) metrics.retries++;
      if (ctx.after429At !== undefined) metrics.waitedAfter429(start - ctx.after429At, ctx.askedMs, this.capMs);
      ctx.after429At = undefined;
      ctx.askedMs = undefined;
    }
    const kind = ctx?.kind ?? 'other';
    let res: WireResponse;
    try {
      // The latency includes the whole body, as the IdP experiences it (the transport reads it to the end).
      res = await super.attempt(req, wire);
    } catch (e) {
      metrics.attempt(kind, undefined, this.clock.now() - start);
      throw e;
    }
    const end = this.clock.now();
    metrics.attempt(kind, res.status, end - start);
    if (res.status === 429) {
      // RFC 6585 §4: 429 Too Many Requests, optionally with Retry-After (RFC 7231 §7.1.3).
      metrics.throttle.count429++;
      const asked = retryAfterMs(res.headers['retry-after']);
      if (asked !== undefined) metrics.throttle.withRetryAfter++;
      if (ctx) {
        ctx.after429At = end;
        ctx.askedMs = asked;
      }
    }
    return res;
  }
}
