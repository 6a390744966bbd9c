// Shared helpers of the kube runtime integration tests: an emulator with IronLB's CRDs, a
// client for it, bounded waits, and the real kubectl.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { crdManifests } from '@ironlb/config';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator, EmulatorOptions } from '@ironlb/emulator';
import { HttpKubeApi, createRuntimeMetrics } from '@ironlb/kube';
import type { RuntimeMetrics } from '@ironlb/kube';
export { sleep, waitFor } from '../support/wait.js';

export interface Cluster {
  emu: Emulator;
  kc: KubeConfig;
  api: HttpKubeApi;
  metrics: RuntimeMetrics;
  close(): Promise<void>;
}

export async function startCluster(options: EmulatorOptions & { crds?: boolean } = {}): Promise<Cluster> {
  const emu = await startEmulator({ requestLogLimit: 10_000, ...options });
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfig());
  const metrics = createRuntimeMetrics();
  const api = new HttpKubeApi(kc, { metrics, timeoutMs: 10_000 });
  if (options.crds !== false) {
    for (const crd of crdManifests())
      await api.request({
        method: 'POST',
        path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        body: crd,
      });
  }
  return {
    emu,
    kc,
    api,
    metrics,
    async close() {
      api.close();
      await emu.close();
    },
  };
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** The real kubectl against the emulator, with its own kubeconfig and cache directory. */
export class Kubectl {
  readonly #dir: string;

  constructor(emu: Emulator) {
    this.#dir = mkdtempSync(join(tmpdir(), 'ironlb-kube-test-'));
    writeFileSync(join(this.#dir, 'kubeconfig'), emu.kubeconfig());
  }

  file(name: string, content: string): string {
    const p = join(this.#dir, name);
    writeFileSync(p, content);
    return p;
  }

  run(args: string[], stdin?: string): Promise<KubectlResult> {
    const full = [
      '--kubeconfig',
      join(this.#dir, 'kubeconfig'),
      '--cache-dir',
      join(this.#dir, 'cache'),
      ...args,
    ];
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        full,
        { timeout: 60_000, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 });
        },
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  }

  cleanup(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
