import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../../src/scim/schema-registry.ts';
import { resolveTopLevelKey } from '../../src/scim/validate-resource.ts';

// The registry and resolveTopLevelKey remember found answers (speed, docs/provider.md Benchmarks): a remembered
// answer must never be given to an input that would not resolve, whatever its case or characters.
describe('memoised attribute resolution', () => {
  const registry = SchemaRegistry.fromSpecs();
  const ctx = { registry, resourceType: 'User' };

  it('answers case variants alike, before and after the answer is remembered', () => {
    const first = registry.resolve('User', { attr: 'USERNAME' });
    expect(first?.attr.name).toBe('userName');
    expect(registry.resolve('user', { attr: 'userName' })).toEqual(first);
    expect(registry.resolve('User', { attr: 'name', subAttr: 'GIVENNAME' })?.sub?.name).toBe('givenName');
  });

  it('does not hand a remembered answer to a look-alike input that does not resolve', () => {
    expect(registry.resolve('User', { attr: 'userName' })).toBeDefined();
    expect(registry.resolve('User', { attr: 'userName', subAttr: '\n' })).toBeUndefined();
    expect(registry.resolve('User', { attr: 'userName', subAttr: '' })).toBeUndefined();
    expect(registry.resolve('User\n', { attr: 'userName' })).toBeUndefined();
    expect(registry.resolve('User', { schema: '', attr: 'userName\n' })).toBeUndefined();
    expect(resolveTopLevelKey('userName', ctx)?.kind).toBe('attr');
    expect(resolveTopLevelKey('userName\n', ctx)).toBeUndefined();
    expect(resolveTopLevelKey('SCHEMAS', ctx)).toEqual({ kind: 'schemas' });
  });

  it('gives callers of schemasOf an array of their own', () => {
    const a = registry.schemasOf('User');
    a.pop();
    expect(registry.schemasOf('User').length).toBe(a.length + 1);
  });
});
