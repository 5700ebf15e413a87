/** Builds an engine for one profile over a fake target, with no real waiting on retries. */
import type { DirGroup, DirUser } from '../../src/idp/directory.ts';
import { SyncEngine } from '../../src/idp/engine.ts';
import { IdpHttp } from '../../src/idp/http.ts';
import type { Profile } from '../../src/idp/profiles/types.ts';
import { fakeTarget } from './fake-target.ts';

export const BASE = 'http://localhost/scim/v2';

export function setup(profile: Profile, deprovision: 'delete' | 'disable' = 'delete') {
  const target = fakeTarget();
  const sleeps: number[] = [];
  const http = new IdpHttp({
    baseUrl: BASE,
    authorization: 'Bearer secret-token',
    fetch: target.fetch,
    timeoutMs: 5000,
    headers: { ...profile.headers },
    retry: profile.retry,
    sleep: async (ms) => void sleeps.push(ms),
  });
  const engine = new SyncEngine({ profile, http, baseUrl: BASE, deprovision });
  return { target, http, engine, sleeps };
}

export function person(key: string, extra: Partial<DirUser> = {}): DirUser {
  return {
    key,
    idpId: `idp-${key}`,
    userName: `${key}@example.test`,
    givenName: key[0].toUpperCase() + key.slice(1),
    familyName: 'Tester',
    displayName: `${key} Tester`,
    email: `${key}@example.test`,
    active: true,
    ...extra,
  };
}

export function group(key: string, members: string[]): DirGroup {
  return { key, idpId: `idp-g-${key}`, displayName: `group ${key}`, members };
}

export const last = <T>(xs: T[]): T => xs[xs.length - 1];
