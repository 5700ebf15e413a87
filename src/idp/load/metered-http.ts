/**
 * The IdP's HTTP client (src/idp/http.ts, unchanged behaviour: the profile's retries and Retry-After
 * handling) with a meter around every attempt: kind, status, latency, retries, 429 waits, and the
 * `--rate` schedule. The per-request context travels in an AsyncLocalStorage owned by each instance.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TranscriptEntry } from '../../harness/check.ts';
import { IdpHttp, retryAfterMs, type IdpHttpOptions, type IdpRequest, type IdpResponse } from '../http.ts';
import type { Metrics } from './metrics.ts';
import { realClock, type Clock, type RateLimiter } from './rate.ts';

interface SendContext {
  kind: string;
  attempts: number;
  /** When the last attempt ended with 429, and what its Retry-After asked. */
  after429At?: number;
  askedMs?: number;
}

/** At IdP scale a full transcript would be gigabytes; the meter keeps figures instead. */
class DiscardedTranscript extends Array<TranscriptEntry> {
  override push(): number {
    return 0;
  }
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
  deactivate: 'user deactivate',
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
  private readonly context: AsyncLocalStorage<SendContext>;
  private readonly metrics: Metrics;

  constructor(opts: IdpHttpOptions, meter: MeterOptions) {
    const context = new AsyncLocalStorage<SendContext>();
    const inner = opts.fetch ?? globalThis.fetch;
    const clock = meter.clock ?? realClock;
    const metrics = meter.metrics;
    const capMs = opts.retry.maxDelayMs;
    const metered: typeof fetch = async (input, init) => {
      const ctx = context.getStore();
      if (meter.limiter) await meter.limiter.take();
      const start = clock.now();
      if (ctx) {
        ctx.attempts++;
        if (ctx.attempts > 1) metrics.retries++;
        if (ctx.after429At !== undefined) metrics.waitedAfter429(start - ctx.after429At, ctx.askedMs, capMs);
        ctx.after429At = undefined;
        ctx.askedMs = undefined;
      }
      const kind = ctx?.kind ?? 'other';
      let res: Response;
      let body: ArrayBuffer;
      try {
        res = await inner(input, init);
        // The latency includes the whole body, as the IdP experiences it.
        body = await res.arrayBuffer();
      } catch (e) {
        metrics.attempt(kind, undefined, clock.now() - start);
        throw e;
      }
      const end = clock.now();
      metrics.attempt(kind, res.status, end - start);
      if (res.status === 429) {
        // RFC 6585 §4: 429 Too Many Requests, optionally with Retry-After (RFC 7231 §7.1.3).
        metrics.throttle.count429++;
        const asked = retryAfterMs(res.headers.get('retry-after'));
        if (asked !== undefined) metrics.throttle.withRetryAfter++;
        if (ctx) {
          ctx.after429At = end;
          ctx.askedMs = asked;
        }
      }
      const nullBody = res.status === 204 || res.status === 304 || res.status < 200;
      return new Response(nullBody ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
    };
    super({ ...opts, fetch: metered, transcript: new DiscardedTranscript() });
    this.context = context;
    this.metrics = metrics;
  }

  override async send(req: IdpRequest): Promise<IdpResponse> {
    const ctx: SendContext = { kind: kindOf(req), attempts: 0 };
    const res = await this.context.run(ctx, () => super.send(req));
    if (res.status === 429) this.metrics.throttle.gaveUp++;
    return res;
  }
}
