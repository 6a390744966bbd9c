import { DecodeError, DecodeFailure, IronLbError } from '@ironlb/wire';
import { notificationName } from './constants.js';

/**
 * What a receiver does about a malformed UPDATE attribute (RFC 7606 §2), most severe first:
 * - `sessionReset`: send the NOTIFICATION and close the session (RFC 4271 behaviour);
 * - `treatAsWithdraw`: keep the session, treat every NLRI of the UPDATE as withdrawn;
 * - `attributeDiscard`: keep the session, drop the attribute, use the rest of the UPDATE.
 * Errors outside UPDATE attributes are always `sessionReset`.
 */
export const ErrorHandling = {
  sessionReset: 'sessionReset',
  treatAsWithdraw: 'treatAsWithdraw',
  attributeDiscard: 'attributeDiscard',
} as const;
export type ErrorHandling = (typeof ErrorHandling)[keyof typeof ErrorHandling];

const severity: Record<ErrorHandling, number> = { sessionReset: 3, treatAsWithdraw: 2, attributeDiscard: 1 };

/** The more severe of two handlings (RFC 7606 §3: with several errors, the most severe wins). */
export function worstHandling(a: ErrorHandling | undefined, b: ErrorHandling): ErrorHandling {
  return a === undefined || severity[b] > severity[a] ? b : a;
}

/** The NOTIFICATION an error calls for (RFC 4271 §4.5). */
export interface NotificationSpec {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

/**
 * A BGP message that cannot be accepted. Carries the NOTIFICATION to send (code, subcode and
 * the data RFC 4271 §6 prescribes) and, for UPDATE attributes, the RFC 7606 handling.
 * Thrown only by decoders; the session turns it into NOTIFICATION + close, or counts it.
 */
export class BgpDecodeError extends DecodeError {
  readonly notification: NotificationSpec;
  readonly handling: ErrorHandling;

  constructor(
    message: string,
    options: {
      code: number;
      subcode: number;
      data?: Uint8Array;
      handling?: ErrorHandling;
      offset: number;
      failure?: DecodeFailure;
      cause?: unknown;
    },
  ) {
    super(options.failure ?? DecodeFailure.malformed, message, {
      offset: options.offset,
      code: 'ERR_IRONLB_BGP_DECODE',
      cause: options.cause,
    });
    this.notification = {
      code: options.code,
      subcode: options.subcode,
      data: options.data ?? new Uint8Array(0),
    };
    this.handling = options.handling ?? ErrorHandling.sessionReset;
  }

  /** `"UpdateMessageError/MalformedAsPath"`. */
  get notificationName(): string {
    return notificationName(this.notification.code, this.notification.subcode);
  }
}

/** Stable codes of the errors this package throws on purpose. */
export const BgpErrorCode = {
  decode: 'ERR_IRONLB_BGP_DECODE',
  encode: 'ERR_IRONLB_BGP_ENCODE',
  config: 'ERR_IRONLB_BGP_CONFIG',
  sessionStopped: 'ERR_IRONLB_BGP_SESSION_STOPPED',
} as const;

/** A value that cannot be put on the wire (an encoder precondition), or invalid configuration. */
export class BgpError extends IronLbError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
