/**
 * Scrubbing credentials (issue 11 #11) must not rename our own fields: a Basic user named `user` once turned
 * `leftBehind.users` into `[REDACTED]s` and crashed the run (the Files.com e2e case, `--auth-basic user:pass`).
 * Only what the target wrote (expected/actual) has its keys scrubbed.
 */
import { describe, expect, it } from 'vitest';
import { scrubResult, scrubSecrets } from '../../src/harness/redact.ts';
import type { CheckResult } from '../../src/harness/check.ts';

const result: CheckResult = {
  id: 'users.create.returns-201',
  title: 'POST /Users as user answers 201',
  suite: 'conformance',
  area: 'users',
  rfc: 'RFC7644 §3.3',
  level: 'MUST',
  status: 'failed',
  durationMs: 1,
  message: 'the target echoed status for user',
  expected: { status: 201 },
  actual: { userName: 'x', status: 'user' },
  transcript: [],
};

describe('scrubbing keeps our field names', () => {
  it('a secret spelling part of a result field leaves the fields and scrubs values and the target keys', () => {
    const out = scrubResult(result, ['user', 'status']);
    expect(Object.keys(out).sort()).toEqual(Object.keys(result).sort());
    expect(out.status).toBe('failed');
    expect(out.message).not.toMatch(/user|status/);
    // Our own vocabulary is not the target's: ids are what prerequisites look up.
    expect(out.id).toBe(result.id);
    expect(out.title).toBe(result.title);
    expect(JSON.stringify(out.expected)).not.toMatch(/status/);
    expect(JSON.stringify(out.actual)).not.toMatch(/user|status/);
  });

  it('leftBehind keeps users and groups as keys', () => {
    const left = scrubSecrets({ users: ['user-1'], groups: [] }, ['user'], { keys: false });
    expect(Object.keys(left)).toEqual(['users', 'groups']);
    expect(left.users[0]).not.toContain('user');
  });
});
