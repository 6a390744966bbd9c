// Progress lines for `lab up`: on a terminal a step shows `… text` while it runs and becomes
// `✓ text (1.2s)` when done; elsewhere (CI logs, pipes) only the finished lines are printed.

export interface ProgressOutput {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export interface ProgressStep {
  /** Marks the step done; `detail` replaces the text when given. */
  done(detail?: string): void;
  fail(reason: string): void;
}

export interface Progress {
  step(text: string): ProgressStep;
  /** A plain line (headings, the final status). */
  line(text: string): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function createProgress(out: ProgressOutput, now: () => number = () => performance.now()): Progress {
  const tty = out.isTTY === true;
  return {
    step(text) {
      const started = now();
      if (tty) out.write(`  \u2026 ${text}`);
      let finished = false;
      const finish = (mark: string, body: string) => {
        if (finished) return;
        finished = true;
        const line = `  ${mark} ${body} (${seconds(now() - started)})`;
        out.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
      };
      return {
        done: (detail) => finish('\u2713', detail ?? text),
        fail: (reason) => finish('\u2717', `${text}: ${reason}`),
      };
    },
    line(text) {
      out.write(`${text}\n`);
    },
  };
}

/** Runs `fn` as one step: done with its returned detail, or failed with the error's message. */
export async function runStep<T>(
  progress: Progress,
  text: string,
  fn: () => Promise<T>,
  detail?: (value: T) => string,
): Promise<T> {
  const step = progress.step(text);
  try {
    const value = await fn();
    step.done(detail?.(value));
    return value;
  } catch (err) {
    step.fail((err as Error).message.split('\n')[0] ?? 'failed');
    throw err;
  }
}

/** Discards everything (tests, `--quiet`). */
export const silentProgress: Progress = {
  step: () => ({ done: () => undefined, fail: () => undefined }),
  line: () => undefined,
};
