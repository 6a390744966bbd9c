// The IronLB processes of a lab, each the built `ironlb` command (what ships), started as a
// tracked netlab process: the API server emulator and the controller replicas in the root
// namespace, a speaker in each node namespace. Their output goes to <lab dir>/logs/.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor, type Lab, type LabProcess, type Netns } from '@ironlb/netlab';
import type { LabLayout } from './lab-layout.js';
import type { RecordedProcess } from './lab-record.js';

/** Spawned processes must not inherit a test runner's loaders (tsx, vitest). */
const cleanEnv = { NODE_OPTIONS: '' };

/** A TCP port nobody listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether `port` on 127.0.0.1 is free. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port }, () => server.close(() => resolve(true)));
  });
}

export function recordOf(
  proc: LabProcess,
  role: RecordedProcess['role'],
  instance: string,
  argv: readonly string[],
  netns?: Netns,
): RecordedProcess {
  return {
    role,
    instance,
    pid: proc.pid,
    startTime: proc.startTime,
    logFile: proc.logFile,
    ...(netns ? { netns: netns.short } : {}),
    argv,
  };
}

export function emulatorArgv(cli: readonly string[], layout: LabLayout, port: number): string[] {
  return [
    ...cli,
    'emulator',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    layout.apiDataDir,
    '--kubeconfig-out',
    layout.kubeconfig,
    '--rbac',
    '--log-format',
    'json',
  ];
}

export async function startEmulatorProcess(
  lab: Lab,
  cli: readonly string[],
  layout: LabLayout,
  port: number,
): Promise<{ proc: LabProcess; argv: string[] }> {
  const argv = emulatorArgv(cli, layout, port);
  const proc = await lab.spawnIn(undefined, argv, {
    name: 'emulator',
    logFile: join(layout.logDir, 'emulator.log'),
    env: cleanEnv,
  });
  // The emulator prints its URL on stdout once it listens (and the kubeconfig is written).
  await proc.waitForLog(`https://127.0.0.1:${port}`, { timeoutMs: 30_000 });
  // The kubeconfig may still be on its way to the disk: wait until it is whole.
  await waitFor(
    () => {
      try {
        return readFileSync(layout.kubeconfig, 'utf8').includes('current-context:');
      } catch {
        return false;
      }
    },
    { timeoutMs: 10_000, intervalMs: 20, description: `the emulator to write ${layout.kubeconfig}` },
  );
  return { proc, argv };
}

export function controllerArgv(
  cli: readonly string[],
  layout: LabLayout,
  replica: string,
  metricsPort: number,
): string[] {
  return [
    ...cli,
    'controller',
    '--kubeconfig',
    layout.controllerKubeconfig,
    '--leader-elect',
    '--lease-namespace',
    'ironlb-system',
    '--identity',
    replica,
    '--metrics-addr',
    `127.0.0.1:${metricsPort}`,
    '--log-format',
    'json',
  ];
}

export async function startControllerProcess(
  lab: Lab,
  argv: readonly string[],
  layout: LabLayout,
  replica: string,
): Promise<LabProcess> {
  return lab.spawnIn(undefined, argv, {
    name: replica,
    logFile: join(layout.logDir, `${replica}.log`),
    env: cleanEnv,
  });
}

export function speakerArgv(cli: readonly string[], layout: LabLayout, node: string): string[] {
  return [
    ...cli,
    'speaker',
    '--node',
    node,
    '--kubeconfig',
    layout.speakerKubeconfig,
    '--namespace',
    'ironlb-system',
    '--log-format',
    'json',
  ];
}

export async function startSpeakerProcess(
  netns: Netns,
  argv: readonly string[],
  layout: LabLayout,
  node: string,
): Promise<LabProcess> {
  return netns.spawn(argv, {
    name: 'speaker',
    logFile: join(layout.logDir, `${node}-speaker.log`),
    env: cleanEnv,
  });
}
