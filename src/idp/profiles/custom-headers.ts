/**
 * Extra request headers an IdP's admin UI lets the admin add (OneLogin's SCIM connector: the "Custom Headers"
 * field), e.g. a tenant or API-version header a gateway in front of the SCIM server wants. Credentials belong in
 * --auth-bearer / --auth-basic, so the client's own headers cannot be set here.
 */
import type { Profile } from './types.ts';

// RFC 7230 §3.2.6: a header name is a token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the HTTP client itself; a custom value would fight it (Authorization comes from --auth-*).
const RESERVED = new Set(['authorization', 'host', 'content-length']);

/** The custom headers as given, or an Error whose message is one line saying why they cannot be sent. */
export function checkCustomHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new Error(`custom header name '${name}' is not a valid HTTP header name`);
    if (RESERVED.has(name.toLowerCase())) throw new Error(`custom header '${name}' is set by scimcheck itself (credentials go in --auth-bearer / --auth-basic)`);
    if (/[\r\n]/.test(value)) throw new Error(`custom header '${name}' has a line break in its value`);
  }
  return { ...headers };
}

/**
 * The profile's headers with the custom ones added; a custom header named like one of the profile's (in any
 * case: HTTP names are case-insensitive, RFC 7230 §3.2) replaces it under the profile's spelling, so no header is
 * ever sent twice.
 */
export function mergeHeaders<T extends Record<string, string | undefined>>(base: T, custom: Record<string, string>): T {
  const out: Record<string, string | undefined> = { ...base };
  for (const [name, value] of Object.entries(checkCustomHeaders(custom))) {
    const same = Object.keys(base).find((k) => k.toLowerCase() === name.toLowerCase());
    out[same ?? name] = value;
  }
  return out as T;
}

/** The profile with the custom headers added, for a profile whose IdP offers them (`Profile.customHeaders`). */
export function withCustomHeaders(profile: Profile, custom: Record<string, string>): Profile {
  if (!profile.customHeaders) throw new Error(`${profile.title} has no custom headers field`);
  return { ...profile, headers: mergeHeaders(profile.headers, custom) };
}

/** `Name: value` as the --header flag takes it (curl's form), or an Error with a one-line reason. */
export function parseHeaderFlag(raw: string): [string, string] {
  const colon = raw.indexOf(':');
  const name = colon > 0 ? raw.slice(0, colon).trim() : '';
  if (!name) throw new Error(`--header must be 'Name: value', got '${raw}'`);
  const value = raw.slice(colon + 1).trim();
  checkCustomHeaders({ [name]: value });
  return [name, value];
}
