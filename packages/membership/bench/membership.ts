// npm run bench:membership
//
// 1. Crash detection over real UDP (127.0.0.1): two agents in this process watch a third agent
//    running as its own process; it is killed with SIGKILL, restarted, killed again, ... The
//    figure is the time from kill() to each observer's `dead` event (default 24 runs).
// 2. Clean leave over real UDP: SIGTERM to the agent process, time to `left` (5 runs).
// 3. False positives under 5% loss, real UDP and real time: three agents in this process whose
//    sockets drop 5% of outgoing datagrams at random (so about 10% of request/answer pairs
//    lose one half), for BENCH_REAL_LOSS_SECONDS (default 120 s).
// 4. The same in simulation (pure detectors, simulated network and clock): 5% and 10% loss,
//    n = 3, 5, 10, 30 simulated minutes each, plus detection time distributions and traffic
//    per member for n = 3, 10, 100.
// The last line is one JSON object with every figure. Timing on a shared 2-core machine is
// noisy: the load average is printed with the figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import {
  MembershipAgent,
  type MembershipSocket,
  defaultDetectorSettings,
  detectionBoundMs,
  openUdpSocket,
} from '@ironlb/membership';
import { SimCluster } from '@ironlb/membership/testing';

const logger = pino({ level: 'silent' });
const KEY = Buffer.alloc(32, 0x42);
const CRASH_RUNS = Number(process.env.BENCH_CRASH_RUNS ?? 24);
const LEAVE_RUNS = Number(process.env.BENCH_LEAVE_RUNS ?? 5);
const REAL_LOSS_SECONDS = Number(process.env.BENCH_REAL_LOSS_SECONDS ?? 120);
const SIM_MINUTES = Number(process.env.BENCH_SIM_MINUTES ?? 30);
const agentScript = fileURLToPath(new URL('../src/testing/agent-process.ts', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    minMs: r(s[0]!),
    p50Ms: r(percentile(s, 50)),
    p90Ms: r(percentile(s, 90)),
    p99Ms: r(percentile(s, 99)),
    maxMs: r(s.at(-1)!),
  };
}
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A socket that drops a fraction of what it sends. */
function lossy(socket: MembershipSocket, loss: number): MembershipSocket {
  return {
    send: (bytes, to) => {
      if (Math.random() >= loss) socket.send(bytes, to);
    },
    onMessage: (h) => socket.onMessage(h),
    onError: (h) => socket.onError(h),
    localAddress: () => socket.localAddress(),
    close: () => socket.close(),
  };
}

async function realUdpCrashes() {
  const sockets = await Promise.all([0, 1].map(() => openUdpSocket({ address: '127.0.0.1', port: 0 })));
  const probe = await openUdpSocket({ address: '127.0.0.1', port: 0 });
  const victimPort = probe.localAddress().port;
  await probe.close();
  const members = [
    { name: 'node-0', address: '127.0.0.1', port: sockets[0]!.localAddress().port },
    { name: 'node-1', address: '127.0.0.1', port: sockets[1]!.localAddress().port },
    { name: 'victim', address: '127.0.0.1', port: victimPort },
  ];
  const observers: MembershipAgent[] = [];
  const seen: Array<{ observer: string; to: string; at: number }> = [];
  for (let i = 0; i < 2; i++) {
    const a = await MembershipAgent.start({
      self: members[i]!.name,
      keys: { current: KEY },
      logger,
      socket: sockets[i],
    });
    a.onEvent((e) => {
      if (e.type === 'memberChanged' && e.change.member === 'victim')
        seen.push({ observer: members[i]!.name, to: e.change.to, at: performance.now() });
    });
    a.setMembers(members);
    observers.push(a);
  }
  const status = (a: MembershipAgent) => a.view().members.find((m) => m.name === 'victim')?.status;
  const startVictim = async (): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@ironlb/source',
        '--import',
        'tsx',
        agentScript,
        JSON.stringify({
          self: 'victim',
          bind: { address: '127.0.0.1', port: victimPort },
          members,
          keyHex: KEY.toString('hex'),
          logLevel: 'error',
        }),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => line.includes('"ready"') && resolve());
      child.once('exit', () => reject(new Error('victim exited before it was ready')));
    });
    await until(() => observers.every((a) => status(a) === 'alive'), 10_000, 'victim alive');
    return child;
  };

  const first: number[] = [];
  const all: number[] = [];
  for (let run = 1; run <= CRASH_RUNS; run++) {
    const child = await startVictim();
    await sleep(300 + Math.random() * 700);
    const t0 = performance.now();
    child.kill('SIGKILL');
    await until(() => observers.every((a) => status(a) === 'dead'), 10_000, 'victim dead');
    const times = seen.filter((s) => s.at >= t0 && s.to === 'dead').map((s) => s.at - t0);
    first.push(Math.min(...times));
    all.push(Math.max(...times));
    console.log(
      `crash run ${run}/${CRASH_RUNS}: first observer ${Math.min(...times).toFixed(0)} ms, both ${Math.max(...times).toFixed(0)} ms`,
    );
  }
  const leave: number[] = [];
  for (let run = 1; run <= LEAVE_RUNS; run++) {
    const child = await startVictim();
    await sleep(300);
    const t0 = performance.now();
    child.kill('SIGTERM');
    await until(() => observers.every((a) => status(a) === 'left'), 5_000, 'victim left');
    const t = Math.max(...seen.filter((s) => s.at >= t0 && s.to === 'left').map((s) => s.at - t0));
    leave.push(t);
    console.log(`leave run ${run}/${LEAVE_RUNS}: both observers after ${t.toFixed(1)} ms`);
    await new Promise((r) => child.once('exit', r));
  }
  for (const a of observers) await a.close();
  return {
    crashFirstObserver: summary(first),
    crashAllObservers: summary(all),
    leaveAllObservers: summary(leave),
  };
}

async function realUdpLoss(loss: number, seconds: number) {
  const sockets = await Promise.all([0, 1, 2].map(() => openUdpSocket({ address: '127.0.0.1', port: 0 })));
  const members = sockets.map((s, i) => ({
    name: `node-${i}`,
    address: '127.0.0.1',
    port: s.localAddress().port,
  }));
  const changes: Record<string, number> = {};
  const agents: MembershipAgent[] = [];
  for (let i = 0; i < 3; i++) {
    const a = await MembershipAgent.start({
      self: members[i]!.name,
      keys: { current: KEY },
      logger,
      socket: lossy(sockets[i]!, loss),
    });
    a.onEvent((e) => {
      if (e.type === 'memberChanged' && e.change.from !== 'absent' && e.change.from !== 'unknown')
        changes[e.change.to] = (changes[e.change.to] ?? 0) + 1;
    });
    a.setMembers(members);
    agents.push(a);
  }
  console.log(`real UDP, ${(loss * 100).toFixed(0)}% loss at every sender, 3 agents, ${seconds} s ...`);
  const step = Math.max(1, Math.floor(seconds / 6));
  for (let t = 0; t < seconds; t += step) {
    await sleep(Math.min(step, seconds - t) * 1000);
    console.log(
      `  ${Math.min(seconds, t + step)} s: suspect ${changes.suspect ?? 0}, dead ${changes.dead ?? 0}`,
    );
  }
  const probes = agents.reduce(
    (acc, a) => {
      const fam = a.stats.snapshot().find((f) => f.name === 'ironlb_membership_probes_total')!;
      for (const s of fam.samples) acc[s.labels.result!] = (acc[s.labels.result!] ?? 0) + s.value;
      return acc;
    },
    {} as Record<string, number>,
  );
  const refutations = agents.reduce(
    (n, a) =>
      n + a.stats.snapshot().find((f) => f.name === 'ironlb_membership_refutations_total')!.samples[0]!.value,
    0,
  );
  for (const a of agents) await a.close();
  return {
    loss,
    seconds,
    members: 3,
    deaths: changes.dead ?? 0,
    suspicions: changes.suspect ?? 0,
    refutations,
    probes,
  };
}

function simulatedFalsePositives() {
  const out: Array<Record<string, number>> = [];
  for (const loss of [0.05, 0.1]) {
    for (const n of [3, 5, 10]) {
      let deaths = 0;
      let suspicions = 0;
      const seeds = 3;
      for (let seed = 1; seed <= seeds; seed++) {
        const sim = new SimCluster(
          Array.from({ length: n }, (_, i) => `node-${i}`),
          { seed, loss, checkCodec: false },
        );
        sim.startAll();
        sim.runFor(SIM_MINUTES * 60_000);
        deaths += sim.changesTo(['dead']).length;
        suspicions += sim.changesTo(['suspect']).length;
      }
      out.push({ loss, members: n, simulatedMinutes: SIM_MINUTES * seeds, deaths, suspicions });
      console.log(
        `simulated ${(loss * 100).toFixed(0)}% loss, n=${n}, ${SIM_MINUTES * seeds} min: ${deaths} false deaths, ${suspicions} suspicions (all refuted)`,
      );
    }
  }
  return out;
}

function simulatedDetection() {
  const out: Record<string, ReturnType<typeof summary> & { boundMs: number }> = {};
  for (const n of [3, 10, 100]) {
    const times: number[] = [];
    const runs = n === 100 ? 30 : 100;
    for (let seed = 1; seed <= runs; seed++) {
      const names = Array.from({ length: n }, (_, i) => `node-${i}`);
      const sim = new SimCluster(names, { seed, checkCodec: false });
      sim.startAll();
      sim.runFor(2_000 + ((seed * 37) % 1000));
      sim.crash('node-0');
      const t0 = sim.now;
      sim.runFor(5_000);
      times.push(
        Math.max(...names.slice(1).map((o) => (sim.firstChange(o, 'node-0', 'dead', t0) ?? Infinity) - t0)),
      );
    }
    out[n] = { ...summary(times), boundMs: detectionBoundMs(defaultDetectorSettings, n) };
    console.log(
      `simulated crash, n=${n}: all members know after p50 ${out[n].p50Ms} ms, p99 ${out[n].p99Ms} ms, max ${out[n].maxMs} ms`,
    );
  }
  return out;
}

function simulatedTraffic() {
  const out: Record<string, { datagramsPerSecond: number; bytesPerSecond: number }> = {};
  for (const n of [3, 10, 100]) {
    const sim = new SimCluster(
      Array.from({ length: n }, (_, i) => `node-${i}`),
      { seed: 9 },
    );
    sim.startAll();
    sim.runFor(5_000);
    const base = [...sim.nodes.values()].map((x) => ({ ...x.sent }));
    sim.runFor(30_000);
    const per = [...sim.nodes.values()].map((x, i) => ({
      m: (x.sent.messages - base[i]!.messages) / 30,
      b: (x.sent.bytes - base[i]!.bytes) / 30,
    }));
    out[n] = {
      datagramsPerSecond: Math.round(Math.max(...per.map((p) => p.m)) * 10) / 10,
      bytesPerSecond: Math.round(Math.max(...per.map((p) => p.b))),
    };
    console.log(
      `simulated traffic, n=${n}: busiest member sends ${out[n].datagramsPerSecond} datagrams/s, ${out[n].bytesPerSecond} B/s (incl. IP+UDP headers)`,
    );
  }
  return out;
}

const loadBefore = loadavg();
console.log(`membership benchmark: defaults ${JSON.stringify(defaultDetectorSettings)}`);
console.log(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
const real = await realUdpCrashes();
console.log(`real UDP crash detection (both observers): ${JSON.stringify(real.crashAllObservers)}`);
const realLoss = await realUdpLoss(0.05, REAL_LOSS_SECONDS);
const simFalse = simulatedFalsePositives();
const simDetect = simulatedDetection();
const traffic = simulatedTraffic();
const result = {
  bench: 'membership',
  crashRealUdp: {
    runs: CRASH_RUNS,
    transport: 'UDP on 127.0.0.1, victim a separate process killed with SIGKILL',
    firstObserver: real.crashFirstObserver,
    allObservers: real.crashAllObservers,
  },
  leaveRealUdp: real.leaveAllObservers,
  falsePositivesRealUdp: realLoss,
  falsePositivesSimulated: simFalse,
  detectionSimulated: simDetect,
  trafficSimulated: traffic,
  settings: defaultDetectorSettings,
  loadAverage: { before: loadBefore, after: loadavg() },
};
console.log(JSON.stringify(result));
process.exit(0);
