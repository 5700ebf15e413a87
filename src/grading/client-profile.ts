/**
 * Which IdP a client looks like, from its User-Agent and its habits (the ones docs/idp.md lists per profile):
 * an informational note for people reading the findings ("Entra without aadOptscim062020"), never a verdict.
 * Evidence accumulates over a session: pass the previous recognition back in with each request.
 */
import { getMember, isPlainObject } from '../scim/resource-access.ts';
import type { GradedRequest } from './finding.ts';

export type ClientFamily = 'okta' | 'entra' | 'onelogin';

export interface ClientRecognition {
  family?: ClientFamily;
  /** Entra only: whether the aadOptscim062020 flag is on, once a PATCH has shown it. */
  aadOptscim062020?: boolean;
  /** The matching built-in profile name (okta, entra, entra-2020, onelogin), once it is known. */
  profile?: string;
  /** e.g. 'Microsoft Entra ID without aadOptscim062020' or 'unknown client'. */
  label: string;
  /** What gave it away, one short line each, in the order seen. */
  evidence: string[];
}

const USER_AGENTS: readonly [RegExp, ClientFamily][] = [
  [/okta/i, 'okta'],
  [/entra|azure|microsoft/i, 'entra'],
  [/onelogin/i, 'onelogin'],
];

/** Entra-default habits (compatibility doc): capitalised op names, booleans as "True"/"False". */
function entraDefaultHabit(op: Record<string, unknown>): string | undefined {
  const name = getMember(op, 'op');
  if (typeof name === 'string' && /^(Add|Replace|Remove)$/.test(name)) return `PATCH op "${name}" capitalised`;
  const value = getMember(op, 'value');
  if (typeof value === 'string' && /^(True|False)$/.test(value)) return `boolean sent as the string "${value}"`;
  return undefined;
}

/** Entra aadOptscim062020 habit: one pathless replace whose value keys are paths ("name.givenName", URN-qualified). */
function entraFlagHabit(op: Record<string, unknown>): string | undefined {
  const value = getMember(op, 'value');
  if (getMember(op, 'path') !== undefined || !isPlainObject(value)) return undefined;
  const dotted = Object.keys(value).find((k) => k.includes('.') && !k.startsWith('urn:'));
  return dotted ? `pathless replace with the dotted key "${dotted}"` : undefined;
}

function labelOf(r: Omit<ClientRecognition, 'label' | 'profile'>): { label: string; profile?: string } {
  switch (r.family) {
    case 'okta':
      return { label: 'Okta', profile: 'okta' };
    case 'onelogin':
      return { label: 'OneLogin', profile: 'onelogin' };
    case 'entra':
      if (r.aadOptscim062020 === true) return { label: 'Microsoft Entra ID with aadOptscim062020', profile: 'entra-2020' };
      if (r.aadOptscim062020 === false) return { label: 'Microsoft Entra ID without aadOptscim062020', profile: 'entra' };
      return { label: 'Microsoft Entra ID (aadOptscim062020 not yet shown: no PATCH seen)' };
    default:
      return { label: 'unknown client' };
  }
}

export function recogniseClient(req: GradedRequest, previous?: ClientRecognition): ClientRecognition {
  const evidence = [...(previous?.evidence ?? [])];
  let family = previous?.family;
  let flag = previous?.aadOptscim062020;
  const note = (line: string) => {
    if (!evidence.includes(line)) evidence.push(line);
  };
  const agent = req.headers['user-agent'];
  if (!family && agent) {
    const hit = USER_AGENTS.find(([re]) => re.test(agent));
    if (hit) {
      family = hit[1];
      note(`User-Agent "${agent}"`);
    }
  }
  const ops = req.method.toUpperCase() === 'PATCH' && isPlainObject(req.body) ? getMember(req.body, 'Operations') : undefined;
  if (Array.isArray(ops) && (family === undefined || family === 'entra')) {
    for (const op of ops.filter(isPlainObject)) {
      const without = entraDefaultHabit(op);
      const withFlag = without ? undefined : entraFlagHabit(op);
      if (without && flag === undefined) {
        family = 'entra';
        flag = false;
        note(without);
      } else if (withFlag && flag === undefined) {
        family = 'entra';
        flag = true;
        note(withFlag);
      }
    }
    // An Entra PATCH with none of the default job's habits: every op lower-case, so the flag is on.
    if (family === 'entra' && flag === undefined && ops.length > 0 && ops.every((op) => isPlainObject(op) && typeof op.op === 'string' && op.op === op.op.toLowerCase())) {
      flag = true;
      note('PATCH op names in lower case');
    }
  }
  const known = { family, aadOptscim062020: family === 'entra' ? flag : undefined, evidence };
  return { ...known, ...labelOf(known) };
}
