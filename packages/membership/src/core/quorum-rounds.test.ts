import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/seeded-random.js';
import { Detector, type DetectorAction } from './detector.js';
import { QuorumRounds } from './quorum-rounds.js';

describe('QuorumRounds', () => {
  const rounds = () => new QuorumRounds({ timeoutMs: 50, retries: 2, retryDelayMs: 100 });

  it('confirms as soon as a majority (self included) acked', () => {
    const q = rounds();
    expect(q.request()).toBe(true);
    const { id, result } = q.begin(10, 5);
    expect(result).toBeUndefined();
    expect(q.ack(id, 'b', 11)).toBeUndefined();
    expect(q.ack(id, 'c', 12)).toEqual({ startedAt: 10, at: 12, acked: 3, total: 5, confirmed: true });
    expect(q.lastConfirmed).toEqual({ startedAt: 10, confirmedAt: 12, acked: 3, total: 5 });
    expect(q.nextDeadline()).toBeUndefined();
  });

  it('a lone member confirms at once', () => {
    const q = rounds();
    q.request();
    expect(q.begin(0, 1).result).toMatchObject({ confirmed: true, acked: 1, total: 1 });
  });

  it('times out without a majority, then retries one delay apart, a bounded number of times', () => {
    const q = rounds();
    q.request();
    q.begin(0, 5);
    expect(q.nextDeadline()).toBe(50);
    expect(q.tick(50)).toEqual({
      result: { startedAt: 0, at: 50, acked: 1, total: 5, confirmed: false },
      startNow: false,
    });
    expect(q.nextDeadline()).toBe(150);
    expect(q.tick(150).startNow).toBe(true);
    q.begin(150, 5);
    q.tick(200);
    expect(q.tick(300).startNow).toBe(true);
    q.begin(300, 5);
    q.tick(350);
    expect(q.nextDeadline()).toBeUndefined();
    expect(q.lastConfirmed).toBeUndefined();
  });

  it('a request during a round is served by a fresh round right after it', () => {
    const q = rounds();
    q.request();
    const first = q.begin(0, 3);
    expect(q.request()).toBe(false);
    expect(q.nextDeadline()).toBe(50);
    q.ack(first.id, 'b', 5);
    expect(q.nextDeadline()).toBe(-Infinity);
    expect(q.tick(5).startNow).toBe(true);
    const second = q.begin(5, 3);
    expect(q.ack(first.id, 'c', 6)).toBeUndefined();
    expect(q.ack(second.id, 'c', 6)).toMatchObject({ startedAt: 5, confirmed: true });
  });
});

describe('Detector: quorum confirmation rounds', () => {
  const sends = (actions: DetectorAction[]) => actions.flatMap((a) => (a.type === 'send' ? [a] : []));

  it('a death starts a round that pings every member still up; acks from a majority confirm it', () => {
    const d = new Detector({ self: 'a', incarnation: 1, random: seededRandom(5) });
    d.setMembers(['a', 'b', 'c', 'd', 'e'], 0);
    d.start(0);
    for (const n of ['b', 'c', 'd', 'e'])
      d.receive({ type: 'gossip', sender: n, incarnation: 1, gossip: [] }, 1);
    const out = d.receive(
      {
        type: 'gossip',
        sender: 'b',
        incarnation: 1,
        gossip: [{ kind: 'dead', member: 'e', incarnation: 1, from: 'b' }],
      },
      10,
    );
    const pings = sends(out).filter((s) => s.message.type === 'ping');
    expect(pings.map((p) => p.to).sort()).toEqual(['b', 'c', 'd']);
    const ack = (to: string, at: number) => {
      const p = pings.find((x) => x.to === to)!.message as { probeId: number };
      return d.receive({ type: 'ack', probeId: p.probeId, sender: to, incarnation: 1, gossip: [] }, at);
    };
    expect(ack('b', 11).filter((a) => a.type === 'quorumChecked')).toEqual([]);
    expect(ack('c', 12)).toContainEqual({
      type: 'quorumChecked',
      result: { startedAt: 10, at: 12, acked: 3, total: 5, confirmed: true },
    });
    expect(d.quorum().lastConfirmed).toEqual({ startedAt: 10, confirmedAt: 12, acked: 3, total: 5 });
    expect(d.counters.quorumRounds.confirmed).toBe(1);
  });

  it('confirmQuorum() starts a round on demand', () => {
    const d = new Detector({ self: 'a', incarnation: 1, random: seededRandom(5) });
    d.setMembers(['a', 'b', 'c'], 0);
    d.start(0);
    const out = d.confirmQuorum(5);
    expect(
      sends(out)
        .map((s) => s.to)
        .sort(),
    ).toEqual(['b', 'c']);
    expect(d.nextDeadline()).toBeLessThanOrEqual(5 + d.settings.quorumCheckTimeoutMs);
  });
});
