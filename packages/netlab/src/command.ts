import { spawn } from 'node:child_process';
import { NetlabCommandError, NetlabErrorCode } from './errors.js';

/** The outcome of a finished command. A non-zero exit is a value here, not an error. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the command ran past `timeoutMs` and was killed with SIGKILL. */
  timedOut: boolean;
  durationMs: number;
}

export interface CommandOptions {
  /** Kill the command (SIGKILL) after this long. Default 10 s: every command is bounded. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Extra environment variables (merged over this process's environment). */
  env?: Record<string, string>;
  cwd?: string;
  /** Output above this many bytes per stream is dropped (the result says so). Default 64 MiB. */
  maxOutputBytes?: number;
}

export const defaultCommandTimeoutMs = 10_000;

/**
 * Runs `argv` (no shell) and collects its output. Never throws for a non-zero exit or a time-out;
 * it throws only when the binary cannot be started at all (ENOENT, EACCES).
 */
export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new TypeError('runCommand: empty argv');
  const timeoutMs = options.timeoutMs ?? defaultCommandTimeoutMs;
  const maxBytes = options.maxOutputBytes ?? 64 * 1024 * 1024;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ? { ...process.env, ...options.env } : process.env,
      cwd: options.cwd,
    });
    const stdout = collect(child.stdout, maxBytes);
    const stderr = collect(child.stderr, maxBytes);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: stdout.text(),
        stderr: stderr.text(),
        code,
        signal,
        timedOut,
        durationMs: performance.now() - started,
      });
    });
    child.stdin.on('error', () => {
      // The command may exit without reading its input (EPIPE): its exit status tells the story.
    });
    child.stdin.end(options.input ?? undefined);
  });
}

/**
 * Runs `argv` and returns its stdout; throws `ERR_IRONLB_NETLAB_COMMAND_FAILED` on a non-zero
 * exit and `ERR_IRONLB_NETLAB_COMMAND_TIMEOUT` on a time-out, with stderr in the message.
 */
export async function runChecked(
  argv: readonly string[],
  options: CommandOptions & { namespace?: string } = {},
): Promise<string> {
  const result = await runCommand(argv, options);
  throwIfFailed(argv, result, options);
  return result.stdout;
}

/** Throws the matching NetlabCommandError when `result` is a failure. */
export function throwIfFailed(
  argv: readonly string[],
  result: CommandResult,
  options: { namespace?: string; timeoutMs?: number } = {},
): void {
  if (result.code === 0 && !result.timedOut) return;
  throw new NetlabCommandError(
    result.timedOut ? NetlabErrorCode.CommandTimeout : NetlabErrorCode.CommandFailed,
    {
      argv,
      namespace: options.namespace,
      exitCode: result.code,
      signal: result.signal,
      stdout: result.stdout,
      stderr: result.stderr,
      timeoutMs: options.timeoutMs ?? defaultCommandTimeoutMs,
    },
  );
}

function collect(stream: NodeJS.ReadableStream, maxBytes: number): { text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size + chunk.length > maxBytes) {
      dropped += chunk.length;
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  return {
    text: () => {
      const text = Buffer.concat(chunks).toString('utf8');
      return dropped > 0 ? `${text}\n[netlab: ${dropped} bytes of output dropped]` : text;
    },
  };
}
