// Shared helpers for the emulator conformance suites: bounded waits and a client-node
// KubeConfig for a running emulator.
import { KubeConfig } from '@kubernetes/client-node';
import type { Emulator, KubeconfigFor } from '@ironlb/emulator';

export function kubeConfigFor(emu: Emulator, opts?: KubeconfigFor): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfig(opts));
  return kc;
}

/** Polls `check` every 10 ms until it returns true; fails after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The HTTP status of a failed client-node call (ApiException.code). */
export async function codeOf(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    const body =
      typeof err.body === 'string'
        ? (JSON.parse(err.body) as Record<string, unknown>)
        : ((err.body ?? {}) as Record<string, unknown>);
    return { code: err.code ?? -1, body };
  }
  return { code: 200, body: {} };
}
