/**
 * RFC 7643 §4.1.1: `password` is writeOnly and returned "never"; RFC 7643 §7 says a cleartext or hashed
 * form may be stored. We keep only a salted scrypt hash, so a leaked snapshot holds no passwords.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

const PREFIX = '$scrypt$';
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEY_LEN, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export function isPasswordHash(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt);
  return `${PREFIX}${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (!isPasswordHash(stored)) return false;
  const [saltB64, keyB64] = stored.slice(PREFIX.length).split('$');
  if (!saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
