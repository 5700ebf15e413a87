/** The embedded reference provider of `scimcheck run`: on its own worker thread, on 127.0.0.1, with a token. */
import { describe, expect, it } from 'vitest';
import { startEmbedded } from '../../src/commands/embedded-provider.ts';
import { UsageError } from '../../src/usage-error.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('startEmbedded', () => {
  it('serves SCIM on loopback with its token only; two live side by side; stop closes the port', { timeout: 60_000 }, async () => {
    const [a, b] = await Promise.all([startEmbedded(), startEmbedded({ faults: ['create-returns-200'] })]);
    try {
      expect(a.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
      expect(a.token).not.toBe(b.token);
      // RFC 7644 §2: no credentials, no service.
      expect((await fetch(`${a.baseUrl}/Users`)).status).toBe(401);
      const post = (e: typeof a) =>
        fetch(`${e.baseUrl}/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: [USER], userName: 'embedded-one' }),
        });
      // Each provider keeps its own state and its own faults.
      expect((await post(a)).status).toBe(201);
      expect((await post(b)).status).toBe(200);
      const list = await fetch(`${b.baseUrl}/Users?filter=${encodeURIComponent('userName eq "embedded-one"')}`, { headers: { authorization: `Bearer ${b.token}` } });
      expect(((await list.json()) as { totalResults: number }).totalResults).toBe(1);
      expect((await post(a)).status).toBe(409);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await expect(fetch(`${a.baseUrl}/ServiceProviderConfig`)).rejects.toThrow();
  });

  it('refuses an unknown fault as bad usage before starting anything', async () => {
    await expect(startEmbedded({ faults: ['no-such-fault'] })).rejects.toBeInstanceOf(UsageError);
  });
});
