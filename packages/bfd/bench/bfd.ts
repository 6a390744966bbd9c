/**
 * `npm run bench:bfd` (root): BFD failover and timer accuracy against FRR 8.4 in namespaces.
 *
 * 1. Failover: kill -9 of a speaker process, and a cable cut at the switch (a node that dies
 *    without a word), timed to the router's kernel route losing that next hop, for a speaker
 *    with BFD 100 ms x 3, one with 300 ms x 3 and one without BFD (BGP keepalive 1 s, hold 3 s,
 *    FRR's fastest), `BFD_BENCH_ROUNDS` times each (default 20).
 * 2. Accuracy: 50 sessions at 100 ms in one process, idle and under load, gaps between our
 *    packets from a router-side capture.
 *
 * Progress goes to stderr; the last line on stdout is one JSON object with every figure.
 */
import { cpus, loadavg } from 'node:os';
import { createLab, requireRoot, startFrr, startRouteMonitor } from '@ironlb/netlab';
import { ACC_SESSIONS, accAddress, measureAccuracy, type AccuracyResult } from './accuracy.js';
import { bringUp, failAndTime, ROUTER, type FailoverNode, type Trigger } from './failover.js';
import { round, summarize } from './stats-math.js';

const rounds = Number(process.env['BFD_BENCH_ROUNDS'] ?? 20);
const windowMs = Number(process.env['BFD_BENCH_WINDOW_MS'] ?? 15_000);
const log = (msg: string) => process.stderr.write(`[bench:bfd] ${msg}\n`);

requireRoot();
const started = performance.now();
const load0 = loadavg()[0]!;
const lab = await createLab({ tag: 'bfdbench' });
try {
  const sw = await lab.addSwitch();
  const router = await lab.addHost('router', { switch: sw, addresses: [`${ROUTER}/24`], role: 'router' });
  const mk = (name: FailoverNode['name'], address: string, profile: FailoverNode['profile']) =>
    lab
      .addHost(name.toLowerCase(), { switch: sw, addresses: [`${address}/24`], role: 'node' })
      .then((netns) => ({ name, address, netns, profile }) as FailoverNode);
  const nodes = await Promise.all([
    mk('bfd100', '192.0.2.11', { transmitInterval: 100, receiveInterval: 100, detectMultiplier: 3 }),
    mk('bfd300', '192.0.2.13', { transmitInterval: 300, receiveInterval: 300, detectMultiplier: 3 }),
    mk('noBfd', '192.0.2.12', undefined),
  ]);
  const acc = await lab.addHost('acc', {
    switch: sw,
    addresses: Array.from({ length: ACC_SESSIONS }, (_, i) => `${accAddress(i)}/24`),
    role: 'node',
  });
  const group = (name: string, range: string, bfd?: string) => ({
    name,
    remoteAs: 'external' as const,
    timers: { keepalive: 1, hold: 3 },
    listenRanges: [range],
    denyOut: true,
    ...(bfd ? { bfd: { profile: bfd } } : {}),
  });
  const frr = await startFrr(router, {
    bfd: true,
    bgp: {
      asn: 64512,
      routerId: ROUTER,
      bfdProfiles: [
        { name: 'fast', receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
        { name: 'slow', receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 },
      ],
      peerGroups: [
        group('FAST', '192.0.2.11/32', 'fast'),
        group('SLOW', '192.0.2.13/32', 'slow'),
        group('PLAIN', '192.0.2.12/32'),
        group('ACC', `${accAddress(0)}/32`),
      ],
    },
  });
  const monitor = await startRouteMonitor(router);

  // --- 1. failover -------------------------------------------------------------------
  const times: Record<string, number[]> = {};
  let retries = 0;
  const roundErrors: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const trigger of ['kill9', 'linkCut'] as Trigger[]) {
      try {
        retries += (await Promise.all(nodes.map((n) => bringUp(n, router, frr)))).reduce((a, b) => a + b, 0);
        for (const n of nodes) {
          const ms = await failAndTime(n, trigger, { sw, monitor });
          (times[`${trigger}.${n.name}`] ??= []).push(ms);
          log(`round ${r + 1}/${rounds} ${trigger} ${n.name}: next hop gone after ${round(ms)} ms`);
        }
      } catch (err) {
        // A round that could not be set up or timed is reported, not fatal to the whole run.
        log(`round ${r + 1}/${rounds} ${trigger} failed: ${String(err)}`);
        roundErrors.push(`round ${r + 1} ${trigger}: ${String(err)}`);
        for (const n of nodes) {
          n.speaker?.killHard();
          await n.speaker?.process.waitExit(5000).catch(() => undefined);
          n.speaker = undefined;
          await sw.setPortState(n.netns, 'up');
        }
      }
    }
  }
  await monitor.stop();
  const failover: Record<string, ReturnType<typeof summarize>> = {};
  for (const [k, v] of Object.entries(times)) failover[k] = roundAll(summarize(v));

  // --- 2. accuracy -------------------------------------------------------------------
  const peerLine = (i: number) => `peer ${accAddress(i)} local-address ${ROUTER} interface eth0`;
  await frr.configure(
    Array.from({ length: ACC_SESSIONS }, (_, i) => [
      'bfd',
      peerLine(i),
      'receive-interval 100',
      'transmit-interval 100',
      'detect-multiplier 3',
      'exit',
      'exit',
    ]).flat(),
  );
  const bgp = {
    peer: ROUTER,
    localAddress: accAddress(0),
    localAs: 64513,
    holdTime: 9,
    hostPrefixes: 10_000,
  };
  const loads: [string, object][] = [
    ['idle', {}],
    ['bgp10k', { bgp, churn: { prefixes: 10_000, everyMs: 3000 } }],
    ['cpuBlocks20msEvery100ms', { load: { blockMs: 20, everyMs: 100 } }],
  ];
  const accuracy: (AccuracyResult & { thread: string })[] = [];
  const accuracyErrors: { load: string; thread: string; error: string }[] = [];
  for (const [name, extra] of process.env['BFD_BENCH_SKIP_ACCURACY'] ? [] : loads) {
    for (const thread of ['main', 'worker'] as const) {
      log(
        `accuracy: ${ACC_SESSIONS} sessions at 100 ms, load ${name}, BFD on the ${thread} thread, ${windowMs} ms window`,
      );
      const result = await measureAccuracy({
        node: acc,
        router,
        frr,
        load: name,
        extra: { ...extra, thread },
        windowMs,
      });
      log(`  ${JSON.stringify(result)}`);
      accuracy.push({ thread, ...result });
    }
  }

  const p99 = (k: string) => failover[k]?.p99 ?? NaN;
  const summary = {
    bench: 'bfd',
    frr: '8.4.4',
    rounds,
    machine: {
      cpus: cpus().length,
      loadavg1AtStart: round(load0, 2),
      loadavg1AtEnd: round(loadavg()[0]!, 2),
    },
    failoverMs: failover,
    bringUpRetries: retries,
    roundErrors,
    kill9: {
      p99Bfd100: p99('kill9.bfd100'),
      p99Bfd300: p99('kill9.bfd300'),
      p99NoBfd: p99('kill9.noBfd'),
    },
    linkCut: {
      p99Bfd100: p99('linkCut.bfd100'),
      p99Bfd300: p99('linkCut.bfd300'),
      p99NoBfd: p99('linkCut.noBfd'),
      ratioNoBfdToBfd100: round(p99('linkCut.noBfd') / p99('linkCut.bfd100'), 2),
    },
    accuracy,
    accuracyErrors,
    durationS: round((performance.now() - started) / 1000),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await lab.destroy();
}

function roundAll<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 1)])) as T;
}
