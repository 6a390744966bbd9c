// Errors of the command line, and how any error becomes the one line a user sees.
//
// A user mistake (a missing file, a bad flag value, a cluster that cannot be reached, an
// object that does not exist) is one line saying what is wrong and what to do, never a stack
// trace. Anything else is a bug: one line too, plus the stack when IRONLB_DEBUG=1.
import { IronLbError } from '@ironlb/wire';

export const CliErrorCode = {
  /** A flag or argument is wrong (beyond what commander checks itself). */
  usage: 'ERR_IRONLB_CLI_USAGE',
  /** An input file is missing or cannot be parsed. */
  input: 'ERR_IRONLB_CLI_INPUT',
  /** The Kubernetes API cannot be reached or refused the request. */
  api: 'ERR_IRONLB_CLI_API',
  /** The object asked about does not exist. */
  notFound: 'ERR_IRONLB_CLI_NOT_FOUND',
  /** The lab cannot run or is not in the state the command needs. */
  lab: 'ERR_IRONLB_CLI_LAB',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** An error caused by what the user asked for; its message is the whole story. */
export class CliError extends IronLbError {
  /** The process exit code (default 1; 2 for usage errors). */
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(code, message, { cause: options.cause });
    this.exitCode = options.exitCode ?? (code === CliErrorCode.usage ? 2 : 1);
  }
}

export interface DescribedError {
  /** One line, without the program name. */
  readonly message: string;
  readonly exitCode: number;
  /** False for bugs: the caller adds a hint about IRONLB_DEBUG. */
  readonly userMistake: boolean;
}

interface CodedError {
  code?: unknown;
  message?: unknown;
  path?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
}

/** The first line of a message (some libraries put details on further lines). */
function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

function systemErrorLine(err: CodedError): string | undefined {
  switch (err.code) {
    case 'ENOENT':
      return typeof err.path === 'string' ? `${err.path}: no such file or directory` : undefined;
    case 'EACCES':
    case 'EPERM':
      return typeof err.path === 'string' ? `${err.path}: permission denied` : undefined;
    case 'EISDIR':
      return typeof err.path === 'string' ? `${err.path} is a directory, not a file` : undefined;
    case 'ECONNREFUSED':
      return `connection refused by ${String(err.address ?? '')}${err.port ? `:${String(err.port)}` : ''}`;
    default:
      return undefined;
  }
}

/** Error codes of lower packages whose messages are written for users (what to do included). */
const userFacingCodes = ['ERR_IRONLB_LAB_', 'ERR_IRONLB_NETLAB_NOT_ROOT', 'ERR_IRONLB_NETLAB_MISSING_TOOL'];

/** Turns anything thrown into the line to print and the exit code. */
export function describeError(err: unknown): DescribedError {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode, userMistake: true };
  const coded = (typeof err === 'object' && err !== null ? err : {}) as CodedError;
  const system = systemErrorLine(coded);
  if (system) return { message: system, exitCode: 1, userMistake: true };
  // Errors of the packages below, which carry stable codes and messages written for users.
  if (
    typeof coded.code === 'string' &&
    userFacingCodes.some((prefix) => String(coded.code).startsWith(prefix))
  )
    return { message: firstLine(String(coded.message)), exitCode: 1, userMistake: true };
  const message = err instanceof Error ? firstLine(err.message) : firstLine(String(err));
  return { message: `unexpected error: ${message}`, exitCode: 1, userMistake: false };
}
