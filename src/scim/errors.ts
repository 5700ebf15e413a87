/**
 * SCIM errors as values (RFC 7644 §3.12): an HTTP status plus, for 400s, a `scimType`.
 * Everything that crosses a boundary (core -> provider -> HTTP) throws or returns a ScimError,
 * never a bare Error, so the HTTP layer can always answer with a SCIM error body.
 */

/** RFC 7644 §3.12, Table 9: the scimType keywords. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The status each scimType travels with (RFC 7644 §3.12 Table 9; `uniqueness` is 409 per §3.3). */
export const SCIM_TYPE_STATUS: Readonly<Record<ScimType, number>> = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 403,
};

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  /** RFC 7644 §3.12: status is a string in the JSON body. */
  status: string;
  scimType?: ScimType;
  detail?: string;
}

export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimType;
  readonly detail: string;

  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.detail = detail;
    this.scimType = scimType;
  }

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.detail };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }
}

export function isScimError(e: unknown): e is ScimError {
  return e instanceof ScimError;
}

/** Shorthands so call sites read as the RFC does. Each returns (does not throw) the error. */
export const scimError = {
  invalidFilter: (detail: string) => new ScimError(400, detail, 'invalidFilter'),
  tooMany: (detail: string) => new ScimError(400, detail, 'tooMany'),
  uniqueness: (detail: string) => new ScimError(409, detail, 'uniqueness'),
  mutability: (detail: string) => new ScimError(400, detail, 'mutability'),
  invalidSyntax: (detail: string) => new ScimError(400, detail, 'invalidSyntax'),
  invalidPath: (detail: string) => new ScimError(400, detail, 'invalidPath'),
  noTarget: (detail: string) => new ScimError(400, detail, 'noTarget'),
  invalidValue: (detail: string) => new ScimError(400, detail, 'invalidValue'),
  invalidVers: (detail: string) => new ScimError(400, detail, 'invalidVers'),
  sensitive: (detail: string) => new ScimError(403, detail, 'sensitive'),
  badRequest: (detail: string) => new ScimError(400, detail),
  unauthorized: (detail = 'Authorization failure') => new ScimError(401, detail),
  forbidden: (detail: string) => new ScimError(403, detail),
  notFound: (detail: string) => new ScimError(404, detail),
  methodNotAllowed: (detail: string) => new ScimError(405, detail),
  conflict: (detail: string) => new ScimError(409, detail),
  preconditionFailed: (detail: string) => new ScimError(412, detail),
  payloadTooLarge: (detail: string) => new ScimError(413, detail),
  notImplemented: (detail: string) => new ScimError(501, detail),
} as const;
