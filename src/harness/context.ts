/**
 * The CheckContext a check runs with: its own HTTP client (own transcript), the target, fixtures, and the
 * assertion helpers. Assertions throw CheckFailure / CheckSkipped; the runner turns them into a status.
 */
import { CheckFailure, CheckSkipped, type CheckContext, type Fixtures, type HttpClient, type HttpResponse, type TargetInfo } from './check.ts';
import { ERROR_SCHEMA } from '../scim/errors.ts';
import { SCHEMA_URN } from '../scim/types.ts';
import { jsonEqual } from './json-equal.ts';
import { runWide } from './run-wide.ts';

/** A short, readable picture of a response for `actual` in a failure. */
export function summarizeResponse(res: HttpResponse): { status: number; contentType?: string; body: unknown } {
  const body = res.json !== undefined ? res.json : res.text.length > 500 ? `${res.text.slice(0, 500)}…` : res.text;
  return { status: res.status, ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}), body };
}

/**
 * What a JSON body is, in a few words, for messages where a field was expected and is missing: a failure that says
 * "actual undefined" hides that the target answered a ListResponse, an error or something else entirely.
 */
export function describeBody(json: unknown): string {
  if (json === undefined) return 'no JSON body';
  if (json === null || typeof json !== 'object') return `the JSON value ${JSON.stringify(json).slice(0, 80)}`;
  if (Array.isArray(json)) return `a JSON array of ${json.length} item(s)`;
  const rec = json as Record<string, unknown>;
  const key = (name: string) => Object.keys(rec).find((k) => k.toLowerCase() === name.toLowerCase());
  const schemasKey = key('schemas');
  const schemas = schemasKey ? rec[schemasKey] : undefined;
  const urns = Array.isArray(schemas) ? schemas.filter((s): s is string => typeof s === 'string') : [];
  if (urns.some((s) => s.toLowerCase() === SCHEMA_URN.listResponse.toLowerCase())) {
    const total = rec[key('totalResults') ?? ''];
    const resources = rec[key('Resources') ?? ''];
    return `a ListResponse (totalResults ${JSON.stringify(total)}, ${Array.isArray(resources) ? resources.length : 0} resource(s)) instead of a single resource`;
  }
  if (urns.some((s) => s.toLowerCase() === ERROR_SCHEMA.toLowerCase())) {
    const detail = rec[key('detail') ?? ''];
    return `a SCIM error (status ${JSON.stringify(rec[key('status') ?? ''])}${typeof detail === 'string' ? `: ${detail.slice(0, 120)}` : ''})`;
  }
  const keys = Object.keys(rec);
  return `a JSON object with ${keys.length === 0 ? 'no attributes' : `attributes ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`}${urns.length ? ` (schemas ${urns.join(', ')})` : ''}`;
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
    expectScimError(res, status, scimType, opts) {
      const list = Array.isArray(status) ? status : [status];
      const expected = { status: list.length === 1 ? list[0] : list, schemas: [ERROR_SCHEMA], ...(scimType ? { scimType } : {}) };
      const actual = summarizeResponse(res);
      if (!list.includes(res.status)) fail(`expected a SCIM error with HTTP ${list.join(' or ')}, got ${res.status}`, { expected, actual });
      const body = res.json as Record<string, unknown> | undefined;
      // RFC 7644 §3.12: "implementers MUST return the errors in the body of the response in a JSON format", with the
      // Error message schema URN.
      if (!body || typeof body !== 'object' || !Array.isArray(body.schemas) || !body.schemas.includes(ERROR_SCHEMA)) {
        fail(`HTTP ${res.status} body is not a SCIM error (schemas must contain ${ERROR_SCHEMA}); it is ${describeBody(res.json)}`, { expected, actual });
      }
      // RFC 7644 §3.12: "status" is the HTTP status code expressed as a JSON string. REQUIRED.
      if (body.status !== String(res.status)) {
        fail(`SCIM error "status" must be the string "${res.status}", got ${JSON.stringify(body.status)}`, { expected, actual });
      }
      // RFC 7644 §3.12: scimType is OPTIONAL, so its absence fails only where a MUST sentence names the keyword
      // (e.g. §3.3 uniqueness, §3.4.2.2 invalidFilter); a scimType that names another error is always wrong.
      if (scimType !== undefined && body.scimType === undefined && opts?.scimTypeRequired) {
        fail(`SCIM error carries no scimType; the RFC requires "${scimType}" here`, { expected, actual });
      }
      if (scimType !== undefined && body.scimType !== undefined && body.scimType !== scimType) {
        fail(`SCIM error scimType should be "${scimType}", got ${JSON.stringify(body.scimType)}`, { expected, actual });
      }
      // The media type of error answers is judged once, by the content-type.response.error-* checks (issue 10 #4:
      // one defect, one failing check), not again by every check that provokes an error.
    },
    expectEqual(actual, expected, what) {
      if (!jsonEqual(actual, expected)) fail(`${what}: values differ`, { expected, actual });
    },
    expectTrue(cond, what, detail) {
      if (!cond) fail(what, detail);
    },
  };
}
