/**
 * How a target deprovisions, and the one default every command assumes (issue 12: `run` assumed delete and
 * `idp` disable, so a scenario passed under one and failed under the other).
 * RFC 7644 §3.6: "Service providers MAY choose not to permanently delete the resource, but MUST return a 404
 * (Not Found) error code for all operations associated with the previously deleted resource". A DELETE that
 * deletes is what the RFC describes; 'disable' (the record stays with active false) is a target's declared
 * departure from it (config `deprovision: disable`, `--deprovision disable`).
 */
export type Deprovision = 'delete' | 'disable';

export const DEFAULT_DEPROVISION: Deprovision = 'delete';
