// Errors of the lab. Each message is the whole story for the user: what is wrong and what to do.
import { IronLbError } from '@ironlb/wire';

export const LabErrorCode = {
  /** Not root, no network namespaces, a missing tool. */
  prerequisites: 'ERR_IRONLB_LAB_PREREQUISITES',
  /** No lab of that name is running (status, exec, fail-node on nothing). */
  notRunning: 'ERR_IRONLB_LAB_NOT_RUNNING',
  /** An argument names something the lab does not have (a node, a host). */
  invalidArgument: 'ERR_IRONLB_LAB_INVALID_ARGUMENT',
  /** A step of `up` did not complete in time; the message names it and the log to read. */
  startFailed: 'ERR_IRONLB_LAB_START_FAILED',
} as const;
export type LabErrorCode = (typeof LabErrorCode)[keyof typeof LabErrorCode];

export class LabError extends IronLbError {
  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
