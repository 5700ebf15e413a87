import { describe, expect, it } from 'vitest';
import { checkBodyMediaType, jsonDepth, parseJsonBody, readBodyText, readJsonObject } from '../../src/provider/http.ts';
import { ScimError } from '../../src/scim/errors.ts';

const limits = { maxBodyBytes: 100, maxDepth: 4 };
const post = (body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/scim+json' }) =>
  new Request('http://127.0.0.1/x', { method: 'POST', body, headers });

async function statusOf(p: Promise<unknown> | (() => unknown)): Promise<number | 'ok'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (e) {
    return (e as ScimError).status;
  }
}

describe('request bodies', () => {
  it('jsonDepth counts nesting outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[["}')).toBe(1);
  });

  it('RFC 7644 §3.12: malformed JSON and over-deep JSON are 400 invalidSyntax', () => {
    for (const text of ['{', 'nope', '', '[[[[[1]]]]]']) {
      try {
        parseJsonBody(text, limits);
        throw new Error('parsed');
      } catch (e) {
        expect((e as ScimError).status).toBe(400);
        expect((e as ScimError).scimType).toBe('invalidSyntax');
      }
    }
    expect(parseJsonBody('{"a":{"b":1}}', limits)).toEqual({ a: { b: 1 } });
  });

  it('bodies above the limit are 413, by Content-Length or by the bytes read', async () => {
    expect(await statusOf(readBodyText(post('x'.repeat(101)), limits))).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode('x'.repeat(30)));
        c.close();
      },
    });
    const chunked = new Request('http://127.0.0.1/x', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(await statusOf(readBodyText(chunked, limits))).toBe(413);
    expect(await readBodyText(post('{"a":1}'), limits)).toBe('{"a":1}');
  });

  it('an endless body behind a tee (a cloned request) is still 413: refusing never waits on the other branch', async () => {
    const chunk = new Uint8Array(64).fill(0x61);
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(chunk) });
    const original = new Request('http://127.0.0.1/x', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
    const copy = original.clone(); // kept unread, as a logging wrapper would
    expect(await statusOf(readBodyText(original, limits))).toBe(413);
    expect(copy.bodyUsed).toBe(false);
  });

  it('invalid UTF-8 is 400', async () => {
    expect(await statusOf(readBodyText(post(new Uint8Array([0x7b, 0xff, 0x7d])), limits))).toBe(400);
  });

  it('RFC 7644 §3.8: a charset other than UTF-8 (or its subset US-ASCII) is 415, never decoded as UTF-8', async () => {
    const cases: [string, number | 'ok'][] = [
      ['application/scim+json; charset=utf-8', 'ok'],
      ['application/scim+json; charset="UTF-8"', 'ok'],
      ['application/json;charset=us-ascii', 'ok'],
      ['application/scim+json; charset=utf-16', 415],
      ['application/scim+json; charset=UTF-16LE', 415],
      ['application/json; charset=iso-8859-1', 415],
      ['application/json; charset=', 415],
    ];
    for (const [type, expected] of cases) expect([type, await statusOf(() => checkBodyMediaType(post('{}', { 'content-type': type })))]).toEqual([type, expected]);
  });

  it('RFC 7644 §3.1/§3.8: scim+json, json (UTF-8) and a missing type are accepted; others are 415', async () => {
    expect(await statusOf(() => checkBodyMediaType(post('{}', { 'content-type': 'application/scim+json; charset=utf-8' })))).toBe('ok');
    expect(await statusOf(() => checkBodyMediaType(post('{}', { 'content-type': 'Application/JSON' })))).toBe('ok');
    expect(await statusOf(() => checkBodyMediaType(new Request('http://127.0.0.1/x', { method: 'POST' })))).toBe('ok');
    expect(await statusOf(() => checkBodyMediaType(post('{}', { 'content-type': 'text/plain' })))).toBe(415);
    expect(await statusOf(readJsonObject(post('[1]'), limits))).toBe(400);
    expect(await readJsonObject(post('{"a":1}'), limits)).toEqual({ a: 1 });
  });
});
