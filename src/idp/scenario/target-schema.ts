/**
 * What the target declares about its User resource, read once per play from its own /Schemas and
 * /ResourceTypes (RFC 7644 §4), so that a verdict never rests on an optional attribute the target does not
 * have: RFC 7643 §4.1 makes only `userName` required. The IdP still SENDS what its profile sends (that is the
 * IdP's real habit); this decides only what the verifier may hold the target to.
 */
import { parsePatchPath } from '../../scim/attribute-path.ts';
import { isScimError } from '../../scim/errors.ts';
import { SchemaRegistry, registryFromDiscovery } from '../../scim/schema-registry.ts';
import type { AttrPath, FilterNode } from '../../scim/types.ts';

const listOf = (json: any): unknown[] => (Array.isArray(json?.Resources) ? json.Resources : Array.isArray(json) ? json : []);

export class TargetSchema {
  private constructor(
    readonly registry: SchemaRegistry,
    /** 'target' when built from the target's discovery answers; 'rfc' when those were unusable. */
    readonly source: 'target' | 'rfc',
  ) {}

  /**
   * From the bodies of GET /Schemas and GET /ResourceTypes (undefined when not a 200). A target whose
   * discovery cannot be used is judged against the RFC's own schemas (RFC 7643 §8.7), as the property suites do.
   */
  static fromDiscovery(schemas: unknown, resourceTypes: unknown): TargetSchema {
    const reg = registryFromDiscovery(listOf(schemas), listOf(resourceTypes));
    const usable = !!reg.resourceType('User') && reg.schemasOf('User').some((s) => !s.isExtension);
    return usable ? new TargetSchema(reg, 'target') : new TargetSchema(SchemaRegistry.fromSpecs(), 'rfc');
  }

  static rfc(): TargetSchema {
    return new TargetSchema(SchemaRegistry.fromSpecs(), 'rfc');
  }

  /** The attribute paths a scenario path names: the path itself and the sub-attributes its value filter reads. */
  private pathsOf(path: string): AttrPath[] | undefined {
    let parsed;
    try {
      parsed = parsePatchPath(path);
    } catch (e) {
      if (isScimError(e)) return undefined;
      throw e;
    }
    const base = parsed.attrPath;
    const out: AttrPath[] = [parsed.subAttr === undefined ? base : { ...base, subAttr: parsed.subAttr }];
    const walk = (f: FilterNode | undefined): void => {
      if (!f || f.op === 'valuePath') return;
      if (f.op === 'and' || f.op === 'or') {
        walk(f.left);
        walk(f.right);
      } else if (f.op === 'not') walk(f.filter);
      else if ('path' in f) out.push({ ...base, subAttr: f.path.attr });
    };
    walk(parsed.valueFilter);
    return out;
  }

  /**
   * Why the verifier cannot hold the target to the value at `path` (a scenario attribute path such as
   * `title`, `emails[type eq "work"].value` or `urn:…:enterprise:2.0:User:department`), or undefined when it can:
   * the target must declare it (RFC 7643 §7), return it by default (RFC 7643 §2.2 "returned") and let a client
   * write it (RFC 7643 §2.2 "mutability").
   */
  unverifiable(path: string, resourceType: 'User' | 'Group' = 'User'): { path: string; why: string } | undefined {
    const paths = this.pathsOf(path);
    if (!paths) return { path, why: 'not an attribute path' };
    for (const p of paths) {
      const r = this.registry.resolve(resourceType, p);
      const shown = p.subAttr ? `${p.schema ? `${p.schema}:` : ''}${p.attr}.${p.subAttr}` : path;
      if (!r) return { path: shown, why: `not declared by the target's ${resourceType} schema` };
      const def = r.sub ?? r.attr;
      if (def.returned === 'never' || def.returned === 'request') return { path: shown, why: `not returned by default (returned: ${def.returned})` };
      if (def.mutability === 'readOnly') return { path: shown, why: 'readOnly on the target' };
    }
    return undefined;
  }

  /** Whether the target declares `path` at all (for judging a refusal of an IdP's write). */
  declares(path: string, resourceType: 'User' | 'Group' = 'User'): boolean {
    const paths = this.pathsOf(path);
    return !!paths && paths.every((p) => !!this.registry.resolve(resourceType, p));
  }

  /** Whether a client may write `path` (declared, and neither readOnly nor, once created, immutable). */
  writable(path: string, resourceType: 'User' | 'Group' = 'User'): boolean {
    const paths = this.pathsOf(path);
    return (
      !!paths &&
      paths.every((p) => {
        const r = this.registry.resolve(resourceType, p);
        const m = (r?.sub ?? r?.attr)?.mutability;
        return !!r && m !== 'readOnly' && m !== 'immutable';
      })
    );
  }

  /**
   * Whether membership can be read from User.groups: declared and returned by default. RFC 7643 §4.1.2 makes
   * `groups` optional (and readOnly); without it, membership is read from the Groups' `members` (RFC 7643 §4.2).
   */
  get userGroupsReadable(): boolean {
    const r = this.registry.resolve('User', { attr: 'groups' });
    return !!r && r.attr.returned !== 'never' && r.attr.returned !== 'request';
  }
}
