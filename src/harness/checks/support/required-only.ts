/**
 * Whether the target creates a User carrying only what its own schema marks required (RFC 7643 §7 "required"),
 * learned once per run (ctx.once). A target that insists on an attribute its schema calls optional (often emails)
 * is reported once, by users.create.required-only; checks that would leave a user without such an attribute ask
 * here first and skip, instead of failing for the same reason (issue 10, false-alarm class 3).
 */
import type { CheckContext, HttpResponse } from '../../check.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { brief } from './http.ts';
import { postUser } from './resources.ts';
import { declared, userSchemaView } from './user-schema.ts';

/**
 * A User body with only what the target's schema marks required: userName, any other required core attribute,
 * and the required attributes of required extensions, with the values the fixtures give them.
 */
export function requiredOnlyBody(ctx: CheckContext): { body: Record<string, unknown>; sent: string[] } {
  const view = userSchemaView(ctx.target);
  const full = ctx.fixtures.userBody() as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  const sent: string[] = [];
  for (const [k, v] of Object.entries(full)) {
    if (k.toLowerCase() === 'schemas') continue;
    const ext = view.extensions.find((e) => e.schema.id.toLowerCase() === k.toLowerCase());
    if (ext) {
      if (!ext.required || typeof v !== 'object' || v === null) continue;
      const inner = Object.fromEntries(Object.entries(v).filter(([ik]) => declared(ctx, `${ext.schema.id}:${ik}`)?.required));
      body[k] = inner;
      sent.push(...Object.keys(inner).map((ik) => `${ext.schema.id}:${ik}`));
      continue;
    }
    // userName is REQUIRED whatever the schema says (RFC 7643 §4.1.1).
    if (k.toLowerCase() === 'username' || declared(ctx, k)?.required) {
      body[k] = v;
      sent.push(k);
    }
  }
  const listed = Array.isArray(full.schemas) ? (full.schemas as string[]) : [SCHEMA_URN.user];
  const schemas = listed.filter((s) => !view.extensions.some((e) => e.schema.id.toLowerCase() === s.toLowerCase()) || s in body);
  return { body: { schemas, ...body }, sent };
}

export interface RequiredOnlyOutcome {
  accepted: boolean;
  /** The attributes the minimal user carried. */
  sent: string[];
  /** The answer, when refused. */
  answer?: { status: number; body: string };
}

/** POSTs the minimal user once per run (in the first caller's transcript); what came back. */
export function requiredOnlyUser(ctx: CheckContext): Promise<RequiredOnlyOutcome> {
  return ctx.once('support.required-only-user', async () => {
    const { body, sent } = requiredOnlyBody(ctx);
    const res: HttpResponse = await postUser(ctx, body);
    return res.status === 201 ? { accepted: true, sent } : { accepted: false, sent, answer: brief(res) };
  });
}

/** The reason to skip a check that would leave a user with only its required attributes, when the target refuses that. */
export async function refusesMinimalUsers(ctx: CheckContext): Promise<string | undefined> {
  const o = await requiredOnlyUser(ctx);
  if (o.accepted) return undefined;
  return `the target refuses a user carrying only what its schema marks required (${o.sent.join(', ')}; HTTP ${o.answer?.status}), reported by users.create.required-only`;
}
