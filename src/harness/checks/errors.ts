/**
 * Error response checks (RFC 7644 §3.12): every error is a JSON body with the Error schema URN, the HTTP
 * status repeated as a string, a valid scimType when one is given, and human-readable detail.
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr } from './support/attributes.ts';
import { unknownId } from './support/names.ts';
import { brief, expectNot5xx, isScimErrorBody, SCIM_TYPES, userPath } from './support/http.ts';
import { table8 } from './support/cites.ts';
import { postUser } from './support/resources.ts';

const CITE_BODY = {
  rfc: 7644 as const,
  section: '3.12',
  quote: 'In addition to returning an HTTP response code, implementers MUST return the errors in the body of the response in a JSON format, using the attributes described below.',
};
const CITE_STATUS = {
  rfc: 7644 as const,
  section: '3.12',
  quote: 'status: The HTTP status code (see Section 6 of [RFC7231]) expressed as a JSON string. REQUIRED.',
};

/** Fails unless the body's status is the HTTP status as a JSON string. */
function expectStatusString(ctx: CheckContext, res: HttpResponse, what: string): void {
  const status = attr(res.json, 'status');
  ctx.expectTrue(status === String(res.status), `${what}: the error body's status should be the string "${res.status}"`, {
    expected: String(res.status),
    actual: status === undefined ? '(absent)' : status,
  });
}

/**
 * Error answers a target gives without writing anything. Only answers that are errors (4xx/5xx) are returned: what
 * status a target gives for an unknown id or endpoint is judged by the 404 checks, not again here.
 */
async function readOnlyErrors(ctx: CheckContext): Promise<HttpResponse[]> {
  const answers = [
    await ctx.http.send({ method: 'GET', path: userPath(ctx, unknownId()) }),
    await ctx.http.send({ method: 'GET', path: '/ScimcheckNoSuchEndpoint' }),
    await ctx.http.send({ method: 'GET', path: ctx.target.endpoints.users, auth: 'none' }),
  ];
  const errors = answers.filter((res) => res.status >= 400);
  if (errors.length === 0) ctx.skip(`none of the requests was answered with an error (HTTP ${answers.map((r) => r.status).join(', ')})`);
  return errors;
}

/** Bad stack-trace-like fragments: file:line frames, exception class names, interpreter tracebacks. */
const STACK_MARKERS: RegExp[] = [
  /\bat [\w$.<>]+ \(.*:\d+:\d+\)/, // node/V8 frame
  /\bat [\w$.]+\([\w$]+\.java:\d+\)/, // JVM frame
  /Traceback \(most recent call last\)/, // Python
  /\b[\w.]+(Exception|Error): .*\n\s+at /, // a class name followed by frames
  /node_modules\//,
  /\.(ts|js|py|java|rb|go|cs):\d+/,
  /System\.[A-Z]\w+Exception/, // .NET
  /\b(NullPointerException|TypeError|ReferenceError|SyntaxError: Unexpected token)\b/,
];

/** One error status, the request that provokes it, how a message names that request, and the check judging its status. */
interface StatusCase {
  status: 404 | 400 | 409 | 401;
  what: string;
  /** The check whose subject is that this request is answered with this status (issue 10 #4: declared prerequisite). */
  statusCheck: string;
  topic?: string;
  requires?: Check['requires'];
  phase?: Check['phase'];
  provoke(ctx: CheckContext): Promise<HttpResponse>;
}

const STATUS_STRING_CASES: StatusCase[] = [
  {
    status: 404,
    what: 'GET of an unknown user',
    statusCheck: 'users.get.unknown-404',
    provoke: (ctx) => ctx.http.send({ method: 'GET', path: userPath(ctx, unknownId()) }),
  },
  {
    status: 400,
    what: 'POST of malformed JSON',
    statusCheck: 'validation.json.malformed',
    requires: ['write'],
    provoke: (ctx) => postUser(ctx, '{"userName": [', { headers: { 'Content-Type': 'application/scim+json' } }),
  },
  {
    status: 409,
    what: 'duplicate POST /Users',
    statusCheck: 'uniqueness.username.duplicate-409',
    requires: ['write'],
    async provoke(ctx) {
      const first = await ctx.fixtures.createUser();
      const res = await postUser(ctx, ctx.fixtures.userBody({ userName: attr(first, 'userName') }));
      // RFC 7644 §3.12: a uniqueness clash is the client's mistake, never a 5xx.
      expectNot5xx(ctx, res, 'duplicate POST /Users');
      return res;
    },
  },
  {
    status: 401,
    what: 'GET /Users without credentials',
    statusCheck: 'auth.missing.status-401',
    topic: 'auth.refusal',
    phase: 'bad-credentials',
    provoke: (ctx) => ctx.http.send({ method: 'GET', path: ctx.target.endpoints.users, auth: 'none' }),
  },
];

/** RFC 7644 §3.12: the error body repeats the HTTP status as a JSON string. */
function statusStringCheck(c: StatusCase): Check {
  return {
    id: `errors.body.status-string-${c.status}`,
    title: `A ${c.status} error body carries status "${c.status}" as a string`,
    area: 'errors',
    cite: CITE_STATUS,
    level: 'MUST',
    needs: [c.statusCheck],
    // Error bodies that are not SCIM JSON fail every error check: one root cause (the 401 one is the refusal's).
    topic: c.topic ?? 'error.json-body',
    ...(c.requires ? { requires: c.requires } : {}),
    ...(c.phase ? { phase: c.phase } : {}),
    async run(ctx) {
      const res = await c.provoke(ctx);
      // Which status the target chose is c.statusCheck's verdict; this check reads the body of a ${c.status} only.
      if (res.status !== c.status) ctx.skip(`the ${c.what} was answered with HTTP ${res.status}, not ${c.status} (see ${c.statusCheck})`);
      expectStatusString(ctx, res, c.what);
    },
  };
}

export const checks: Check[] = [
  {
    id: 'errors.body.error-schema',
    title: 'Error answers carry the Error schema URN in schemas',
    area: 'errors',
    cite: CITE_BODY,
    level: 'MUST',
    topic: 'error.json-body',
    // readOnlyErrors sends one request without credentials: last, since targets may delay refusals.
    phase: 'bad-credentials',
    async run(ctx) {
      for (const res of await readOnlyErrors(ctx)) {
        ctx.expectTrue(isScimErrorBody(res.json), `an HTTP ${res.status} answer should carry a SCIM Error body`, {
          expected: { schemas: [SCHEMA_URN.error] },
          actual: brief(res),
        });
      }
    },
  },
  ...STATUS_STRING_CASES.map(statusStringCheck),
  {
    id: 'errors.body.detail-present',
    title: 'Error bodies carry a human-readable detail',
    area: 'errors',
    cite: { rfc: 7644, section: '3.12', quote: 'detail: A detailed human-readable message. OPTIONAL.' },
    // OPTIONAL: a target without detail is recorded (skipped with a note), never warned.
    level: 'MAY',
    needs: ['errors.body.error-schema'],
    phase: 'bad-credentials',
    async run(ctx) {
      const without = (await readOnlyErrors(ctx)).filter((res) => {
        const detail = attr(res.json, 'detail');
        return typeof detail !== 'string' || detail.trim() === '';
      });
      if (without.length > 0) ctx.skip(`the target's HTTP ${without.map((r) => r.status).join(', ')} error bodies carry no detail (OPTIONAL)`);
    },
  },
  {
    id: 'errors.scimtype.valid-keyword',
    title: 'scimType, when present on a 400, is one of the RFC 7644 Table 9 keywords',
    area: 'errors',
    cite: { rfc: 7644, section: '3.12', quote: 'scimType: A SCIM detail error keyword. See Table 9. OPTIONAL.' },
    // Table 9 lists the keywords "defined" for 400 answers without saying no other may be used: an unknown one warns.
    level: 'MAY',
    requires: ['write'],
    // Bodies a lenient target may store (no userName, active: 42): alone, and cleaned up before the next check.
    phase: 'isolated',
    async run(ctx) {
      const bodies: unknown[] = ['{"userName": ', { schemas: [SCHEMA_URN.user] }, ctx.fixtures.userBody({ active: 42 })];
      let seen = 0;
      for (const body of bodies) {
        const res = typeof body === 'string' ? await postUser(ctx, body, { headers: { 'Content-Type': 'application/scim+json' } }) : await postUser(ctx, body);
        // Whether these bodies are refused with 400 is the validation checks' verdict; only 400 answers are read here.
        if (res.status !== 400) continue;
        const t = attr(res.json, 'scimType');
        if (t === undefined) continue;
        seen++;
        ctx.expectTrue(typeof t === 'string' && SCIM_TYPES.includes(t), 'scimType should be a Table 9 keyword', { expected: SCIM_TYPES, actual: t });
      }
      if (seen === 0) ctx.skip('no 400 answer carried a scimType (it is OPTIONAL)');
    },
  },
  {
    id: 'errors.unknown-endpoint.scim-404',
    title: 'An unknown endpoint answers 404 with a SCIM error body',
    area: 'errors',
    cite: table8(404),
    level: 'SHOULD',
    async run(ctx) {
      ctx.expectScimError(await ctx.http.send({ method: 'GET', path: '/ScimcheckNoSuchEndpoint' }), 404);
    },
  },
  {
    id: 'errors.detail.no-stack-trace',
    title: 'Error details never carry stack traces, source paths or exception names',
    area: 'errors',
    cite: { rfc: 7644, section: '3.12', quote: 'detail: A detailed human-readable message. OPTIONAL.' },
    // No RFC sentence governs what a detail says; leaking internals is worth a warning, never a failure.
    level: 'MAY',
    requires: ['write'],
    // Sends a request without credentials (last, as targets may delay refusals); the odd bodies it also posts
    // cannot disturb that phase's checks, which do not list users.
    phase: 'bad-credentials',
    async run(ctx) {
      const answers: HttpResponse[] = [
        ...(await readOnlyErrors(ctx)),
        await postUser(ctx, '{"userName": {{', { headers: { 'Content-Type': 'application/scim+json' } }),
        await postUser(ctx, ctx.fixtures.userBody({ name: ['x'], emails: 'x', userName: { a: [1] } })),
        await ctx.http.send({ method: 'PUT', path: userPath(ctx, unknownId()), body: '[[[' }),
        await ctx.http.send({ method: 'GET', path: ctx.target.endpoints.users, query: { filter: 'userName eq' } }),
      ];
      for (const res of answers) {
        const leak = STACK_MARKERS.find((re) => re.test(res.text));
        ctx.expectTrue(!leak, `the HTTP ${res.status} answer should not expose internals`, {
          expected: 'a plain human-readable detail',
          actual: res.text.slice(0, 500),
        });
      }
    },
  },
  {
    id: 'errors.me.unsupported-501',
    title: '/Me answers with the authenticated user or 501 Not Implemented',
    area: 'errors',
    cite: {
      rfc: 7644,
      section: '3.11',
      quote: 'A service provider that does NOT support this feature SHOULD respond with HTTP status code 501 (Not Implemented).',
    },
    level: 'SHOULD',
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: '/Me' });
      // RFC 7644 §3.11: supporting /Me means answering the subject (200) or redirecting to it (308).
      ctx.expectTrue([200, 307, 308, 501].includes(res.status), '/Me should be supported or answer 501', {
        expected: [200, 308, 501],
        actual: brief(res),
      });
    },
  },
];
