// Helpers for the membership integration tests: run an agent in a child process (so that it
// can be killed with SIGKILL) and watch the JSON lines it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const agentScript = fileURLToPath(
  new URL('../../packages/membership/src/testing/agent-process.ts', import.meta.url),
);

export interface ChildEvent {
  event: string;
  member?: string;
  to?: string;
  wallTime: number;
  [key: string]: unknown;
}

/** An agent process; `events` fills as it prints. */
export class AgentChild {
  readonly events: ChildEvent[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  stderr = '';

  constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as ChildEvent);
      } catch {
        // not ours
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4_000);
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
  }

  async stop(): Promise<void> {
    this.kill('SIGKILL');
    await Promise.race([this.#exited, new Promise((r) => setTimeout(r, 2_000))]);
  }

  exited(): Promise<void> {
    return this.#exited;
  }

  /** The first event matching `pred` printed at or after wall time `since`. */
  find(pred: (e: ChildEvent) => boolean, since = 0): ChildEvent | undefined {
    return this.events.find((e) => e.wallTime >= since && pred(e));
  }
}

/** Starts the agent script with `config` (see agent-process.ts), optionally through a prefix such as `ip netns exec X`. */
export function startAgentChild(config: unknown, options: { prefix?: string[] } = {}): AgentChild {
  const argv = [
    ...(options.prefix ?? []),
    process.execPath,
    '--conditions=@ironlb/source',
    '--import',
    'tsx',
    agentScript,
    JSON.stringify(config),
  ];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  return new AgentChild(child);
}

/** Polls `check` every 10 ms until it returns a value, or fails after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
