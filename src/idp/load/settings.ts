/** The settings of one load run, as the command parsed them (also built directly by tests and the benchmark). */
export interface LoadSettings {
  /** A profile name from src/idp/profiles (okta, entra, entra-2020, onelogin). */
  profile: string;
  /** SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2 */
  target: string;
  /** The Authorization header value, when the target needs one. */
  authorization?: string;
  users: number;
  groups: number;
  membersPerGroup: number;
  concurrency: number;
  /** Max requests per second over all workers (`--rate`). */
  rate?: number;
  /** Workers start spread over this many seconds (`--ramp`). */
  rampSeconds?: number;
  /** No new work starts after this many seconds of sync (`--duration`); the read-back checks what was sent. */
  durationSeconds?: number;
  /** Share of users (and memberships) changed in the incremental cycle, 0..1. */
  incremental: number;
  seed: number;
  /** Every userName and group displayName starts with it; cleanup sweeps by it. */
  prefix: string;
  timeoutMs: number;
  /** The target's policy: with 'delete', leavers are deleted by profiles that delete. */
  deprovision: 'disable' | 'delete';
  cleanup: boolean;
}

export const DEFAULTS = {
  users: 1000,
  groups: 10,
  membersPerGroup: 50,
  concurrency: 8,
  incremental: 0.1,
  timeoutMs: 30_000,
} as const;
