/**
 * One property run's connection to the target: an HttpClient that records every exchange (redacted) into
 * the run's transcript, the steps the run took with the model's expectation for each, and the names of
 * what it created so they can be removed afterwards. Property code throws PropertyMismatch to fail.
 */
import type { HttpRequest, HttpResponse, TranscriptEntry } from '../check.ts';
import { createHttpClient, type AuthConfig, type FetchLike, type RecordingHttpClient } from '../http-client.ts';

/** The target answered differently from what the model predicts. */
export class PropertyMismatch extends Error {
  constructor(
    message: string,
    readonly expected?: unknown,
    readonly actual?: unknown,
  ) {
    super(message);
    this.name = 'PropertyMismatch';
  }
}

export interface Step {
  /** The command as a reader sees it, e.g. `createUser(#0 "p-r1-aLiCe")`. */
  command: string;
  /** What the model predicted (status, and the resource when there is one). */
  expected?: unknown;
  /** Index range [from, to) of this step's exchanges in the transcript. */
  from: number;
  to: number;
}

export interface Connection {
  baseUrl: string;
  auth: AuthConfig;
  /** Extra headers (an Authorization value we could not classify travels here, redacted in transcripts). */
  headers?: Record<string, string>;
  fetch?: FetchLike;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Parses the Authorization header value of the run into the http client's auth config. */
export function authFromHeader(authorization: string | undefined): { auth: AuthConfig; headers?: Record<string, string> } {
  if (!authorization) return { auth: { kind: 'none' } };
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (bearer) return { auth: { kind: 'bearer', token: bearer[1]! } };
  const basic = /^Basic\s+(.+)$/i.exec(authorization.trim());
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at > 0) return { auth: { kind: 'basic', user: decoded.slice(0, at), password: decoded.slice(at + 1) } };
  }
  return { auth: { kind: 'none' }, headers: { authorization } };
}

export class Session {
  readonly transcript: TranscriptEntry[] = [];
  readonly steps: Step[] = [];
  readonly created: { kind: 'user' | 'group'; id: string }[] = [];
  /** What this run could not compare, and why (a legal choice of the target); summed into the property's result. */
  readonly caveats = new Set<string>();
  readonly http: RecordingHttpClient;
  /** A client that records nowhere: cleanup must not pollute the counterexample's transcript. */
  readonly quiet: RecordingHttpClient;
  #current: Step | undefined;

  constructor(
    readonly conn: Connection,
    /** Every resource this run creates carries this prefix in userName / displayName. */
    readonly prefix: string,
  ) {
    const opts = { baseUrl: conn.baseUrl, auth: conn.auth, headers: conn.headers, fetch: conn.fetch, timeoutMs: conn.timeoutMs };
    this.http = createHttpClient(opts, this.transcript, conn.signal);
    this.quiet = createHttpClient(opts, [], conn.signal);
  }

  /** Starts a step: the exchanges until the next step belong to it. */
  step(command: string, expected?: unknown): Step {
    this.#close();
    const s: Step = { command, expected, from: this.transcript.length, to: this.transcript.length };
    this.steps.push(s);
    this.#current = s;
    return s;
  }

  /** Sets what the model expects of the current step (known only once the model has been asked). */
  expect(expected: unknown): void {
    if (this.#current) this.#current.expected = expected;
  }

  #close(): void {
    if (this.#current) this.#current.to = this.transcript.length;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.http.send(req);
    } finally {
      this.#close();
    }
  }

  /** Records something the run left uncompared because the target legally chose not to support it. */
  note(caveat: string): void {
    this.caveats.add(caveat);
  }

  track(kind: 'user' | 'group', id: string): void {
    if (!this.created.some((c) => c.kind === kind && c.id === id)) this.created.push({ kind, id });
  }

  /** Deletes what the run created (groups first, so memberships go before their users); errors are ignored. */
  async cleanup(endpoints: { users: string; groups?: string }): Promise<void> {
    const order = [...this.created.filter((c) => c.kind === 'group'), ...this.created.filter((c) => c.kind === 'user')];
    for (const c of order) {
      const base = c.kind === 'user' ? endpoints.users : endpoints.groups;
      if (!base) continue;
      try {
        await this.quiet.send({ method: 'DELETE', path: `${base}/${encodeURIComponent(c.id)}` });
      } catch {
        // A cleanup failure must not hide the property's verdict; leftovers carry the run prefix.
      }
    }
  }
}
