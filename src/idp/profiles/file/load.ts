/**
 * `loadProfileFile(path)`: a profile described as data (YAML or JSON) → the Profile the engine runs. The file is
 * checked against specs/json-schema/idp-profile.schema.json (ajv, as scenario files are) and then for what a
 * schema cannot say (placeholders, directives, prototype keys); every problem is one line
 * `FILE: /json/pointer: what was expected`, raised as a UsageError (exit 2).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../../usage-error.ts';
import { checkCustomHeaders } from '../custom-headers.ts';
import type { Profile } from '../types.ts';
import { buildProfile } from './build.ts';
import type { IdpProfileFile, Request } from './generated.ts';
import { checkTemplate, escape, type Position } from './template.ts';

/** The published schema (specs/json-schema/, shipped in the package). */
export const PROFILE_SCHEMA_URL = new URL('../../../../specs/json-schema/idp-profile.schema.json', import.meta.url);

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(doc: unknown): ErrorObject[] {
  if (!validator) {
    // verbose: errors carry their schema, so an unknown property can be answered with the ones expected there.
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    // json-schema-to-typescript's type hint for free-form templates; no meaning to validation.
    ajv.addKeyword('tsType');
    validator = ajv.compile(JSON.parse(readFileSync(PROFILE_SCHEMA_URL, 'utf8')));
  }
  return validator(doc) ? [] : [...(validator.errors ?? [])];
}

/** Keys that would reach an object's prototype if something merged the file naively. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function prototypeKeys(v: unknown, at: string, out: string[]): void {
  if (Array.isArray(v)) v.forEach((x, i) => prototypeKeys(x, `${at}/${i}`, out));
  else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      if (PROTOTYPE_KEYS.has(k)) out.push(`${at}/${escape(k)}: the key '${k}' is not allowed (it names an object's prototype)`);
      else prototypeKeys((v as Record<string, unknown>)[k], `${at}/${escape(k)}`, out);
    }
  }
}

/** One schema error in words: where, and what was expected there. */
function explain(e: ErrorObject): string {
  const at = e.instancePath || '/';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const name = String(p.additionalProperty);
      const near = allowed.find((k) => k.toLowerCase() === name.toLowerCase()) ?? allowed.find((k) => distance(k, name) <= 2);
      return `${at}: unknown property '${name}' (${near ? `did you mean '${near}'? ` : ''}expected one of: ${allowed.join(', ')})`;
    }
    case 'required':
      return `${at}: missing property '${p.missingProperty}'`;
    case 'enum':
      return `${at}: must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    case 'type':
      return `${at}: must be ${p.type}`;
    default:
      return `${at}: ${e.message}`;
  }
}

/** Edit distance of two short names (a misspelling is one or two edits away). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The template positions of a file, with their JSON pointers. */
function templates(f: IdpProfileFile): [unknown, Position, string][] {
  const out: [unknown, Position, string][] = [];
  const req = (r: Request | undefined, pos: Position, at: string) => {
    if (!r) return;
    for (const k of ['path', 'query', 'body', 'when', 'quirk'] as const) if (r[k] !== undefined) out.push([r[k], pos, `${at}/${k}`]);
    if (typeof r.purpose === 'string') out.push([r.purpose, pos, `${at}/purpose`]);
    else r.purpose?.forEach((alt, i) => {
      out.push([alt.text, pos, `${at}/purpose/${i}/text`]);
      [alt.when ?? []].flat().forEach((w, j) => out.push([{ $when: w }, pos, `${at}/purpose/${i}/when${Array.isArray(alt.when) ? `/${j}` : ''}`]));
    });
  };
  f.connectionTest.forEach((p, i) => {
    out.push([p.path, 'connectionTest', `/connectionTest/${i}/path`]);
    if (p.query) out.push([p.query, 'connectionTest', `/connectionTest/${i}/query`]);
  });
  for (const [k, q] of Object.entries(f.matching.queries)) out.push([q, 'matching', `/matching/queries/${k}`]);
  out.push([f.createUser, 'createUser', '/createUser']);
  f.afterCreate?.forEach((r, i) => req(r, 'afterCreate', `/afterCreate/${i}`));
  f.updateUser.requests?.forEach((r, i) => req(r, 'updateUser', `/updateUser/requests/${i}`));
  f.updateUser.diffAgainstRead?.attributes.forEach((a, i) => {
    const at = `/updateUser/diffAgainstRead/attributes/${i}`;
    out.push([a.value, 'diffAttribute', `${at}/value`]);
    if (a.op !== undefined) out.push([a.op, 'diffAttribute', `${at}/op`]);
    if (a.quirk !== undefined) out.push([a.quirk, 'diffAttribute', `${at}/quirk`]);
  });
  f.setActive.requests.forEach((r, i) => req(r, 'setActive', `/setActive/requests/${i}`));
  const g = f.groups;
  if (g.matchQuery) out.push([g.matchQuery, 'groupQuery', '/groups/matchQuery']);
  out.push([g.create, g.createWithMembers ? 'groupCreate' : 'groupQuery', '/groups/create']);
  req(g.rename, 'groupRename', '/groups/rename');
  req(g.addMembers, 'groupMembers', '/groups/addMembers');
  req(g.removeMembers, 'groupMembers', '/groups/removeMembers');
  req(g.pushNow, 'groupMembers', '/groups/pushNow');
  req(g.replaceWhole, 'groupReplace', '/groups/replaceWhole');
  req(g.changeMembers, 'changeMembers', '/groups/changeMembers');
  return out;
}

/** What the schema cannot say: placeholders, directives, one update form, `when` and `mergeOverRead` where they work. */
function semanticProblems(f: IdpProfileFile): string[] {
  const out: string[] = [];
  for (const [t, pos, at] of templates(f)) out.push(...checkTemplate(t, pos, at));
  const u = f.updateUser;
  if ((u.requests === undefined) === (u.diffAgainstRead === undefined)) out.push(`/updateUser: give exactly one of 'requests' (templates) and 'diffAgainstRead' (the named strategy)`);
  if (u.diffAgainstRead && !u.readFirst) out.push(`/updateUser/readFirst: diffAgainstRead compares with the resource read, so readFirst must be true`);
  u.requests?.forEach((r, i) => {
    if (r.mergeOverRead && !u.readFirst) out.push(`/updateUser/requests/${i}/mergeOverRead: merges over the resource read, so /updateUser/readFirst must be true`);
  });
  f.setActive.requests.forEach((r, i) => {
    if (r.mergeOverRead && !f.setActive.readFirst) out.push(`/setActive/requests/${i}/mergeOverRead: merges over the resource read, so /setActive/readFirst must be true`);
  });
  for (const k of ['rename', 'addMembers', 'removeMembers', 'pushNow', 'replaceWhole', 'changeMembers'] as const) {
    const r = f.groups[k];
    if (r?.when !== undefined) out.push(`/groups/${k}/when: a group request is always sent; 'when' is for afterCreate, updateUser and setActive requests`);
    if (r?.mergeOverRead && k !== 'replaceWhole') out.push(`/groups/${k}/mergeOverRead: only replaceWhole reads the group first`);
  }
  const { 'User-Agent': _ua, Accept: _a, 'Content-Type': _c, ...extra } = f.headers;
  for (const [name, value] of Object.entries(extra)) {
    try {
      checkCustomHeaders({ [name]: value ?? '' });
    } catch (e) {
      out.push(`/headers/${escape(name)}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Parses and checks a profile file's text; `origin` names it in errors. */
export function parseProfileFile(text: string, origin: string): Profile {
  let doc: unknown;
  try {
    doc = origin.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new UsageError(`${origin}: not valid ${origin.endsWith('.json') ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const problems: string[] = [];
  prototypeKeys(doc, '', problems);
  if (!problems.length) problems.push(...validate(doc).map(explain));
  if (!problems.length) problems.push(...semanticProblems(doc as IdpProfileFile));
  if (problems.length) throw new UsageError(problems.map((p) => `${origin}: ${p}`).join('\n'));
  return buildProfile(doc as IdpProfileFile);
}

/** Reads, validates and builds a profile file (YAML, or JSON for .json). Errors: UsageError, one line each. */
export function loadProfileFile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read the profile file${code === 'ENOENT' ? ' (no such file)' : code ? ` (${code})` : ''}`);
  }
  return parseProfileFile(text, path);
}

/** A --profile value that names a file rather than a built-in: it holds '/' or ends in .yaml, .yml or .json. */
export function isProfileFile(value: string): boolean {
  return value.includes('/') || /\.(ya?ml|json)$/i.test(value);
}
