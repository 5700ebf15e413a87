/**
 * The HTTP edge shared by every endpoint: SCIM JSON responses, SCIM error responses, and reading a
 * request body within the size, depth and media-type limits. Responses are plain answers (scim-request.ts)
 * that the node mount writes directly and `provider.fetch` turns into a WHATWG Response.
 */
import { ScimError, scimError } from '../scim/errors.ts';
import type { HeaderLookup, ScimAnswer, ScimRequest } from './scim-request.ts';

/** RFC 7644 §8.1: SCIM messages travel as application/scim+json (UTF-8, RFC 7644 §3.8). */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** How responses are labelled; faults may swap it (content-type-json, errors-plain-text). */
export interface ResponseStyle {
  contentType: string;
  errorContentType: string;
}

export const STRICT_STYLE: ResponseStyle = { contentType: SCIM_CONTENT_TYPE, errorContentType: SCIM_CONTENT_TYPE };

export function jsonResponse(
  style: ResponseStyle,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ScimAnswer {
  return { status, headers: { 'Content-Type': style.contentType, ...headers }, body: body === undefined ? null : JSON.stringify(body) };
}

/** A response whose JSON body is already text (a remembered render, render-cache.ts). */
export function jsonTextResponse(style: ResponseStyle, status: number, text: string, headers: Record<string, string> = {}): ScimAnswer {
  return { status, headers: { 'Content-Type': style.contentType, ...headers }, body: text };
}

/** A response with no body (204, 304) still says which media type the endpoint speaks. */
export function emptyResponse(style: ResponseStyle, status: number, headers: Record<string, string> = {}): ScimAnswer {
  return { status, headers: { 'Content-Type': style.contentType, ...headers }, body: null };
}

/** RFC 7644 §3.12: errors are a JSON body with the Error schema, `status` as a string, and `scimType` for 400s. */
export function errorResponse(style: ResponseStyle, err: ScimError, headers: Record<string, string> = {}): ScimAnswer {
  const body = err.toBody();
  const text = style.errorContentType.startsWith('text/plain') ? `${body.status} ${body.detail ?? ''}` : JSON.stringify(body);
  return { status: err.status, headers: { 'Content-Type': style.errorContentType, ...headers }, body: text };
}

export interface BodyLimits {
  maxBodyBytes: number;
  maxDepth: number;
}

/**
 * RFC 7644 §3.1 / §3.8: requests carry application/scim+json; application/json is accepted as well (the
 * IANA registration notes older SCIM clients use it) and a missing Content-Type is tolerated, because
 * several IdPs omit it on PATCH. Any other media type on a body is 415 (RFC 7231 §6.5.13).
 */
export function checkBodyMediaType(req: { headers: HeaderLookup }): void {
  const raw = req.headers.get('content-type');
  if (raw === null || raw.trim() === '') return;
  const [typePart, ...params] = raw.split(';');
  const type = typePart!.trim().toLowerCase();
  if (type !== 'application/scim+json' && type !== 'application/json') {
    throw new ScimError(415, `Unsupported Content-Type '${type}': send application/scim+json`);
  }
  // RFC 7644 §3.8: SCIM bodies are UTF-8 (RFC 8259 §8.1 likewise for JSON); US-ASCII is its subset. Any
  // other charset is refused rather than decoded as UTF-8 into something the client did not send.
  for (const param of params) {
    const eq = param.indexOf('=');
    if (param.slice(0, eq < 0 ? undefined : eq).trim().toLowerCase() !== 'charset') continue;
    const charset = (eq < 0 ? '' : param.slice(eq + 1)).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'us-ascii') {
      throw new ScimError(415, `Unsupported charset '${charset}': SCIM bodies are UTF-8 (RFC 7644 §3.8)`);
    }
  }
}

function tooLarge(limits: BodyLimits): ScimError {
  return scimError.payloadTooLarge(`Request body is larger than ${limits.maxBodyBytes} bytes`);
}

/** A Content-Length over the limit is refused before a byte of the body is read. */
export function refuseDeclaredLength(declared: string | null, limits: BodyLimits): void {
  if (declared !== null && Number(declared) > limits.maxBodyBytes) throw tooLarge(limits);
}

/** Counts the bytes of a body as they arrive; past the limit it is 413 (the caller stops reading). */
export class BodyBytes {
  readonly chunks: Uint8Array[] = [];
  size = 0;
  constructor(private readonly limits: BodyLimits) {}
  /** Throws 413 once the body passes the limit. */
  add(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.size > this.limits.maxBodyBytes) throw tooLarge(this.limits);
    this.chunks.push(chunk);
  }
  /** RFC 7644 §3.8: JSON in UTF-8; invalid byte sequences are a syntax error, not silently replaced. */
  text(): string {
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw scimError.invalidSyntax('Request body is not valid UTF-8');
    }
  }
}

/** Reads a WHATWG Request's body as UTF-8 text, refusing more than `maxBodyBytes` (413) before buffering it all. */
export async function readBodyText(req: Request, limits: BodyLimits): Promise<string> {
  refuseDeclaredLength(req.headers.get('content-length'), limits);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const bytes = new BodyBytes(limits);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      bytes.add(value);
    } catch (err) {
      // Not awaited: when the body is one branch of a tee (a wrapper cloned the request), the cancel
      // settles only once the other branch is cancelled too, and the 413 must not wait for that.
      void reader.cancel().catch(() => undefined);
      throw err;
    }
  }
  return bytes.size === 0 ? '' : bytes.text();
}

/** Nesting depth of a JSON text, counted without parsing so hostile input cannot exhaust the stack. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** RFC 7644 §3.12: a body that is not JSON is 400 invalidSyntax; so is one nested deeper than we accept. */
export function parseJsonBody(text: string, limits: BodyLimits): unknown {
  if (text.trim() === '') throw scimError.invalidSyntax('Request body is empty');
  if (jsonDepth(text) > limits.maxDepth) {
    throw scimError.invalidSyntax(`Request body nests deeper than ${limits.maxDepth} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw scimError.invalidSyntax('Request body is not valid JSON');
  }
}

/** Reads, size-checks, media-type-checks and parses a JSON object body. */
export async function readJsonObject(req: ScimRequest | Request, limits: BodyLimits): Promise<Record<string, unknown>> {
  checkBodyMediaType(req);
  const text = 'readBody' in req ? await req.readBody(limits) : await readBodyText(req, limits);
  const value = parseJsonBody(text, limits);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw scimError.invalidSyntax('Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
