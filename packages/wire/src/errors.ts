/**
 * The base of every error IronLB throws on purpose. `code` is stable API (tests and callers
 * match on it, never on the message), in the style of Node core's `ERR_*` codes.
 */
export class IronLbError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Why a decoder gave up. */
export const DecodeFailure = {
  /** The input ended before the structure did. */
  truncated: 'truncated',
  /** A field holds a value the format does not allow. */
  malformed: 'malformed',
  /** Well-formed but outside what this implementation handles. */
  unsupported: 'unsupported',
  /** Bytes were left over after a structure that must fill its container. */
  trailingBytes: 'trailingBytes',
} as const;
export type DecodeFailure = (typeof DecodeFailure)[keyof typeof DecodeFailure];

/**
 * Thrown by decoders for input that cannot be decoded. Protocol packages subclass it to carry
 * the protocol consequence (for BGP, the NOTIFICATION to send and the RFC 7606 handling).
 * A receive path catches it at the socket boundary and counts the frame as dropped.
 */
export class DecodeError extends IronLbError {
  readonly failure: DecodeFailure;
  /** Byte offset in the input where the problem was found. */
  readonly offset: number;

  constructor(
    failure: DecodeFailure,
    message: string,
    options: { offset: number; code?: string; cause?: unknown },
  ) {
    super(options.code ?? 'ERR_IRONLB_DECODE', message, { cause: options.cause });
    this.failure = failure;
    this.offset = options.offset;
  }
}

export function isDecodeError(err: unknown): err is DecodeError {
  return err instanceof DecodeError;
}
