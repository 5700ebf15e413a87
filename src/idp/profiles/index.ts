/** The selectable profiles by name (`--profile okta|okta-aiw|entra|entra-2020|onelogin|pingfederate`). */
import { entra, entra2020 } from './entra.ts';
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

export function getProfile(name: string): Profile | undefined {
  return PROFILES[name];
}
