/** Root causes: a table of result sets -> the groups a report shows (issue 10 #4). */
import { describe, expect, it } from 'vitest';
import type { CheckResult, RootCause, Status } from '../../src/harness/check.ts';
import { findRootCauses, likelyFault, normaliseMessage, plausibleFaults, rootCauseHeadline, type FaultSignature } from '../../src/harness/root-causes.ts';
import { FAULT_CATCHES, faultSignatures } from '../../src/harness/self-test.ts';

function r(id: string, status: Status, message?: string, over: Partial<CheckResult> = {}): CheckResult {
  return { id, title: id, suite: 'conformance', area: id.split('.')[0]!, rfc: 'RFC7644 §3.3', level: 'MUST', status, durationMs: 1, transcript: [], ...(message ? { message } : {}), ...over };
}

/** A result whose last request was `method url`. */
function sent(method: string, url: string): Partial<CheckResult> {
  return { transcript: [{ request: { method, url, headers: {} }, response: { status: 200, headers: {} } }] };
}

const CREATE_200 = 'precondition: could not create a user: POST /Users returned 200';
const PLAIN_401 = 'HTTP 401 body is not a SCIM error (schemas must contain urn:ietf:params:scim:api:messages:2.0:Error)';

interface Case {
  name: string;
  results: CheckResult[];
  /** Check order and topics; results order when absent. */
  checks?: { id: string; topic?: string }[];
  expected: RootCause[];
}

const CASES: Case[] = [
  {
    name: 'passing, warned and plainly skipped results belong to no root cause',
    results: [r('a.one', 'passed'), r('a.two', 'warned', 'should'), r('a.three', 'skipped', 'target does not advertise sort')],
    expected: [],
  },
  {
    name: 'unrelated failures are each their own root',
    results: [r('a.one', 'failed', 'nickName was not stored'), r('a.two', 'errored', 'TypeError: x is undefined')],
    expected: [
      { id: 'a.one', checks: ['a.one'] },
      { id: 'a.two', checks: ['a.two'] },
    ],
  },
  {
    name: '(a) a shared topic groups under the first in check order, not report order',
    checks: [{ id: 'groups.user.readonly', topic: 'user.groups-readonly' }, { id: 'patch.x' }, { id: 'security.groups.readonly', topic: 'user.groups-readonly' }],
    results: [r('security.groups.readonly', 'failed', 'groups changed through PATCH'), r('patch.x', 'failed', 'other'), r('groups.user.readonly', 'failed', 'User.groups was written')],
    expected: [
      { id: 'groups.user.readonly', checks: ['groups.user.readonly', 'security.groups.readonly'] },
      { id: 'patch.x', checks: ['patch.x'] },
    ],
  },
  {
    name: '(b) precondition failures group under the failed create check, even when it comes later in check order',
    checks: [{ id: 'auth.wrong-token.delete-user' }, { id: 'users.create.returns-201' }, { id: 'patch.add.x' }],
    results: [
      r('auth.wrong-token.delete-user', 'failed', CREATE_200),
      r('users.create.returns-201', 'failed', 'POST /Users: expected HTTP 201, got 200'),
      r('patch.add.x', 'failed', 'precondition: could not create a user: POST /Users returned 400'),
    ],
    expected: [{ id: 'users.create.returns-201', checks: ['users.create.returns-201', 'auth.wrong-token.delete-user', 'patch.add.x'] }],
  },
  {
    name: '(b) without a failed create check, precondition failures stay apart from other failures (same message: one wire fact)',
    results: [r('users.create.returns-201', 'passed'), r('patch.a', 'failed', CREATE_200), r('patch.b', 'failed', CREATE_200), r('patch.c', 'failed', 'op ignored')],
    expected: [
      { id: 'patch.a', checks: ['patch.a', 'patch.b'] },
      { id: 'patch.c', checks: ['patch.c'] },
    ],
  },
  {
    name: '(b) every precondition wording about creating a user joins the failed create check; other preconditions do not',
    results: [
      r('users.create.returns-201', 'failed', 'POST /Users: expected HTTP 201, got 500'),
      r('users.create.location-names-id', 'failed', 'precondition: POST /Users should answer 201'),
      r('filter.value.literal-dot', 'failed', 'precondition: could not create the user a.b@example.com'),
      r('search.x', 'failed', 'precondition: POST /Users/.search should answer 200'),
      r('groups.y', 'failed', 'precondition: the target has no user endpoint'),
    ],
    expected: [
      { id: 'users.create.returns-201', checks: ['users.create.returns-201', 'users.create.location-names-id', 'filter.value.literal-dot'] },
      { id: 'search.x', checks: ['search.x'] },
      { id: 'groups.y', checks: ['groups.y'] },
    ],
  },
  {
    name: '(a) a check that failed on its precondition takes no part in its topic (no chain from the create failure to the topic)',
    checks: [{ id: 'auth.missing.list-users', topic: 'auth.refusal' }, { id: 'auth.wrong-token.delete-user', topic: 'auth.refusal' }, { id: 'users.create.returns-201' }],
    results: [
      r('auth.missing.list-users', 'failed', PLAIN_401),
      r('auth.wrong-token.delete-user', 'failed', CREATE_200),
      r('users.create.returns-201', 'failed', 'POST /Users: expected HTTP 201, got 200'),
    ],
    expected: [
      { id: 'auth.missing.list-users', checks: ['auth.missing.list-users'] },
      { id: 'users.create.returns-201', checks: ['users.create.returns-201', 'auth.wrong-token.delete-user'] },
    ],
  },
  {
    name: '(b) group fixtures join the first failed groups.create check',
    results: [
      r('groups.create.empty', 'passed'),
      r('groups.create.with-members', 'failed', 'POST a Group with members: expected HTTP 201, got 500'),
      r('filter.groups.display-name', 'failed', 'precondition: could not create a group: POST /Groups returned 500'),
    ],
    expected: [{ id: 'groups.create.with-members', checks: ['groups.create.with-members', 'filter.groups.display-name'] }],
  },
  {
    name: '(c) the same wire fact with different statuses, ids and names is one cause',
    results: [
      r('auth.missing.list-users', 'failed', PLAIN_401),
      r('validation.required.username-missing', 'failed', PLAIN_401.replace('401', '400')),
      r('users.get.unknown-404', 'failed', 'HTTP 404 body is not a SCIM error (schemas must contain urn:ietf:params:scim:api:messages:2.0:Error)'),
      r('filter.eq.a', 'failed', 'filter userName eq "scimcheck-000001-u-3f9a" matched 0 users, expected 1'),
      r('filter.eq.b', 'failed', 'filter userName eq "scimcheck-000001-u-77aa" matched 0 users, expected 1'),
    ],
    expected: [
      { id: 'auth.missing.list-users', checks: ['auth.missing.list-users', 'validation.required.username-missing', 'users.get.unknown-404'] },
      { id: 'filter.eq.a', checks: ['filter.eq.a', 'filter.eq.b'] },
    ],
  },
  {
    name: '(c) a generic status message is one wire fact only for the same request shape',
    results: [
      r('filter.invalid.syntax', 'failed', 'expected a SCIM error with HTTP 400, got 200', sent('GET', 'http://t/scim/v2/Users?filter=x')),
      r('filter.invalid.operator', 'failed', 'expected a SCIM error with HTTP 400, got 200', sent('GET', 'http://t/scim/v2/Users?filter=y')),
      r('patch.invalid.op', 'failed', 'expected a SCIM error with HTTP 400, got 200', sent('PATCH', 'http://t/scim/v2/Users/2819c223-7f76-453a')),
      r('patch.invalid.path', 'failed', 'expected a SCIM error with HTTP 400, got 200', sent('PATCH', 'http://t/scim/v2/Users/4f1a-99')),
    ],
    expected: [
      { id: 'filter.invalid.syntax', checks: ['filter.invalid.syntax', 'filter.invalid.operator'] },
      { id: 'patch.invalid.op', checks: ['patch.invalid.op', 'patch.invalid.path'] },
    ],
  },
  {
    name: '(c) a failed and an errored result with the same text are not one fact',
    results: [r('a.one', 'failed', 'timed out'), r('a.two', 'errored', 'timed out')],
    expected: [
      { id: 'a.one', checks: ['a.one'] },
      { id: 'a.two', checks: ['a.two'] },
    ],
  },
  {
    name: 'relations chain: topic + wire fact make one group',
    checks: [{ id: 'errors.a', topic: 'error.json-body' }, { id: 'content-type.b', topic: 'error.json-body' }, { id: 'auth.c' }],
    results: [r('errors.a', 'failed', 'x'), r('content-type.b', 'failed', PLAIN_401), r('auth.c', 'failed', PLAIN_401)],
    expected: [{ id: 'errors.a', checks: ['errors.a', 'content-type.b', 'auth.c'] }],
  },
  {
    name: 'blocked results are listed under their prerequisite\'s root (through blocked chains), not counted',
    results: [
      r('users.create.returns-201', 'failed', 'POST /Users: expected HTTP 201, got 500'),
      r('users.create.location-header', 'failed', 'POST /Users: expected HTTP 201, got 500'),
      r('users.delete.then-get-404', 'skipped', 'blocked by users.create.location-header', { blockedBy: 'users.create.location-header' }),
      r('users.delete.twice-404', 'skipped', 'blocked by users.delete.then-get-404', { blockedBy: 'users.delete.then-get-404' }),
      r('orphan', 'skipped', 'blocked by gone', { blockedBy: 'gone' }),
    ],
    expected: [
      {
        id: 'users.create.returns-201',
        checks: ['users.create.returns-201', 'users.create.location-header'],
        blocked: ['users.delete.then-get-404', 'users.delete.twice-404'],
      },
    ],
  },
  {
    name: 'scenario and property results (unknown to the check list) follow the checks, in report order',
    checks: [{ id: 'users.b' }],
    results: [r('scenario.okta.x', 'failed', 'step 2: user missing'), r('users.b', 'failed', 'other'), r('property.users-model', 'failed', 'model differs')],
    expected: [
      { id: 'users.b', checks: ['users.b'] },
      { id: 'scenario.okta.x', checks: ['scenario.okta.x'] },
      { id: 'property.users-model', checks: ['property.users-model'] },
    ],
  },
];

describe('findRootCauses', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const causes = findRootCauses(c.results, c.checks ? { checks: c.checks } : {});
      expect(causes).toEqual(c.expected);
      // Every failed or errored result is in exactly one root cause.
      const grouped = causes.flatMap((x) => x.checks);
      expect(grouped.sort()).toEqual(c.results.filter((x) => x.status === 'failed' || x.status === 'errored').map((x) => x.id).sort());
    });
  }

  it('a large run: 149 precondition failures and 29 plain-text errors are 2 root causes', () => {
    const results = [
      r('users.create.returns-201', 'failed', 'POST /Users: expected HTTP 201, got 200'),
      ...Array.from({ length: 149 }, (_, i) => r(`dep.${i}`, 'failed', CREATE_200)),
      ...Array.from({ length: 29 }, (_, i) => r(`err.${i}`, 'failed', PLAIN_401.replace('401', String(400 + (i % 14))))),
    ];
    const causes = findRootCauses(results);
    expect(causes.map((c) => [c.id, c.checks.length])).toEqual([
      ['users.create.returns-201', 150],
      ['err.0', 29],
    ]);
    expect(rootCauseHeadline(causes)).toBe('179 failing checks, 2 root causes');
  });
});

describe('normaliseMessage', () => {
  it.each([
    ['HTTP 401 body is plain text', 'HTTP # body is plain text'],
    ['user 2819c223-7f76-453a-919d-413861904646 missing', 'user # missing'],
    ['userName "scimcheck-42-u-3f9a" and bob@example.com', 'userName "#" and bob@example.com'],
    ['first line\nsecond 12', 'first line'],
  ])('%j -> %j', (input, out) => expect(normaliseMessage(input)).toBe(out));
});

describe('likely cause', () => {
  const faults: FaultSignature[] = [
    { name: 'errors-plain-text', description: 'errors are text/plain', checks: ['errors.a', 'errors.b', 'discovery.x', 'content-type.e'] },
    { name: 'content-type-json', description: 'answers application/json', checks: ['content-type.e', 'content-type.f'] },
    { name: 'filter-case-sensitive', description: 'case-sensitive filters', checks: ['filter.eq.ci'] },
    { name: 'username-case-sensitive', description: 'case-sensitive userName', checks: ['uniqueness.ci', 'filter.eq.ci'] },
    { name: 'twin-a', description: 'a', checks: ['twin.x', 'other.a'] },
    { name: 'twin-b', description: 'b', checks: ['twin.x', 'other.b'] },
  ];
  it.each([
    ['the fault holding most of the group, at least two', ['content-type.e', 'errors.a', 'auth.q'], 'errors-plain-text'],
    ['the only check of a one-check group', ['errors.b'], 'errors-plain-text'],
    ['half is not most, even with the root', ['errors.a', 'errors.b', 'auth.q', 'auth.r'], undefined],
    ['one check of a larger group is no evidence, even the root', ['errors.b', 'other.z'], undefined],
    ['a check two faults break, nothing else to tell them apart: none', ['twin.x'], undefined],
    ['a one-check group in two signatures: none', ['filter.eq.ci'], undefined],
    ['the same check, and the group holds one fault\'s other check too', ['twin.x', 'other.b'], 'twin-b'],
    ['no overlap names none', ['x.y'], undefined],
    ['no evidence names none', [], undefined],
  ])('%s', (_name, checks, fault) => expect(likelyFault(checks, faults)?.name).toBe(fault));

  it('root causes carry "<fault>: <description>" from the signatures the caller hands in', () => {
    const causes = findRootCauses(
      [r('errors.a', 'failed', PLAIN_401), r('errors.b', 'failed', PLAIN_401), r('x.y', 'failed', 'unrelated'), r('d.1', 'failed', CREATE_200), r('d.2', 'failed', CREATE_200)],
      { faults },
    );
    expect(causes).toEqual([
      { id: 'errors.a', checks: ['errors.a', 'errors.b'], likely: 'errors-plain-text: errors are text/plain' },
      { id: 'x.y', checks: ['x.y'] },
      { id: 'd.1', checks: ['d.1', 'd.2'] },
    ]);
  });

  it('only a fault whose signature mostly broke in this run is named: one failing check of a passing signature is not that fault', () => {
    const conflict: FaultSignature = { name: 'conflict-as-500', description: 'c', checks: ['uniq.a', 'uniq.b', 'uniq.c', 'uniq.patch-rename'] };
    const ignored: FaultSignature = { name: 'patch-ignored', description: 'p', checks: ['patch.a', 'patch.b'] };
    const results = [
      r('uniq.a', 'passed'),
      r('uniq.b', 'passed'),
      r('uniq.c', 'skipped', 'target does not advertise patch'),
      r('uniq.patch-rename', 'failed', 'PATCH rename: expected HTTP 409, got 200'),
      r('patch.a', 'failed', 'nickName after add: values differ'),
      r('patch.b', 'skipped', 'blocked by patch.a', { blockedBy: 'patch.a' }),
    ];
    // conflict-as-500: 1 of the 3 that ran broke (a capability skip does not count); patch-ignored: both broke (blocked counts).
    expect(plausibleFaults(results, [conflict, ignored]).map((f) => f.name)).toEqual(['patch-ignored']);
    expect(findRootCauses(results, { faults: [conflict, ignored] })).toEqual([
      { id: 'uniq.patch-rename', checks: ['uniq.patch-rename'] },
      { id: 'patch.a', checks: ['patch.a'], likely: 'patch-ignored: p', blocked: ['patch.b'] },
    ]);
  });

  it('precondition failures are no evidence: a signature listing them does not name their group', () => {
    const causes = findRootCauses([r('d.1', 'failed', CREATE_200), r('d.2', 'failed', CREATE_200)], { faults: [{ name: 'big', description: 'b', checks: ['d.1', 'd.2'] }] });
    expect(causes).toEqual([{ id: 'd.1', checks: ['d.1', 'd.2'] }]);
  });

  it('faultSignatures turns FAULT_CATCHES into signatures, with the caller\'s descriptions', () => {
    const sigs = faultSignatures({ 'put-merges': 'PUT merges instead of replacing' });
    expect(sigs.map((s) => s.name)).toEqual(Object.keys(FAULT_CATCHES));
    expect(sigs.find((s) => s.name === 'put-merges')).toEqual({ name: 'put-merges', description: 'PUT merges instead of replacing', checks: ['users.put.replaces-omitted-attribute'] });
    expect(sigs.find((s) => s.name === 'location-missing')?.description).toBe('location-missing');
  });
});
