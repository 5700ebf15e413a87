/**
 * Building names and filter literals for the checks' own resources. Pure functions.
 */

/** RFC 7644 §3.4.2.2: a filter compValue is a JSON string, so `"` and `\` are escaped. */
export function filterString(value: string): string {
  return JSON.stringify(value);
}

/** Flips the case of every letter: `Alice-1` → `aLICE-1` (a case variant with the same letters). */
export function swapCase(s: string): string {
  let out = '';
  for (const ch of s) {
    const up = ch.toUpperCase();
    out += ch === up ? ch.toLowerCase() : up;
  }
  return out;
}

/** The id of a made-up resource that no target holds. */
export function unknownId(): string {
  return `scimcheck-missing-${crypto.randomUUID()}`;
}

/**
 * A variant of a fixture userName: `base-suffix`, or `local-suffix@domain` when the target uses an
 * email as userName (e.g. the Files.com preset), so every variant keeps the target's shape.
 */
export function nameVariant(base: string, suffix: string): string {
  const at = base.lastIndexOf('@');
  if (at > 0) return `${base.slice(0, at)}-${suffix}${base.slice(at)}`;
  return `${base}-${suffix}`;
}

/** The part of a fixture userName every variant starts with: `userName sw` on it selects exactly the variants. */
export function variantPrefix(base: string): string {
  const at = base.lastIndexOf('@');
  return `${at > 0 ? base.slice(0, at) : base}-`;
}

/** A lower-case token safe inside an e-mail local part. */
export function emailToken(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]/g, '').slice(-40);
}
