/**
 * Errors thrown by netlab. Every error carries a stable `code`; tests and callers assert on the
 * code, never on the message text (STYLE.md 2.5).
 */
export const NetlabErrorCode = {
  /** Not root, or missing CAP_NET_ADMIN / CAP_SYS_ADMIN: namespaces cannot be created. */
  NotRoot: 'ERR_IRONLB_NETLAB_NOT_ROOT',
  /** A binary the lab needs (ip, vtysh, bird, exabgp, tcpdump, ...) is not installed. */
  MissingTool: 'ERR_IRONLB_NETLAB_MISSING_TOOL',
  /** A command exited non-zero (or was killed by a signal). */
  CommandFailed: 'ERR_IRONLB_NETLAB_COMMAND_FAILED',
  /** A command ran past its time limit and was killed. */
  CommandTimeout: 'ERR_IRONLB_NETLAB_COMMAND_TIMEOUT',
  /** `waitFor` (or a wait built on it) ran out of time. */
  Timeout: 'ERR_IRONLB_NETLAB_TIMEOUT',
  /** A daemon (FRR, BIRD, ExaBGP, tcpdump) did not start or exited early. */
  DaemonFailed: 'ERR_IRONLB_NETLAB_DAEMON_FAILED',
  /** A lab was used after destroy(), or a name was reused inside one lab. */
  InvalidState: 'ERR_IRONLB_NETLAB_INVALID_STATE',
  /** An argument is malformed (bad name, bad prefix, ...). */
  InvalidArgument: 'ERR_IRONLB_NETLAB_INVALID_ARGUMENT',
  /** A file (pcap, JSON from vtysh, state file) could not be parsed. */
  ParseError: 'ERR_IRONLB_NETLAB_PARSE',
} as const;

export type NetlabErrorCode = (typeof NetlabErrorCode)[keyof typeof NetlabErrorCode];

export class NetlabError extends Error {
  readonly code: NetlabErrorCode;

  constructor(code: NetlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetlabError';
    this.code = code;
  }
}

/** A command that failed: what ran, where, and what it said. */
export class NetlabCommandError extends NetlabError {
  readonly argv: readonly string[];
  readonly namespace: string | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(
    code: typeof NetlabErrorCode.CommandFailed | typeof NetlabErrorCode.CommandTimeout,
    details: {
      argv: readonly string[];
      namespace?: string | undefined;
      exitCode: number | null;
      signal: string | null;
      stdout: string;
      stderr: string;
      timeoutMs?: number;
    },
  ) {
    const where = details.namespace ? ` in netns ${details.namespace}` : '';
    const what =
      code === NetlabErrorCode.CommandTimeout
        ? `timed out after ${details.timeoutMs ?? '?'} ms`
        : details.signal
          ? `was killed by ${details.signal}`
          : `exited with code ${details.exitCode}`;
    const stderr = details.stderr.trim();
    super(
      code,
      `\`${details.argv.join(' ')}\`${where} ${what}${stderr ? `: ${truncate(stderr, 2000)}` : ''}`,
    );
    this.name = 'NetlabCommandError';
    this.argv = details.argv;
    this.namespace = details.namespace;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stdout = details.stdout;
    this.stderr = details.stderr;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}
