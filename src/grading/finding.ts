/**
 * What grading one HTTP exchange yields, shared by `serve --grade-clients` (client side only) and
 * `scimcheck proxy` (both sides). Lives outside the provider and the harness so both rooms may import it
 * (the provider never imports the harness).
 */

/** One exchange as seen on the wire: the request a client sent and, when there is one, the answer. */
export interface GradedRequest {
  method: string;
  /** Path relative to the SCIM base URL, e.g. '/Users/2819c223' (already percent-decoded per segment). */
  path: string;
  query: Record<string, string>;
  /** Header names lower-cased. Credentials are the caller's to redact before anything is stored. */
  headers: Record<string, string>;
  /** The raw body text, when there was one. */
  rawBody?: string;
  /** The parsed JSON body; undefined when absent or not JSON. */
  body?: unknown;
  /**
   * A body was sent but never read (the server refused the request first: 401, 413, 415): headers are graded,
   * the body's rules are not (grading it as absent would invent findings).
   */
  bodyUnread?: boolean;
}

export interface GradedAnswer {
  status: number;
  headers: Record<string, string>;
  rawBody?: string;
  body?: unknown;
}

export interface Finding {
  /** Stable id, e.g. 'client.patch.op-name' or 'server.location-matches-meta'. */
  id: string;
  side: 'client' | 'server';
  /** The RFC keyword the verdict rests on: MUST fails, SHOULD warns, MAY and INFO never fail. */
  level: 'MUST' | 'SHOULD' | 'MAY' | 'INFO';
  /** e.g. 'RFC 7644 §3.5.2'. */
  rfc: string;
  /** The sentence quoted from the RFC. */
  quote: string;
  message: string;
}
