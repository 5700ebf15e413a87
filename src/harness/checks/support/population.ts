/**
 * Small user populations the filter, sort, paging, search and projection checks query against.
 * Every population is created through ctx.fixtures (cleaned up by the runner); no module-level state.
 */
import type { CheckContext } from '../../check.ts';
import type { ScimResource } from '../../../scim/types.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { attr } from './attributes.ts';
import { usersPath } from './http.ts';
import { expectIdSet, list } from './lists.ts';
import { emailToken, filterString, nameVariant, variantPrefix } from './names.ts';
import { hasEnterpriseExtension, userBodyWith } from './resources.ts';

export interface Person {
  key: 'alice' | 'bob' | 'carol' | 'dave';
  user: ScimResource & { id: string };
  userName: string;
}

export interface Population {
  /** `userName sw <prefix>` selects exactly the population. */
  prefix: string;
  /** The same as a filter clause, ready to combine: `userName sw "<prefix>"`. */
  scope: string;
  alice: Person;
  bob: Person;
  carol: Person;
  dave: Person;
  all: Person[];
  enterprise: boolean;
  /** id → readable key, for failure messages. */
  names: Map<string, string>;
  /** The lower-case token inside every email address of the population. */
  token: string;
}

/**
 * Four users with distinct, prefixed userNames (one mixed case), several typed emails, titles (one
 * missing), userType, active, externalId, a quoted displayName and (when offered) enterprise attributes.
 *   alice: Engineer, Employee, active, work@corp + home@home, externalId …-ExtA, dept Research
 *   Bob:   Manager, Contractor, active, work@home + home@corp (the cross-element trap), dept Sales
 *   carol: no title, Employee, inactive, home@home only
 *   dave:  Engineer, Intern, active, work@corp, displayName with `"` and `\`
 */
export async function createPopulation(ctx: CheckContext): Promise<Population> {
  const base = String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('f'));
  const prefix = variantPrefix(base);
  const token = emailToken(prefix);
  const enterprise = hasEnterpriseExtension(ctx);
  const ent = (v: Record<string, unknown>) => (enterprise ? { [SCHEMA_URN.enterpriseUser]: v } : {});
  const mail = (who: string, type: string, host: string, primary?: boolean) => ({
    value: `${who}.${token}@${host}`,
    type,
    ...(primary ? { primary: true } : {}),
  });
  const specs: { key: Person['key']; suffix: string; body: Record<string, unknown> }[] = [
    {
      key: 'alice',
      suffix: 'alice',
      body: {
        name: { givenName: 'Alice', familyName: 'Smith' },
        displayName: 'Alice Smith',
        title: 'Engineer',
        userType: 'Employee',
        active: true,
        externalId: `${prefix}ExtA`,
        emails: [mail('alice', 'work', 'corp.example.com', true), mail('alice', 'home', 'home.example.org')],
        ...ent({ employeeNumber: '701', department: 'Research' }),
      },
    },
    {
      key: 'bob',
      suffix: 'Bob',
      body: {
        name: { givenName: 'Bob', familyName: 'Jones' },
        displayName: 'Bob Jones',
        title: 'Manager',
        userType: 'Contractor',
        active: true,
        externalId: `${prefix}ExtB`,
        emails: [mail('bob', 'work', 'home.example.org', true), mail('bob', 'home', 'corp.example.com')],
        ...ent({ employeeNumber: '702', department: 'Sales' }),
      },
    },
    {
      key: 'carol',
      suffix: 'carol',
      body: {
        name: { givenName: 'Carol', familyName: 'Smithers' },
        displayName: 'Carol Smithers',
        userType: 'Employee',
        active: false,
        externalId: `${prefix}ExtC`,
        emails: [mail('carol', 'home', 'home.example.org', true)],
      },
    },
    {
      key: 'dave',
      suffix: 'dave',
      body: {
        name: { givenName: 'Dave', familyName: 'Brown' },
        displayName: 'Dave "DQ" Back\\slash',
        title: 'Engineer',
        userType: 'Intern',
        active: true,
        externalId: `${prefix}ExtD`,
        emails: [mail('dave', 'work', 'corp.example.com', true)],
      },
    },
  ];
  const people: Person[] = [];
  for (const s of specs) {
    const userName = nameVariant(base, s.suffix);
    const overrides: Record<string, unknown> = { userName, ...s.body };
    const body = userBodyWith(ctx, overrides);
    const user = await ctx.fixtures.createUser(body as Record<string, unknown>);
    people.push({ key: s.key, user, userName });
  }
  const by = (k: Person['key']) => people.find((p) => p.key === k)!;
  const names = new Map(people.map((p) => [p.user.id, p.key]));
  return {
    prefix,
    scope: `userName sw ${filterString(prefix)}`,
    alice: by('alice'),
    bob: by('bob'),
    carol: by('carol'),
    dave: by('dave'),
    all: people,
    enterprise,
    names,
    token,
  };
}

/** Runs `scope and (<clause>)` on the Users endpoint and requires exactly `expected`. */
export async function expectFilter(ctx: CheckContext, pop: Population, clause: string, expected: Person[], what: string): Promise<void> {
  const filter = `${pop.scope} and (${clause})`;
  const { resources } = await list(ctx, usersPath(ctx), { filter }, `GET ${usersPath(ctx)}?filter=${filter}`);
  expectIdSet(ctx, resources, expected.map((p) => p.user.id), `${what} (filter: ${filter})`, pop.names);
}

/**
 * Creates `n` users whose userNames are `<prefix><suffix>` for the given suffixes, in the order given.
 * Returns them with the prefix for a `userName sw` scope.
 */
export async function createNamedUsers(
  ctx: CheckContext,
  suffixes: string[],
  extra: (suffix: string, i: number) => Record<string, unknown> = () => ({}),
): Promise<{ prefix: string; scope: string; users: (ScimResource & { id: string })[]; names: Map<string, string> }> {
  const base = String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('p'));
  const prefix = variantPrefix(base);
  const token = emailToken(prefix);
  const users: (ScimResource & { id: string })[] = [];
  for (const [i, s] of suffixes.entries()) {
    const body = userBodyWith(ctx, {
      userName: nameVariant(base, s),
      emails: [{ value: `${emailToken(s)}.${token}@example.com`, type: 'work', primary: true }],
      ...extra(s, i),
    });
    users.push(await ctx.fixtures.createUser(body as Record<string, unknown>));
  }
  const names = new Map(users.map((u, i) => [u.id, suffixes[i]]));
  return { prefix, scope: `userName sw ${filterString(prefix)}`, users, names };
}
