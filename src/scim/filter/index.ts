/** The SCIM filter language (RFC 7644 §3.4.2.2): parse, print, validate and evaluate. */
export { parseFilter, parseFilterRange } from './parse.ts';
export { printFilter, printValue } from './print.ts';
export { tokenize, type Token } from './lexer.ts';
export {
  validateFilter,
  validateValueFilter,
  compileFilter,
  compileEqualityWithLateOperand,
  compileValueFilter,
  matchesFilter,
  matchesValueFilter,
  type FilterContext,
  type ResourceMatcher,
} from './evaluate.ts';
