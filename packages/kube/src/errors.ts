// Errors thrown by the kube runtime. Codes are stable API; messages are for humans.
import { IronLbError } from '@ironlb/wire';

export const KubeErrorCode = {
  /** The API server answered with a non-2xx status. */
  api: 'ERR_IRONLB_KUBE_API',
  /** The request did not complete: connection refused or reset, timeout, unparsable body. */
  transport: 'ERR_IRONLB_KUBE_TRANSPORT',
  /** An option is out of its allowed range (e.g. lease timings). */
  invalidOption: 'ERR_IRONLB_KUBE_INVALID_OPTION',
  /** The component was used after it was stopped or shut down. */
  stopped: 'ERR_IRONLB_KUBE_STOPPED',
} as const;

/** A non-2xx answer of the API server, with its Status `reason` (NotFound, Conflict, ...). */
export class KubeApiError extends IronLbError {
  readonly statusCode: number;
  /** The `reason` of the Kubernetes Status body: `NotFound`, `Conflict`, `AlreadyExists`, `Expired`... */
  readonly reason: string;
  readonly method: string;
  readonly path: string;

  constructor(init: { statusCode: number; reason: string; message: string; method: string; path: string }) {
    super(
      KubeErrorCode.api,
      `${init.method} ${init.path}: ${init.statusCode} ${init.reason}: ${init.message}`,
    );
    this.statusCode = init.statusCode;
    this.reason = init.reason;
    this.method = init.method;
    this.path = init.path;
  }
}

export class KubeTransportError extends IronLbError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(KubeErrorCode.transport, message, options);
  }
}

export class KubeOptionError extends IronLbError {
  constructor(message: string) {
    super(KubeErrorCode.invalidOption, message);
  }
}

export function isKubeApiError(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError;
}

/** 404: the object does not exist. */
export function isNotFound(err: unknown): boolean {
  return isKubeApiError(err) && err.statusCode === 404;
}

/** 409 Conflict: a resourceVersion precondition failed. */
export function isConflict(err: unknown): boolean {
  return isKubeApiError(err) && err.statusCode === 409 && err.reason !== 'AlreadyExists';
}

/** 409 AlreadyExists: a create lost the race. */
export function isAlreadyExists(err: unknown): boolean {
  return isKubeApiError(err) && err.statusCode === 409 && err.reason === 'AlreadyExists';
}

/** Worth retrying later: transport failures, 429, 5xx. */
export function isTransient(err: unknown): boolean {
  if (err instanceof KubeTransportError) return true;
  return isKubeApiError(err) && (err.statusCode === 429 || err.statusCode >= 500);
}
