// npm run bench:netlab: how long the lab's building blocks take on this machine. Builds the full
// lab topology (switch, FRR router, BIRD router, 3 nodes, client) several times, timing the
// build, the first ExaBGP route into the router's kernel, and the teardown. Prints progress,
// then one JSON line with the medians. It measures; it asserts nothing.
import { buildLabTopology, requireRoot, routeGateways, startExaBgp, waitFor } from '@ironlb/netlab';

const rounds = Number(process.env['ROUNDS'] ?? 5);
const build: number[] = [];
const firstRoute: number[] = [];
const destroy: number[] = [];

requireRoot();
for (let i = 0; i < rounds; i++) {
  let t = performance.now();
  const topo = await buildLabTopology({ labOptions: { tag: 'nlbench' }, nodes: 3, bird: true });
  build.push(performance.now() - t);
  try {
    const node = topo.node('node1');
    t = performance.now();
    await startExaBgp(node.netns, {
      routerId: node.ipv4,
      localAddress: node.ipv4,
      localAs: 64513,
      peerAs: 64512,
      neighbors: ['192.0.2.1'],
      routes: [{ prefix: '203.0.113.10/32', nextHop: node.ipv4 }],
    });
    await waitFor(
      async () => {
        const route = await topo.router.route('203.0.113.10/32');
        return route && routeGateways(route).length === 1;
      },
      { timeoutMs: 30_000, intervalMs: 10, description: 'route in the router kernel' },
    );
    firstRoute.push(performance.now() - t);
  } finally {
    t = performance.now();
    await topo.destroy();
    destroy.push(performance.now() - t);
  }
  console.log(
    `round ${i + 1}/${rounds}: build ${build.at(-1)?.toFixed(0)} ms, ExaBGP start to kernel route ` +
      `${firstRoute.at(-1)?.toFixed(0)} ms, destroy ${destroy.at(-1)?.toFixed(0)} ms`,
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
};
console.log(
  JSON.stringify({
    bench: 'netlab',
    rounds,
    topology: 'switch+frr+bird+3 nodes+client',
    buildMsMedian: median(build),
    buildMsMax: Math.round(Math.max(...build)),
    exabgpStartToKernelRouteMsMedian: median(firstRoute),
    destroyMsMedian: median(destroy),
    loadAverage1m: (await import('node:os')).loadavg()[0],
  }),
);
