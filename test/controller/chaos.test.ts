// Chaos: two controller replicas with leader election; 2,000 Services (IPv4, IPv6, dual-stack,
// some sharing an address) are created and deleted at random while the leader is killed
// again and again (a new replica replaces it), the emulator drops every watch, answers some
// watches with 410 Gone and fails a share of writes with 500 or 429. Afterwards every live
// Service has an address from the pools, no address is shown by two Services that may not
// share it, and no Service that had an address ever showed another one (or lost it).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IPRange } from '@ironlb/netaddr';
import { IPAddress, tryParsePoolEntry } from '@ironlb/netaddr';
import {
  type Cluster,
  type ControllerHandle,
  IPHistory,
  allocatedCondition,
  applyPool,
  createNamespace,
  createService,
  deleteService,
  ingressIPs,
  listServices,
  sharingViolations,
  sleep,
  startCluster,
  startController,
  stopAllControllers,
  waitFor,
} from './harness.js';

const TOTAL = 2_000;
const POOL = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/112'];
const ranges: IPRange[] = POOL.map((e) => {
  const r = tryParsePoolEntry(e);
  if (!r.ok) throw r.error;
  return r.value;
});

let cluster: Cluster;
let history: IPHistory;

beforeAll(async () => {
  cluster = await startCluster({ seed: 7 });
  for (const ns of ['a', 'b', 'c', 'd']) await createNamespace(cluster, ns);
  await applyPool(cluster, 'chaos', { addresses: POOL });
  history = new IPHistory(cluster);
  await history.waitForSync();
});
afterAll(async () => {
  cluster?.emu.faults.reset();
  await stopAllControllers();
  await history?.stop();
  await cluster?.close();
});

/** Deterministic pseudo-random numbers (xorshift32). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Retries a write the emulator failed on purpose (500/429). */
async function persist<T>(f: () => Promise<T>): Promise<T | undefined> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 404 && i > 0) return undefined; // a retried delete that had gone through
      if (code !== 500 && code !== 429 && code !== undefined) throw err;
      if (i > 50) throw err;
      await sleep(20);
    }
  }
}

it(`${TOTAL} Services under leader kills, dropped watches, 410s and failed writes end allocated, compatible and stable`, async () => {
  const rand = random(2024);
  const replicas: ControllerHandle[] = [];
  let serial = 0;
  const spawn = async () =>
    replicas.push(
      await startController(cluster, { leaderElect: true, identity: `r${++serial}`, concurrency: 16 }),
    );
  await spawn();
  await spawn();

  let stop = false;
  let kills = 0;
  const chaos = (async () => {
    let round = 0;
    let lastKill = Date.now();
    // Until the churn is over and the leader was killed at least twice.
    while (!stop || kills < 2) {
      await sleep(400);
      round++;
      cluster.emu.faults.dropWatches();
      if (round % 3 === 0) {
        cluster.emu.faults.goneOnNextWatch(2);
        cluster.emu.faults.compact();
      }
      cluster.emu.faults.failWrites({ fraction: 0.05, code: round % 2 ? 500 : 429 });
      if (Date.now() - lastKill > 2_500) {
        const leader = replicas.find((r) => r.controller.elector.isLeader());
        if (leader) {
          lastKill = Date.now();
          replicas.splice(replicas.indexOf(leader), 1);
          await leader.kill();
          kills++;
          await spawn();
        }
      }
    }
    cluster.emu.faults.failWrites(null);
  })();

  const live = new Map<string, string>(); // name -> namespace
  const namespaces = ['a', 'b', 'c', 'd'];
  const started = Date.now();
  let created = 0;
  const worker = async () => {
    while (created < TOTAL) {
      const i = created++;
      const name = `s${i}`;
      const namespace = namespaces[i % namespaces.length]!;
      const r = rand();
      const family =
        r < 0.2
          ? {}
          : r < 0.8
            ? { spec: { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' } }
            : { spec: { ipFamilyPolicy: 'PreferDualStack' } };
      const sharing =
        rand() < 0.15 ? { annotations: { 'ironlb.io/allow-shared-ip': 'shared' }, ports: [10_000 + i] } : {};
      await persist(() => createService(cluster, namespace, name, { ...family, ...sharing }));
      live.set(name, namespace);
      if (rand() < 0.35 && live.size > 1) {
        const names = [...live.keys()];
        const victim = names[Math.floor(rand() * names.length)]!;
        const victimNs = live.get(victim)!;
        live.delete(victim);
        await persist(() => deleteService(cluster, victimNs, victim));
      }
      await sleep(20 + rand() * 20); // about 200 creates/s: the churn spans several leader kills
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  const churnMs = Date.now() - started;
  stop = true;
  await chaos;
  cluster.emu.faults.reset();

  // Convergence: a leader restores, then every live Service has an address.
  const leader = await waitFor(
    'a leader',
    () => replicas.find((r) => r.controller.elector.isLeader()),
    10_000,
  );
  await leader.controller.whenLeadingAndReady();
  const leaderReadyMs = Date.now() - started - churnMs;
  await waitFor(
    'every live Service allocated',
    async () => {
      const list = await listServices(cluster);
      const byKey = new Map(list.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
      let missing = 0;
      for (const [name, namespace] of live) {
        const s = byKey.get(`${namespace}/${name}`);
        if (!s || ingressIPs(s).length === 0 || allocatedCondition(s)?.status !== 'True') missing++;
      }
      return missing === 0;
    },
    60_000,
  );
  const list = (await listServices(cluster)).filter((s) => s.spec?.type === 'LoadBalancer');
  expect(list.length).toBe(live.size);
  const outside = list.flatMap((s) =>
    ingressIPs(s).filter((ip) => {
      const parsed = IPAddress.tryParse(ip);
      return !parsed.ok || !ranges.some((range) => range.contains(parsed.value));
    }),
  );
  expect(outside).toEqual([]);
  expect(sharingViolations(list)).toEqual([]);
  // Dual-stack Services got both families where the pool allows (it always does here).
  const dual = list.filter(
    (s) => s.spec?.ipFamilyPolicy === 'PreferDualStack' && (s.spec.ipFamilies ?? []).length === 2,
  );
  expect(dual.every((s) => ingressIPs(s).length === 2)).toBe(true);
  await sleep(300);
  expect(history.violations).toEqual([]);
  expect(kills).toBeGreaterThanOrEqual(2);
  console.log(
    `chaos: ${TOTAL} created, ${live.size} live, ${kills} leader kills, churn ${churnMs} ms, leader ready ${leaderReadyMs} ms and converged ${Date.now() - started - churnMs} ms later`,
  );
}, 120_000);
