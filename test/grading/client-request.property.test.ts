/**
 * The client grader never throws, whatever a client sends (issue 14): a hostile or broken request is the
 * client's finding, never our crash. Arbitrary JSON bodies on every route and method, arbitrary filters, paths
 * and header values; every finding it returns is a client finding with a quote.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradeClientRequest } from '../../src/grading/client-request.ts';
import type { GradedRequest } from '../../src/grading/finding.ts';
import { SchemaRegistry } from '../../src/scim/schema-registry.ts';

const registry = SchemaRegistry.fromSpecs();
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const pathText = fc.oneof(fc.string(), fc.constantFrom('members[value eq "x"]', 'emails[type eq "work"].value', 'name.givenName', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'groups', 'meta.version', 'x[', ']', 'a[b eq "]"]'));
const operation = fc.record({ op: fc.oneof(fc.constantFrom('add', 'Replace', 'remove', 'copy'), fc.jsonValue()), path: fc.oneof(pathText, fc.jsonValue()), value: fc.jsonValue() }, { requiredKeys: [] });
const body = fc.oneof(
  fc.jsonValue(),
  fc.record({ schemas: fc.oneof(fc.constant([PATCH_OP]), fc.jsonValue()), Operations: fc.oneof(fc.array(operation, { maxLength: 4 }), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.record({ schemas: fc.jsonValue(), Operations: fc.array(fc.record({ method: fc.oneof(fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'), fc.jsonValue()), path: fc.oneof(fc.constantFrom('/Users', '/Users/1', '/Groups/bulkId:a'), fc.jsonValue()), bulkId: fc.jsonValue(), version: fc.jsonValue(), data: fc.jsonValue() }, { requiredKeys: [] }), { maxLength: 3 }) }, { requiredKeys: [] }),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
  path: fc.oneof(fc.constantFrom('/Users', '/Users/1', '/Groups', '/Groups/g', '/Users/.search', '/.search', '/Bulk', '/Schemas', '/'), fc.string().map((s) => `/${s}`)),
  filter: fc.option(fc.oneof(fc.string(), fc.constantFrom('userName eq "a"', 'emails[type eq "work"].value eq "x"', 'not (', 'a eq'))),
  ifMatch: fc.option(fc.string()),
  contentType: fc.option(fc.constantFrom('application/scim+json', 'application/json', 'text/plain', '')),
  body: fc.option(body),
  unread: fc.boolean(),
});

describe('gradeClientRequest', () => {
  it('never throws and returns only quoted client findings', () => {
    fc.assert(
      fc.property(request, (r) => {
        const req: GradedRequest = { method: r.method, path: r.path, query: r.filter === null ? {} : { filter: r.filter }, headers: {} };
        if (r.ifMatch !== null) req.headers['if-match'] = r.ifMatch;
        if (r.contentType !== null) req.headers['content-type'] = r.contentType;
        if (r.body !== null) {
          req.rawBody = JSON.stringify(r.body);
          req.body = r.body;
        }
        if (r.unread) req.bodyUnread = true;
        for (const f of gradeClientRequest(req, { registry })) {
          expect(f.side).toBe('client');
          expect(f.quote.length).toBeGreaterThan(20);
          expect(f.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400, seed: Number(process.env.SCIMCHECK_FUZZ_SEED ?? 14) },
    );
  });
});
