import { describe, expect, it } from 'vitest';
import { createProgress, runStep } from './progress.js';

function output(tty: boolean) {
  const chunks: string[] = [];
  return { out: { write: (t: string) => void chunks.push(t), isTTY: tty }, text: () => chunks.join('') };
}

describe('progress', () => {
  it('on a terminal shows the running step, then replaces it with the result and its time', () => {
    const o = output(true);
    let now = 0;
    const p = createProgress(o.out, () => now);
    const step = p.step('network');
    now = 1234;
    step.done('network: 3 nodes');
    expect(o.text()).toBe('  \u2026 network\r\x1b[K  \u2713 network: 3 nodes (1.2s)\n');
  });

  it('elsewhere prints only finished lines; a failure says why; done twice prints once', async () => {
    const o = output(false);
    const p = createProgress(o.out, () => 0);
    await expect(
      runStep(p, 'emulator', async () => {
        throw new Error('port in use\nmore');
      }),
    ).rejects.toThrow('port in use');
    const s = p.step('x');
    s.done();
    s.done();
    expect(o.text()).toBe('  \u2717 emulator: port in use (0.0s)\n  \u2713 x (0.0s)\n');
  });
});
