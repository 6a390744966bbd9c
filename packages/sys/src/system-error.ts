import { getSystemErrorName } from 'node:util';
import { IronLbError } from '@ironlb/wire';

/** Context attached to a system error: the interface, address or port involved. */
export interface SystemErrorContext {
  readonly ifname?: string;
  readonly address?: string;
  readonly port?: number;
  readonly fd?: number;
  readonly [key: string]: string | number | undefined;
}

/**
 * A failed syscall, shaped like Node's own system errors (`connect ECONNREFUSED ...`):
 * `code` is the errno name ('EPERM', 'ENODEV'), `errno` the negative errno number as Node
 * reports it, `syscall` the failing call, plus context fields such as `ifname`.
 * Match on `code`, never on the message.
 */
export class SystemError extends IronLbError {
  readonly errno: number;
  readonly syscall: string;
  declare readonly ifname?: string;
  declare readonly address?: string;
  declare readonly port?: number;

  constructor(
    errno: number,
    syscall: string,
    context: SystemErrorContext = {},
    options?: { cause?: unknown },
  ) {
    const neg = errno > 0 ? -errno : errno;
    const code = errnoName(neg);
    const where = [
      context.ifname,
      context.address !== undefined && context.port !== undefined
        ? `${context.address}:${context.port}`
        : context.address,
    ].filter((s) => s !== undefined);
    super(code, `${syscall} ${code}${where.length ? ` ${where.join(' ')}` : ''}`, options);
    this.errno = neg;
    this.syscall = syscall;
    for (const [key, value] of Object.entries(context)) {
      if (value !== undefined && !reserved.has(key))
        Object.defineProperty(this, key, { value, enumerable: true });
    }
  }
}

const reserved = new Set(['code', 'errno', 'syscall', 'message', 'name', 'stack', 'cause']);

function errnoName(negErrno: number): string {
  try {
    return getSystemErrorName(negErrno);
  } catch {
    return `Unknown system error ${negErrno}`;
  }
}

/** Throws a SystemError for a negative errno result; returns non-negative results unchanged. */
export function check(result: number, syscall: string, context?: SystemErrorContext): number {
  if (result < 0) throw new SystemError(result, syscall, context);
  return result;
}
