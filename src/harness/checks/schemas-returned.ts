/**
 * RFC 7643 §3: `schemas` is REQUIRED on every resource representation, so it survives `excludedAttributes`, comes
 * back on every resource of a projected list, and in /.search answers. (`attributes` on a single GET is asserted in
 * projection.attributes.single.) None of these checks filters: they read whatever page the target returns, after
 * creating one user so the page is not empty.
 */
import type { Check, CheckContext } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { brief, userPath, usersPath } from './support/http.ts';
import { expectListResponse, resourcesOf } from './support/lists.ts';
import { read } from './support/resources.ts';
import { SCHEMAS_QUOTE, expectUserSchemas } from './support/schemas-attribute.ts';

/** Fails unless a ListResponse has at least one resource and each lists the User schema. */
function expectEachHasSchemas(ctx: CheckContext, json: unknown, what: string): void {
  const resources = resourcesOf(json);
  ctx.expectTrue(resources.length > 0, `${what}: the list holds the user just created, so it is not empty`, { expected: '1 or more resources', actual: 0 });
  resources.forEach((r, i) => expectUserSchemas(ctx, r, `${what}, resource ${i + 1}`));
}

export const checks: Check[] = [
  {
    id: 'projection.excluded.schemas-returned',
    title: 'excludedAttributes leaves schemas on the resource',
    area: 'projection',
    topic: 'resource.schemas-returned',
    cite: { rfc: 7643, section: '3', quote: SCHEMAS_QUOTE },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const u = await ctx.fixtures.createUser();
      // externalId is a common attribute of every resource (RFC 7643 §3.1), so every target declares it.
      const got = await read(ctx, userPath(ctx, u.id), { excludedAttributes: 'externalId' });
      expectUserSchemas(ctx, got, 'GET ?excludedAttributes=externalId');
    },
  },
  {
    id: 'projection.list.schemas-returned',
    title: 'attributes=userName on a list keeps schemas on every resource',
    area: 'projection',
    topic: 'resource.schemas-returned',
    cite: { rfc: 7643, section: '3', quote: SCHEMAS_QUOTE },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      await ctx.fixtures.createUser();
      const path = usersPath(ctx);
      const res = await ctx.http.send({ method: 'GET', path, query: { attributes: 'userName', count: 10 } });
      expectEachHasSchemas(ctx, expectListResponse(ctx, res, `GET ${path}?attributes=userName`), 'a listed resource with attributes=userName');
    },
  },
  {
    id: 'search.users.schemas-returned',
    title: 'POST /Users/.search returns schemas on every resource',
    area: 'search',
    topic: 'resource.schemas-returned',
    cite: { rfc: 7643, section: '3', quote: SCHEMAS_QUOTE },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      await ctx.fixtures.createUser();
      const path = `${usersPath(ctx)}/.search`;
      const res = await ctx.http.send({ method: 'POST', path, body: { schemas: [SCHEMA_URN.searchRequest], count: 10 } });
      // RFC 7644 §3.4.3: /.search is optional ("Clients MAY execute queries ... /.search").
      if ([404, 405, 501].includes(res.status)) ctx.skip(`the target does not offer ${path} (HTTP ${res.status}): RFC 7644 §3.4.3 makes it optional`);
      if (res.status !== 200) ctx.fail(`POST ${path} should answer 200 with a ListResponse`, { expected: 200, actual: brief(res) });
      expectEachHasSchemas(ctx, expectListResponse(ctx, res, `POST ${path}`), 'a resource found by /.search');
    },
  },
];
