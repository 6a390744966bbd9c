// `npm run bench:controller`: the allocation controller against the emulator, in one run.
//  (a) floor: a plain client creates N Services and writes their status itself (the same
//      merge patch the controller sends: ingress, condition, annotation), C requests in flight;
//  (b) the controller (`ironlb controller`, its own process) allocates for N Services created
//      by the same client at the same concurrency; time until every one shows an address,
//      create-to-address latency p50/p99 (seen by a watch), the controller's RSS;
//  (d) restart: the controller stopped and started again with N allocated Services: time from
//      spawn to /readyz, and that no address changed;
//  (c) delete N/2 Services: time until the controller has released them all (its metrics),
//      next to the floor's delete time.
// The emulator runs in its own process (`ironlb emulator`, HTTPS), as in the lab. Progress goes
// to stderr; the last line on stdout is one JSON object with every figure.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { HttpKubeApi, PatchType, loadKubeConfig } from '@ironlb/kube';
import type { KubeObject } from '@ironlb/kube';

const N = Number(process.env.BENCH_N ?? 10_000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 16);
const TOKEN = 'bench-admin-token';
const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ironlb-bench-controller-'));
const kubeconfigPath = join(dir, 'kubeconfig');
const children: ChildProcess[] = [];

/** Absolute time in ms, comparable between threads. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

// The watch runs in its own thread, so that the client's own work does not delay when an
// address is seen. It reports (key, addresses, time) in batches.
const watcherCode = `
const { parentPort, workerData } = require('node:worker_threads');
const https = require('node:https');
const { url, token, ca } = workerData;
const clock = () => performance.timeOrigin + performance.now();
let batch = [];
setInterval(() => { if (batch.length) { parentPort.postMessage(batch); batch = []; } }, 20);
function watch(rv) {
  const req = https.request(url + '/api/v1/services?watch=true&allowWatchBookmarks=false&resourceVersion=' + rv,
    { headers: { Authorization: 'Bearer ' + token }, ca }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const t = clock();
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line) continue;
          const ev = JSON.parse(line);
          const o = ev.object;
          if (!o || !o.metadata) continue;
          rv = o.metadata.resourceVersion;
          const ips = ((o.status && o.status.loadBalancer && o.status.loadBalancer.ingress) || []).map((x) => x.ip).join(',');
          if (ips) batch.push([o.metadata.namespace + '/' + o.metadata.name, ips, t]);
        }
      });
      res.on('end', () => watch(rv));
    });
  req.on('error', () => setTimeout(() => watch(rv), 100));
  req.end();
}
https.get(url + '/api/v1/services', { headers: { Authorization: 'Bearer ' + token }, ca }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (c) => (body += c));
  res.on('end', () => { watch(JSON.parse(body).metadata.resourceVersion); parentPort.postMessage('ready'); });
});
`;

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${msg}\n`);
}

// The processes run the compiled CLI (`ironlb`, as installed) when it builds; otherwise the
// TypeScript sources through tsx, which costs start-up time and ~85 MB of RSS.
let runtime: 'dist' | 'tsx' = 'dist';

function build(): void {
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/cli'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) {
    runtime = 'tsx';
    log(`tsc -b packages/cli failed; running the sources through tsx:\n${r.stdout.slice(0, 2000)}`);
  }
}

function cli(args: string[], onLine?: (line: string) => void): ChildProcess {
  const entry =
    runtime === 'dist'
      ? ['packages/cli/bin/ironlb.js']
      : ['--conditions=@ironlb/source', '--import', 'tsx', 'packages/cli/src/bin.ts'];
  const profile =
    process.env.BENCH_PROFILE && args[0] === 'controller'
      ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE]
      : [];
  if (process.env.BENCH_CONTROLLER_NODE_FLAGS && args[0] === 'controller')
    profile.push(...process.env.BENCH_CONTROLLER_NODE_FLAGS.split(' '));
  const child = spawn(process.execPath, [...profile, ...entry, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  if (onLine) {
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  return child;
}

async function startEmulator(): Promise<void> {
  const child = cli([
    'emulator',
    '--port',
    '0',
    '--admin-token',
    TOKEN,
    '--kubeconfig-out',
    kubeconfigPath,
    '--log-level',
    'warn',
  ]);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('emulator did not start in 60 s')), 60_000);
    createInterface({ input: child.stdout! }).once('line', () => {
      clearTimeout(t);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
}

interface ControllerProcess {
  child: ChildProcess;
  spawnedAt: number;
  address: Promise<string>;
  readyMs: Promise<number>;
}

function startController(): ControllerProcess {
  const spawnedAt = now();
  let setAddress!: (a: string) => void;
  let setReady!: (ms: number) => void;
  const address = new Promise<string>((r) => (setAddress = r));
  const readyMs = new Promise<number>((r) => (setReady = r));
  const child = cli(
    [
      'controller',
      '--kubeconfig',
      kubeconfigPath,
      '--metrics-addr',
      '127.0.0.1:0',
      '--log-format',
      'json',
      '--log-level',
      'info',
      ...(process.env.BENCH_CONTROLLER_ARGS ? process.env.BENCH_CONTROLLER_ARGS.split(' ') : []),
    ],
    (line) => {
      if (!line.startsWith('{')) return;
      const rec = JSON.parse(line) as {
        event?: string;
        address?: string;
        readyMs?: number;
        level?: number;
        msg?: string;
      };
      if (rec.event === 'healthServerListening' && rec.address) setAddress(rec.address);
      if (rec.event === 'ready' && rec.readyMs !== undefined) setReady(rec.readyMs);
      if ((rec.level ?? 0) >= 50) log(`controller: ${line}`);
    },
  );
  return { child, spawnedAt, address, readyMs };
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill(signal);
  });
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

async function waitReady(ctl: ControllerProcess): Promise<number> {
  const address = await ctl.address;
  for (;;) {
    const r = await get(`http://${address}/readyz`).catch(() => ({ status: 0, text: '' }));
    if (r.status === 200) return now() - ctl.spawnedAt;
    await new Promise((res) => setTimeout(res, 10));
  }
}

function rssMB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 102.4) / 10, hwm: Math.round(kb('VmHWM') / 102.4) / 10 };
}

async function metric(address: string, name: string, labels: string): Promise<number | undefined> {
  const text = (await get(`http://${address}/metrics`)).text;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) && line.includes(labels))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  return undefined;
}

/** Polls until `missing()` is empty; reports progress, fails after 5 minutes. */
async function waitUntil(what: string, missing: () => string[] | Promise<string[]>): Promise<void> {
  const deadline = now() + 300_000;
  let report = now() + 5_000;
  for (;;) {
    const left = await missing();
    if (left.length === 0) return;
    if (now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${left.slice(0, 5).join(', ')} (${left.length})`);
    if (now() > report) {
      log(`waiting for ${what}: ${left.length} left, e.g. ${left.slice(0, 3).join(', ')}`);
      report = now() + 5_000;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function pool<T>(items: T[], concurrency: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}

type Svc = KubeObject & { status?: { loadBalancer?: { ingress?: { ip?: string }[] } } };

function ipOf(i: number): string {
  return `198.18.${(i >> 8) & 255}.${i & 255}`;
}

async function main(): Promise<void> {
  build();
  log(
    `N=${N} concurrency=${C} runtime=${runtime}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await startEmulator();
  const kc = loadKubeConfig(kubeconfigPath);
  const api = new HttpKubeApi(kc, { maxSockets: C + 4, timeoutMs: 60_000 });
  for (const ns of ['floor', 'bench'])
    await api.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: ns } } });
  const { crdManifests } = await import('@ironlb/config');
  for (const crd of crdManifests())
    await api.request({
      method: 'POST',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      body: crd,
    });
  await api.request({
    method: 'POST',
    path: '/apis/ironlb.io/v1beta1/ipaddresspools',
    body: {
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'bench' },
      spec: { addresses: ['198.18.0.0/15'] },
    },
  });

  // One watch sees every address appear, in both runs.
  const seen = new Map<string, { at: number; ips: string }>();
  const changed: string[] = [];
  const cluster = kc.getCurrentCluster()!;
  const ca = Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString('utf8');
  const watcher = new Worker(watcherCode, {
    eval: true,
    workerData: { url: cluster.server, token: TOKEN, ca },
  });
  await new Promise<void>((resolve, reject) => {
    watcher.on('message', (m: 'ready' | [string, string, number][]) => {
      if (m === 'ready') return resolve();
      for (const [key, ips, at] of m) {
        const had = seen.get(key);
        if (!had) seen.set(key, { at, ips });
        else if (had.ips !== ips) changed.push(`${key}: ${had.ips} -> ${ips}`);
      }
    });
    watcher.once('error', reject);
  });
  watcher.on('error', (err) => log(`watcher failed: ${String(err)}`));

  const indexes = Array.from({ length: N }, (_, i) => i);
  const body = (ns: string, i: number) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `s${i}`, namespace: ns },
    spec: {
      type: 'LoadBalancer',
      allocateLoadBalancerNodePorts: false,
      ports: [{ port: 80 + (i % 1000) }],
      selector: { app: `s${i}` },
    },
  });

  // (a) floor
  log('(a) floor: create + status write by the client');
  let t0 = now();
  await pool(indexes, C, async (i) => {
    const svc = await api.request<Svc>({
      method: 'POST',
      path: '/api/v1/namespaces/floor/services',
      body: body('floor', i),
    });
    await api.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/floor/services/s${i}/status`,
      contentType: PatchType.merge,
      body: {
        metadata: {
          resourceVersion: svc.metadata?.resourceVersion,
          annotations: { 'ironlb.io/ip-allocated-from-pool': 'bench' },
        },
        status: {
          loadBalancer: { ingress: [{ ip: ipOf(i), ipMode: 'VIP' }] },
          conditions: [
            {
              type: 'ironlb.io/AddressAllocated',
              status: 'True',
              reason: 'allocated',
              message: `${ipOf(i)} from pool bench`,
              lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            },
          ],
        },
      },
    });
  });
  const floorMs = now() - t0;
  log(`(a) ${floorMs.toFixed(0)} ms (${((N / floorMs) * 1000).toFixed(0)} Services/s)`);
  t0 = now();
  await pool(indexes.slice(0, N / 2), C, async (i) => {
    await api.request({ method: 'DELETE', path: `/api/v1/namespaces/floor/services/s${i}` });
  });
  const floorDeleteMs = now() - t0;
  log(`(a) deleting ${N / 2}: ${floorDeleteMs.toFixed(0)} ms`);
  await api.request({ method: 'DELETE', path: '/api/v1/namespaces/floor' });

  // (b) the controller
  log('(b) controller: start, then create');
  let ctl = startController();
  const firstReadyMs = await waitReady(ctl);
  log(`(b) controller ready ${firstReadyMs.toFixed(0)} ms after spawn`);
  const address = await ctl.address;
  const createdAt = new Map<string, number>();
  t0 = now();
  await pool(indexes, C, async (i) => {
    createdAt.set(`bench/s${i}`, now());
    await api.request({ method: 'POST', path: '/api/v1/namespaces/bench/services', body: body('bench', i) });
  });
  const createsMs = now() - t0;
  await waitUntil('every Service shows an address', () => [...createdAt.keys()].filter((k) => !seen.has(k)));
  const controllerMs = Math.max(...[...createdAt.keys()].map((k) => seen.get(k)!.at)) - t0;
  const latencies = [...createdAt].map(([k, at]) => seen.get(k)!.at - at).sort((x, y) => x - y);
  const mem = rssMB(ctl.child.pid!);
  log(
    `(b) creates done in ${createsMs.toFixed(0)} ms, every address in ${controllerMs.toFixed(0)} ms; ` +
      `latency p50 ${percentile(latencies, 50).toFixed(1)} ms p99 ${percentile(latencies, 99).toFixed(1)} ms; RSS ${mem.rss} MB (peak ${mem.hwm})`,
  );

  // (d) restart with N allocated
  log('(d) restart');
  await stopProcess(ctl.child);
  const changesBefore = changed.length;
  ctl = startController();
  const restartReadyMs = await waitReady(ctl);
  const inProcessReadyMs = await ctl.readyMs;
  const restartAddress = await ctl.address;
  await new Promise((r) => setTimeout(r, 500));
  const restartRss = rssMB(ctl.child.pid!);
  log(
    `(d) ready ${restartReadyMs.toFixed(0)} ms after spawn (${inProcessReadyMs} ms after the controller started); ` +
      `addresses changed: ${changed.length - changesBefore}; RSS ${restartRss.rss} MB`,
  );

  // (c) delete N/2
  log(`(c) delete ${N / 2}`);
  const assigned = () =>
    metric(restartAddress, 'ironlb_pool_addresses', 'pool="bench",family="ipv4",state="assigned"');
  t0 = now();
  await pool(indexes.slice(0, N / 2), C, async (i) => {
    await api.request({ method: 'DELETE', path: `/api/v1/namespaces/bench/services/s${i}` });
  });
  const deleteRequestsMs = now() - t0;
  await waitUntil(`the controller to hold ${N / 2} addresses`, async () =>
    (await assigned()) === N / 2 ? [] : [String(await assigned())],
  );
  const deleteMs = now() - t0;
  log(`(c) deletes sent in ${deleteRequestsMs.toFixed(0)} ms, all released in ${deleteMs.toFixed(0)} ms`);

  const final = rssMB(ctl.child.pid!);
  await stopProcess(ctl.child);
  await watcher.terminate();
  api.close();
  void address;
  const result = {
    bench: 'controller',
    runtime,
    services: N,
    concurrency: C,
    floorMs: Math.round(floorMs),
    controllerMs: Math.round(controllerMs),
    ratio: Number((controllerMs / floorMs).toFixed(3)),
    clientCreatesMs: Math.round(createsMs),
    latencyP50Ms: Number(percentile(latencies, 50).toFixed(1)),
    latencyP99Ms: Number(percentile(latencies, 99).toFixed(1)),
    rssMB: mem.rss,
    rssPeakMB: Math.max(mem.hwm, final.hwm),
    restartReadyMs: Math.round(restartReadyMs),
    restartReadyInProcessMs: inProcessReadyMs,
    addressesChangedByRestart: changed.length - changesBefore,
    deleteMs: Math.round(deleteMs),
    deleteOverCreate: Number((deleteMs / controllerMs).toFixed(3)),
    floorDeleteMs: Math.round(floorDeleteMs),
    addressChanges: changed.length,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

try {
  await main();
} finally {
  for (const c of children) await stopProcess(c);
  rmSync(dir, { recursive: true, force: true });
}
