import { fileURLToPath } from 'node:url';
import type { LabProcess, Netns } from '@ironlb/netlab';
import { abortWait, waitFor } from '@ironlb/netlab';
import type { SpeakerProcessConfig } from './speaker-process.js';

const script = fileURLToPath(new URL('./speaker-process.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** One line the speaker process printed. */
export interface SpeakerLine {
  readonly event: string;
  readonly t: number;
  readonly [field: string]: unknown;
}

/**
 * A speaker process (`speaker-process.ts`) running in a namespace, with the JSON lines it
 * printed. For the interop tests and the benchmark.
 */
export class SpeakerHandle {
  private constructor(
    readonly process: LabProcess,
    readonly lines: SpeakerLine[],
  ) {}

  static async start(
    netns: Netns,
    config: SpeakerProcessConfig,
    options: { name?: string; timeoutMs?: number } = {},
  ): Promise<SpeakerHandle> {
    const lines: SpeakerLine[] = [];
    const proc = await netns.spawn(
      ['node', '--conditions=@ironlb/source', '--import', 'tsx', script, JSON.stringify(config)],
      {
        name: options.name ?? 'bfd-speaker',
        cwd: repoRoot,
        onLine: (line, stream) => {
          if (stream !== 'stdout' || !line.startsWith('{')) return;
          try {
            const parsed = JSON.parse(line) as SpeakerLine;
            lines.push(parsed);
          } catch {
            // not one of ours
          }
        },
      },
    );
    const handle = new SpeakerHandle(proc, lines);
    await handle.waitFor((l) => l.event === 'ready', {
      timeoutMs: options.timeoutMs ?? 20_000,
      description: 'speaker process ready',
    });
    return handle;
  }

  /** Waits for a line matching `predicate` printed at or after `since` (epoch ms). */
  waitFor(
    predicate: (line: SpeakerLine) => boolean,
    options: { timeoutMs: number; description: string; since?: number },
  ): Promise<SpeakerLine> {
    const since = options.since ?? 0;
    return waitFor(
      () => {
        if (!this.process.alive() && !this.lines.some((l) => l.t >= since && predicate(l)))
          throw abortWait(new Error(`speaker exited (log: ${this.process.logFile})`));
        return this.lines.find((l) => l.t >= since && predicate(l));
      },
      { timeoutMs: options.timeoutMs, intervalMs: 10, description: options.description },
    );
  }

  /** Asks for counters and sessions (SIGUSR1) and returns the answer. */
  async stats(): Promise<SpeakerLine> {
    const since = Date.now();
    this.process.kill('SIGUSR1');
    return this.waitFor((l) => l.event === 'stats', { timeoutMs: 5000, description: 'speaker stats', since });
  }

  resetStats(): void {
    this.process.kill('SIGUSR2');
  }

  /** kill -9: the process dies without a word. */
  killHard(): void {
    this.process.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.process.stop({ graceMs: 2000 });
  }
}
