/**
 * The selectable profiles by name (`--profile okta|okta-aiw|entra|entra-2020|onelogin|pingfederate`), or a profile
 * file (`--profile ./acme-idp.yaml`: a value holding '/' or ending .yaml/.yml/.json; src/idp/profiles/file/).
 */
import { entra, entra2020 } from './entra.ts';
import { isProfileFile, loadProfileFile } from './file/load.ts';
import { okta, oktaAiw } from './okta.ts';
import { onelogin } from './onelogin.ts';
import { pingfederate } from './pingfederate.ts';
import type { Profile } from './types.ts';

export const PROFILES: Readonly<Record<string, Profile>> = Object.freeze({
  okta,
  'okta-aiw': oktaAiw,
  entra,
  'entra-2020': entra2020,
  onelogin,
  pingfederate,
});

export const PROFILE_NAMES = Object.keys(PROFILES);

/**
 * A built-in profile by name, or the profile a file describes (read and validated at each call: a bad file throws
 * a UsageError, one line per problem, exit 2). Undefined for an unknown name.
 */
export function getProfile(name: string): Profile | undefined {
  if (Object.hasOwn(PROFILES, name)) return PROFILES[name];
  return isProfileFile(name) ? loadProfileFile(name) : undefined;
}
