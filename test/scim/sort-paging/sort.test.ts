import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { sortResources } from '../../../src/scim/sort.ts';
import type { ScimResource } from '../../../src/scim/types.ts';
import { ENTERPRISE, USER } from '../validate/rfc-samples.ts';

const registry = SchemaRegistry.fromSpecs();
const ctx = { registry, resourceType: 'User' };
const u = (id: string, extra: Record<string, unknown> = {}): ScimResource => ({ schemas: [USER], id, userName: `u${id}`, ...extra });
const ids = (list: ScimResource[]) => list.map((r) => r.id);

describe('sortResources (RFC 7644 §3.4.2.3)', () => {
  it('sorts ascending by default, case-insensitively for caseExact=false strings', () => {
    const list = [u('1', { userName: 'bob' }), u('2', { userName: 'Alice' }), u('3', { userName: 'carol' })];
    expect(ids(sortResources(list, { attr: 'userName' }, undefined, ctx))).toEqual(['2', '1', '3']);
    expect(ids(sortResources(list, { attr: 'USERNAME' }, 'descending', ctx))).toEqual(['3', '1', '2']);
  });

  it('sorts caseExact strings by code unit (id is caseExact)', () => {
    const list = [u('b'), u('B'), u('a')];
    expect(ids(sortResources(list, { attr: 'id' }, 'ascending', ctx))).toEqual(['B', 'a', 'b']);
  });

  it('puts resources without a value last ascending and first descending', () => {
    const list = [u('1', { title: 'b' }), u('2'), u('3', { title: 'a' }), u('4', { title: null })];
    expect(ids(sortResources(list, { attr: 'title' }, 'ascending', ctx))).toEqual(['3', '1', '2', '4']);
    expect(ids(sortResources(list, { attr: 'title' }, 'descending', ctx))).toEqual(['2', '4', '1', '3']);
  });

  it('sorts a multi-valued attribute by its primary value, else the first value', () => {
    const list = [
      u('1', { emails: [{ value: 'a@x' }, { value: 'z@x', primary: true }] }),
      u('2', { emails: [{ value: 'm@x' }, { value: 'b@x' }] }),
      u('3', { emails: [] }),
    ];
    expect(ids(sortResources(list, { attr: 'emails', subAttr: 'value' }, 'ascending', ctx))).toEqual(['2', '1', '3']);
    expect(ids(sortResources(list, { attr: 'emails' }, 'ascending', ctx))).toEqual(['2', '1', '3']);
  });

  it('sorts by a sub-attribute and by an extension attribute', () => {
    const list = [u('1', { name: { familyName: 'Zed' } }), u('2', { name: { familyName: 'Abe' } })];
    expect(ids(sortResources(list, { attr: 'name', subAttr: 'familyName' }, 'ascending', ctx))).toEqual(['2', '1']);
    const ext = [u('1', { [ENTERPRISE]: { department: 'Sales' } }), u('2', { [ENTERPRISE]: { department: 'Admin' } }), u('3')];
    expect(ids(sortResources(ext, { schema: ENTERPRISE, attr: 'department' }, 'ascending', ctx))).toEqual(['2', '1', '3']);
  });

  it('sorts dateTime chronologically and booleans false before true', () => {
    const list = [
      u('1', { meta: { created: '2020-01-01T10:00:00+02:00' } }),
      u('2', { meta: { created: '2020-01-01T09:00:00Z' } }),
    ];
    expect(ids(sortResources(list, { attr: 'meta', subAttr: 'created' }, 'ascending', ctx))).toEqual(['1', '2']);
    expect(ids(sortResources([u('1', { active: true }), u('2', { active: false })], { attr: 'active' }, undefined, ctx))).toEqual(['2', '1']);
  });

  it('is stable and does not modify its input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.constantFrom('a', 'B', 'b', 'c'), { nil: undefined }), { maxLength: 30 }), fc.boolean(), (titles, desc) => {
        const list = titles.map((t, i) => u(String(i), t === undefined ? {} : { title: t }));
        const before = structuredClone(list);
        const sorted = sortResources(list, { attr: 'title' }, desc ? 'descending' : 'ascending', ctx);
        expect(list).toEqual(before);
        expect(sorted.length).toBe(list.length);
        for (let i = 1; i < sorted.length; i++) {
          const a = (sorted[i - 1].title as string | undefined)?.toLowerCase();
          const b = (sorted[i].title as string | undefined)?.toLowerCase();
          if (a === b) expect(Number(sorted[i - 1].id)).toBeLessThan(Number(sorted[i].id));
          else if (a === undefined) expect(desc).toBe(true);
          else if (b === undefined) expect(desc).toBe(false);
          else expect(desc ? a > b : a < b).toBe(true);
        }
      }),
    );
  });
});
