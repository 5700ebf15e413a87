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

  it('invalid UTF-8 is 400', async () => {
    expect(await statusOf(readBodyText(post(new Uint8Array([0x7b, 0xff, 0x7d])), limits))).toBe(400);
  });

  it('RFC 7644 §3.1/§3.8: scim+json, json (any charset) and a missing type are accepted; others are 415', async () => {
    expect(await statusOf(() => checkBodyMediaType(post('{}', { 'content-type': 'application/scim+json; charset=utf-8' })))).toBe('ok');
    expect(await statusOf(() => checkBodyMediaType(post('{}', { 'content-type': 'Application/JSON' })))).toBe('ok');
    expect(await statusOf(() => checkBodyMediaType(new Request('http://127.0.0.1/x', { method: 'POST' })))).toBe('ok');
    expect(await statusOf(() => checkBodyMediaType(post('{}', { 'content-type': 'text/plain' })))).toBe(415);
    expect(await statusOf(readJsonObject(post('[1]'), limits))).toBe(400);
    expect(await readJsonObject(post('{"a":1}'), limits)).toEqual({ a: 1 });
  });
});
