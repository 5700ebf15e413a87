/**
 * Stored passwords (RFC 7643 §4.1.1 writeOnly, returned "never"; §7 allows a hashed form): a salted scrypt
 * hash that carries its own parameters, so the cost option can change without breaking stored hashes.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_HASH_COST, hashPassword, isPasswordHash, scryptCost, verifyPassword } from '../../src/provider/password.ts';
import { UsageError } from '../../src/usage-error.ts';
import { USER_SCHEMA, client } from './helpers.ts';

describe('password hashes', () => {
  it('carry their scrypt parameters and a fresh salt, and verify only the right password', async () => {
    const a = await hashPassword('hunter2');
    const b = await hashPassword('hunter2');
    expect(isPasswordHash(a)).toBe(true);
    expect(a.startsWith(`$scrypt$N=${DEFAULT_PASSWORD_HASH_COST},r=8,p=1$`)).toBe(true);
    expect(a).not.toBe(b); // salted
    expect(a).not.toContain('hunter2');
    expect(await verifyPassword('hunter2', a)).toBe(true);
    expect(await verifyPassword('hunter3', a)).toBe(false);
  });

  it('verify with the cost they were made with, whatever the current default', async () => {
    const strong = await hashPassword('s3cret', scryptCost(4096));
    expect(strong.startsWith('$scrypt$N=4096,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('s3cret', strong)).toBe(true);
    expect(await verifyPassword('S3cret', strong)).toBe(false);
  });

  it('written before parameters were stored ($scrypt$salt$key, Node defaults N=16384) still verify', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('old-password', salt, 32); // Node's defaults: N=16384, r=8, p=1
    const legacy = `$scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('old-password', legacy)).toBe(true);
    expect(await verifyPassword('other', legacy)).toBe(false);
  });

  it('refuse malformed or absurd stored parameters instead of running them', async () => {
    const good = await hashPassword('x');
    const [, , , salt, key] = good.split('$');
    expect(await verifyPassword('x', `$scrypt$N=1000,r=8,p=1$${salt}$${key}`)).toBe(false); // not a power of two
    expect(await verifyPassword('x', `$scrypt$N=${2 ** 24},r=8,p=1$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword('x', `$scrypt$r=8$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword('x', 'plain text')).toBe(false);
  });

  it('the cost option takes powers of two only', () => {
    expect(scryptCost(1024)).toEqual({ N: 1024, r: 8, p: 1 });
    for (const bad of [0, 1, 1000, 3.5, -2, 2 ** 21]) expect(() => scryptCost(bad)).toThrow(UsageError);
  });

  it('createProvider({ passwordHashCost }) stores hashes of that cost; the default is the cheap one', async () => {
    for (const [options, N] of [[{ passwordHashCost: 2048 }, 2048], [{}, DEFAULT_PASSWORD_HASH_COST]] as const) {
      const c = client(options);
      const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'pw', password: 'Secret-1' });
      expect(r.status).toBe(201);
      expect(r.text).not.toContain('Secret-1');
      const stored = (await c.provider.store.get('User', r.json.id))!.password as string;
      expect(stored.startsWith(`$scrypt$N=${N},r=8,p=1$`)).toBe(true);
      expect(await verifyPassword('Secret-1', stored)).toBe(true);
    }
    expect(() => client({ passwordHashCost: 1000 })).toThrow(UsageError);
  });
});
