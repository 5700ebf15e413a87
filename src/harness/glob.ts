/**
 * `--only` / `--exclude` patterns over check ids: `*` any run of characters, `?` one character, and a
 * pattern without wildcards also matches its dotted children (`users` selects `users.create.returns-201`).
 * Several patterns may be given comma-separated.
 */
export function splitPatterns(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '');
}

export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const hasWildcard = /[*?]/.test(pattern);
  return new RegExp(hasWildcard ? `^${body}$` : `^${body}(\\..*)?$`, 'i');
}

export function matchesAny(id: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(id));
}
