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
}

export type Action =
  | { kind: 'connect' }
  | { kind: 'assign'; user: string; matchBy?: 'userName' | 'email' | 'externalId' | 'workEmail'; fields: UserFields }
  | { kind: 'assignMany'; batch: string; count: number }
  | { kind: 'update'; user: string; fields: UserFields }
  | { kind: 'deactivate' | 'reactivate' | 'delete' | 'targetDeleteUser'; user: string }
  | { kind: 'cycle' }
  | { kind: 'createGroup'; group: string; displayName: string; members?: string[]; membersOf?: string }
  | { kind: 'addMembers' | 'removeMembers'; group: string; members: string[] }
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
