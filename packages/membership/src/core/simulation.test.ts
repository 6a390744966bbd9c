import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { SimCluster } from '../testing/sim-cluster.js';
import { defaultDetectorSettings, detectionBoundMs } from './settings.js';

// Scenario tests of the whole protocol: pure detectors on a simulated network with a manual
// clock (testing/sim-cluster.ts). Times are simulated milliseconds; nothing here depends on
// the speed of the machine. The property tests take 1-2 s on an idle machine; the generous
// timeout is for a machine shared with other test runs.

const names = (n: number) => Array.from({ length: n }, (_, i) => `node-${i}`);
const settings = defaultDetectorSettings;
/** Others learn a death by gossip within a few gossip intervals of the first declaration. */
const bound = (n: number) => detectionBoundMs(settings, n) + 3 * settings.gossipIntervalMs;

describe('simulation: a crashed member', { timeout: 60_000 }, () => {
  it('is declared dead by every other member within the configured bound (property over seeds)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom(3, 4, 5, 10),
        fc.integer({ min: 0, max: 999 }),
        (seed, n, offset) => {
          const sim = new SimCluster(names(n), { seed, checkCodec: false });
          sim.startAll();
          sim.runFor(2_000 + offset);
          const victim = `node-${seed % n}`;
          sim.crash(victim);
          const t0 = sim.now;
          sim.runFor(bound(n) + 500);
          for (const observer of names(n)) {
            if (observer === victim) continue;
            const at = sim.firstChange(observer, victim, 'dead', t0);
            expect(at, `${observer} saw ${victim} dead (n=${n}, seed=${seed})`).toBeDefined();
            expect(at! - t0).toBeLessThanOrEqual(bound(n));
          }
          // Nobody else died.
          expect(sim.changesTo(['dead']).filter((c) => c.member !== victim)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is detected in well under a second in typical runs (median over 40 crashes, n = 5)', () => {
    const times: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const sim = new SimCluster(names(5), { seed, checkCodec: false });
      sim.startAll();
      sim.runFor(2_000 + seed * 7);
      sim.crash('node-0');
      const t0 = sim.now;
      sim.runFor(2_000);
      times.push(
        Math.max(
          ...names(5)
            .slice(1)
            .map((o) => sim.firstChange(o, 'node-0', 'dead', t0)! - t0),
        ),
      );
    }
    times.sort((a, b) => a - b);
    const median = times[20]!;
    expect(median).toBeLessThan(600);
    expect(times[39]!).toBeLessThan(1_000);
  });
});

describe('simulation: false positives', { timeout: 60_000 }, () => {
  it('random loss up to 10% for 5 simulated minutes never declares a live member dead (property over seeds)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom(3, 5, 8),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (seed, n, loss) => {
          const sim = new SimCluster(names(n), { seed, loss, checkCodec: false });
          sim.startAll();
          sim.runFor(5 * 60_000);
          expect(sim.changesTo(['dead', 'left']), `n=${n} loss=${loss} seed=${seed}`).toEqual([]);
          for (const o of names(n))
            for (const m of names(n)) if (o !== m) expect(sim.statusAt(o, m)).toMatch(/alive|suspect/);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('one link cut both ways, with 5% loss everywhere else, is bridged by indirect probes (n = 3, 5 minutes)', () => {
    const sim = new SimCluster(names(3), { seed: 11, loss: 0.05, checkCodec: false });
    sim.setLinkLoss('node-0', 'node-1', 1);
    sim.setLinkLoss('node-1', 'node-0', 1);
    sim.startAll();
    sim.runFor(5 * 60_000);
    expect(sim.changesTo(['dead'])).toEqual([]);
    expect(sim.statusAt('node-0', 'node-1')).toMatch(/alive|suspect/);
  });

  it('a one-way link (0 -> 1 dropped) is bridged too', () => {
    const sim = new SimCluster(names(4), { seed: 12, loss: 0.02, checkCodec: false });
    sim.setLinkLoss('node-0', 'node-1', 1);
    sim.startAll();
    sim.runFor(2 * 60_000);
    expect(sim.changesTo(['dead'])).toEqual([]);
  });

  it('a member that stalls for less than the minimum suspicion timeout is not declared dead', () => {
    const sim = new SimCluster(names(5), { seed: 13, checkCodec: false });
    sim.startAll();
    sim.runFor(2_000);
    for (let i = 0; i < 20; i++) {
      sim.stall('node-2', 150);
      sim.runFor(1_000);
    }
    expect(sim.changesTo(['dead'])).toEqual([]);
  });

  it('a member that stalls for 2 s is declared dead, then refutes and is alive again', () => {
    const sim = new SimCluster(names(5), { seed: 14, checkCodec: false });
    sim.startAll();
    sim.runFor(2_000);
    sim.stall('node-2', 2_000);
    const t0 = sim.now;
    sim.runFor(3_000);
    for (const o of names(5).filter((x) => x !== 'node-2')) {
      expect(sim.firstChange(o, 'node-2', 'dead', t0)).toBeDefined();
      expect(sim.statusAt(o, 'node-2')).toBe('alive');
    }
    expect(sim.node('node-2').refutations.length).toBeGreaterThan(0);
  });
});

describe('simulation: partitions, restarts and leaves', { timeout: 60_000 }, () => {
  it('a partition gives each side a consistent view; the minority loses quorum; healing restores both', () => {
    const sim = new SimCluster(names(5), { seed: 21, checkCodec: false });
    sim.startAll();
    sim.runFor(2_000);
    const majority = ['node-0', 'node-1', 'node-2'];
    const minority = ['node-3', 'node-4'];
    sim.partition([majority, minority]);
    const t0 = sim.now;
    sim.runFor(8_000);
    for (const o of majority) {
      for (const m of minority) expect(sim.statusAt(o, m)).toBe('dead');
      for (const m of majority) if (m !== o) expect(sim.statusAt(o, m)).toBe('alive');
      expect(sim.node(o).detector.quorum().hasQuorum).toBe(true);
    }
    for (const o of minority) {
      for (const m of majority) expect(sim.statusAt(o, m)).toBe('dead');
      expect(sim.node(o).detector.quorum()).toEqual({ reachable: 2, total: 5, hasQuorum: false });
      // A member cut off stretches its own timeouts (local health), so it takes longer to see
      // the others die than they take to see it die; its quorum goes first.
      const lost = sim.node(o).quorumChanges.find((q) => q.at >= t0 && !q.quorum.hasQuorum);
      expect(lost!.at - t0).toBeLessThan(2_500);
    }
    sim.heal();
    const t1 = sim.now;
    sim.runFor(5_000);
    for (const o of names(5)) {
      for (const m of names(5)) if (m !== o) expect(sim.statusAt(o, m)).toBe('alive');
      expect(sim.node(o).detector.quorum().hasQuorum).toBe(true);
    }
    // Healing takes about one dead-probe interval plus a round of refutations.
    const healed = Math.max(
      ...minority.flatMap((o) => majority.map((m) => sim.firstChange(o, m, 'alive', t1)! - t1)),
    );
    expect(healed).toBeLessThan(2 * settings.deadProbeIntervalMs + 500);
  });

  it('after a partition, only the majority side confirms quorum, so only it takes over (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom(3, 5, 7, 9),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (seed, n, loss) => {
          const all = names(n);
          const minoritySize = 1 + (seed % Math.floor((n - 1) / 2));
          const minority = all.slice(0, minoritySize);
          const majority = all.slice(minoritySize);
          const sim = new SimCluster(all, { seed, loss, checkCodec: false });
          sim.startAll();
          sim.runFor(2_000 + (seed % 500));
          sim.partition([minority, majority]);
          const t0 = sim.now;
          sim.runFor(10_000);
          const where = `n=${n} minority=${minoritySize} loss=${loss.toFixed(3)} seed=${seed}`;
          // The minority never confirms a quorum round started after the partition (a round
          // in flight at the moment of the split could finish just after it).
          for (const o of minority) {
            const confirmed = sim.node(o).quorumRounds.filter((r) => r.confirmed && r.startedAt > t0 + 1);
            expect(confirmed, where).toEqual([]);
            expect(sim.node(o).detector.quorum().hasQuorum, where).toBe(false);
          }
          // Every majority member confirms a round started after each death it saw, quickly.
          for (const o of majority) {
            expect(sim.node(o).detector.quorum().hasQuorum, where).toBe(true);
            for (const m of minority) {
              const died = sim.firstChange(o, m, 'dead', t0);
              expect(died, where).toBeDefined();
              const round = sim.node(o).quorumRounds.find((r) => r.confirmed && r.startedAt >= died!);
              expect(round, where).toBeDefined();
              expect(round!.at - died!).toBeLessThan(500);
            }
          }
          // Cut off, a minority member stretches its own timeouts (local health), so it is
          // slower to see the others down; it gets there.
          sim.runFor(20_000);
          for (const o of minority) for (const m of majority) expect(sim.statusAt(o, m), where).toBe('dead');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a restarted member rejoins at once with a newer incarnation', () => {
    const sim = new SimCluster(names(4), { seed: 22, checkCodec: false });
    sim.startAll();
    sim.runFor(2_000);
    const before = sim.node('node-1').detector.incarnation;
    sim.crash('node-1');
    sim.runFor(2_000);
    for (const o of ['node-0', 'node-2', 'node-3']) expect(sim.statusAt(o, 'node-1')).toBe('dead');
    sim.restart('node-1');
    const t0 = sim.now;
    expect(sim.node('node-1').detector.incarnation).toBeGreaterThan(before);
    sim.runFor(50);
    for (const o of ['node-0', 'node-2', 'node-3']) {
      expect(sim.statusAt(o, 'node-1')).toBe('alive');
      expect(sim.firstChange(o, 'node-1', 'alive', t0)! - t0).toBeLessThan(5);
    }
    for (const m of ['node-0', 'node-2', 'node-3']) expect(sim.statusAt('node-1', m)).toBe('alive');
  });

  it('a restart before anyone noticed the crash is seen as a newer incarnation, not a death', () => {
    const sim = new SimCluster(names(4), { seed: 23, checkCodec: false });
    sim.startAll();
    sim.runFor(2_000);
    sim.crash('node-1');
    sim.runFor(20);
    sim.restart('node-1');
    sim.runFor(3_000);
    expect(sim.changesTo(['dead'])).toEqual([]);
  });

  it('a leave is known to every member within one network delay', () => {
    const sim = new SimCluster(names(5), { seed: 24, checkCodec: false });
    sim.startAll();
    sim.runFor(2_000);
    sim.leave('node-4');
    const t0 = sim.now;
    sim.runFor(2_000);
    for (const o of names(4)) {
      const c = sim.node(o).changes.find((x) => x.member === 'node-4' && x.to === 'left')!;
      expect(c.reason).toBe('leaveReceived');
      expect(c.at - t0).toBeLessThan(1);
    }
    expect(sim.changesTo(['dead'])).toEqual([]);
  });

  it('with 10% loss a leave still reaches every member quickly (relayed by the others)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const sim = new SimCluster(names(5), { seed, loss: 0.1, checkCodec: false });
      sim.startAll();
      sim.runFor(2_000);
      sim.leave('node-4');
      const t0 = sim.now;
      sim.runFor(1_000);
      for (const o of names(4)) expect(sim.firstChange(o, 'node-4', 'left', t0)! - t0).toBeLessThan(300);
    }
  });
});

describe('simulation: traffic per member stays bounded as the cluster grows', { timeout: 60_000 }, () => {
  it('messages and bytes per member per second are about the same for n = 3, 10 and 100', () => {
    const figures: Record<number, { msgs: number; bytes: number }> = {};
    for (const n of [3, 10, 100]) {
      const sim = new SimCluster(names(n), { seed: 31, loss: 0.01 });
      sim.startAll();
      sim.runFor(5_000);
      const base = [...sim.nodes.values()].map((x) => ({ ...x.sent }));
      const seconds = 20;
      sim.runFor(seconds * 1_000);
      const per = [...sim.nodes.values()].map((x, i) => ({
        msgs: (x.sent.messages - base[i]!.messages) / seconds,
        bytes: (x.sent.bytes - base[i]!.bytes) / seconds,
      }));
      figures[n] = { msgs: Math.max(...per.map((p) => p.msgs)), bytes: Math.max(...per.map((p) => p.bytes)) };
    }
    // About 2 probes' worth of datagrams per period (ping, ack to others' pings), plus a little
    // indirect probing and gossip under 1% loss: roughly 20-30 datagrams/s and 2-4 KB/s.
    for (const n of [3, 10, 100]) {
      expect(figures[n]!.msgs).toBeLessThan(40);
      expect(figures[n]!.bytes).toBeLessThan(6_000);
    }
    expect(figures[100]!.msgs / figures[3]!.msgs).toBeLessThan(2);
  });
});
