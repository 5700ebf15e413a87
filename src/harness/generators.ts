/**
 * Value generators for fixture payloads, by name (the config file's `requiredAttributes` refers to them) and
 * by SCIM attribute type (RFC 7643 §2.3) for required attributes nobody configured.
 * Addresses use example.com (RFC 2606): they can never reach a real mailbox.
 */
import { randomUUID } from 'node:crypto';
import type { AttributeDef } from '../scim/types.ts';

export interface GenContext {
  /** A fresh unique name with the run prefix. */
  name(kind: string): string;
}

type Generator = (g: GenContext) => unknown;

export const GENERATORS: Readonly<Record<string, Generator>> = {
  uniqueName: (g) => g.name('x'),
  userName: (g) => g.name('u'),
  email: (g) => `${g.name('u')}@example.com`,
  givenName: () => 'Scim',
  familyName: (g) => `Check ${g.name('fn').slice(-4)}`,
  displayName: (g) => g.name('dn'),
  uuid: () => randomUUID(),
  phoneNumber: () => '+1 555 0100',
  url: (g) => `https://example.com/${g.name('ref')}`,
  true: () => true,
  false: () => false,
  integer: () => 1,
  dateTime: () => new Date().toISOString(),
};

/** `literal:VALUE` sends VALUE as a string. */
export function isKnownGenerator(name: string): boolean {
  return Object.hasOwn(GENERATORS, name) || name.startsWith('literal:');
}

export function runGenerator(name: string, g: GenContext): unknown {
  if (name.startsWith('literal:')) return name.slice('literal:'.length);
  const gen = GENERATORS[name];
  return gen ? gen(g) : undefined;
}

/** A plausible value for an attribute nobody configured: the schema's own canonical value when it has one. */
export function valueForAttribute(attr: AttributeDef, g: GenContext): unknown {
  const one = (): unknown => {
    if (attr.canonicalValues && attr.canonicalValues.length > 0) return attr.canonicalValues[0];
    switch (attr.type) {
      case 'boolean':
        return true;
      case 'integer':
        return 1;
      case 'decimal':
        return 1.5;
      case 'dateTime':
        return new Date().toISOString();
      case 'reference':
        return `https://example.com/${g.name('ref')}`;
      case 'binary':
        return Buffer.from('scimcheck').toString('base64');
      case 'complex': {
        const out: Record<string, unknown> = {};
        const subs = attr.subAttributes ?? [];
        for (const s of subs) if (s.required && s.mutability !== 'readOnly') out[s.name] = valueForAttribute(s, g);
        // A complex value with nothing required still needs some content; `value` is the usual primary.
        if (Object.keys(out).length === 0) {
          const v = subs.find((s) => s.name.toLowerCase() === 'value' && s.mutability !== 'readOnly');
          if (v) out[v.name] = valueForAttribute(v, g);
        }
        return out;
      }
      default:
        return /mail/i.test(attr.name) ? `${g.name('u')}@example.com` : g.name(attr.name.toLowerCase().slice(0, 8));
    }
  };
  return attr.multiValued ? [one()] : one();
}
