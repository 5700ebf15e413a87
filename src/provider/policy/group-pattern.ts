/**
 * Group lists of a policy: "Engineering, Sales*, *-admins". Each entry is a displayName where `*` matches
 * any run of characters (none included); matching ignores case and the spaces around an entry.
 */

export type GroupMatcher = (displayName: string) => boolean;

/** The entries of a comma list, trimmed; empty entries ("a,,b", a trailing comma) are dropped. */
export function splitGroupList(list: string | undefined): string[] {
  if (list === undefined) return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function entryRegExp(entry: string): RegExp {
  // Everything but `*` is literal: group names may contain regex characters ("R&D (EU)", "a.b").
  const body = entry
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  // Group displayNames compare ignoring case here, as this provider keeps them unique ignoring case.
  return new RegExp(`^${body}$`, 'is');
}

/** A matcher for a comma list; an absent or empty list matches nothing. */
export function compileGroupList(list: string | undefined): GroupMatcher {
  const patterns = splitGroupList(list).map(entryRegExp);
  if (patterns.length === 0) return () => false;
  return (displayName) => patterns.some((p) => p.test(displayName.trim()));
}
