/** fast-check generators for filter ASTs (shared by the filter property tests). */
import fc from 'fast-check';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../../../src/scim/types.ts';

// RFC 7643 §2.1 ATTRNAME (plus "$" for $ref); includes names that collide with keywords (and, pr, not...).
export const attrName = fc.oneof(
  fc.stringMatching(/^[A-Za-z$][A-Za-z0-9_$-]{0,8}$/),
  fc.constantFrom('and', 'or', 'not', 'pr', 'eq', 'true', 'null', 'userName', '$ref'),
);

export const schemaUrn = fc.oneof(
  fc.constantFrom(
    'urn:ietf:params:scim:schemas:core:2.0:User',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  ),
  fc.stringMatching(/^urn:[a-z][a-z0-9-]{0,5}(:[A-Za-z0-9.]{1,6}){1,4}$/),
);

function path(withSub: boolean): fc.Arbitrary<AttrPath> {
  return fc.record(
    { schema: schemaUrn, attr: attrName, subAttr: attrName },
    { requiredKeys: withSub ? ['attr'] : ['attr'] },
  ).map((p) => (withSub ? p : { ...(p.schema === undefined ? {} : { schema: p.schema }), attr: p.attr }));
}

export const attrPath = path(true);
const attrOnlyPath = path(false);

export const filterValue: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);

export const compareOp = fc.constantFrom<CompareOp>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');

/** Arbitrary filter ASTs; value filters ([...]) only at the outer level, as RFC 7644 §3.4.2.2 allows. */
export function filterNode(maxDepth = 4): fc.Arbitrary<FilterNode> {
  const { outer } = fc.letrec<{ outer: FilterNode; inner: FilterNode; leaf: FilterNode }>((tie) => ({
    leaf: fc.oneof(
      fc.record({ op: fc.constant('pr' as const), path: attrPath }),
      fc.record({ op: compareOp, path: attrPath, value: filterValue }),
    ),
    inner: fc.oneof(
      { depthSize: 'small', maxDepth },
      tie('leaf'),
      fc.record({ op: fc.constantFrom('and' as const, 'or' as const), left: tie('inner'), right: tie('inner') }),
      fc.record({ op: fc.constant('not' as const), filter: tie('inner') }),
    ),
    outer: fc.oneof(
      { depthSize: 'small', maxDepth },
      tie('leaf'),
      fc.record({ op: fc.constant('valuePath' as const), path: attrOnlyPath, filter: tie('inner') }),
      fc.record({ op: fc.constantFrom('and' as const, 'or' as const), left: tie('outer'), right: tie('outer') }),
      fc.record({ op: fc.constant('not' as const), filter: tie('outer') }),
    ),
  }));
  return outer;
}
