/**
 * The JSON Schema of scenario files (scenarios/*.yaml). One sub-schema per step action, so the loader can
 * report "steps[3] (assign): must have property 'user'" instead of an opaque oneOf failure.
 */
const key = { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } as const;
const text = { type: 'string', minLength: 1 } as const;
const keys = { type: 'array', items: key } as const;
const outcome = {
  description: 'outcome(s) the IdP action may end with; default: plain success',
  oneOf: [text, { type: 'array', items: text, minItems: 1 }],
} as const;

const userFields = {
  userName: text,
  givenName: text,
  familyName: text,
  displayName: text,
  email: text,
  title: text,
  organization: text,
  department: text,
  employeeNumber: text,
  manager: key,
} as const;

const common = { title: text, outcome } as const;

function action(props: Record<string, unknown>, required: string[]) {
  return { type: 'object', additionalProperties: false, required, properties: props } as const;
}

/** Each action's own schema (the value under the action key). */
export const ACTION_SCHEMAS: Record<string, object> = {
  connect: action({}, []),
  assign: action({ user: key, matchBy: { enum: ['userName', 'email', 'externalId', 'workEmail'] }, ...userFields }, ['user', 'userName']),
  assignMany: action({ batch: key, count: { type: 'integer', minimum: 1, maximum: 5000 } }, ['batch', 'count']),
  update: action({ user: key, ...userFields }, ['user']),
  deactivate: action({ user: key }, ['user']),
  reactivate: action({ user: key }, ['user']),
  delete: action({ user: key }, ['user']),
  cycle: action({}, []),
  softDelete: action({ user: key }, ['user']),
  restore: action({ user: key }, ['user']),
  unassign: action({ user: key }, ['user']),
  sync: action({ user: key }, ['user']),
  elapse: action({ days: { type: 'integer', minimum: 1, maximum: 3650 } }, ['days']),
  createGroup: action({ group: key, displayName: text, members: keys, membersOf: key }, ['group', 'displayName']),
  addMembers: action({ group: key, members: keys }, ['group', 'members']),
  removeMembers: action({ group: key, members: keys }, ['group', 'members']),
  changeMembers: action({ group: key, add: keys, remove: keys }, ['group', 'add', 'remove']),
  pushGroupNow: action({ group: key }, ['group']),
  createGroupMany: action({ batch: key, count: { type: 'integer', minimum: 1, maximum: 5000 } }, ['batch', 'count']),
  import: action({}, []),
  renameGroup: action({ group: key, displayName: text }, ['group', 'displayName']),
  deleteGroup: action({ group: key }, ['group']),
  targetCreateUser: action({ user: key, ...userFields }, ['user', 'userName']),
  targetDeleteUser: action({ user: key }, ['user']),
  expect: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      user: key,
      exists: { type: 'boolean' },
      active: { type: 'boolean' },
      attributes: { type: 'object', additionalProperties: { type: ['string', 'boolean', 'number'] } },
      groups: keys,
      idUnchanged: { type: 'boolean' },
      newId: { type: 'boolean' },
      sameIdAs: key,
      differentIdFrom: key,
      preexisting: { type: 'boolean' },
      deprovisioned: { type: 'boolean' },
      linked: { type: 'boolean' },
      userName: text,
      matches: { type: 'integer', minimum: 0 },
      group: key,
      displayName: text,
      members: keys,
      membersOf: key,
      memberCount: { type: 'integer', minimum: 0 },
      agree: { type: 'boolean' },
      importedUsers: key,
      importedGroups: key,
    },
  },
};

export const STEP_ACTIONS = Object.keys(ACTION_SCHEMAS);

/** The whole file's schema; steps are checked per action afterwards (see load.ts). */
export const SCENARIO_SCHEMA = {
  $id: 'https://scimcheck.dev/schemas/scenario.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'title', 'rfc', 'steps'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    title: text,
    description: text,
    rfc: { type: 'string', pattern: '^RFC764[34] §[0-9.]+$' },
    requires: {
      description: 'a premise of the scenario; when the run does not have it, the scenario is skipped with `because`',
      type: 'object',
      additionalProperties: false,
      required: ['because'],
      minProperties: 2,
      properties: { deprovision: { enum: ['delete', 'disable'] }, because: text },
    },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { ...common, ...Object.fromEntries(STEP_ACTIONS.map((a) => [a, { type: 'object' }])) },
        additionalProperties: false,
        minProperties: 1,
      },
    },
  },
} as const;

export { common as STEP_COMMON_SCHEMA };
