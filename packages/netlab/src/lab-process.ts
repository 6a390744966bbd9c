import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { NetlabError, NetlabErrorCode } from './errors.js';
import { isProcessAlive, readProcStat } from './proc-stat.js';
import { abortWait, NetlabTimeoutError, sleep, waitFor, withTimeout } from './wait-for.js';

/** How a process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** A short name for logs and the state file (default: the binary's name). */
  name?: string;
  /** Where stdout and stderr go (appended). Default: `<lab dir>/<netns short name>-<name>.log`. */
  logFile?: string;
  /** Extra environment variables, merged over this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Called for each line of output, as it arrives (the output still goes to the log file). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** What a process record in the state file holds. */
export interface ProcessRecord {
  pid: number;
  startTime: number;
  name: string;
  netns: string | undefined;
}

/**
 * A long-running process started by a lab, usually inside a namespace through
 * `ip netns exec NS ...` (which execs in place, so `pid` is the program's own PID).
 *
 * It runs in its own process group (so `kill` reaches anything it forks and a terminal's Ctrl-C
 * does not hit it before the lab cleans up), does not keep the event loop alive, and writes its
 * output to `logFile`.
 */
export class LabProcess {
  readonly pid: number;
  readonly name: string;
  readonly netns: string | undefined;
  readonly logFile: string;
  readonly argv: readonly string[];
  /** Start time in clock ticks from /proc/PID/stat (guards against PID reuse). */
  readonly startTime: number;
  /** Settles when the process has exited (and been reaped). */
  readonly exited: Promise<ExitStatus>;
  #exitStatus: ExitStatus | undefined;

  private constructor(init: {
    pid: number;
    name: string;
    netns: string | undefined;
    logFile: string;
    argv: readonly string[];
    startTime: number;
    exited: Promise<ExitStatus>;
  }) {
    this.pid = init.pid;
    this.name = init.name;
    this.netns = init.netns;
    this.logFile = init.logFile;
    this.argv = init.argv;
    this.startTime = init.startTime;
    this.exited = init.exited.then((status) => {
      this.#exitStatus = status;
      return status;
    });
  }

  /**
   * Starts `argv` (inside `netns` when given). Resolves once the process exists; throws when
   * the binary cannot be started.
   */
  static async start(
    argv: readonly string[],
    options: SpawnOptions & { netns?: string | undefined; logFile: string },
  ): Promise<LabProcess> {
    const [program] = argv;
    if (program === undefined) throw new NetlabError(NetlabErrorCode.InvalidArgument, 'spawn: empty argv');
    const fullArgv = options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : [...argv];
    const name = options.name ?? program.split('/').pop() ?? program;
    const logFd = openSync(options.logFile, 'a');
    const piped = options.onLine !== undefined;
    try {
      writeSync(logFd, `# netlab ${new Date().toISOString()} start: ${fullArgv.join(' ')}\n`);
      const child = spawn(fullArgv[0] as string, fullArgv.slice(1), {
        stdio: piped ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
        env: options.env ? { ...process.env, ...options.env } : process.env,
        cwd: options.cwd,
        detached: true,
      });
      const spawned = new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid as number));
        child.once('error', reject);
      });
      const exited = new Promise<ExitStatus>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
      const pid = await spawned;
      if (piped) {
        const teeFd = openSync(options.logFile, 'a');
        let open = 2;
        for (const stream of ['stdout', 'stderr'] as const) {
          const source = child[stream];
          if (!source) continue;
          let partial = '';
          source.setEncoding('utf8');
          source.on('data', (chunk: string) => {
            writeSync(teeFd, chunk);
            const lines = (partial + chunk).split('\n');
            partial = lines.pop() ?? '';
            for (const line of lines) options.onLine?.(line, stream);
          });
          source.on('end', () => {
            if (partial) options.onLine?.(partial, stream);
            if (--open === 0) closeSync(teeFd);
          });
          // Piped streams would keep the event loop alive: like the child, they must not.
          (source as unknown as { unref?: () => void }).unref?.();
        }
      }
      child.unref();
      const startTime = readProcStat(pid)?.startTime ?? 0;
      return new LabProcess({
        pid,
        name,
        netns: options.netns,
        logFile: options.logFile,
        argv: fullArgv,
        startTime,
        exited,
      });
    } finally {
      closeSync(logFd);
    }
  }

  /** How the process ended, or undefined while it runs. */
  get exitStatus(): ExitStatus | undefined {
    return this.#exitStatus;
  }

  /** True while the process runs (zombie-aware: a `<defunct>` process is not alive). */
  alive(): boolean {
    return this.#exitStatus === undefined && isProcessAlive(this.pid, this.startTime || undefined);
  }

  /**
   * Sends `signal` to the process group (the process and anything it forked). Returns false
   * when the process had already exited. Never signals a PID this process did not start.
   */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (!this.alive()) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      try {
        process.kill(this.pid, signal);
        return true;
      } catch {
        return false;
      }
    }
  }

  /** SIGSTOP: the process freezes (a router that goes silent, a speaker that hangs). */
  pause(): boolean {
    return this.kill('SIGSTOP');
  }

  /** SIGCONT after `pause()`. */
  resume(): boolean {
    return this.kill('SIGCONT');
  }

  /** Waits for the exit; throws `ERR_IRONLB_NETLAB_TIMEOUT` when it takes longer than `timeoutMs`. */
  waitExit(timeoutMs: number): Promise<ExitStatus> {
    return withTimeout(this.exited, timeoutMs, `${this.describe()} to exit`);
  }

  /**
   * Stops the process: `signal` (default SIGTERM), then SIGKILL if it has not exited after
   * `graceMs` (default 2 s). Idempotent.
   */
  async stop(options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<ExitStatus> {
    if (this.#exitStatus) return this.#exitStatus;
    this.kill(options.signal ?? 'SIGTERM');
    try {
      return await this.waitExit(options.graceMs ?? 2000);
    } catch (err) {
      if (!(err instanceof NetlabTimeoutError)) throw err;
      this.kill('SIGKILL');
      return this.waitExit(5000);
    }
  }

  /** The log file's content (this process's output, plus netlab's start line). */
  readLog(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /**
   * Waits until the log contains a line matching `pattern` and returns that line. Fails early,
   * with the log's tail, if the process exits first.
   */
  async waitForLog(
    pattern: RegExp | string,
    options: { timeoutMs: number; intervalMs?: number },
  ): Promise<string> {
    // Lines netlab itself writes (`# netlab ... start: <argv>`) repeat the command line, so
    // they could match a pattern the process has not printed yet: skip them.
    const test = (line: string): boolean =>
      !line.startsWith('# netlab ') &&
      (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
    return waitFor(
      () => {
        const exitedBefore = this.#exitStatus !== undefined;
        const line = this.readLog().split('\n').find(test);
        if (line !== undefined) return line;
        if (exitedBefore) throw abortWait(this.exitedError());
        return undefined;
      },
      {
        timeoutMs: options.timeoutMs,
        intervalMs: options.intervalMs ?? 20,
        description: `${this.describe()} to log ${String(pattern)}`,
      },
    );
  }

  /** An error saying the process exited, with the end of its log: for "did not start" cases. */
  exitedError(): NetlabError {
    const status = this.#exitStatus;
    const how = status
      ? status.signal
        ? `killed by ${status.signal}`
        : `exit code ${status.code}`
      : 'still running';
    const tail = this.readLog().trim().split('\n').slice(-15).join('\n');
    return new NetlabError(
      NetlabErrorCode.DaemonFailed,
      `${this.describe()} exited (${how}); log ${this.logFile}:\n${tail}`,
    );
  }

  /** The record the lab's state file keeps for this process. */
  record(): ProcessRecord {
    return { pid: this.pid, startTime: this.startTime, name: this.name, netns: this.netns };
  }

  describe(): string {
    return `${this.name} (pid ${this.pid}${this.netns ? `, netns ${this.netns}` : ''})`;
  }

  /** Resolves once `ms` has passed or the process exited, whichever is first. */
  async settle(ms: number): Promise<void> {
    await Promise.race([sleep(ms), this.exited]);
  }
}
