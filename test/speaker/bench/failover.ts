// npm run bench:failover [-- --rounds 20 --bgp-rounds 10 --loss-minutes 0 --only l2|bgp]
//
// Failover as users see it, in the end-to-end cluster (emulator, controller, three speakers in
// node namespaces, FRR with BFD and BIRD without, stand-ins, a client):
// - planning cost with 10,000 Services (CPU time of one speaker);
// - layer 2, `rounds` times each: kill -9 of the owner's speaker, and the owner's link going
//   down. Time from the fault to the first client request (one every 10 ms, fresh connection
//   each) answered by the new owner; the owner is then restored and the address returns.
//   Double-owner observations: requests answered by another node than the one that should
//   own the address, once a node has taken it (after the takeover, and after the return);
// - BGP: a node's link going down (`bgp-rounds` times) and kill -9 of a speaker (half as many):
//   time to the router's kernel route losing that next hop, at FRR (BFD 100 ms x 3) and at BIRD
//   (no BFD: a dead node is noticed at the 9 s hold time; a killed process's TCP connection is
//   closed by the kernel at once, so both routers see a crash at once);
// - with --loss-minutes N: N minutes of 5% loss on the membership port, counting failovers.
// Progress on stderr; the last line of stdout is one JSON object with every figure.
import { loadavg } from 'node:os';
import {
  dropUdpRandomly,
  epochNow,
  routeGateways,
  startHttpProber,
  startRouteMonitor,
  waitFor,
  type HttpProber,
  type Netns,
  type ProbeResult,
} from '@ironlb/netlab';
import { MEMBER_PORT, SpeakerCluster } from '../harness/cluster.js';
import { measurePlannerCost } from './planner-cost.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = arg('rounds', 20);
const BGP_ROUNDS = arg('bgp-rounds', 10);
const LOSS_MINUTES = arg('loss-minutes', 0);
/** `--only l2` or `--only bgp` runs one part. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

const log = (...a: unknown[]) => console.error(...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantiles(values: number[]): { n: number; p50: number; p99: number; max: number; min: number } {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
  const r = (x: number) => Math.round(x);
  return { n: s.length, min: r(s[0] ?? NaN), p50: r(q(0.5)), p99: r(q(0.99)), max: r(s.at(-1) ?? NaN) };
}

/** Probes started in [from, to) that were answered by someone other than `expected`. */
function strays(results: readonly ProbeResult[], from: number, to: number, expected: string): number {
  return results.filter((r) => r.ok && r.start >= from && r.start < to && r.body !== expected).length;
}

interface L2Round {
  kind: 'kill' | 'link';
  owner: string;
  successor: string;
  failoverMs: number;
  failbackMs: number;
  doubleOwner: number;
  failedProbes: number;
}

async function stableOwner(prober: HttpProber): Promise<string> {
  // The same node answered every probe of the last 300 ms.
  return waitFor(
    () => {
      const recent = prober.since(epochNow() - 300).filter((r) => r.ok);
      const bodies = new Set(recent.map((r) => r.body));
      return recent.length >= 10 && bodies.size === 1 ? [...bodies][0] : undefined;
    },
    { timeoutMs: 30_000, description: 'one node answering steadily' },
  ) as Promise<string>;
}

async function l2Round(c: SpeakerCluster, prober: HttpProber, kind: 'kill' | 'link'): Promise<L2Round> {
  const owner = await stableOwner(prober);
  const fault = epochNow();
  if (kind === 'kill') await c.killSpeaker(owner);
  else await c.topo.setNodeLink(owner, 'down');
  const first = await prober.waitFor(fault, (r) => r.ok && r.body !== owner, {
    timeoutMs: 30_000,
    description: `a node other than ${owner} answering`,
  });
  const successor = first.body!;
  await sleep(kind === 'link' ? 1500 : 300);
  const back = epochNow();
  if (kind === 'kill') await c.startSpeaker(owner);
  else await c.topo.setNodeLink(owner, 'up');
  const returned = await prober.waitFor(back, (r) => r.ok && r.body === owner, {
    timeoutMs: 60_000,
    description: `${owner} answering again`,
  });
  await sleep(1000);
  const end = epochNow();
  const results = prober.results;
  const doubleOwner =
    strays(results, first.start, back, successor) + strays(results, returned.start, end, owner);
  const failedProbes = results.filter((r) => !r.ok && r.start >= fault && r.start < end).length;
  return {
    kind,
    owner,
    successor,
    failoverMs: first.start - fault,
    failbackMs: returned.start - back,
    doubleOwner,
    failedProbes,
  };
}

async function nextHops(router: Netns, prefix: string): Promise<string[]> {
  const route = await router.route(prefix);
  return route ? routeGateways(route).sort() : [];
}

async function main(): Promise<void> {
  const load = () => loadavg().map((l) => Math.round(l * 10) / 10);
  const loadStart = load();
  log(`planning cost (10,000 Services), load ${loadStart.join(' ')}`);
  const planning = [3, 20, 100].map((n) => measurePlannerCost(10_000, n));
  for (const p of planning)
    log(
      `  ${p.nodes} nodes: speaker down ${p.memberDownMs.toFixed(1)} ms CPU (${p.addressesMoved} addresses elected again), Node NotReady ${p.nodeNotReadyMs.toFixed(1)} ms (${p.nodeNotReadyElected}), one Service added ${p.serviceAddedMs.toFixed(1)} ms, initial plan ${p.initialPlanMs.toFixed(0)} ms`,
    );

  log('starting the cluster (emulator, controller, 3 speakers, FRR + BFD, BIRD)');
  const c = await SpeakerCluster.start({
    tag: 'fobench',
    bird: true,
    holdTime: 9,
    bfd: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
    frr: { bfd: { name: 'fast', receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 } },
  });
  const l2: L2Round[] = [];
  const bgp: { kind: 'link' | 'kill'; node: string; frrBfdMs: number; birdHoldMs: number }[] = [];
  let loss:
    | { minutes: number; probes: number; answeredBy: Record<string, number>; failed: number; deaths: number }
    | undefined;
  try {
    const [ip] = (await c.createService('bench', { pool: 'l2' })) as [string];
    await c.setEndpoints('bench', c.nodes);
    await waitFor(() => c.reach(ip), { timeoutMs: 30_000, description: 'the client reaching the VIP' });
    const prober = await startHttpProber(c.topo.client!, `http://${ip}/`, { intervalMs: 10, timeoutMs: 500 });
    try {
      for (const kind of ['kill', 'link'] as const)
        for (let i = 0; i < (ONLY === 'bgp' ? 0 : ROUNDS); i++) {
          const r = await l2Round(c, prober, kind);
          l2.push(r);
          log(
            `  layer 2 ${kind} #${i + 1}: ${r.owner} -> ${r.successor} in ${Math.round(r.failoverMs)} ms, back in ${Math.round(r.failbackMs)} ms, double-owner ${r.doubleOwner}, failed probes ${r.failedProbes}`,
          );
        }
      if (LOSS_MINUTES > 0) {
        log(`  ${LOSS_MINUTES} min of 5% loss on the membership port`);
        const deathsBefore = await deaths(c);
        const rules = [];
        for (const n of c.nodes)
          rules.push(await dropUdpRandomly(c.topo.node(n).netns, { port: MEMBER_PORT, percent: 5 }));
        const start = epochNow();
        await sleep(LOSS_MINUTES * 60_000);
        for (const r of rules) await r.remove();
        const results = prober.since(start);
        const answeredBy: Record<string, number> = {};
        for (const r of results) if (r.ok) answeredBy[r.body!] = (answeredBy[r.body!] ?? 0) + 1;
        loss = {
          minutes: LOSS_MINUTES,
          probes: results.length,
          answeredBy,
          failed: results.filter((r) => !r.ok).length,
          deaths: (await deaths(c)) - deathsBefore,
        };
        log(`  loss: ${JSON.stringify(loss)}`);
      }
    } finally {
      await prober.stop();
    }

    const [vip] = (await c.createService('bgpbench', { pool: 'bgp' })) as [string];
    await c.setEndpoints('bgpbench', c.nodes);
    const prefix = `${vip}/32`;
    const all = c.nodes.map((n) => c.topo.node(n).ipv4).sort();
    const routers = [c.topo.router, c.topo.birdRouter!];
    let bfdSeen = '';
    const bfdUp = () =>
      waitFor(
        async () => {
          const peers = await c.topo.frr!.bfdPeers();
          bfdSeen = peers.map((p) => `${p.peer}:${p.status}`).join(' ');
          const up = peers.filter((p) => p.status === 'up').map((p) => p.peer);
          return all.every((a) => up.includes(a)) ? true : undefined;
        },
        { timeoutMs: 60_000, description: 'BFD up with every node at FRR' },
      ).catch((err: unknown) => {
        throw new Error(`BFD at FRR: ${bfdSeen}`, { cause: err });
      });
    const allBack = () =>
      waitFor(
        async () =>
          (await Promise.all(routers.map((r) => nextHops(r, prefix)))).every((h) => h.join() === all.join())
            ? true
            : undefined,
        {
          timeoutMs: 180_000,
          description: 'three next hops at both routers',
        },
      );
    await allBack();
    await bfdUp();
    const monitors = await Promise.all(routers.map((r) => startRouteMonitor(r)));
    // The routers' kernel routes losing `node`'s next hop after `fault` (ms since the epoch).
    const dropTimes = async (node: string, fault: number, at: number[]) => {
      const gone = c.topo.node(node).ipv4;
      const events = await Promise.all(
        monitors.map((m, k) =>
          waitFor(
            () =>
              m.events
                .slice(at[k])
                .find(
                  (e) =>
                    (e.dst === vip || e.dst === prefix) && (e.kind === 'del' || !e.gateways.includes(gone)),
                ),
            { timeoutMs: 60_000, description: `${routers[k]!.short} dropping ${gone}` },
          ),
        ),
      );
      return events.map((e) => (e.timestampMicros ?? e.receivedAt * 1000) / 1000 - fault) as [number, number];
    };
    for (const kind of ['link', 'kill'] as const)
      for (
        let i = 0;
        i < (ONLY === 'l2' ? 0 : kind === 'link' ? BGP_ROUNDS : Math.ceil(BGP_ROUNDS / 2));
        i++
      ) {
        const node = c.nodes[i % c.nodes.length]!;
        const at = monitors.map((m) => m.events.length);
        const fault = Date.now();
        if (kind === 'link') await c.topo.setNodeLink(node, 'down');
        else await c.killSpeaker(node);
        const [frrMs, birdMs] = await dropTimes(node, fault, at);
        bgp.push({ kind, node, frrBfdMs: frrMs, birdHoldMs: birdMs });
        log(
          `  BGP ${kind === 'link' ? 'link down' : 'kill -9'} #${i + 1} (${node}): FRR with BFD ${Math.round(frrMs)} ms, BIRD without BFD ${Math.round(birdMs)} ms`,
        );
        if (kind === 'link') await c.topo.setNodeLink(node, 'up');
        else await c.startSpeaker(node);
        await allBack();
        await bfdUp();
      }
  } finally {
    await c.destroy();
  }
  const kill = l2.filter((r) => r.kind === 'kill');
  const link = l2.filter((r) => r.kind === 'link');
  const summary = (rs: L2Round[]) => ({
    ...quantiles(rs.map((r) => r.failoverMs)),
    failback: quantiles(rs.map((r) => r.failbackMs)),
    doubleOwnerProbes: rs.reduce((a, r) => a + r.doubleOwner, 0),
    failedProbes: rs.reduce((a, r) => a + r.failedProbes, 0),
  });
  const result = {
    bench: 'failover',
    rounds: ROUNDS,
    loadAverage: { start: loadStart, end: load() },
    planning,
    layer2: { kill9: summary(kill), linkDown: summary(link), targetP99Ms: 1000 },
    bgp: Object.fromEntries(
      (['link', 'kill'] as const).map((kind) => {
        const rs = bgp.filter((b) => b.kind === kind);
        return [
          kind === 'link' ? 'nodeLinkDown' : 'speakerKill9',
          {
            withBfd: { router: 'FRR', profile: '100ms x 3', ...quantiles(rs.map((b) => b.frrBfdMs)) },
            withoutBfd: { router: 'BIRD', holdTimeS: 9, ...quantiles(rs.map((b) => b.birdHoldMs)) },
          },
        ];
      }),
    ),
    ...(loss ? { loss } : {}),
  };
  console.log(JSON.stringify(result));
}

async function deaths(c: SpeakerCluster): Promise<number> {
  let sum = 0;
  for (const n of c.nodes) sum += await c.metric(n, 'ironlb_speaker_member_changes_total', { to: 'dead' });
  return sum;
}

await main();
