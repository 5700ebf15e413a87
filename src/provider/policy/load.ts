/**
 * Reading `--policy FILE`: JSON (`.json`) or YAML (anything else), validated against POLICY_SCHEMA.
 * A bad file is the user's mistake: one clear line as a UsageError (exit 2, DESIGN.md).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../usage-error.ts';
import { POLICY_SCHEMA, type Policy } from './format.ts';

function explain(e: ErrorObject | undefined): string {
  if (!e) return 'is invalid';
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
  const params = e.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] };
  if (e.keyword === 'additionalProperties') return `${where}: unknown option '${params.additionalProperty}'`;
  if (e.keyword === 'required') return `${where}: missing option '${params.missingProperty}'`;
  if (e.keyword === 'enum') return `${where} must be one of ${(params.allowedValues ?? []).join(', ')}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Validates an already-parsed policy; `source` names the file in messages. */
export function validatePolicy(raw: unknown, source: string): Policy {
  const validate = new Ajv({ allErrors: false, strict: true }).compile(POLICY_SCHEMA);
  if (!validate(raw)) throw new UsageError(`policy ${source}: ${explain(validate.errors?.[0])}`);
  const policy = raw as Policy;
  // Default groups are joined by exact name; a wildcard there would be ambiguous, so it is refused.
  const wild = policy.defaultGroups?.find((g) => g.includes('*'));
  if (wild !== undefined) throw new UsageError(`policy ${source}: defaultGroups names groups exactly, '${wild}' has a wildcard`);
  if (policy.defaultGroups?.some((g) => g.trim() === '')) throw new UsageError(`policy ${source}: defaultGroups has a blank name`);
  return structuredClone(policy);
}

/** Parses the text of a policy file; YAML unless the name ends in .json (YAML would accept JSON too, with vaguer errors). */
export function parsePolicyText(text: string, source: string): Policy {
  let raw: unknown;
  try {
    raw = source.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new UsageError(`policy ${source}: not valid ${source.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${first}`);
  }
  return validatePolicy(raw, source);
}

export function readPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`policy ${path}: cannot read the file (${code})`);
  }
  return parsePolicyText(text, path);
}
