/**
 * Canonical filter text: lower-case keywords, single spaces, JSON literals, and parentheses only
 * where RFC 7644 §3.4.2.2 precedence (not > and > or, left-associative) needs them, so that
 * parseFilter(printFilter(ast)) deep-equals ast.
 */
import { scimError } from '../errors.ts';
import type { FilterNode, FilterValue } from '../types.ts';
import { formatAttrPath } from './attr-syntax.ts';

function precedence(node: FilterNode): number {
  if (node.op === 'or') return 1;
  if (node.op === 'and') return 2;
  return 3;
}

export function printValue(value: FilterValue): string {
  // RFC 7644 §3.4.2.2: compValue literals are JSON, so JSON.stringify writes them (escapes included).
  if (typeof value === 'number' && !Number.isFinite(value)) throw scimError.invalidFilter(`${value} is not a JSON number`);
  return JSON.stringify(value);
}

export function printFilter(node: FilterNode): string {
  switch (node.op) {
    case 'and':
    case 'or': {
      const p = precedence(node);
      const left = printFilter(node.left);
      const right = printFilter(node.right);
      // Left-associative: a right operand of equal precedence needs parentheses to keep its shape.
      const l = precedence(node.left) < p ? `(${left})` : left;
      const r = precedence(node.right) <= p ? `(${right})` : right;
      return `${l} ${node.op} ${r}`;
    }
    case 'not':
      return `not (${printFilter(node.filter)})`;
    case 'pr':
      return `${formatAttrPath(node.path)} pr`;
    case 'valuePath':
      return `${formatAttrPath(node.path)}[${printFilter(node.filter)}]`;
    default:
      return `${formatAttrPath(node.path)} ${node.op} ${printValue(node.value)}`;
  }
}
