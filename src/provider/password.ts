/**
 * RFC 7643 §4.1.1: `password` is writeOnly and returned "never"; RFC 7643 §7 says a cleartext or hashed
 * form may be stored. We keep only a salted scrypt hash, so a leaked snapshot holds no passwords.
 *
 * The cost is an option because this is a test provider: IdP profiles that send a password per user
 * (Okta) and 10k-user load runs hash thousands of passwords, and scrypt's default N=16384 costs
 * 50-130 ms each here. The default N=256 (r=8, p=1) still salts and stretches, at about 1-2 ms.
 * Every hash carries its parameters (`$scrypt$N=256,r=8,p=1$salt$key`), so changing the option never
 * breaks verification of hashes already stored; the older `$scrypt$salt$key` form was made with
 * Node's defaults (N=16384, r=8, p=1) and still verifies.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { UsageError } from '../usage-error.ts';

const PREFIX = '$scrypt$';
const KEY_LEN = 32;

export interface ScryptCost {
  /** CPU/memory cost: a power of two, at least 2. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** The provider default: about 1-2 ms per hash on a loaded 2-CPU machine (docs/provider.md). */
export const DEFAULT_PASSWORD_HASH_COST = 256;
/** What hashes without parameters were made with (Node's scrypt defaults). */
const LEGACY_COST: ScryptCost = { N: 16384, r: 8, p: 1 };

/** The scrypt parameters for a `passwordHashCost` option (scrypt N); bad values are a usage error. */
export function scryptCost(N: number = DEFAULT_PASSWORD_HASH_COST): ScryptCost {
  // scrypt requires N to be a power of two greater than 1 (RFC 7914 §2).
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) {
    throw new UsageError(`passwordHashCost must be a power of two between 2 and 1048576, got ${N}`);
  }
  return { N, r: 8, p: 1 };
}

function scrypt(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // Node refuses parameters needing more than maxmem (32 MiB by default); scrypt needs about 128*N*r bytes.
  const maxmem = Math.max(32 * 1024 * 1024, 256 * cost.N * cost.r);
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEY_LEN, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export function isPasswordHash(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

export async function hashPassword(password: string, cost: ScryptCost = scryptCost()): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, cost);
  return `${PREFIX}N=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** The parameters written in a stored hash; undefined when they are malformed. */
function parseCost(text: string): ScryptCost | undefined {
  const fields = new Map(text.split(',').map((kv) => kv.split('=') as [string, string]));
  const [N, r, p] = ['N', 'r', 'p'].map((k) => Number(fields.get(k)));
  // Bounded like the option, so a doctored snapshot cannot make one verification take minutes.
  if (![N, r, p].every((x) => Number.isInteger(x) && x! > 0 && x! <= 2 ** 20) || (N! & (N! - 1)) !== 0 || N! < 2 || r! * p! > 64) return undefined;
  return { N: N!, r: r!, p: p! };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (!isPasswordHash(stored)) return false;
  const parts = stored.slice(PREFIX.length).split('$');
  // `$scrypt$params$salt$key` now; `$scrypt$salt$key` (Node defaults) from snapshots written before.
  const [costText, saltB64, keyB64] = parts.length === 3 ? parts : [undefined, parts[0], parts[1]];
  const cost = costText === undefined ? LEGACY_COST : parseCost(costText);
  if (!cost || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'), cost);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
