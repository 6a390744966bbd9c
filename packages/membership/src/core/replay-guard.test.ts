import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ReplayGuard } from './replay-guard.js';

const NOW = 1_732_240_000_000;
const f = (epoch: number, seq: number, timestamp = NOW) => ({ epoch, seq, timestamp });

describe('ReplayGuard', () => {
  it('accepts each datagram once', () => {
    const g = new ReplayGuard();
    expect(g.check('b', f(1, 1), NOW)).toBe('ok');
    expect(g.check('b', f(1, 1), NOW)).toBe('replayed');
    expect(g.check('b', f(1, 2), NOW)).toBe('ok');
    expect(g.check('c', f(1, 1), NOW)).toBe('ok');
  });

  it('tolerates reordering inside the window and rejects what fell out of it', () => {
    const g = new ReplayGuard({ windowPackets: 8 });
    expect(g.check('b', f(1, 10), NOW)).toBe('ok');
    expect(g.check('b', f(1, 5), NOW)).toBe('ok');
    expect(g.check('b', f(1, 5), NOW)).toBe('replayed');
    expect(g.check('b', f(1, 3), NOW)).toBe('ok');
    expect(g.check('b', f(1, 2), NOW)).toBe('replayed');
    expect(g.check('b', f(1, 20), NOW)).toBe('ok');
    expect(g.check('b', f(1, 13), NOW)).toBe('ok'); // window is now 13..20
    expect(g.check('b', f(1, 12), NOW)).toBe('replayed');
  });

  it('restarts the window with a newer epoch and rejects older epochs', () => {
    const g = new ReplayGuard();
    expect(g.check('b', f(100, 50), NOW)).toBe('ok');
    expect(g.check('b', f(200, 1), NOW)).toBe('ok');
    expect(g.check('b', f(100, 51), NOW)).toBe('replayed');
    expect(g.check('b', f(200, 1), NOW)).toBe('replayed');
  });

  it('rejects timestamps outside the clock-skew bound, either way', () => {
    const g = new ReplayGuard({ maxClockSkewMs: 1_000 });
    expect(g.check('b', f(1, 1, NOW - 1_001), NOW)).toBe('stale');
    expect(g.check('b', f(1, 2, NOW + 1_001), NOW)).toBe('stale');
    expect(g.check('b', f(1, 3, NOW - 999), NOW)).toBe('ok');
  });

  it('rejects sequence number 0 and forgets a removed sender', () => {
    const g = new ReplayGuard();
    expect(g.check('b', f(1, 0), NOW)).toBe('replayed');
    g.check('b', f(1, 1), NOW);
    g.forget('b');
    expect(g.senders).toBe(0);
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 300 })])(
    'never accepts the same (epoch, seq) twice, whatever the order',
    (seqs) => {
      const g = new ReplayGuard({ windowPackets: 16 });
      const accepted = new Set<number>();
      for (const s of seqs) {
        if (g.check('b', f(1, s), NOW) === 'ok') {
          expect(accepted.has(s)).toBe(false);
          accepted.add(s);
        }
      }
    },
  );

  test.prop([fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 64 })])(
    'an in-order stream is accepted entirely',
    (count, window) => {
      const g = new ReplayGuard({ windowPackets: window });
      for (let s = 1; s <= count; s++) expect(g.check('b', f(7, s), NOW)).toBe('ok');
    },
  );
});
