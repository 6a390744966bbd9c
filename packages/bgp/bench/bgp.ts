// bench:bgp: 10,000 distinct /32s to FRR, from IronLB's speaker, from ExaBGP and from BIRD
// (alternating runs in the same topology), timed from sender start to the last of the 10,000
// routes in the router's kernel table, and from the sender's first UPDATE (router-side pcap)
// to that last route. IronLB runs twice per round: from dist/ as tsc builds it (`ironlb`),
// and bundled into one file as a shipped binary would be (`ironlbBundle`). Then the
// speaker's RSS with 100,000 prefixes advertised to 2 peers (FRR and BIRD). Prints progress,
// then one JSON object as the last line.
//
//   npm run bench:bgp                      (root; BENCH_ROUNDS=5 by default)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  bgpMessagesFromPcap,
  createLab,
  hostRoutes,
  requireRoot,
  startBird,
  startCapture,
  startExaBgp,
  startFrr,
  startRouteMonitor,
  waitFor,
  type Lab,
  type LabProcess,
  type Netns,
} from '@ironlb/netlab';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COUNT = Number(process.env.BENCH_PREFIXES ?? 10_000);
const RSS_COUNT = Number(process.env.BENCH_RSS_PREFIXES ?? 100_000);
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const speakerScript = join(repoRoot, 'packages/bgp/bench/speaker-process.mjs');
const speakerBundle = join(repoRoot, 'packages/bgp/build/speaker-process.mjs');
type Sender = 'ironlb' | 'ironlbBundle' | 'exabgp' | 'bird';

interface Run {
  sender: Sender;
  round: number;
  startToFirstUpdateMs: number;
  firstUpdateToLastRouteMs: number;
  startToAllMs: number;
  updates: number;
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

async function bgpRouteCount(router: Netns): Promise<number> {
  const r = await router.exec(['sh', '-c', 'ip -4 route show proto bgp | wc -l']);
  return Number(r.stdout.trim());
}

async function startIronLb(
  node: Netns,
  config: Record<string, unknown>,
  name: string,
  script = speakerScript,
): Promise<LabProcess> {
  const file = join(node.labDir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return node.spawn(['node', script, file], { name, cwd: repoRoot });
}

async function main(): Promise<void> {
  requireRoot();
  log('building packages/bgp (the speaker runs from dist/, as in production)');
  execFileSync('npx', ['tsc', '-b', 'packages/bgp'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync('node', ['packages/bgp/bench/build-speaker.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  const lab: Lab = await createLab({ tag: 'bgpbench' });
  try {
    const sw = await lab.addSwitch();
    const router = await lab.addHost('router', { switch: sw, addresses: ['192.0.2.1/24'], role: 'router' });
    const node = await lab.addHost('node1', { switch: sw, addresses: ['192.0.2.11/24'], role: 'node' });
    const frr = await startFrr(router, {
      bgp: {
        asn: 64512,
        routerId: '192.0.2.1',
        peerGroups: [
          {
            name: 'NODES',
            remoteAs: 'external',
            timers: { keepalive: 3, hold: 9 },
            listenRanges: ['192.0.2.0/24'],
            denyOut: true,
          },
        ],
      },
    });
    const monitor = await startRouteMonitor(router, { family: 4 });
    const routes = hostRoutes(COUNT, { nextHop: '192.0.2.11', start: '198.18.0.0' });
    const runs: Run[] = [];
    const senders: Sender[] = ['ironlb', 'ironlbBundle', 'exabgp', 'bird'];
    for (let round = 1; round <= ROUNDS; round++) {
      // Rotate the order so that no sender always runs right after the same other one.
      const order = senders.map((_, i) => senders[(i + round - 1) % senders.length]!);
      for (const sender of order) {
        await waitFor(async () => (await bgpRouteCount(router)) === 0, {
          timeoutMs: 60_000,
          description: 'router table empty',
        });
        await waitFor(async () => Object.keys(await frr.bgpPeers()).length === 0, {
          timeoutMs: 30_000,
          description: 'no peers left',
        });
        const capture = await startCapture(router, {
          name: `cap-${sender}-${round}`,
          filter: 'tcp port 179',
        });
        const from = monitor.events.length;
        const t0 = nowMicros();
        let stop: () => Promise<unknown>;
        if (sender === 'ironlb' || sender === 'ironlbBundle') {
          const p = await startIronLb(
            node,
            {
              sessions: [
                {
                  localAs: 64513,
                  peerAs: 64512,
                  routerId: '192.0.2.11',
                  peerAddress: '192.0.2.1',
                  holdTime: 9,
                  families: ['ipv4'],
                },
              ],
              hosts: { start: '198.18.0.0', count: COUNT },
            },
            `${sender}-${round}`,
            sender === 'ironlb' ? speakerScript : speakerBundle,
          );
          stop = () => p.stop({ signal: 'SIGTERM', graceMs: 5000 });
        } else if (sender === 'exabgp') {
          const x = await startExaBgp(
            node,
            {
              routerId: '192.0.2.11',
              localAddress: '192.0.2.11',
              localAs: 64513,
              peerAs: 64512,
              neighbors: ['192.0.2.1'],
              routes,
            },
            { name: `exabgp-${round}` },
          );
          stop = () => x.stop();
        } else {
          const b = await startBird(node, {
            config: {
              routerId: '192.0.2.11',
              kernelFamilies: [],
              staticRoutes: { ipv4: routes.map((r) => r.prefix) },
              bgp: [
                {
                  name: 'up',
                  localAddress: '192.0.2.11',
                  localAs: 64513,
                  neighbor: { address: '192.0.2.1' },
                  remoteAs: 64512,
                  holdTime: 9,
                  connectDelayTime: 0,
                  importFilter: 'none',
                  exportFilter: 'all',
                },
              ],
            },
          });
          stop = () => b.stop();
        }
        const seen = new Set<string>();
        let last = 0;
        await waitFor(
          () => {
            for (let i = from; i < monitor.events.length; i++) {
              const e = monitor.events[i]!;
              if (e.kind === 'add' && e.dst.startsWith('198.18.') && !seen.has(e.dst)) {
                seen.add(e.dst);
                last = Math.max(
                  last,
                  e.timestampMicros ?? e.receivedAt * 1000 + performance.timeOrigin * 1000,
                );
              }
            }
            return seen.size >= COUNT;
          },
          { timeoutMs: 120_000, intervalMs: 5, description: `${COUNT} routes from ${sender} in the kernel` },
        );
        const pcap = await capture.stop({ settleMs: 300 });
        const msgs = bgpMessagesFromPcap(pcap).filter(
          (m) => m.source === '192.0.2.11' && m.type === 2 && (m.nlri ?? 0) > 0,
        );
        const first = Math.min(...msgs.map((m) => m.firstByteMicros));
        const run: Run = {
          sender,
          round,
          startToFirstUpdateMs: round1((first - t0) / 1000),
          firstUpdateToLastRouteMs: round1((last - first) / 1000),
          startToAllMs: round1((last - t0) / 1000),
          updates: msgs.length,
        };
        runs.push(run);
        log(
          `round ${round} ${sender.padEnd(6)} start->1st UPDATE ${run.startToFirstUpdateMs} ms, 1st UPDATE->last route ${run.firstUpdateToLastRouteMs} ms, start->all ${run.startToAllMs} ms (${run.updates} UPDATEs)`,
        );
        await stop();
      }
    }
    await waitFor(async () => (await bgpRouteCount(router)) === 0, {
      timeoutMs: 60_000,
      description: 'router table empty',
    });
    const summary = Object.fromEntries(
      senders.map((s) => {
        const rs = runs.filter((r) => r.sender === s);
        return [
          s,
          {
            runs: rs.length,
            startToFirstUpdateMs: median(rs.map((r) => r.startToFirstUpdateMs)),
            firstUpdateToLastRouteMs: median(rs.map((r) => r.firstUpdateToLastRouteMs)),
            startToAllMs: median(rs.map((r) => r.startToAllMs)),
            updates: median(rs.map((r) => r.updates)),
          },
        ];
      }),
    ) as Record<
      Sender,
      {
        startToAllMs: number;
        firstUpdateToLastRouteMs: number;
        startToFirstUpdateMs: number;
        updates: number;
        runs: number;
      }
    >;
    const fastestFirstToLast = Math.min(...senders.map((s) => summary[s].firstUpdateToLastRouteMs));
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const ratiosOf = (s: 'ironlb' | 'ironlbBundle') => ({
      startToAllVsExabgp: ratio(summary[s].startToAllMs, summary.exabgp.startToAllMs),
      startToAllVsBird: ratio(summary[s].startToAllMs, summary.bird.startToAllMs),
      firstUpdateToLastVsFastest: ratio(summary[s].firstUpdateToLastRouteMs, fastestFirstToLast),
    });
    const ratios = { ironlb: ratiosOf('ironlb'), ironlbBundle: ratiosOf('ironlbBundle') };
    log(`medians: ${JSON.stringify(summary)}`);
    log(
      `ratios: ${JSON.stringify(ratios)} (targets: startToAllVsExabgp <= 0.5, firstUpdateToLastVsFastest <= 1.25)`,
    );

    // RSS with RSS_COUNT prefixes to 2 peers: FRR and BIRD.
    log(`memory: ${RSS_COUNT} prefixes to FRR and BIRD`);
    const birdNs = await lab.addHost('birdrtr', { switch: sw, addresses: ['192.0.2.2/24'], role: 'router' });
    const bird = await startBird(birdNs, {
      config: {
        routerId: '192.0.2.2',
        kernelFamilies: [],
        bgp: [
          {
            name: 'nodes',
            localAddress: '192.0.2.2',
            localAs: 64512,
            neighbor: { range: '192.0.2.0/24' },
            remoteAs: 'external',
            holdTime: 9,
          },
        ],
      },
    });
    const t0 = performance.now();
    const speaker = await startIronLb(
      node,
      {
        control: join(node.labDir, 'rss.sock'),
        sessions: [
          {
            localAs: 64513,
            peerAs: 64512,
            routerId: '192.0.2.11',
            peerAddress: '192.0.2.1',
            holdTime: 9,
            families: ['ipv4'],
          },
          {
            localAs: 64513,
            peerAs: 64512,
            routerId: '192.0.2.11',
            peerAddress: '192.0.2.2',
            holdTime: 9,
            families: ['ipv4'],
          },
        ],
        hosts: { start: '198.18.0.0', count: RSS_COUNT, communities: ['64512:100'] },
      },
      'ironlb-rss',
    );
    await waitFor(async () => ((await frr.bgpPeers())['192.0.2.11']?.pfxRcd ?? 0) >= RSS_COUNT, {
      timeoutMs: 180_000,
      intervalMs: 200,
      description: `${RSS_COUNT} prefixes in FRR`,
    });
    const frrMs = performance.now() - t0;
    await waitFor(async () => (await bird.routeCount()).networks >= RSS_COUNT, {
      timeoutMs: 180_000,
      intervalMs: 200,
      description: `${RSS_COUNT} prefixes in BIRD`,
    });
    const stats = await controlCommand(join(node.labDir, 'rss.sock'), { cmd: 'stats' });
    const rssMb = round1(stats.rss / 2 ** 20);
    const heapMb = round1(stats.heapUsed / 2 ** 20);
    log(
      `speaker RSS ${rssMb} MB (heap ${heapMb} MB) with ${RSS_COUNT} prefixes to 2 peers; FRR had them all after ${Math.round(frrMs)} ms`,
    );
    await speaker.stop({ signal: 'SIGTERM', graceMs: 5000 });
    const load = (await import('node:os')).loadavg();
    const result = {
      bench: 'bgp',
      prefixes: COUNT,
      rounds: ROUNDS,
      medians: summary,
      ratios,
      targets: { startToAllVsExabgp: 0.5, firstUpdateToLastVsFastest: 1.25, rssMb: 150 },
      rss: { prefixes: RSS_COUNT, peers: 2, rssMb, heapMb, frrAllPrefixesMs: Math.round(frrMs) },
      loadAverage: load.map(round1),
      runs,
    };
    console.log(JSON.stringify(result));
  } finally {
    await lab.destroy();
  }
}

function controlCommand(
  path: string,
  cmd: Record<string, unknown>,
): Promise<{ rss: number; heapUsed: number }> {
  return import('node:net').then(
    ({ connect }) =>
      new Promise((resolve, reject) => {
        const sock = connect(path);
        let buf = '';
        sock.setEncoding('utf8');
        sock.on('data', (c: string) => {
          buf += c;
          if (buf.includes('\n')) {
            sock.destroy();
            resolve(JSON.parse(buf.slice(0, buf.indexOf('\n'))) as { rss: number; heapUsed: number });
          }
        });
        sock.on('error', reject);
        sock.write(`${JSON.stringify(cmd)}\n`);
      }),
  );
}

await main();
