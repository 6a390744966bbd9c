// Shared helpers for the emulator conformance suites: bounded waits and a client-node
// KubeConfig for a running emulator.
import { KubeConfig } from '@kubernetes/client-node';
import type { Emulator, KubeconfigFor } from '@ironlb/emulator';
export { sleep, waitFor } from '../support/wait.js';

export function kubeConfigFor(emu: Emulator, opts?: KubeconfigFor): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfig(opts));
  return kc;
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
