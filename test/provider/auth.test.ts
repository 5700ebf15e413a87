import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/provider/auth.ts';
import { ScimError } from '../../src/scim/errors.ts';

const req = (authorization?: string) =>
  new Request('http://127.0.0.1/scim/v2/Users', { headers: authorization ? { authorization } : {} });

function status(fn: () => void): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as ScimError).status;
  }
}

describe('authenticator (RFC 7644 §2)', () => {
  const auth = createAuthenticator({
    tokens: [{ token: 'good' }, { token: 'old', expiresAt: new Date('2020-01-01T00:00:00Z') }, { token: '' }],
    basic: [{ user: 'admin', password: 's3cret:x' }],
  });

  it('accepts a configured bearer token, with any scheme case', () => {
    expect(status(() => auth.check(req('Bearer good')))).toBe('ok');
    expect(status(() => auth.check(req('bearer good')))).toBe('ok');
  });

  it('refuses missing, wrong, empty and expired tokens with 401', () => {
    expect(status(() => auth.check(req()))).toBe(401);
    expect(status(() => auth.check(req('Bearer bad')))).toBe(401);
    expect(status(() => auth.check(req('Bearer ')))).toBe(401);
    expect(status(() => auth.check(req('Bearer')))).toBe(401);
    expect(status(() => auth.check(req('Bearer old')))).toBe(401);
    expect(status(() => auth.check(req('Bearer old'), new Date('2019-01-01T00:00:00Z')))).toBe('ok');
  });

  it('accepts Basic credentials (password may contain a colon) and refuses wrong ones', () => {
    const b = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(status(() => auth.check(req(b('admin:s3cret:x'))))).toBe('ok');
    expect(status(() => auth.check(req(b('admin:wrong'))))).toBe(401);
    expect(status(() => auth.check(req(b('admin'))))).toBe(401);
    expect(status(() => auth.check(req('Basic !!!notbase64')))).toBe(401);
    expect(status(() => auth.check(req('Digest x')))).toBe(401);
  });

  it('RFC 7235 §4.1: the challenge names both configured schemes', () => {
    expect(auth.challenge()).toMatch(/^Bearer realm="[^"]+", Basic realm=/);
  });

  it('with no credentials configured nothing authenticates', () => {
    const none = createAuthenticator({});
    expect(status(() => none.check(req('Bearer ')))).toBe(401);
    expect(status(() => none.check(req('Bearer anything')))).toBe(401);
    expect(none.challenge()).toMatch(/^Bearer realm=/);
  });
});
