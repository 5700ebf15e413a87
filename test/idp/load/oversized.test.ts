/**
 * Issue 11 #13 for the load generator: a target answering some requests with more than the IdP reads makes those
 * actions fail, as the target's, and the run goes on to its report — no crash, no buffering of the flood.
 */
import { describe, expect, it } from 'vitest';
import { LoadRun } from '../../../src/idp/load/run.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../../src/scim/bounded-body.ts';
import { referenceProvider, settings } from './helpers.ts';

describe('scimcheck load against a target that floods some answers', () => {
  it('fails the flooded actions with the cap in the message and still reports', { timeout: 60_000 }, async () => {
    const { fetch: inner } = referenceProvider();
    let flooded = 0;
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      // Every fifth user create: the provider creates it, the answer carries 1 MiB more than the cap.
      if (req.method === 'POST' && new URL(req.url).pathname.endsWith('/Users') && ++flooded % 5 === 0) {
        await inner(req);
        return new Response(new Uint8Array(DEFAULT_MAX_BODY_BYTES + 1024 * 1024), { status: 201 });
      }
      return inner(req);
    }) as typeof globalThis.fetch;
    const report = await new LoadRun(settings({ users: 20, groups: 1, membersPerGroup: 5, incremental: 0 }), { fetch }).run();
    expect(report.failures.count).toBeGreaterThan(0);
    expect(report.failures.first[0]).toContain(`the target's answer exceeds ${DEFAULT_MAX_BODY_BYTES} bytes`);
  });
});
