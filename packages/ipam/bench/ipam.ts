// npm run bench:ipam — allocator benchmark (issue 2). Prints progress, then one JSON line.
//   1. fill an IPv4 /16 pool completely, one Service at a time: allocations/s, and the p50/p99/max
//      time of the last 1,000 allocations (a nearly full pool);
//   2. 100,000 allocations from an IPv6 /64 pool;
//   3. restore 100,000 existing allocations (assign), addresses in shuffled order, in a /15;
//   4. heap and RSS growth of each phase (with a forced GC before each reading when --expose-gc).
// Wall time and this process's CPU time are both reported: on a shared machine the wall time
// grows with other load, the CPU time much less (it still includes GC threads).
// Targets on the 2-core dev machine: 1 and 2 under 1 s each, p99 under 50 µs, RSS growth under
// 200 MB for 100k allocations. The figures are measured, not asserted.
import { Allocator } from '@ironlb/ipam';
import { IPAddress } from '@ironlb/netaddr';
import { loadavg } from 'node:os';

const gc = (globalThis as { gc?: () => void }).gc;

function memory(): { heap: number; rss: number } {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

/** CPU time (user + system) of this process in ms: less sensitive than wall time to other load. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const us = (ms: number) => Math.round(ms * 1000 * 10) / 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function mustOk(result: { ok: boolean }, what: string): void {
  if (!result.ok) throw new Error(`${what} failed: ${JSON.stringify(result)}`);
}

// Deterministic shuffle (xorshift32), so every run restores in the same order.
function shuffle<T>(items: T[], seed = 0x9e3779b9): T[] {
  let x = seed >>> 0;
  for (let i = items.length - 1; i > 0; i--) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const j = x % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

console.log(
  `ipam benchmark: node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(gc ? 'forced GC before memory readings' : 'no --expose-gc: memory readings include garbage');

// Warm-up on a throwaway allocator so that the figures below are not JIT compile time.
{
  const warm = new Allocator({ pools: [{ name: 'warm', addresses: ['10.0.0.0/20', '2001:db8:ffff::/64'] }] });
  for (let i = 0; i < 4096; i++) {
    mustOk(warm.allocate({ serviceKey: `w/${i}`, namespace: 'w', primaryFamily: i % 2 ? 6 : 4 }), 'warm-up');
  }
  for (let i = 0; i < 2048; i++) warm.release(`w/${i}`);
}

// 1. Fill a /16.
const base = memory();
const fill = new Allocator({ pools: [{ name: 'v4', addresses: ['10.20.0.0/16'] }] });
const size16 = 65536;
const lastTimes: number[] = [];
const fillCpu = cpuMs();
const fillStart = performance.now();
for (let i = 0; i < size16; i++) {
  const t0 = performance.now();
  const result = fill.allocate({ serviceKey: `fill/svc-${i}`, namespace: 'fill' });
  const t1 = performance.now();
  mustOk(result, `fill allocation ${i}`);
  if (i >= size16 - 1000) lastTimes.push(t1 - t0);
}
const fillMs = performance.now() - fillStart;
const fillCpuMs = cpuMs() - fillCpu;
const exhausted = fill.allocate({ serviceKey: 'fill/one-too-many', namespace: 'fill' });
if (exhausted.ok || exhausted.reason !== 'poolExhausted') throw new Error('the /16 should be exhausted');
const counters = fill.counters('v4')!;
if (counters.ipv4.assigned !== 65536n || counters.ipv4.available !== 0n) throw new Error('counters disagree');
lastTimes.sort((a, b) => a - b);
const afterFill = memory();
console.log(
  `1. /16 fill: ${size16} allocations in ${fillMs.toFixed(0)} ms (CPU ${fillCpuMs.toFixed(0)} ms, ` +
    `${Math.round(size16 / (fillMs / 1000))}/s); ` +
    `last 1,000: p50 ${us(percentile(lastTimes, 0.5))} µs, p99 ${us(percentile(lastTimes, 0.99))} µs, ` +
    `max ${us(lastTimes[lastTimes.length - 1]!)} µs; heap +${mb(afterFill.heap - base.heap)} MB`,
);

// 2. 100k from a /64.
const before64 = memory();
const v6 = new Allocator({ pools: [{ name: 'v6', addresses: ['2001:db8:1:2::/64'] }] });
const count64 = 100_000;
const v6Cpu = cpuMs();
const v6Start = performance.now();
for (let i = 0; i < count64; i++) {
  mustOk(
    v6.allocate({ serviceKey: `v6/svc-${i}`, namespace: 'v6', primaryFamily: 6 }),
    `/64 allocation ${i}`,
  );
}
const v6Ms = performance.now() - v6Start;
const v6CpuMs = cpuMs() - v6Cpu;
const after64 = memory();
const v6Counters = v6.counters('v6')!.ipv6;
console.log(
  `2. /64: ${count64} allocations in ${v6Ms.toFixed(0)} ms (CPU ${v6CpuMs.toFixed(0)} ms, ` +
    `${Math.round(count64 / (v6Ms / 1000))}/s); ` +
    `available now ${v6Counters.available}; heap +${mb(after64.heap - before64.heap)} MB, ` +
    `RSS +${mb(after64.rss - before64.rss)} MB`,
);

// 3. Restore 100k existing allocations, addresses in shuffled order (a fragmented pool).
const restoreCount = 100_000;
const first = IPAddress.parse('10.64.0.0');
const claims = shuffle(
  Array.from({ length: restoreCount }, (_, i) => ({
    serviceKey: `restore/svc-${i}`,
    namespace: 'restore',
    ips: [first.add(BigInt(i + Math.floor(i / 4))).toString()], // leave holes: 4 of every 5 addresses
    createdAt: i,
  })),
);
const beforeRestore = memory();
const restored = new Allocator({ pools: [{ name: 'restore', addresses: ['10.64.0.0/15'] }] });
const restoreCpu = cpuMs();
const restoreStart = performance.now();
for (const claim of claims) mustOk(restored.assign(claim), `restore ${claim.serviceKey}`);
const restoreMs = performance.now() - restoreStart;
const restoreCpuMs = cpuMs() - restoreCpu;
const afterRestore = memory();
const next = restored.allocate({ serviceKey: 'restore/new', namespace: 'restore' });
mustOk(next, 'allocation after restore');
console.log(
  `3. restore: ${restoreCount} assign() in ${restoreMs.toFixed(0)} ms (CPU ${restoreCpuMs.toFixed(0)} ms, ` +
    `${Math.round(restoreCount / (restoreMs / 1000))}/s); ` +
    `next new Service gets ${next.ok ? next.allocation.ips.join(',') : '-'}; ` +
    `heap +${mb(afterRestore.heap - beforeRestore.heap)} MB, RSS +${mb(afterRestore.rss - beforeRestore.rss)} MB`,
);

// Keep the allocators alive until the readings above are taken.
if (fill.allocations().length + v6.allocations().length + restored.allocations().length < 0) console.log('');

console.log(
  JSON.stringify({
    bench: 'ipam',
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    gcForced: gc !== undefined,
    fill16: {
      allocations: size16,
      ms: Math.round(fillMs),
      cpuMs: Math.round(fillCpuMs),
      allocsPerSec: Math.round(size16 / (fillMs / 1000)),
      last1000P50Us: us(percentile(lastTimes, 0.5)),
      last1000P99Us: us(percentile(lastTimes, 0.99)),
      last1000MaxUs: us(lastTimes[lastTimes.length - 1]!),
      heapGrowthMB: mb(afterFill.heap - base.heap),
      rssGrowthMB: mb(afterFill.rss - base.rss),
    },
    v6slash64: {
      allocations: count64,
      ms: Math.round(v6Ms),
      cpuMs: Math.round(v6CpuMs),
      allocsPerSec: Math.round(count64 / (v6Ms / 1000)),
      heapGrowthMB: mb(after64.heap - before64.heap),
      rssGrowthMB: mb(after64.rss - before64.rss),
    },
    restore: {
      allocations: restoreCount,
      ms: Math.round(restoreMs),
      cpuMs: Math.round(restoreCpuMs),
      assignsPerSec: Math.round(restoreCount / (restoreMs / 1000)),
      heapGrowthMB: mb(afterRestore.heap - beforeRestore.heap),
      rssGrowthMB: mb(afterRestore.rss - beforeRestore.rss),
    },
  }),
);
