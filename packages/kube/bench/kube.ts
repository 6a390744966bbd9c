// npm run bench:kube: what the runtime costs, next to the plain client-node calls it replaces.
//   (1) work queue: distinct keys handled per second (no I/O);
//   (2) against an in-process emulator: Service creates and Service status writes per second,
//       through HttpKubeApi / ApiStatusWriter and through client-node's generated CoreV1Api
//       (the reference), same concurrency, and the ratio;
//   (3) informer: time to sync N Services, and to see N more created while it watches.
// The last line is one JSON object with every figure. The machine is shared: figures are noisy.
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startEmulator } from '@ironlb/emulator';
import { ApiInformer, ApiStatusWriter, HttpKubeApi, WorkQueue, coreResources, done } from '../src/index.js';
import type { KubeObject } from '../src/index.js';

const N = Number(process.env.BENCH_N ?? 3000);
const CONCURRENCY = 16;
const QUEUE_KEYS = 200_000;

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

async function benchQueue(): Promise<number> {
  const q = new WorkQueue({ name: 'bench', concurrency: 8 });
  q.start(async () => done);
  const ms = await timed(async () => {
    for (let i = 0; i < QUEUE_KEYS; i++) q.add(`ns/svc-${i}`);
    await q.whenIdle();
  });
  await q.shutdown();
  return rate(QUEUE_KEYS, ms);
}

function service(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] },
  };
}

async function main(): Promise<void> {
  console.log(`work queue: ${QUEUE_KEYS} keys...`);
  const queueKeysPerSec = await benchQueue();
  console.log(`  ${queueKeysPerSec} keys/s`);

  const emu = await startEmulator({ requestLogLimit: 0 });
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfig());
  const api = new HttpKubeApi(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const names = (p: string) => Array.from({ length: N }, (_, i) => `${p}-${i}`);

  console.log(`creates: ${N} Services each way, concurrency ${CONCURRENCY}...`);
  const refCreateMs = await timed(() =>
    pool(names('ref'), CONCURRENCY, (n) =>
      core.createNamespacedService({ namespace: 'default', body: service(n) }),
    ),
  );
  const ourCreateMs = await timed(() =>
    pool(names('our'), CONCURRENCY, (n) =>
      api.request({ method: 'POST', path: '/api/v1/namespaces/default/services', body: service(n) }),
    ),
  );
  console.log(`  client-node ${rate(N, refCreateMs)}/s, HttpKubeApi ${rate(N, ourCreateMs)}/s`);

  console.log(`status writes: ${N} each way...`);
  const status = (i: number) => ({
    loadBalancer: { ingress: [{ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }] },
  });
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const refStatusMs = await timed(() =>
    pool(names('ref'), CONCURRENCY, (n) =>
      core.patchNamespacedServiceStatus(
        { namespace: 'default', name: n, body: { status: status(Number(n.split('-')[1])) } },
        mergePatch,
      ),
    ),
  );
  // The informer is what a controller compares against; sync it first (also figure 3).
  const informer = new ApiInformer<KubeObject & { status?: unknown }>({
    kubeConfig: kc,
    api,
    resource: coreResources.services,
  });
  const syncMs = await timed(async () => {
    informer.start();
    await informer.waitForSync();
  });
  const writer = new ApiStatusWriter({ api });
  const ourStatusMs = await timed(() =>
    pool(names('our'), CONCURRENCY, (n) =>
      writer.writeStatus(
        {
          resource: coreResources.services,
          namespace: 'default',
          name: n,
          current: informer.get(`default/${n}`),
        },
        status(Number(n.split('-')[1])),
      ),
    ),
  );
  const noopMs = await timed(() =>
    pool(names('our'), CONCURRENCY, (n) =>
      writer.writeStatus(
        {
          resource: coreResources.services,
          namespace: 'default',
          name: n,
          current: informer.get(`default/${n}`),
        },
        status(Number(n.split('-')[1])),
      ),
    ),
  );
  console.log(
    `  client-node ${rate(N, refStatusMs)}/s, ApiStatusWriter ${rate(N, ourStatusMs)}/s, repeated (no-op) ${rate(N, noopMs)}/s`,
  );

  console.log(`informer: synced ${2 * N + 1} Services in ${Math.round(syncMs)} ms; watching ${N} creates...`);
  const watchMs = await timed(async () => {
    await pool(names('late'), CONCURRENCY, (n) =>
      api.request({ method: 'POST', path: '/api/v1/namespaces/default/services', body: service(n) }),
    );
    while (!informer.get(`default/late-${N - 1}`) || informer.size < 3 * N + 1)
      await new Promise((r) => setTimeout(r, 5));
  });
  console.log(`  all seen ${Math.round(watchMs)} ms after the first create`);

  await informer.stop();
  api.close();
  await emu.close();
  const result = {
    bench: 'kube',
    services: N,
    concurrency: CONCURRENCY,
    queueKeysPerSec,
    createsPerSec: { clientNode: rate(N, refCreateMs), httpKubeApi: rate(N, ourCreateMs) },
    createRatio: +(ourCreateMs / refCreateMs).toFixed(2),
    statusWritesPerSec: {
      clientNode: rate(N, refStatusMs),
      statusWriter: rate(N, ourStatusMs),
      noop: rate(N, noopMs),
    },
    statusWriteRatio: +(ourStatusMs / refStatusMs).toFixed(2),
    informerSyncMs: Math.round(syncMs),
    informerSyncedObjects: 2 * N + 1,
    watchCatchUpMs: Math.round(watchMs),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  console.log(JSON.stringify(result));
}

await main();
