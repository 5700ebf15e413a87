/**
 * Loading scenario files: YAML → JSON Schema validation (ajv) → typed Scenario, with errors that name the
 * file, the step and the field. Bad files are the user's mistake: they raise UsageError (exit 2).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../usage-error.ts';
import { USER_FIELDS } from '../directory.ts';
import { ACTION_SCHEMAS, SCENARIO_SCHEMA, STEP_ACTIONS } from './schema.ts';
import type { Action, Scenario, Step, UserFields } from './model.ts';

/** scenarios/ at the repository root. */
export const SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../scenarios');

export interface Validators {
  file: ValidateFunction;
  actions: Record<string, ValidateFunction>;
}

export function makeValidators(): Validators {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  return {
    file: ajv.compile(SCENARIO_SCHEMA),
    actions: Object.fromEntries(STEP_ACTIONS.map((a) => [a, ajv.compile(ACTION_SCHEMAS[a])])),
  };
}

function explain(errors: ErrorObject[] | null | undefined, at: string): string {
  return (errors ?? [])
    .map((e) => {
      const where = `${at}${e.instancePath.replace(/\//g, '.')}`;
      if (e.keyword === 'additionalProperties') return `${where}: unknown property '${(e.params as any).additionalProperty}'`;
      if (e.keyword === 'required') return `${where}: missing property '${(e.params as any).missingProperty}'`;
      return `${where}: ${e.message}`;
    })
    .join('; ');
}

const NAMED_FIELDS = new Set(['userName', 'displayName']);

function fieldsOf(v: Record<string, unknown>): UserFields {
  const out: UserFields = {};
  for (const f of USER_FIELDS) if (typeof v[f] === 'string') out[f] = v[f] as string;
  return out;
}

function toAction(kind: string, v: any): Action {
  switch (kind) {
    case 'assign':
      return { kind, user: v.user, matchBy: v.matchBy, fields: fieldsOf(v) };
    case 'update':
    case 'targetCreateUser':
      return { kind, user: v.user, fields: fieldsOf(v) };
    case 'expect':
      return { kind, expect: v };
    default:
      return { kind, ...v } as Action;
  }
}

/** Parses and validates one scenario's text; `origin` names it in errors. */
export function parseScenario(text: string, origin: string, validators = makeValidators()): Scenario {
  let doc: any;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UsageError(`${origin}: not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const fileOk: boolean = validators.file(doc);
  if (!fileOk) throw new UsageError(`${origin}: ${explain(validators.file.errors, 'scenario')}`);
  const steps: Step[] = [];
  doc.steps.forEach((raw: Record<string, unknown>, i: number) => {
    const kinds = Object.keys(raw).filter((k) => STEP_ACTIONS.includes(k));
    const at = `steps[${i}]`;
    if (kinds.length !== 1) throw new UsageError(`${origin}: ${at}: a step needs exactly one action (${STEP_ACTIONS.join(', ')}); found ${kinds.length ? kinds.join(', ') : 'none'}`);
    const kind = kinds[0];
    const body = raw[kind];
    if (!validators.actions[kind](body)) throw new UsageError(`${origin}: ${at} (${kind}): ${explain(validators.actions[kind].errors, kind)}`);
    for (const f of NAMED_FIELDS) {
      const val = (body as Record<string, unknown>)[f];
      // Every resource a scenario creates carries the run prefix so cleanup can find it.
      if (kind !== 'expect' && kind !== 'update' && typeof val === 'string' && !val.includes('{{prefix}}') && (f === 'userName' || kind !== 'assign')) {
        throw new UsageError(`${origin}: ${at} (${kind}): ${f} '${val}' must contain {{prefix}}`);
      }
    }
    const outcome = raw.outcome === undefined ? undefined : Array.isArray(raw.outcome) ? (raw.outcome as string[]) : [raw.outcome as string];
    steps.push({ title: raw.title as string | undefined, outcome, action: toAction(kind, body) });
  });
  const base = basename(origin).replace(/\.ya?ml$/, '');
  if (origin.endsWith('.yaml') && base !== doc.name) throw new UsageError(`${origin}: name '${doc.name}' must match the file name '${base}'`);
  return { name: doc.name, title: doc.title, description: doc.description, rfc: doc.rfc, ...(doc.requires ? { requires: doc.requires } : {}), steps, file: origin };
}

export async function loadScenarioFile(path: string, validators = makeValidators()): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read scenario file ${path}`);
  }
  return parseScenario(text, path, validators);
}

/** Loads scenarios by name ('all' or none for every file), or a path to a .yaml file. */
export async function loadScenarios(names?: string[], dir = SCENARIO_DIR): Promise<Scenario[]> {
  const validators = makeValidators();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const available = files.map((f) => f.replace(/\.yaml$/, ''));
  const wanted = !names || names.length === 0 || names.includes('all') ? available : names;
  const out: Scenario[] = [];
  for (const n of wanted) {
    if (n.endsWith('.yaml') || n.includes('/')) out.push(await loadScenarioFile(n, validators));
    else if (!available.includes(n)) throw new UsageError(`unknown scenario '${n}' (available: ${available.join(', ')})`);
    else out.push(await loadScenarioFile(join(dir, `${n}.yaml`), validators));
  }
  return out;
}
