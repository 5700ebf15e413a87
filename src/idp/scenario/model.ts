/** A loaded, validated scenario (the YAML's shape, typed). */
import type { UserField } from '../directory.ts';

export type UserFields = Partial<Record<UserField, string>>;

export interface Expectation {
  user?: string;
  exists?: boolean;
  active?: boolean;
  attributes?: Record<string, string | boolean | number>;
  groups?: string[];
  idUnchanged?: boolean;
  newId?: boolean;
  sameIdAs?: string;
  differentIdFrom?: string;
  preexisting?: boolean;
  deprovisioned?: boolean;
  linked?: boolean;
  userName?: string;
  matches?: number;
  group?: string;
  displayName?: string;
  members?: string[];
  membersOf?: string;
  memberCount?: number;
  agree?: boolean;
  /** The last import read each user of this batch exactly once. */
  importedUsers?: string;
  /** The last import read each group of this batch exactly once. */
  importedGroups?: string;
}

export type Action =
  | { kind: 'connect' }
  | { kind: 'assign'; user: string; matchBy?: 'userName' | 'email' | 'externalId' | 'workEmail'; fields: UserFields }
  | { kind: 'assignMany'; batch: string; count: number }
  | { kind: 'update'; user: string; fields: UserFields }
  | { kind: 'deactivate' | 'reactivate' | 'delete' | 'targetDeleteUser'; user: string }
  | { kind: 'cycle' }
  /** Soft delete / restore in the directory, unassignment from the app, the IdP's next cycle for one user. */
  | { kind: 'softDelete' | 'restore' | 'unassign' | 'sync'; user: string }
  /** Days pass in the IdP (soft-delete retention runs out). */
  | { kind: 'elapse'; days: number }
  | { kind: 'createGroup'; group: string; displayName: string; members?: string[]; membersOf?: string }
  | { kind: 'addMembers' | 'removeMembers'; group: string; members: string[] }
  | { kind: 'changeMembers'; group: string; add: string[]; remove: string[] }
  | { kind: 'pushGroupNow'; group: string }
  | { kind: 'createGroupMany'; batch: string; count: number }
  | { kind: 'import' }
  | { kind: 'renameGroup'; group: string; displayName: string }
  | { kind: 'deleteGroup'; group: string }
  | { kind: 'targetCreateUser'; user: string; fields: UserFields }
  | { kind: 'expect'; expect: Expectation };

export interface Step {
  title?: string;
  /** Outcomes the IdP action may end with (e.g. ['conflict']); absent means plain success. */
  outcome?: string[];
  action: Action;
}

export interface Scenario {
  name: string;
  title: string;
  description?: string;
  /** The clause the scenario's verdict cites, e.g. 'RFC7644 §3.5.2'. */
  rfc: string;
  /** A premise the target must have for the scenario to mean anything; otherwise it is skipped with `because`. */
  requires?: { deprovision?: 'delete' | 'disable'; because: string };
  steps: Step[];
  /** Where it was loaded from, for messages. */
  file?: string;
}
