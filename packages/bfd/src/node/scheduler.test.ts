import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { monotonicClock } from './clock.js';
import { MinHeap } from './min-heap.js';
import { createTimerScheduler } from './scheduler.js';

describe('MinHeap', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 1000 }))])(
    'pops in deadline order, stable on ties',
    (ats) => {
      const heap = new MinHeap<{ at: number; seq: number }>();
      ats.forEach((at, seq) => heap.push({ at, seq }));
      const out: { at: number; seq: number }[] = [];
      for (let e = heap.pop(); e; e = heap.pop()) out.push(e);
      const want = ats.map((at, seq) => ({ at, seq })).sort((x, y) => x.at - y.at || x.seq - y.seq);
      expect(out).toEqual(want);
    },
  );
});

describe('createTimerScheduler', () => {
  it('fires in deadline order, never before the deadline, and honours replace and clear', async () => {
    const fired: string[] = [];
    const s = createTimerScheduler({ toleranceUs: 0 });
    const now = monotonicClock.nowUs();
    const record = (id: string, at: number) => (t: number) => {
      expect(t).toBeGreaterThanOrEqual(at);
      fired.push(id);
    };
    s.set('c', now + 9_000, record('c', now + 9_000));
    s.set('a', now + 3_000, record('a', now + 3_000));
    s.set('b', now + 6_000, record('b', now + 6_000));
    s.set('x', now + 1_000, record('x', now + 1_000));
    s.clear('x');
    s.set('b', now + 12_000, record('b2', now + 12_000)); // replaces b
    expect(s.pending).toBe(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(fired).toEqual(['a', 'c', 'b2']);
    expect(s.pending).toBe(0);
    s.close();
  });

  it('lets a firing timer schedule the next one', async () => {
    const s = createTimerScheduler();
    let n = 0;
    const tick = () => {
      if (++n < 5) s.set('t', monotonicClock.nowUs() + 1_000, tick);
    };
    s.set('t', monotonicClock.nowUs(), tick);
    await new Promise((r) => setTimeout(r, 100));
    expect(n).toBe(5);
    s.close();
  });
});
