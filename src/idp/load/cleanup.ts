/**
 * Deletes everything a load run created: the groups and users the IdP linked (every id a user ever had),
 * then a sweep of whatever still carries the run's prefix, then one more read to say what was left.
 */
import type { SyncEngine } from '../engine.ts';
import type { IdpHttp } from '../http.ts';
import { runPool } from './pool.ts';
import { listByPrefix } from './readback.ts';

export interface CleanupResult {
  deleted: number;
  /** Resources with the run's prefix still in the target afterwards (-1: could not be read). */
  leftBehind: number;
  problems: string[];
}

export interface CleanupOptions {
  http: IdpHttp;
  prefix: string;
  concurrency: number;
}

export async function cleanup(engine: SyncEngine, o: CleanupOptions): Promise<CleanupResult> {
  const problems: string[] = [];
  let deleted = 0;
  const del = async (path: string) => {
    try {
      const res = await o.http.send({ method: 'DELETE', path, purpose: 'cleanup' });
      // RFC 7644 §3.6: 204 on success; 404 means it is already gone.
      if (res.status === 204 || res.status === 200) deleted++;
      else if (res.status !== 404 && problems.length < 20) problems.push(`DELETE ${path} → ${res.status}`);
    } catch (e) {
      if (problems.length < 20) problems.push(`DELETE ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  // Groups first: their member references go with them.
  await runPool([...engine.groupLinks.values()].map((id) => `/Groups/${id}`), del, { concurrency: o.concurrency });
  const userIds = new Set([...engine.idHistory.values()].flat());
  await runPool([...userIds].map((id) => `/Users/${id}`), del, { concurrency: o.concurrency });

  // RFC 7644 §3.4.2.2 "sw": anything created whose id the run never saw (a create that timed out, say).
  const sweep = async (): Promise<number> => {
    let left = 0;
    for (const [endpoint, attr] of [['/Users', 'userName'], ['/Groups', 'displayName']] as const) {
      const found = await listByPrefix(o.http, endpoint, attr, o.prefix);
      if (found === 'unsupported') return -1;
      left += found.length;
      await runPool(found.map((r) => `${endpoint}/${r.id}`), del, { concurrency: o.concurrency });
    }
    return left;
  };
  try {
    const swept = await sweep();
    if (swept === -1) problems.push('the target refused a "sw" filter: only resources with known ids were deleted');
    let leftBehind = swept;
    if (swept > 0) {
      // What survives a DELETE that answered 204 is a target that does not delete (RFC 7644 §3.6).
      leftBehind = 0;
      for (const [endpoint, attr] of [['/Users', 'userName'], ['/Groups', 'displayName']] as const) {
        const found = await listByPrefix(o.http, endpoint, attr, o.prefix);
        leftBehind += found === 'unsupported' ? 0 : found.length;
      }
    }
    return { deleted, leftBehind: Math.max(leftBehind, swept === -1 ? -1 : 0), problems };
  } catch (e) {
    problems.push(`sweep: ${e instanceof Error ? e.message : String(e)}`);
    return { deleted, leftBehind: -1, problems };
  }
}
