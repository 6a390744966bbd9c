// npm run bench:l2 — layer-2 responder throughput and latency, and announcement latency.
//
// Topology (namespaces created and removed here): node1 (announcer process, VIP on lo with
// arp_ignore=1) and client on one bridge. The client (this process, AF_PACKET through
// runInNetns) sends ARP requests at increasing rates for the VIP (answered by IronLB) and, as
// the reference, for node1's own address 192.0.2.11 (answered by the Linux kernel). Each
// request carries a sequence number in its sender hardware address, which both responders echo
// as the reply's destination, so a tcpdump capture on node1's eth0 pairs every request with its
// reply: latency = reply timestamp - request timestamp, as the node's kernel sees them.
// Then 20 times: setOwned(new VIP) and the time until its first gratuitous ARP on the wire
// (capture timestamp minus the runner's realtime clock just before the call).
//
// Prints progress, then one JSON line with every figure. Benchmarks measure; they do not assert.
import { cpus, loadavg } from 'node:os';
import { createLab, requireRoot, startCapture, type Lab, type PcapRecord } from '@ironlb/netlab';
import { AfPacketSocket, EtherType, runInNetns } from '@ironlb/sys';
import { AnnouncerProcess } from '../announcer-process.js';

const NODE_MAC = '02:00:00:00:00:02';
const CLIENT_MAC = [2, 0, 0, 0, 0, 4];
const VIP = [198, 51, 100, 10];
const NODE_IP = [192, 0, 2, 11];
const RATES = (process.env.L2_BENCH_RATES ?? '1000,5000,10000,20000,40000,80000').split(',').map(Number);
const STEP_MS = Number(process.env.L2_BENCH_STEP_MS ?? 3000);

interface StepResult {
  responder: 'ironlb' | 'kernel';
  rate: number;
  sent: number;
  sentPerSec: number;
  replies: number;
  repliesPerSec: number;
  matched: number;
  p50us: number | undefined;
  p99us: number | undefined;
  maxus: number | undefined;
  /** Event-loop delay of the announcer process during the step (monitorEventLoopDelay, 1 ms resolution). */
  announcerLoopDelay: { p50ms: number; p99ms: number; maxms: number };
}

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? undefined
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 10) / 10);

/** ARP request template: sender MAC in the Ethernet header is the client's; sha carries the sequence. */
function requestTemplate(target: number[]): Uint8Array {
  const f = new Uint8Array(60);
  f.fill(0xff, 0, 6);
  f.set(CLIENT_MAC, 6);
  f.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1], 12);
  f.set([0x02, 0x5e, 0, 0, 0, 0], 22); // sha 02:5e:<seq 32 bits>
  f.set([192, 0, 2, 100], 28); // spa: the client
  f.set(target, 38); // tpa
  return f;
}

const seqOfRequest = (d: Uint8Array) => ((d[24]! << 24) | (d[25]! << 16) | (d[26]! << 8) | d[27]!) >>> 0;
const seqOfReply = (d: Uint8Array) => ((d[2]! << 24) | (d[3]! << 16) | (d[4]! << 8) | d[5]!) >>> 0; // Ethernet destination

async function main(): Promise<void> {
  requireRoot();
  log(
    `bench:l2 on ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const lab: Lab = await createLab({ tag: 'l2bench' });
  let announcer: AnnouncerProcess | undefined;
  let client: AfPacketSocket | undefined;
  try {
    const sw = await lab.addSwitch();
    const node1 = await lab.addHost('node1', {
      switch: sw,
      link: { mac: NODE_MAC },
      addresses: ['192.0.2.11/24'],
      role: 'node',
    });
    const clientNs = await lab.addHost('client', {
      switch: sw,
      link: { mac: '02:00:00:00:00:04' },
      addresses: ['192.0.2.100/24'],
      role: 'client',
    });
    await node1.ip(['addr', 'add', '198.51.100.10/32', 'dev', 'lo']);
    announcer = await AnnouncerProcess.start(node1, 'a1', {
      interfaces: { names: ['eth0'] },
      maxRepliesPerSecond: 1_000_000,
      rescanIntervalMs: 0,
    });
    await announcer.setOwned({ eth0: ['198.51.100.10'] });
    client = runInNetns(clientNs.name, () =>
      AfPacketSocket.open({
        ifname: 'eth0',
        ethertype: EtherType.ARP,
        readBudget: 4096,
        receiveBufferBytes: 16 << 20,
      }),
    );
    let replies = 0;
    client.start((f) => {
      if (f[21] === 2 && f[22] === 2 && f[27] === 2) replies++; // ARP reply from node1 (sha ...:02)
    });

    // --- throughput and latency at increasing rates -------------------------------------
    const capture = await startCapture(node1, { filter: 'arp', name: 'bench' });
    let seq = 1;
    const steps: {
      responder: 'ironlb' | 'kernel';
      rate: number;
      first: number;
      last: number;
      sent: number;
      replies: number;
      ms: number;
      loop: { p50ms: number; p99ms: number; maxms: number };
    }[] = [];
    for (const responder of ['ironlb', 'kernel'] as const) {
      const template = requestTemplate(responder === 'ironlb' ? VIP : NODE_IP);
      for (const rate of RATES) {
        const first = seq;
        const repliesBefore = replies;
        await announcer.request('loopDelay');
        const start = performance.now();
        let sent = 0;
        await new Promise<void>((resolve) => {
          const tick = () => {
            const elapsed = performance.now() - start;
            const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor((STEP_MS * rate) / 1000));
            for (; sent < due; sent++, seq++) {
              template[24] = (seq >>> 24) & 0xff;
              template[25] = (seq >>> 16) & 0xff;
              template[26] = (seq >>> 8) & 0xff;
              template[27] = seq & 0xff;
              client!.send(template);
            }
            // A 1 ms timer, not a spin: the generator must leave the CPU to the responder.
            if (elapsed >= STEP_MS) resolve();
            else setTimeout(tick, 1);
          };
          tick();
        });
        const ms = performance.now() - start;
        await new Promise((r) => setTimeout(r, 200)); // replies in flight
        const loop = (await announcer.request<{ p50ms: number; p99ms: number; maxms: number }>('loopDelay'))
          .result;
        steps.push({
          responder,
          rate,
          first,
          last: seq - 1,
          sent,
          replies: replies - repliesBefore,
          ms,
          loop,
        });
        log(
          `  ${responder.padEnd(6)} ${String(rate).padStart(6)}/s: sent ${sent} in ${ms.toFixed(0)} ms, ${replies - repliesBefore} replies`,
        );
      }
    }
    const pcap = await capture.stop({ settleMs: 300 });
    const requestAt = new Map<number, number>();
    const replyAt = new Map<number, number>();
    for (const r of pcap.records as PcapRecord[]) {
      const d = r.data;
      if (d.length < 42 || d[12] !== 0x08 || d[13] !== 0x06) continue;
      if (d[21] === 1 && d[22] === 0x02 && d[23] === 0x5e) requestAt.set(seqOfRequest(d), r.timestampMicros);
      else if (d[21] === 2 && d[0] === 0x02 && d[1] === 0x5e) replyAt.set(seqOfReply(d), r.timestampMicros);
    }
    const results: StepResult[] = steps.map((s) => {
      const lat: number[] = [];
      for (let q = s.first; q <= s.last; q++) {
        const a = requestAt.get(q);
        const b = replyAt.get(q);
        if (a !== undefined && b !== undefined) lat.push(b - a);
      }
      lat.sort((x, y) => x - y);
      const secs = s.ms / 1000;
      return {
        responder: s.responder,
        rate: s.rate,
        sent: s.sent,
        sentPerSec: Math.round(s.sent / secs),
        replies: s.replies,
        repliesPerSec: Math.round(s.replies / secs),
        matched: lat.length,
        p50us: round(percentile(lat, 50)),
        p99us: round(percentile(lat, 99)),
        maxus: round(lat.at(-1)),
        announcerLoopDelay: s.loop,
      };
    });
    for (const r of results) {
      log(
        `  ${r.responder.padEnd(6)} ${String(r.rate).padStart(6)}/s offered: ${r.sentPerSec} sent/s, ${r.repliesPerSec} replies/s, ` +
          `latency p50 ${r.p50us} µs p99 ${r.p99us} µs (${r.matched} pairs in the capture); ` +
          `announcer loop delay p99 ${r.announcerLoopDelay.p99ms} ms`,
      );
    }
    const counters = await announcer.counters();

    // --- setOwned -> first gratuitous frame on the wire ----------------------------------
    const garp = await startCapture(node1, { filter: 'arp and ether src 02:00:00:00:00:02', name: 'garp' });
    const calls: { ip: string; at: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const ip = `203.0.113.${10 + i}`;
      const { at } = await announcer.setOwned({ eth0: ['198.51.100.10', ip] });
      calls.push({ ip, at });
      await new Promise((r) => setTimeout(r, 50));
    }
    const gp = await garp.stop({ settleMs: 300 });
    const firstFrame = new Map<string, number>();
    for (const r of gp.records) {
      const d = r.data;
      if (d.length < 42 || d[12] !== 0x08 || d[13] !== 0x06) continue;
      const spa = `${d[28]}.${d[29]}.${d[30]}.${d[31]}`;
      if (!firstFrame.has(spa)) firstFrame.set(spa, r.timestampMicros);
    }
    const announceMs = calls
      .map((c) => (firstFrame.has(c.ip) ? (firstFrame.get(c.ip)! - c.at * 1000) / 1000 : undefined))
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    log(
      `  setOwned -> first gratuitous ARP: p50 ${percentile(announceMs, 50)?.toFixed(3)} ms, max ${announceMs.at(-1)?.toFixed(3)} ms (${announceMs.length}/20 seen)`,
    );

    const ours = results.filter((r) => r.responder === 'ironlb');
    const kernel = results.filter((r) => r.responder === 'kernel');
    const best = (rs: StepResult[]) => Math.max(...rs.map((r) => r.repliesPerSec));
    const at1000 = ours.find((r) => r.rate === 1000);
    const summary = {
      bench: 'l2',
      cores: cpus().length,
      loadAverage: loadavg()[0],
      stepMs: STEP_MS,
      maxRepliesPerSec: best(ours),
      kernelMaxRepliesPerSec: best(kernel),
      ratioToKernel: Math.round((best(ours) / best(kernel)) * 100) / 100,
      p50usAt1000: at1000?.p50us,
      p99usAt1000: at1000?.p99us,
      kernelP99usAt1000: kernel.find((r) => r.rate === 1000)?.p99us,
      setOwnedToFirstGarpMsP50: round(percentile(announceMs, 50)),
      setOwnedToFirstGarpMsMax: round(announceMs.at(-1)),
      announcerCounters: {
        requestsSeen: counters.requestsSeen.arp,
        repliesSent: counters.repliesSent.arp,
        rateLimited: counters.drops.rateLimited,
        kernelQueueFull: counters.drops.kernelQueueFull,
      },
      steps: results,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    client?.close();
    await announcer?.stop().catch(() => {});
    await lab.destroy();
  }
}

await main();
