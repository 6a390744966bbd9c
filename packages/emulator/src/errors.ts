// Kubernetes `Status` failures (apimachinery `pkg/api/errors`), thrown inside request handling
// and turned into a JSON response by the HTTP layer. The messages follow the real server's
// wording because clients and people match on them.

/** Base of every error the emulator throws; `code` is stable, messages may change. */
export class EmulatorError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'EmulatorError';
  }
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** A request failure carrying the `Status` body the server answers with. */
export class StatusError extends EmulatorError {
  readonly status: StatusBody;
  constructor(status: StatusBody) {
    super('ERR_IRONLB_EMULATOR_STATUS', status.message);
    this.status = status;
    this.name = 'StatusError';
  }
  get httpCode(): number {
    return this.status.code;
  }
}

export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
): StatusBody {
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) body.details = details;
  return body;
}

function fail(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return new StatusError(statusBody(code, reason, message, details));
}

/** What names a resource in messages: `services` or `ippools.lb.example.io`. */
export interface ResourceRef {
  group: string;
  plural: string;
}

function qualified(r: ResourceRef): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

function resourceDetails(r: ResourceRef, name: string): StatusDetails {
  return r.group ? { name, group: r.group, kind: r.plural } : { name, kind: r.plural };
}

export function notFound(r: ResourceRef, name: string): StatusError {
  return fail(404, 'NotFound', `${qualified(r)} "${name}" not found`, resourceDetails(r, name));
}

export function alreadyExists(r: ResourceRef, name: string): StatusError {
  return fail(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, resourceDetails(r, name));
}

export function conflict(r: ResourceRef, name: string, detail?: string): StatusError {
  const why =
    detail ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return fail(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    resourceDetails(r, name),
  );
}

export function badRequest(message: string): StatusError {
  return fail(400, 'BadRequest', message);
}

export function forbidden(r: ResourceRef, name: string, why: string): StatusError {
  const subject = name ? `${qualified(r)} "${name}"` : qualified(r);
  return fail(403, 'Forbidden', `${subject} is forbidden: ${why}`, resourceDetails(r, name));
}

export function unauthorized(): StatusError {
  return fail(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): StatusError {
  return fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function notAcceptable(accepted: string[]): StatusError {
  return fail(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function unsupportedMediaType(contentType: string, accepted: string[]): StatusError {
  return fail(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] },
  );
}

export function notFoundPath(): StatusError {
  return fail(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function tooManyRequests(retryAfterSeconds: number): StatusError {
  return fail(
    429,
    'TooManyRequests',
    'the server has received too many requests and has asked us to try again later',
    {
      retryAfterSeconds,
    },
  );
}

export function internalError(detail: string): StatusError {
  return fail(500, 'InternalError', `Internal error occurred: ${detail}`, { causes: [{ message: detail }] });
}

export function expired(message: string): StatusError {
  return fail(410, 'Expired', message);
}

export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return fail(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

// ---- field errors (apimachinery `pkg/util/validation/field`) ----

export type FieldErrorType =
  'Invalid' | 'Required' | 'NotSupported' | 'Forbidden' | 'Duplicate' | 'TooLong' | 'TooMany';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
  supported?: string[];
}

const causeReason: Record<FieldErrorType, string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
};

/** Go's `%#v`-like rendering of a value as the real server prints it in field errors. */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The text after `field: ` in an aggregated Invalid message. */
export function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case 'Invalid':
      return `Invalid value: ${goValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'Required':
      return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'NotSupported':
      return `Unsupported value: ${goValue(e.value)}${
        e.supported ? `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}` : ''
      }`;
    case 'Forbidden':
      return `Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'Duplicate':
      return `Duplicate value: ${goValue(e.value)}`;
    case 'TooLong':
      return `Too long${e.detail ? `: ${e.detail}` : ''}`;
    case 'TooMany':
      return `Too many${e.detail ? `: ${e.detail}` : ''}`;
  }
}

export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** 422 Invalid: `Service "web" is invalid: spec.ports[0].port: Invalid value: 0: ...`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): StatusError {
  const texts = errors.map(fieldErrorText);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const details: StatusDetails = group ? { name, group, kind } : { name, kind };
  details.causes = errors.map((e) => ({
    reason: causeReason[e.type],
    message: fieldErrorBody(e),
    field: e.field,
  }));
  return fail(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${joined}`, details);
}
