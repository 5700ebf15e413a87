/**
 * Scoping that depends only on what a check tests (issue 10, false-alarm class 1): the once-per-run probe of
 * filter features, the scope chosen for each combination of supported features, and whole check areas run
 * against targets that legally support only some features (zero failures) or get one operator wrong (caught once).
 */
import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/harness/check.ts';
import {
  FILTER_FEATURES,
  filterFeatures,
  learnFilterSupport,
  type FeatureSupport,
  type FilterFeature,
  type FilterSupport,
} from '../../src/harness/checks/support/filter-support.ts';
import { chooseClauseScope } from '../../src/harness/checks/support/scoping.ts';
import { allChecks } from '../../src/harness/checks/index.ts';
import type { CheckResult } from '../../src/scim/results.ts';
import { runAgainstShape, type TargetShape } from './scoping-target.ts';

/** The areas whose checks scope their queries; the whole check set runs (prerequisites must be in it). */
const SCOPED_AREAS = new Set(['filter', 'paging', 'sort', 'search', 'projection']);
const ALL: Check[] = allChecks().filter((c) => c.phase !== 'bad-credentials');

async function scopedResults(shape: TargetShape): Promise<Record<string, CheckResult>> {
  const all = await runAgainstShape(ALL, shape);
  return Object.fromEntries(Object.entries(all).filter(([, r]) => SCOPED_AREAS.has(r.area ?? '')));
}

function supportOf(supported: readonly FilterFeature[]): FilterSupport {
  const features = Object.fromEntries(
    FILTER_FEATURES.map((f): [FilterFeature, FeatureSupport] => [
      f,
      supported.includes(f) ? { state: 'supported' } : { state: 'refused', filter: `x ${f} y`, status: 400, scimType: 'invalidFilter' },
    ]),
  ) as Record<FilterFeature, FeatureSupport>;
  return { features };
}

/** Runs a one-check run whose check only reads the probe, and returns what it learned. */
async function probe(shape: TargetShape): Promise<FilterSupport> {
  let learned: FilterSupport | undefined;
  const reader: Check = {
    id: 'filter.test.read-probe',
    title: 'reads the probe',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'test' },
    level: 'MUST',
    async run(ctx) {
      learned = await learnFilterSupport(ctx);
    },
  };
  const results = await runAgainstShape([reader], shape);
  expect(results['filter.test.read-probe']?.status).toBe('passed');
  return learned!;
}

const states = (s: FilterSupport) => Object.fromEntries(FILTER_FEATURES.map((f) => [f, s.features[f].state]));

describe('filterFeatures', () => {
  it.each([
    ['userName eq "a"', ['eq']],
    ['userName sw "a" and (title co "b" or title ew "c")', ['sw', 'and', 'parentheses', 'co', 'or', 'ew']],
    ['not (userType eq "x")', ['not', 'eq']],
    ['emails[type eq "work" and value co "@x"]', ['value-path', 'and', 'eq', 'co']],
    ['title pr', ['pr']],
    ['meta.lastModified GT "2000-01-01T00:00:00Z"', ['gt']],
    ['(userName eq "a") and not (userName le "b")', ['parentheses', 'and', 'not', 'eq', 'le']],
  ] as const)('%s uses %j', (f, want) => {
    expect([...filterFeatures(f)].sort()).toEqual([...want].sort());
  });
});

describe('the scope a clause runs with', () => {
  // clause, supported features, scope: the least demanding scope that works, in order of preference.
  it.each([
    ['title co "x"', FILTER_FEATURES, 'sw'],
    ['title co "x" or title co "y"', ['sw', 'and', 'co', 'or'], 'unscoped'],
    ['title co "x" or title co "y"', ['sw', 'and', 'parentheses', 'co', 'or'], 'sw'],
    ['title co "x"', ['eq', 'or', 'and', 'parentheses', 'co'], 'eq-any'],
    ['title co "x"', ['eq', 'and', 'co'], 'eq-each'],
    ['title co "x" or title co "y"', ['eq', 'and', 'co', 'or'], 'unscoped'],
    ['title co "x"', ['eq', 'co'], 'unscoped'],
    ['title co "x"', ['co'], 'unscoped'],
  ] as const)('%s with %j: %s', (clause, supported, want) => {
    expect(chooseClauseScope(supportOf(supported), clause)).toBe(want);
  });
});

describe('the once-per-run filter probe', () => {
  it('finds every feature on the reference provider', async () => {
    const s = await probe({});
    expect(Object.values(states(s)).every((st) => st === 'supported')).toBe(true);
    expect(s.people?.map((p) => p.key)).toEqual(['alpha', 'bravo', 'charlie']);
  });

  it('tells refused features from features it cannot probe (eq and and only, then eq only)', async () => {
    const eqAnd = states(await probe({ features: ['eq', 'and'] }));
    expect(eqAnd).toMatchObject({ eq: 'supported', and: 'supported', sw: 'refused', ne: 'refused', or: 'refused', parentheses: 'refused', 'value-path': 'refused' });
    const eqOnly = states(await probe({ features: ['eq'] }));
    // ne, pr, not and the orderings are probed inside `userName eq … and …`: without `and` they are unknown, not refused.
    expect(eqOnly).toMatchObject({ eq: 'supported', and: 'refused', co: 'refused', ne: 'unknown', pr: 'unknown', not: 'unknown', gt: 'unknown' });
  });

  it('catches an operator answered like another (co as sw) and records the evidence', async () => {
    const s = await probe({ confused: { co: 'sw' } });
    const co = s.features.co;
    expect(co.state).toBe('wrong');
    if (co.state === 'wrong') {
      expect(co.expected).toEqual(['alpha']);
      expect(co.actual).toEqual([]);
      expect(co.filter).toMatch(/^userName co "/);
    }
    expect(s.features.sw.state).toBe('supported');
  });
});

describe('checks that scope depend only on what they test', () => {
  // RFC-legal targets: zero failures, zero harness errors, operator checks skipped for what is refused.
  const LEGAL: [string, TargetShape, FilterFeature[]][] = [
    ['every feature', {}, []],
    ['eq and and only', { features: ['eq', 'and'] }, ['sw', 'co', 'ne', 'or', 'not', 'parentheses']],
    ['eq only', { features: ['eq'] }, ['sw', 'and', 'or']],
    ['eq, or, and, parentheses (no sw)', { features: ['eq', 'or', 'and', 'parentheses'] }, ['sw', 'co', 'gt']],
    ['no operator at all', { features: [] }, ['eq', 'sw']],
    ['a User schema without title, userType, nickName or extensions', { userAttributes: ['name', 'displayName', 'emails', 'active'] }, []],
  ];

  it.each(LEGAL)('%s: no check fails or errors', async (_name, shape, refused) => {
    const results = await scopedResults(shape);
    const bad = Object.values(results).filter((r) => r.status === 'failed' || r.status === 'errored' || r.status === 'warned');
    expect(bad.map((r) => `${r.id}: ${r.status}: ${r.message}`)).toEqual([]);
    for (const f of refused) {
      const id = f === 'parentheses' ? 'filter.grouping.parentheses' : ['and', 'or', 'not'].includes(f) ? `filter.logical.${f}` : `filter.operator.${f}`;
      expect(results[id]?.status, id).toBe('skipped');
      expect(results[id]?.message, id).toMatch(/^not supported: the target answers 400 invalidFilter to filter=.*RFC 7644 §3.12 allows refusing unsupported combinations/);
    }
    if (shape.features?.length === 2) {
      // eq + and: paging walks the isolated, unscoped list; projection lists and sorting still run.
      for (const id of ['paging.walk.complete', 'paging.total-results.consistent', 'projection.list.attributes', 'sort.username.ascending', 'search.attributes']) {
        expect(results[id]?.status, id).toBe('passed');
      }
    }
  });

  it('an operator answered wrongly fails its own check once; the checks that need it are blocked, not failed again', async () => {
    const results = await scopedResults({ confused: { co: 'sw' } });
    expect(results['filter.operator.co']?.status).toBe('failed');
    expect(results['filter.operator.co']?.message).toContain('but answered other users than the ones it selects');
    // Its transcript holds the probe request, for the curl line.
    expect(results['filter.operator.co']?.transcript.some((t) => new URL(t.request.url).searchParams.get('filter')?.startsWith('userName co "'))).toBe(true);
    for (const id of ['filter.co.title', 'filter.complex.implied-value']) {
      expect(results[id]?.status, id).toBe('skipped');
      expect(results[id]?.blockedBy, id).toBe('filter.operator.co');
    }
    const failed = Object.values(results).filter((r) => r.status === 'failed').map((r) => r.id);
    expect(failed).toEqual(['filter.operator.co']);
  });
});
