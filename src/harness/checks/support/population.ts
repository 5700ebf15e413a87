/**
 * Small user populations the filter, sort, paging, search and projection checks query against.
 * Every population is created through ctx.fixtures (cleaned up by the runner); no module-level state.
 */
import type { CheckContext } from '../../check.ts';
import type { ScimResource } from '../../../scim/types.ts';
import { SCHEMA_URN } from '../../../scim/types.ts';
import { attr } from './attributes.ts';
import { emailToken, nameVariant, variantPrefix } from './names.ts';
import { userBodyWith } from './resources.ts';
import { expectClause, type UserSet } from './scoping.ts';
import { conformUserBody, declaredIn, hasExtension, userSchemaView } from './user-schema.ts';

export interface Person {
  key: 'alice' | 'bob' | 'carol' | 'dave';
  user: ScimResource & { id: string };
  userName: string;
}

export interface Population {
  /** Every userName of the population starts with it, and no other user's does. */
  prefix: string;
  /** The population as a set to scope queries to (support/scoping.ts). */
  set: UserSet;
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
 * Only what the target's User schema declares is sent (support/user-schema.ts): checks that filter on an
 * attribute first skip when it is not declared (requireDeclared).
 *   alice: Engineer, Employee, active, work@corp + home@home, externalId …-ExtA, dept Research
 *   Bob:   Manager, Contractor, active, work@home + home@corp (the cross-element trap), dept Sales
 *   carol: no title, Employee, inactive, home@home only
 *   dave:  Engineer, Intern, active, work@corp, displayName with `"` and `\`
 */
export async function createPopulation(ctx: CheckContext): Promise<Population> {
  const base = String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('f'));
  const prefix = variantPrefix(base);
  const token = emailToken(prefix);
  const view = userSchemaView(ctx.target);
  const enterprise = hasExtension(view, SCHEMA_URN.enterpriseUser);
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
    const body = conformUserBody(view, userBodyWith(ctx, { userName, ...s.body }));
    const user = await ctx.fixtures.createUser(body);
    people.push({ key: s.key, user, userName });
  }
  const by = (k: Person['key']) => people.find((p) => p.key === k)!;
  const names = new Map(people.map((p) => [p.user.id, p.key]));
  return {
    prefix,
    set: { prefix, users: people.map((p) => ({ id: p.user.id, userName: p.userName })), names },
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

/**
 * Runs `clause` over the population with the best scope the target supports (support/scoping.ts) and requires
 * exactly `expected` among the population.
 */
export async function expectFilter(ctx: CheckContext, pop: Population, clause: string, expected: Person[], what: string): Promise<void> {
  await expectClause(ctx, pop.set, clause, expected.map((p) => p.user.id), what);
}

export interface NamedUsers {
  prefix: string;
  users: (ScimResource & { id: string })[];
  names: Map<string, string>;
  /** The users as a set to scope queries to (support/scoping.ts). */
  set: UserSet;
}

/**
 * Creates users whose userNames are `<prefix><suffix>` for the given suffixes, in the order given, each with a
 * work email when the target's schema declares emails. `extra` adds attributes (dropped when undeclared).
 */
export async function createNamedUsers(
  ctx: CheckContext,
  suffixes: string[],
  extra: (suffix: string, i: number) => Record<string, unknown> = () => ({}),
): Promise<NamedUsers> {
  const view = userSchemaView(ctx.target);
  const base = String(attr(ctx.fixtures.userBody(), 'userName') ?? ctx.fixtures.uniqueName('p'));
  const prefix = variantPrefix(base);
  const token = emailToken(prefix);
  const withEmails = declaredIn(view, 'emails.value') !== undefined;
  const users: (ScimResource & { id: string })[] = [];
  const userNames: string[] = [];
  for (const [i, s] of suffixes.entries()) {
    const userName = nameVariant(base, s);
    const body = conformUserBody(
      view,
      userBodyWith(ctx, {
        userName,
        ...(withEmails ? { emails: [{ value: `${emailToken(s)}.${token}@example.com`, type: 'work', primary: true }] } : {}),
        ...extra(s, i),
      }),
    );
    users.push(await ctx.fixtures.createUser(body));
    userNames.push(userName);
  }
  const names = new Map(users.map((u, i) => [u.id, suffixes[i] as string]));
  return { prefix, users, names, set: { prefix, users: users.map((u, i) => ({ id: u.id, userName: userNames[i] as string })), names } };
}
