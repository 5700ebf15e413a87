/**
 * Reading a target's answer with a size cap and a time limit that covers the body, for every client that reads
 * one (the conformance client, the IdP scenario client, the load generator, the property suites through the
 * conformance client). Issue 11 #12, #13: a target streaming 1 GB must not exhaust memory, and a target
 * dripping a byte a second must not hold a request past its timeout once the headers have come.
 *
 * Pure of any client: errors are plain classes each caller maps to its own (TransportError, ScimError).
 */

/** The answer a client reads at most (5 MiB): a SCIM list page of 1,000 large resources fits several times. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The target sent more than the cap: it answered, wrongly (the caller's failure, never a harness error). */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`response body exceeds ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/** The status line and headers came, the body broke off (reset, bad encoding) or the signal stopped it. */
export class BodyUnreadable extends Error {
  constructor(override readonly cause: unknown) {
    super(`the response body could not be read: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'BodyUnreadable';
  }
}

/** Collects chunks up to `limit` bytes; `add` throws BodyTooLarge past it (node streams and web streams alike). */
export class CappedBuffer {
  readonly #chunks: Uint8Array[] = [];
  #total = 0;

  constructor(readonly limit: number) {}

  add(chunk: Uint8Array): void {
    this.#total += chunk.byteLength;
    if (this.#total > this.limit) throw new BodyTooLarge(this.limit);
    this.#chunks.push(chunk);
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

/**
 * Reads a web stream body to its end, at most `limit` bytes. `signal` (the request's timeout and the run's
 * stop) also cancels a body in progress, whatever fetch produced the stream: an injected fetch handler's body
 * need not honour the request's signal itself.
 */
export async function readCappedBody(body: ReadableStream<Uint8Array> | null, limit: number, signal?: AbortSignal): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const buffer = new CappedBuffer(limit);
  let stop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = () => reject(new BodyUnreadable(signal?.reason ?? new Error('aborted')));
  });
  stopped.catch(() => undefined);
  if (signal?.aborted) stop?.();
  else signal?.addEventListener('abort', stop!, { once: true });
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([reader.read(), stopped]);
      } catch (err) {
        throw err instanceof BodyUnreadable ? err : new BodyUnreadable(err);
      }
      if (chunk.done) return buffer.text();
      buffer.add(chunk.value);
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    signal?.removeEventListener('abort', stop!);
  }
}
