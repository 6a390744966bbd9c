// `ironlb controller` as processes: two replicas with --leader-elect against the emulator,
// JSON logs with stable `event` fields, /readyz and /metrics, the leader killed with SIGKILL
// and the standby taking over within the lease duration, SIGTERM releasing the lease.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type Cluster,
  SYSTEM_NS,
  applyPool,
  createNamespace,
  createService,
  startCluster,
  waitFor,
  waitForIPs,
} from './harness.js';

const root = new URL('../../', import.meta.url).pathname;
let cluster: Cluster;
let dir: string;
const processes: ChildProcess[] = [];

interface Replica {
  readonly child: ChildProcess;
  readonly logs: Record<string, unknown>[];
  readonly nonJson: string[];
  address: string | undefined;
}

function startReplica(identity: string): Replica {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@ironlb/source',
      '--import',
      'tsx',
      'packages/cli/src/bin.ts',
      'controller',
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--leader-elect',
      '--lease-namespace',
      SYSTEM_NS,
      '--lease-duration',
      '2s',
      '--renew-deadline',
      '1500ms',
      '--retry-period',
      '250ms',
      '--identity',
      identity,
      '--metrics-addr',
      '127.0.0.1:0',
      '--log-format',
      'json',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  processes.push(child);
  const replica: Replica = { child, logs: [], nonJson: [], address: undefined };
  createInterface({ input: child.stderr! }).on('line', (line) => {
    try {
      const rec = JSON.parse(line) as Record<string, unknown>;
      replica.logs.push(rec);
      if (rec.event === 'healthServerListening') replica.address = rec.address as string;
    } catch {
      replica.nonJson.push(line);
    }
  });
  child.stdout!.resume();
  return replica;
}

const events = (r: Replica) => r.logs.map((l) => l.event);

async function lease(): Promise<{ spec?: { holderIdentity?: string } }> {
  return cluster.api.request({
    method: 'GET',
    path: `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM_NS}/leases/ironlb-controller`,
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

beforeAll(async () => {
  cluster = await startCluster();
  dir = mkdtempSync(join(tmpdir(), 'ironlb-ctl-cli-'));
  writeFileSync(join(dir, 'kubeconfig'), cluster.emu.kubeconfig());
  await createNamespace(cluster, 'shop');
  await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
});

afterAll(async () => {
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await Promise.all(processes.map(exited));
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('two replicas: one allocates, the standby takes over when it is killed, SIGTERM releases the lease', async () => {
  const a = startReplica('a');
  await waitFor(
    'a leads',
    async () => (await lease().catch(() => undefined))?.spec?.holderIdentity === 'a',
    30_000,
  );
  const b = startReplica('b');
  await waitFor(
    'b serves /readyz',
    async () => {
      if (!b.address) return false;
      return (await fetch(`http://${b.address}/readyz`).catch(() => undefined))?.status === 200;
    },
    30_000,
  );
  await createService(cluster, 'shop', 'one');
  await waitForIPs(cluster, 'shop', 'one', ['192.0.2.0']);
  // JSON logs, every record with a stable event name; the standby says nothing about leading.
  expect(a.nonJson).toEqual([]);
  expect(a.logs.every((l) => typeof l.event === 'string' && l.name === 'ironlb-controller')).toBe(true);
  expect(events(a)).toEqual(
    expect.arrayContaining(['controllerStarting', 'startedLeading', 'restored', 'ready']),
  );
  expect(events(b)).not.toContain('startedLeading');
  const metrics = await (await fetch(`http://${a.address}/metrics`)).text();
  expect(metrics).toMatch(/ironlb_pool_addresses\{pool="blue",family="ipv4",state="assigned"\} 1/);

  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  await exited(a.child);
  await waitFor('b leads', () => events(b).includes('ready'), 10_000);
  expect(Date.now() - killedAt).toBeLessThan(2_000 + 6_000); // the 2 s lease, generous for a loaded machine
  await createService(cluster, 'shop', 'two');
  await waitForIPs(cluster, 'shop', 'two', ['192.0.2.1']);
  await waitForIPs(cluster, 'shop', 'one', ['192.0.2.0']);

  b.child.kill('SIGTERM');
  expect(await exited(b.child)).toBe(0);
  expect((await lease()).spec?.holderIdentity ?? '').toBe('');
  expect(events(b)).toEqual(expect.arrayContaining(['controllerStopping', 'stoppedLeading', 'stopped']));
});
