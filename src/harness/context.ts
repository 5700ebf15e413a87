/**
 * The CheckContext a check runs with: its own HTTP client (own transcript), the target, fixtures, and the
 * assertion helpers. Assertions throw CheckFailure / CheckSkipped; the runner turns them into a status.
 */
import { CheckFailure, CheckSkipped, type CheckContext, type Fixtures, type HttpClient, type HttpResponse, type TargetInfo } from './check.ts';
import { ERROR_SCHEMA } from '../scim/errors.ts';
import { jsonEqual } from './json-equal.ts';
import { runWide } from './run-wide.ts';

/** A short, readable picture of a response for `actual` in a failure. */
export function summarizeResponse(res: HttpResponse): { status: number; contentType?: string; body: unknown } {
  const body = res.json !== undefined ? res.json : res.text.length > 500 ? `${res.text.slice(0, 500)}…` : res.text;
  return { status: res.status, ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}), body };
}

/** The per-run memo behind ctx.once: one per run, shared by every check. */
export type RunMemo = Map<string, Promise<unknown>>;

export function createCheckContext(parts: { http: HttpClient; target: TargetInfo; fixtures: Fixtures; signal: AbortSignal; memo?: RunMemo }): CheckContext {
  const { memo = new Map<string, Promise<unknown>>(), ...rest } = parts;
  // Annotated so TypeScript narrows after calls (assertion-style control flow).
  const fail: (message: string, detail?: { expected?: unknown; actual?: unknown }) => never = (message, detail) => {
    throw new CheckFailure(message, detail?.expected, detail?.actual);
  };
  return {
    ...rest,
    once<T>(key: string, compute: () => Promise<T>): Promise<T> {
      let p = memo.get(key) as Promise<T> | undefined;
      if (!p) {
        // Run-wide: what it creates outlives the check that happened to ask first (see run-wide.ts).
        p = runWide(compute);
        memo.set(key, p);
      }
      return p;
    },
    fail,
    skip(reason: string): never {
      throw new CheckSkipped(reason);
    },
    expectStatus(res, expected, what) {
      const list = Array.isArray(expected) ? expected : [expected];
      if (!list.includes(res.status)) {
        fail(`${what ?? 'response'}: expected HTTP ${list.join(' or ')}, got ${res.status}`, {
          expected: list.length === 1 ? list[0] : list,
          actual: summarizeResponse(res),
        });
      }
    },
    expectScimError(res, status, scimType) {
      const list = Array.isArray(status) ? status : [status];
      const expected = { status: list.length === 1 ? list[0] : list, schemas: [ERROR_SCHEMA], ...(scimType ? { scimType } : {}) };
      const actual = summarizeResponse(res);
      if (!list.includes(res.status)) fail(`expected a SCIM error with HTTP ${list.join(' or ')}, got ${res.status}`, { expected, actual });
      const body = res.json as Record<string, unknown> | undefined;
      // RFC 7644 §3.12: the error body is JSON carrying the Error message schema URN.
      if (!body || typeof body !== 'object' || !Array.isArray(body.schemas) || !body.schemas.includes(ERROR_SCHEMA)) {
        fail(`HTTP ${res.status} body is not a SCIM error (schemas must contain ${ERROR_SCHEMA})`, { expected, actual });
      }
      // RFC 7644 §3.12: "status" is the HTTP status code expressed as a JSON string.
      if (body.status !== String(res.status)) {
        fail(`SCIM error "status" must be the string "${res.status}", got ${JSON.stringify(body.status)}`, { expected, actual });
      }
      // RFC 7644 §3.12 Table 9: the scimType keyword for this kind of 400/409.
      if (scimType !== undefined && body.scimType !== scimType) {
        fail(`SCIM error scimType should be "${scimType}", got ${JSON.stringify(body.scimType)}`, { expected, actual });
      }
      // RFC 7644 §3.1 / §8.1: SCIM responses carry the application/scim+json media type.
      const ct = res.headers['content-type'] ?? '';
      if (!/^application\/scim\+json\b/i.test(ct)) {
        fail(`SCIM error Content-Type should be application/scim+json, got ${ct || '(none)'}`, { expected: 'application/scim+json', actual: ct || null });
      }
    },
    expectEqual(actual, expected, what) {
      if (!jsonEqual(actual, expected)) fail(`${what}: values differ`, { expected, actual });
    },
    expectTrue(cond, what, detail) {
      if (!cond) fail(what, detail);
    },
  };
}
