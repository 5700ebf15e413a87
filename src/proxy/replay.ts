/**
 * `scimcheck replay FILE --target URL2` (issue 14): plays a recording of `scimcheck proxy --record` against
 * another target and says where the new target answers differently *in kind* from the recorded one: "does my new
 * release still answer Okta's real sync the way the last one did?"
 *
 * The new target issues its own ids and versions: they are learned from its answers (a created resource's id,
 * a list's resources matched by userName / displayName / externalId, a Location, an ETag / meta.version) and
 * substituted into the later requests (path, query, body, If-Match). Kinds compared per exchange: the status
 * class, the error's scimType, attributes the recorded answer had and the new one lacks, group membership
 * (through the id map), and an empty list against a non-empty one. Exact values (timestamps, versions, ids)
 * differ by nature and are never compared.
 */
import type { GradedAnswer, GradedRequest } from '../grading/finding.ts';
import type { ProxiedExchange } from './forward.ts';
import type { RecordedExchange } from './record.ts';
// RFC 7643 §2.1: attribute names are case-insensitive.
import { getMember as member, isPlainObject as isObject } from '../scim/resource-access.ts';

export type DivergenceKind = 'status-class' | 'error-type' | 'missing-attribute' | 'membership' | 'list-size';

export interface Divergence {
  seq: number;
  kind: DivergenceKind;
  /** e.g. 'POST /Users' (the recorded request, before id substitution). */
  request: string;
  recorded: string;
  now: string;
}

export interface ReplayStep {
  seq: number;
  divergences: Divergence[];
  /** The replayed exchange, for grading and transcripts. */
  exchange: ProxiedExchange;
}

export interface ReplayOptions {
  /** The new target's SCIM base URL (no trailing slash). */
  target: string;
  /** The Authorization header to send (a recording holds none). */
  authorization?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  onStep?(step: ReplayStep): void;
}

type Json = Record<string, unknown>;
const lower = (s: string) => s.toLowerCase();

/** Headers a replay never sends as recorded: the connection's own, and what fetch sets itself. */
const NOT_REPLAYED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'via', 'accept-encoding', 'expect']);

/** Parses a recording (JSON lines); a line that is no exchange is an error naming its number. */
export function parseRecording(text: string): RecordedExchange[] {
  const out: RecordedExchange[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1} is not JSON`);
    }
    const r = v as RecordedExchange;
    if (!isObject(v) || !isObject(r.request) || typeof r.request.method !== 'string' || typeof r.request.path !== 'string' || !isObject(r.response)) {
      throw new Error(`line ${i + 1} is not a recorded exchange ({ request: { method, path }, response })`);
    }
    out.push(r);
  });
  return out;
}

/** What a replay learned: recorded id -> new id, recorded version -> new version. */
class Mapping {
  readonly ids = new Map<string, string>();
  readonly versions = new Map<string, string>();

  learnId(recorded: unknown, now: unknown): void {
    if (typeof recorded === 'string' && typeof now === 'string' && recorded !== '' && now !== '' && recorded !== now) this.ids.set(recorded, now);
  }

  learnVersion(recorded: unknown, now: unknown): void {
    if (typeof recorded === 'string' && typeof now === 'string' && recorded !== '' && now !== '' && recorded !== now) this.versions.set(recorded, now);
  }

  /** Every recorded id and version in `text` replaced by the new one (longest first: no id is cut by a shorter one). */
  apply(text: string): string {
    let out = text;
    const pairs = [...this.ids, ...this.versions].sort((a, b) => b[0].length - a[0].length);
    for (const [from, to] of pairs) {
      // Very short ids ("1", "2") would shred unrelated text: those are replaced only as a whole value.
      if (from.length < 4) continue;
      if (out.includes(from)) out = out.split(from).join(to);
    }
    return out;
  }

  /** A whole value (a path segment, a JSON string) mapped, short ids included. */
  whole(value: string): string {
    return this.ids.get(value) ?? this.versions.get(value) ?? this.apply(value);
  }
}

const lastSegment = (url: unknown) => (typeof url === 'string' ? decodeURIComponent(url.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? '') : undefined);

/** The key a list resource is matched by across targets: what the client itself chose. */
function naturalKey(r: Json): string | undefined {
  for (const k of ['userName', 'displayName', 'externalId']) {
    const v = member(r, k);
    if (typeof v === 'string') return `${k}:${lower(v)}`;
  }
  return undefined;
}

function learn(map: Mapping, recorded: RecordedExchange['response'], now: GradedAnswer): void {
  if (!('status' in recorded) || 'error' in recorded) return;
  map.learnVersion(recorded.headers.etag, now.headers.etag);
  map.learnId(lastSegment(recorded.headers.location), lastSegment(now.headers.location));
  const a = recorded.body;
  const b = now.body;
  if (!isObject(a) || !isObject(b)) return;
  map.learnId(member(a, 'id'), member(b, 'id'));
  const metaA = member(a, 'meta');
  const metaB = member(b, 'meta');
  if (isObject(metaA) && isObject(metaB)) map.learnVersion(member(metaA, 'version'), member(metaB, 'version'));
  const listA = member(a, 'Resources');
  const listB = member(b, 'Resources');
  if (Array.isArray(listA) && Array.isArray(listB)) {
    const byKey = new Map<string, Json>();
    for (const r of listB) if (isObject(r) && naturalKey(r)) byKey.set(naturalKey(r) as string, r);
    for (const r of listA) {
      if (!isObject(r)) continue;
      const match = naturalKey(r) ? byKey.get(naturalKey(r) as string) : undefined;
      if (match) map.learnId(member(r, 'id'), member(match, 'id'));
    }
  }
  // A BulkResponse: operations in order, each with its location (RFC 7644 §3.7.3).
  const opsA = member(a, 'Operations');
  const opsB = member(b, 'Operations');
  if (Array.isArray(opsA) && Array.isArray(opsB)) {
    opsA.forEach((op, i) => {
      const other = opsB[i];
      if (isObject(op) && isObject(other)) map.learnId(lastSegment(member(op, 'location')), lastSegment(member(other, 'location')));
    });
  }
}

const statusClass = (s: number) => `${Math.floor(s / 100)}xx`;

/** Where the new answer differs in kind from the recorded one. */
export function compareInKind(seq: number, request: string, recorded: RecordedExchange['response'], now: GradedAnswer, map: Mapping): Divergence[] {
  const out: Divergence[] = [];
  const d = (kind: DivergenceKind, was: string, is: string) => out.push({ seq, kind, request, recorded: was, now: is });
  if ('error' in recorded) return out;
  if (statusClass(recorded.status) !== statusClass(now.status)) {
    d('status-class', `HTTP ${recorded.status}`, `HTTP ${now.status}`);
    return out;
  }
  const a = recorded.body;
  const b = now.body;
  if (recorded.status >= 400) {
    const ta = isObject(a) ? member(a, 'scimType') : undefined;
    const tb = isObject(b) ? member(b, 'scimType') : undefined;
    if ((ta ?? null) !== (tb ?? null)) d('error-type', `HTTP ${recorded.status} scimType ${JSON.stringify(ta ?? null)}`, `HTTP ${now.status} scimType ${JSON.stringify(tb ?? null)}`);
    return out;
  }
  if (!isObject(a)) return out;
  if (!isObject(b)) {
    d('missing-attribute', 'a JSON body', now.rawBody ? 'a body that is no JSON object' : 'no body');
    return out;
  }
  const listA = member(a, 'Resources');
  const totalA = member(a, 'totalResults');
  const totalB = member(b, 'totalResults');
  if (typeof totalA === 'number' || Array.isArray(listA)) {
    if (typeof totalA === 'number' && typeof totalB === 'number' && (totalA === 0) !== (totalB === 0)) d('list-size', `totalResults ${totalA}`, `totalResults ${totalB}`);
    return out;
  }
  const keysB = new Set(Object.keys(b).map(lower));
  const missing = Object.keys(a).filter((k) => !keysB.has(lower(k)));
  if (missing.length > 0) d('missing-attribute', `attributes ${missing.join(', ')}`, 'absent');
  const membersA = member(a, 'members');
  const membersB = member(b, 'members');
  if (Array.isArray(membersA) && Array.isArray(membersB)) {
    const values = (list: unknown[], mapped: boolean) =>
      new Set(list.map((m) => (isObject(m) ? member(m, 'value') : undefined)).filter((v): v is string => typeof v === 'string').map((v) => (mapped ? map.whole(v) : v)));
    const was = values(membersA, true);
    const is = values(membersB, false);
    const lost = [...was].filter((v) => !is.has(v));
    const gained = [...is].filter((v) => !was.has(v));
    if (lost.length + gained.length > 0) d('membership', `${was.size} member(s)`, `${is.size} member(s)${lost.length ? `, missing ${lost.join(', ')}` : ''}${gained.length ? `, extra ${gained.join(', ')}` : ''}`);
  }
  return out;
}

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((v, k) => {
    out[lower(k)] = v;
  });
  return out;
}

export async function replay(recording: readonly RecordedExchange[], opts: ReplayOptions): Promise<{ steps: ReplayStep[]; divergences: Divergence[] }> {
  const send = opts.fetch ?? fetch;
  const map = new Mapping();
  const steps: ReplayStep[] = [];
  const base = opts.target.replace(/\/+$/, '');
  for (const rec of recording) {
    const r = rec.request;
    const path = r.path
      .split('/')
      .map((seg) => (seg === '' ? seg : encodeURIComponent(map.whole(seg))))
      .join('/');
    const query = Object.fromEntries(Object.entries(r.query ?? {}).map(([k, v]) => [k, map.apply(v)]));
    const qs = new URLSearchParams(query).toString();
    const url = `${base}${path}${qs ? `?${qs}` : ''}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) if (!NOT_REPLAYED.has(lower(k))) headers[lower(k)] = map.apply(v);
    if (opts.authorization) headers.authorization = opts.authorization;
    const bodyText = r.body !== undefined ? map.apply(JSON.stringify(r.body)) : r.rawBody !== undefined ? map.apply(r.rawBody) : undefined;
    const request: GradedRequest = { method: r.method, path: decodeURIComponent(path), query, headers };
    if (bodyText !== undefined) {
      request.rawBody = bodyText;
      try {
        request.body = JSON.parse(bodyText);
      } catch {
        // a recorded body that was no JSON is sent as it was
      }
    }
    const started = performance.now();
    const time = new Date().toISOString();
    const described = `${r.method} ${r.path}`;
    let exchange: ProxiedExchange;
    let divergences: Divergence[] = [];
    try {
      const res = await send(url, { method: r.method, headers, ...(bodyText !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { body: bodyText } : {}), redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
      const text = r.method === 'HEAD' ? '' : await res.text();
      const answer: GradedAnswer = { status: res.status, headers: headerRecord(res.headers) };
      if (text !== '') {
        answer.rawBody = text;
        try {
          answer.body = JSON.parse(text);
        } catch {
          // not JSON: compared as such
        }
      }
      divergences = compareInKind(rec.seq, described, rec.response, answer, map);
      learn(map, rec.response, answer);
      exchange = { time, durationMs: Math.round((performance.now() - started) * 10) / 10, url, request, answer, status: res.status };
    } catch (err) {
      const error = `the target could not be reached: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`;
      if (!('error' in rec.response)) divergences = [{ seq: rec.seq, kind: 'status-class', request: described, recorded: `HTTP ${rec.response.status}`, now: error }];
      exchange = { time, durationMs: Math.round((performance.now() - started) * 10) / 10, url, request, error, status: 502 };
    }
    const step: ReplayStep = { seq: rec.seq, divergences, exchange };
    steps.push(step);
    opts.onStep?.(step);
  }
  return { steps, divergences: steps.flatMap((s) => s.divergences) };
}
