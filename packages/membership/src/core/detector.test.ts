import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/seeded-random.js';
import type { GossipEntry } from './codec/gossip-entry.js';
import { type Message, datagramLength } from './codec/packet.js';
import { Detector, type DetectorAction } from './detector.js';
import type { DetectorSettings } from './settings.js';
import type { MemberStatus } from './view.js';

const INC = 1_000;

function detector(members = ['b', 'c', 'd'], settings: Partial<DetectorSettings> = {}): Detector {
  const d = new Detector({ self: 'a', incarnation: INC, random: seededRandom(7), settings });
  d.setMembers(['a', ...members], 0);
  d.start(0);
  return d;
}

function msg(sender: string, incarnation: number, gossip: GossipEntry[] = []): Message {
  return { type: 'gossip', sender, incarnation, gossip };
}

/** Ticks the detector at each deadline up to `until`, collecting actions. */
function runUntil(
  d: Detector,
  until: number,
  onAction?: (a: DetectorAction, now: number) => void,
): DetectorAction[] {
  const all: DetectorAction[] = [];
  for (let i = 0; i < 100_000; i++) {
    const next = d.nextDeadline();
    if (next === undefined || next > until) return all;
    for (const a of d.tick(next)) {
      all.push(a);
      onAction?.(a, next);
    }
  }
  throw new Error('runaway');
}

const sends = (actions: DetectorAction[]) =>
  actions.flatMap((a) => (a.type === 'send' ? [{ to: a.to, message: a.message }] : []));
const changes = (actions: DetectorAction[]) =>
  actions.flatMap((a) => (a.type === 'memberChanged' ? [a.change] : []));

/** Puts member b in `status` at incarnation 5 through ordinary messages. */
function withB(status: MemberStatus): Detector {
  const d = detector();
  if (status === 'unknown') return d;
  d.receive(msg('b', 5), 1);
  if (status === 'suspect')
    d.receive(msg('c', 1, [{ kind: 'suspect', member: 'b', incarnation: 5, from: 'c' }]), 2);
  if (status === 'dead')
    d.receive(msg('c', 1, [{ kind: 'dead', member: 'b', incarnation: 5, from: 'c' }]), 2);
  if (status === 'left') d.receive({ type: 'leave', sender: 'b', incarnation: 5, gossip: [] }, 2);
  expect(d.status('b')).toBe(status);
  return d;
}

describe('Detector: claims about another member (SWIM precedence)', () => {
  type Row = [MemberStatus, string, Message, MemberStatus, number, string | undefined];
  const g = (e: GossipEntry) => msg('c', 1, [e]);
  const rows: Row[] = [
    ['unknown', 'first message from it', msg('b', 3), 'alive', 3, 'messageReceived'],
    ['unknown', 'alive gossip', g({ kind: 'alive', member: 'b', incarnation: 2 }), 'alive', 2, 'aliveGossip'],
    [
      'unknown',
      'suspect gossip',
      g({ kind: 'suspect', member: 'b', incarnation: 0, from: 'c' }),
      'suspect',
      0,
      'suspectGossip',
    ],
    [
      'unknown',
      'dead gossip',
      g({ kind: 'dead', member: 'b', incarnation: 3, from: 'c' }),
      'dead',
      3,
      'deadGossip',
    ],
    ['alive', 'message at the same incarnation', msg('b', 5), 'alive', 5, undefined],
    ['alive', 'message at a newer incarnation', msg('b', 6), 'alive', 6, undefined],
    [
      'alive',
      'suspect at its incarnation',
      g({ kind: 'suspect', member: 'b', incarnation: 5, from: 'c' }),
      'suspect',
      5,
      'suspectGossip',
    ],
    [
      'alive',
      'stale suspect',
      g({ kind: 'suspect', member: 'b', incarnation: 4, from: 'c' }),
      'alive',
      5,
      undefined,
    ],
    [
      'alive',
      'newer suspect',
      g({ kind: 'suspect', member: 'b', incarnation: 6, from: 'c' }),
      'suspect',
      6,
      'suspectGossip',
    ],
    [
      'alive',
      'stale dead',
      g({ kind: 'dead', member: 'b', incarnation: 4, from: 'c' }),
      'alive',
      5,
      undefined,
    ],
    [
      'alive',
      'dead at its incarnation',
      g({ kind: 'dead', member: 'b', incarnation: 5, from: 'c' }),
      'dead',
      5,
      'deadGossip',
    ],
    ['alive', 'left gossip', g({ kind: 'left', member: 'b', incarnation: 5 }), 'left', 5, 'leftGossip'],
    [
      'alive',
      'its leave message',
      { type: 'leave', sender: 'b', incarnation: 5, gossip: [] },
      'left',
      5,
      'leaveReceived',
    ],
    [
      'suspect',
      'alive at the same incarnation',
      g({ kind: 'alive', member: 'b', incarnation: 5 }),
      'suspect',
      5,
      undefined,
    ],
    [
      'suspect',
      'alive at a newer incarnation',
      g({ kind: 'alive', member: 'b', incarnation: 6 }),
      'alive',
      6,
      'aliveGossip',
    ],
    ['suspect', 'its own message at the same incarnation', msg('b', 5), 'suspect', 5, undefined],
    ['suspect', 'its own message at a newer incarnation', msg('b', 6), 'alive', 6, 'messageReceived'],
    [
      'suspect',
      'dead at its incarnation',
      g({ kind: 'dead', member: 'b', incarnation: 5, from: 'd' }),
      'dead',
      5,
      'deadGossip',
    ],
    [
      'dead',
      'alive at the same incarnation',
      g({ kind: 'alive', member: 'b', incarnation: 5 }),
      'dead',
      5,
      undefined,
    ],
    ['dead', 'its own message at the same incarnation', msg('b', 5), 'dead', 5, undefined],
    [
      'dead',
      'alive at a newer incarnation',
      g({ kind: 'alive', member: 'b', incarnation: 6 }),
      'alive',
      6,
      'aliveGossip',
    ],
    ['dead', 'its own message at a newer incarnation (restart)', msg('b', 9), 'alive', 9, 'messageReceived'],
    [
      'dead',
      'newer suspect',
      g({ kind: 'suspect', member: 'b', incarnation: 6, from: 'c' }),
      'dead',
      5,
      undefined,
    ],
    [
      'dead',
      'left at its incarnation',
      g({ kind: 'left', member: 'b', incarnation: 5 }),
      'left',
      5,
      'leftGossip',
    ],
    [
      'left',
      'dead at its incarnation',
      g({ kind: 'dead', member: 'b', incarnation: 5, from: 'c' }),
      'left',
      5,
      undefined,
    ],
    ['left', 'a newer incarnation (restart)', msg('b', 6), 'alive', 6, 'messageReceived'],
  ];

  it.each(rows)('%s + %s -> %s', (initial, _what, message, status, incarnation, reason) => {
    const d = withB(initial);
    const out = changes(d.receive(message, 10)).filter((c) => c.member === 'b');
    expect(d.status('b')).toBe(status);
    expect(d.view().members.find((m) => m.name === 'b')!.incarnation).toBe(incarnation);
    if (reason === undefined) expect(out).toEqual([]);
    else expect(out).toMatchObject([{ member: 'b', from: initial, to: status, reason, at: 10 }]);
  });

  it('spreads news it accepts and not news it ignores', () => {
    const d = withB('alive');
    d.receive(msg('c', 1, [{ kind: 'suspect', member: 'b', incarnation: 5, from: 'c' }]), 10);
    const carried = sends(d.tick(10)).flatMap((s) => s.message.gossip);
    expect(carried).toContainEqual({ kind: 'suspect', member: 'b', incarnation: 5, from: 'c' });
    const d2 = withB('alive');
    d2.receive(msg('c', 1, [{ kind: 'suspect', member: 'b', incarnation: 4, from: 'c' }]), 10);
    expect(sends(d2.tick(10)).flatMap((s) => s.message.gossip)).toEqual([]);
  });

  it('ignores gossip about strangers and messages from strangers or itself', () => {
    const d = detector();
    d.receive(msg('c', 1, [{ kind: 'dead', member: 'zz', incarnation: 1, from: 'c' }]), 1);
    expect(d.counters.gossipAboutStrangers).toBe(1);
    expect(d.receive(msg('zz', 1), 1)).toEqual([]);
    expect(d.counters.dropped.unknownSender).toBe(1);
    expect(d.receive(msg('a', 1), 1)).toEqual([]);
    expect(d.counters.dropped.selfSent).toBe(1);
  });
});

describe('Detector: claims about itself (refutation)', () => {
  const rows: Array<[string, GossipEntry, boolean]> = [
    ['suspect at its incarnation', { kind: 'suspect', member: 'a', incarnation: INC, from: 'c' }, true],
    [
      'suspect at a later incarnation',
      { kind: 'suspect', member: 'a', incarnation: INC + 4, from: 'c' },
      true,
    ],
    ['stale suspect', { kind: 'suspect', member: 'a', incarnation: INC - 1, from: 'c' }, false],
    ['dead at its incarnation', { kind: 'dead', member: 'a', incarnation: INC, from: 'c' }, true],
    ['left at its incarnation', { kind: 'left', member: 'a', incarnation: INC }, true],
    ['alive at a later incarnation', { kind: 'alive', member: 'a', incarnation: INC + 9 }, false],
  ];
  it.each(rows)('%s: refutes = %s', (_what, entry, refutes) => {
    const d = detector();
    d.receive(msg('b', 1), 1);
    d.receive(msg('c', 1), 1);
    const out = d.receive(msg('b', 1, [entry]), 2);
    if (!refutes) {
      expect(d.incarnation).toBe(INC);
      expect(out.filter((a) => a.type === 'refuted')).toEqual([]);
      return;
    }
    expect(d.incarnation).toBe(entry.incarnation + 1);
    expect(out).toContainEqual({
      type: 'refuted',
      claim: entry.kind,
      incarnation: entry.incarnation + 1,
      source: entry.kind === 'left' ? 'b' : 'c',
      at: 2,
    });
    // The messenger (b) and the accuser (c) hear the new incarnation at once.
    const to = sends(out).map((s) => s.to);
    expect(to).toContain('b');
    if (entry.kind !== 'left') expect(to).toContain('c');
    for (const s of sends(out)) expect(s.message.incarnation).toBe(entry.incarnation + 1);
    expect(d.localHealth).toBe(1);
  });

  it('does not refute while leaving', () => {
    const d = detector();
    d.leave(1);
    expect(d.receive(msg('b', 1, [{ kind: 'dead', member: 'a', incarnation: INC, from: 'b' }]), 2)).toEqual(
      [],
    );
    expect(d.incarnation).toBe(INC);
  });
});

describe('Detector: probing', () => {
  const T = 100;
  const t = 30;

  /** One other member; returns the detector, its first probe time and probe id. */
  function probing(members = ['b'], settings: Partial<DetectorSettings> = {}) {
    const d = detector(members, settings);
    for (const m of members) d.receive(msg(m, 1), 0);
    let probe: { at: number; id: number; target: string } | undefined;
    for (let i = 0; i < 10 && !probe; i++) {
      const at = d.nextDeadline()!;
      for (const s of sends(d.tick(at)))
        if (s.message.type === 'ping') probe = { at, id: s.message.probeId, target: s.message.target };
    }
    return { d, ...probe! };
  }

  it('starts by pinging every member, then probes one member per period, each once per pass', () => {
    const d = new Detector({ self: 'a', incarnation: INC, random: seededRandom(1) });
    d.setMembers(['b', 'c', 'd'], 0);
    const start = sends(d.start(0));
    expect(start.map((s) => s.to).sort()).toEqual(['b', 'c', 'd']);
    for (const n of ['b', 'c', 'd']) d.receive(msg(n, 1), 1);
    const probes: Array<{ at: number; to: string }> = [];
    runUntil(d, 3_000, (a, now) => {
      if (a.type !== 'send' || a.message.type !== 'ping') return;
      probes.push({ at: now, to: a.to });
      d.receive(
        { type: 'ack', probeId: a.message.probeId, sender: a.to, incarnation: 1, gossip: [] },
        now + 1,
      );
    });
    expect(probes.length).toBeGreaterThanOrEqual(29);
    for (let i = 1; i < probes.length; i++) expect(probes[i]!.at - probes[i - 1]!.at).toBeCloseTo(T, 5);
    // Round robin: any three consecutive probes visit b, c and d.
    for (let i = 0; i + 3 <= probes.length; i++)
      expect(new Set(probes.slice(i, i + 3).map((p) => p.to)).size).toBe(3);
    expect(d.localHealth).toBe(0);
  });

  it('a timely ack ends the probe: no indirect probes, no suspicion', () => {
    const { d, at, id } = probing(['b', 'c']);
    const out = d.receive({ type: 'ack', probeId: id, sender: 'b', incarnation: 1, gossip: [] }, at + 1);
    expect(out).toEqual([]);
    const later = runUntil(d, at + T - 1);
    expect(sends(later).filter((s) => s.message.type === 'pingReq')).toEqual([]);
    expect(d.counters.probeResults.ack).toBe(1);
  });

  it('no ack within the probe timeout: ping-req to k members and a second direct ping', () => {
    const { d, at, target } = probing(['b', 'c', 'd', 'e'], { indirectProbes: 2 });
    const out = sends(d.tick(at + t));
    const reqs = out.filter((s) => s.message.type === 'pingReq');
    expect(reqs).toHaveLength(2);
    for (const r of reqs) expect(r.to).not.toBe(target);
    expect(out.filter((s) => s.message.type === 'ping' && s.to === target)).toHaveLength(1);
  });

  it('an ack relayed by an intermediary saves the target', () => {
    const { d, at, id, target } = probing(['b', 'c']);
    const via = sends(d.tick(at + t)).find((s) => s.message.type === 'pingReq')!.to;
    d.receive({ type: 'ack', probeId: id, sender: via, incarnation: 1, gossip: [] }, at + 50);
    runUntil(d, at + T);
    expect(d.status(target)).toBe('alive');
    expect(d.counters.probeResults.indirectAck).toBe(1);
  });

  it('an ack from a member we did not ask is ignored', () => {
    const { d, at, id, target } = probing(['b', 'c', 'd'], { indirectProbes: 1 });
    const via = sends(d.tick(at + t)).find((s) => s.message.type === 'pingReq')!.to;
    const other = ['b', 'c', 'd'].find((n) => n !== via && n !== target)!;
    d.receive({ type: 'ack', probeId: id, sender: other, incarnation: 1, gossip: [] }, at + 50);
    runUntil(d, at + T);
    expect(d.status(target)).toBe('suspect');
  });

  it('no ack by the end of the period: suspect; nacks from every intermediary keep local health at 0', () => {
    const { d, at, id, target } = probing(['b', 'c', 'd']);
    const vias = sends(d.tick(at + t))
      .filter((s) => s.message.type === 'pingReq')
      .map((s) => s.to);
    for (const v of vias)
      d.receive({ type: 'nack', probeId: id, sender: v, incarnation: 1, gossip: [] }, at + 60);
    const out = runUntil(d, at + T);
    expect(changes(out)).toMatchObject([
      { member: target, from: 'alive', to: 'suspect', reason: 'probeFailed', source: 'a' },
    ]);
    expect(d.localHealth).toBe(0);
    expect(d.counters.nacksReceived).toBe(vias.length);
  });

  it('missing nacks raise local health, which stretches the next period', () => {
    const { d, at, target } = probing(['b', 'c', 'd']);
    runUntil(d, at + T);
    expect(d.status(target)).toBe('suspect');
    expect(d.localHealth).toBe(2); // two intermediaries, no nack from either
    expect(d.nextDeadline()).toBeLessThanOrEqual(at + T + t * 3);
  });

  it('a suspicion with no confirmation becomes dead after the maximum timeout', () => {
    const settings = {
      suspicionMinMs: 200,
      suspicionMaxMs: 500,
      scaleSuspicionWithClusterSize: false,
      maxLocalHealth: 1,
    };
    const { d, at, target } = probing(['b', 'c', 'd'], settings);
    runUntil(d, at + T);
    const suspectAt = at + T;
    const out = runUntil(d, suspectAt + 499);
    expect(changes(out).filter((c) => c.to === 'dead')).toEqual([]);
    const out2 = runUntil(d, suspectAt + 501);
    expect(changes(out2)).toContainEqual(
      expect.objectContaining({ member: target, from: 'suspect', to: 'dead', reason: 'suspicionTimeout' }),
    );
    expect(d.counters.deathsDeclared).toBe(1);
  });

  it('independent confirmations shorten the suspicion to the minimum (Lifeguard)', () => {
    const settings = {
      suspicionMinMs: 200,
      suspicionMaxMs: 500,
      scaleSuspicionWithClusterSize: false,
      maxLocalHealth: 1,
    };
    const { d, at, target } = probing(['b', 'c', 'd'], settings);
    runUntil(d, at + T);
    const others = ['b', 'c', 'd'].filter((n) => n !== target);
    // k = min(2, n - 2) = 2 with four members: two confirmations reach the minimum.
    for (const from of others)
      d.receive(msg(from, 1, [{ kind: 'suspect', member: target, incarnation: 1, from }]), at + T + 10);
    const out = runUntil(d, at + T + 201);
    expect(changes(out).find((c) => c.member === target && c.to === 'dead')?.at).toBeCloseTo(at + T + 200, 0);
  });

  it('a repeated suspicion from the same member is not a confirmation', () => {
    const settings = {
      suspicionMinMs: 200,
      suspicionMaxMs: 500,
      scaleSuspicionWithClusterSize: false,
      maxLocalHealth: 1,
    };
    const d = detector(['b', 'c', 'd'], settings);
    for (const m of ['b', 'c', 'd']) d.receive(msg(m, 1), 0);
    for (let i = 0; i < 3; i++)
      d.receive(msg('c', 1, [{ kind: 'suspect', member: 'b', incarnation: 1, from: 'c' }]), 10);
    d.receive(msg('d', 1, [{ kind: 'suspect', member: 'b', incarnation: 1, from: 'c' }]), 10);
    expect(d.status('b')).toBe('suspect');
    // The probe of b that the suspicion triggers would fail too and confirm; answer it.
    const out = runUntil(d, 10 + 400, (a, now) => {
      if (a.type === 'send' && a.message.type === 'ping' && a.to === 'b')
        d.receive({ type: 'ack', probeId: a.message.probeId, sender: 'b', incarnation: 1, gossip: [] }, now);
    });
    expect(changes(out).filter((c) => c.to === 'dead')).toEqual([]);
  });

  it('answers a ping for itself with an ack, and drops a ping meant for someone else', () => {
    const d = detector();
    const out = sends(
      d.receive({ type: 'ping', probeId: 77, target: 'a', sender: 'b', incarnation: 1, gossip: [] }, 1),
    );
    expect(out).toMatchObject([
      { to: 'b', message: { type: 'ack', probeId: 77, sender: 'a', incarnation: INC } },
    ]);
    expect(
      d.receive({ type: 'ping', probeId: 78, target: 'x', sender: 'b', incarnation: 1, gossip: [] }, 1),
    ).toEqual([]);
    expect(d.counters.dropped.notForUs).toBe(1);
  });

  it('relays a ping-req: forwards the ack, or sends a nack at the probe timeout', () => {
    const d = detector();
    const out = sends(
      d.receive({ type: 'pingReq', probeId: 5, target: 'c', sender: 'b', incarnation: 1, gossip: [] }, 10),
    );
    expect(out).toMatchObject([{ to: 'c', message: { type: 'ping', target: 'c' } }]);
    const relayId = (out[0]!.message as { probeId: number }).probeId;
    const fwd = sends(
      d.receive({ type: 'ack', probeId: relayId, sender: 'c', incarnation: 1, gossip: [] }, 12),
    );
    expect(fwd).toMatchObject([{ to: 'b', message: { type: 'ack', probeId: 5 } }]);

    sends(
      d.receive({ type: 'pingReq', probeId: 6, target: 'd', sender: 'b', incarnation: 1, gossip: [] }, 20),
    );
    const nacks = sends(runUntil(d, 20 + t)).filter((s) => s.message.type === 'nack');
    expect(nacks).toMatchObject([{ to: 'b', message: { type: 'nack', probeId: 6 } }]);
  });

  it('ignores a ping-req for itself or a stranger', () => {
    const d = detector();
    d.receive(msg('b', 1), 0);
    expect(
      d.receive({ type: 'pingReq', probeId: 1, target: 'a', sender: 'b', incarnation: 1, gossip: [] }, 1),
    ).toEqual([]);
    expect(
      d.receive({ type: 'pingReq', probeId: 1, target: 'q', sender: 'b', incarnation: 1, gossip: [] }, 1),
    ).toEqual([]);
    expect(d.counters.dropped.unknownTarget).toBe(2);
  });

  it('a ping to a member it believes suspect or dead carries that belief first (buddy system)', () => {
    const d = withB('dead');
    const out = sends(runUntil(d, 1_100)).filter((s) => s.to === 'b' && s.message.type === 'ping');
    expect(out.length).toBeGreaterThan(0);
    expect(out[0]!.message.gossip[0]).toEqual({ kind: 'dead', member: 'b', incarnation: 5, from: 'a' });
  });

  it('keeps datagrams under maxPacketBytes however much news is pending', () => {
    const names = Array.from({ length: 60 }, (_, i) => `member-with-a-long-name-${i}.example.internal`);
    const d = detector(names, { maxPacketBytes: 600 });
    for (const n of names) d.receive(msg(n, 1), 0);
    for (const n of names)
      d.receive(msg(names[0]!, 1, [{ kind: 'dead', member: n, incarnation: 1, from: names[0]! }]), 1);
    const out = sends(runUntil(d, 2_000));
    expect(out.length).toBeGreaterThan(0);
    for (const s of out) expect(datagramLength(s.message)).toBeLessThanOrEqual(600);
  });
});

describe('Detector: membership list, leave and quorum', () => {
  it('reports configured members as unknown until they answer, and quorum once a majority does', () => {
    const d = new Detector({ self: 'a', incarnation: INC, random: seededRandom(3) });
    const out = d.setMembers(['a', 'b', 'c', 'd', 'e'], 0);
    expect(changes(out).map((c) => [c.member, c.to])).toEqual([
      ['b', 'unknown'],
      ['c', 'unknown'],
      ['d', 'unknown'],
      ['e', 'unknown'],
    ]);
    expect(out).toContainEqual({
      type: 'quorumChanged',
      quorum: { reachable: 1, total: 5, hasQuorum: false },
      at: 0,
    });
    d.start(0);
    d.receive(msg('b', 1), 1);
    expect(d.receive(msg('c', 1), 2)).toContainEqual({
      type: 'quorumChanged',
      quorum: { reachable: 3, total: 5, hasQuorum: true },
      at: 2,
    });
  });

  it('pings a member added while running, and forgets a removed one', () => {
    const d = detector(['b']);
    const out = d.setMembers(['a', 'c'], 5);
    expect(changes(out).map((c) => [c.member, c.from, c.to, c.reason])).toEqual([
      ['b', 'unknown', 'removed', 'removed'],
      ['c', 'absent', 'unknown', 'configured'],
    ]);
    expect(sends(out)).toMatchObject([{ to: 'c', message: { type: 'ping', target: 'c' } }]);
    expect(d.status('b')).toBeUndefined();
  });

  it('leave() sends a leave message to every member and stops', () => {
    const d = detector();
    const out = d.leave(50);
    expect(sends(out).map((s) => [s.to, s.message.type])).toEqual([
      ['b', 'leave'],
      ['c', 'leave'],
      ['d', 'leave'],
    ]);
    expect(d.nextDeadline()).toBeUndefined();
    expect(d.tick(1_000)).toEqual([]);
    expect(d.view().self.leaving).toBe(true);
  });

  it('a partitioned minority loses quorum when the others die in its view', () => {
    const d = detector(['b', 'c', 'd', 'e']);
    for (const n of ['b', 'c', 'd', 'e']) d.receive(msg(n, 1), 0);
    expect(d.quorum()).toEqual({ reachable: 5, total: 5, hasQuorum: true });
    d.receive(msg('b', 1, [{ kind: 'dead', member: 'c', incarnation: 1, from: 'b' }]), 1);
    d.receive(msg('b', 1, [{ kind: 'dead', member: 'd', incarnation: 1, from: 'b' }]), 1);
    const out = d.receive(msg('b', 1, [{ kind: 'dead', member: 'e', incarnation: 1, from: 'b' }]), 1);
    expect(out).toContainEqual({
      type: 'quorumChanged',
      quorum: { reachable: 2, total: 5, hasQuorum: false },
      at: 1,
    });
  });

  it('rejects unusable settings with the list of problems', () => {
    expect(() => detector([], { probeTimeoutMs: 200 })).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_MEMBERSHIP_SETTINGS' }),
    );
  });
});
