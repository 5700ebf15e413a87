/**
 * The model-based command suites (RFC 7644 §3.2-§3.6): random sequences of user and group commands,
 * each answer compared with the model, then the target's whole state for the run read back.
 */
import fc from 'fast-check';
import { filterSpec, patchOpSpec, userSpec, word } from '../arbitraries.ts';
import {
  ChangeMembers,
  CreateGroup,
  CreateUser,
  DeleteResource,
  GetDeleted,
  GetResource,
  ListUsers,
  PatchUser,
  RenameGroup,
  RenameUser,
  ReplaceUser,
  SetActive,
  type Real,
} from '../commands.ts';
import type { PropertyDef } from '../engine.ts';
import { Model } from '../model.ts';
import type { PropertyTarget } from '../target.ts';
import { expectFinalState } from '../verify.ts';

type Commands = Iterable<fc.AsyncCommand<Model, Real, boolean>>;
const MAX_COMMANDS = 12;
const index = fc.nat(7);

async function runCommands(cmds: Commands, real: Real, kinds: ('User' | 'Group')[]): Promise<void> {
  const model = new Model(real.target.registry);
  await fc.asyncModelRun(() => ({ model, real }), cmds);
  await expectFinalState(real.session, model, real.target, kinds);
}

export const usersModel: PropertyDef<Commands> = {
  name: 'users-model',
  title: 'random user lifecycles (create, PUT, PATCH, rename, deactivate, delete, get, filtered list) match the model',
  area: 'users',
  cite: { rfc: 7644, section: '3.5.2', quote: 'the entire PATCH request MUST be treated as atomic' },
  notApplicable: () => undefined,
  arbitrary(target: PropertyTarget, replayPath?: string) {
    const spec = userSpec({ enterprise: target.enterprise });
    // Capability-aware (RFC 7643 §5): PATCH and filters are generated only when advertised.
    const arbs: fc.Arbitrary<fc.AsyncCommand<Model, Real, boolean>>[] = [
      spec.map((s) => new CreateUser(s)),
      fc.tuple(index, spec).map(([i, s]) => new ReplaceUser(i, s)),
      fc.tuple(index, word).map(([i, w]) => new RenameUser(i, w)),
      fc.tuple(index, fc.boolean()).map(([i, a]) => new SetActive(i, a)),
      index.map((i) => new DeleteResource('User', i)),
      index.map((i) => new GetResource('User', i)),
      index.map((i) => new GetDeleted('User', i)),
    ];
    if (target.patch) {
      const op = patchOpSpec({ enterprise: target.enterprise, otherUsers: true });
      arbs.push(fc.tuple(index, fc.array(op, { minLength: 1, maxLength: 3 })).map(([i, ops]) => new PatchUser(i, ops)));
    }
    if (target.filter) arbs.push(filterSpec({ enterprise: target.enterprise, dates: true, features: target.filterFeatures }).map((f) => new ListUsers(f)));
    return fc.commands(arbs, { maxCommands: MAX_COMMANDS, ...(replayPath ? { replayPath } : {}) });
  },
  run: (cmds, real) => runCommands(cmds, real, ['User']),
};

export const groupsModel: PropertyDef<Commands> = {
  name: 'groups-model',
  title: 'random group lifecycles (create, add/remove/replace members, rename, delete, get) match the model',
  area: 'groups',
  cite: { rfc: 7644, section: '3.5.2.2', quote: 'the "remove" operation removes the value at the target location specified by the required attribute "path"' },
  notApplicable: (t) => (t.endpoints.groups ? undefined : 'target has no Group resource type (/ResourceTypes)'),
  arbitrary(target: PropertyTarget, replayPath?: string) {
    const users = fc.array(index, { minLength: 1, maxLength: 3 });
    const member = (op: 'add' | 'remove' | 'replace') => fc.tuple(index, users).map(([g, us]) => new ChangeMembers(op, g, us));
    // fc.commands draws uniformly from the list: membership commands appear twice so runs reach them often.
    const arbs: fc.Arbitrary<fc.AsyncCommand<Model, Real, boolean>>[] = [
      userSpec({ enterprise: false }).map((s) => new CreateUser(s)),
      fc.tuple(word, fc.array(index, { maxLength: 3 })).map(([w, us]) => new CreateGroup(w, us)),
      member('add'),
      member('remove'),
      member('remove'),
      member('replace'),
      fc.tuple(index, word).map(([g, w]) => new RenameGroup(g, w)),
      index.map((g) => new DeleteResource('Group', g)),
      index.map((g) => new GetResource('Group', g)),
      index.map((g) => new GetDeleted('Group', g)),
    ];
    return fc.commands(arbs, { maxCommands: MAX_COMMANDS, ...(replayPath ? { replayPath } : {}) });
  },
  run: (cmds, real) => runCommands(cmds, real, ['User', 'Group']),
};
