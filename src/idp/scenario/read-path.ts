/**
 * Reads a value out of a SCIM resource by the path forms scenarios use: `name.givenName`,
 * `emails[type eq "work"].value`, and URN-prefixed extension paths (RFC 7644 §3.10, RFC 7643 §3.3).
 */
import type { ScimResource } from '../../scim/types.ts';

const URN_ATTR = /^(urn:[^[\]]+):([^:.[\]]+)(?:\.([A-Za-z0-9$_-]+))?$/i;
const VALUE_PATH = /^([A-Za-z0-9$_-]+)\[type eq "([^"]*)"\](?:\.([A-Za-z0-9$_-]+))?$/;

function pick(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  // RFC 7643 §2.1: attribute names are case-insensitive.
  const k = Object.keys(obj).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : (obj as Record<string, unknown>)[k];
}

export function readPath(resource: ScimResource, path: string): unknown {
  const urn = URN_ATTR.exec(path);
  if (urn) {
    const ext = pick(resource, urn[1]);
    const v = pick(ext, urn[2]);
    return urn[3] ? pick(v, urn[3]) : v;
  }
  const vp = VALUE_PATH.exec(path);
  if (vp) {
    const list = pick(resource, vp[1]);
    if (!Array.isArray(list)) return undefined;
    const item = list.find((x) => typeof pick(x, 'type') === 'string' && (pick(x, 'type') as string).toLowerCase() === vp[2].toLowerCase());
    return vp[3] ? pick(item, vp[3]) : item;
  }
  return path.split('.').reduce<unknown>((v, p) => pick(v, p), resource);
}
