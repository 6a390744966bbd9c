import { describe, expect, it } from 'vitest';
import { createRuntimeMetrics } from './metrics.js';
import { ManualClock, flushMicrotasks } from './testing/manual-clock.js';
import { WorkQueue, done } from './work-queue.js';
import type { ReconcileResult } from './work-queue.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WorkQueue', () => {
  it('deduplicates keys waiting in the queue', async () => {
    const q = new WorkQueue({ name: 't', clock: new ManualClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    const seen: string[] = [];
    q.start(async (k) => {
      seen.push(k);
      return done;
    });
    await q.whenIdle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once, and reruns a key added while it runs', async () => {
    const q = new WorkQueue({ name: 't', clock: new ManualClock(), concurrency: 4 });
    const gate = deferred<void>();
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    q.start(async (k) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      seen.push(k);
      if (seen.length === 1) await gate.promise;
      running--;
      return done;
    });
    q.add('a');
    await flushMicrotasks();
    q.add('a');
    q.add('a');
    await flushMicrotasks();
    expect(seen).toEqual(['a']);
    gate.resolve();
    await q.whenIdle();
    expect(seen).toEqual(['a', 'a']);
    expect(maxRunning).toBe(1);
  });

  it('runs different keys concurrently up to the concurrency', async () => {
    const q = new WorkQueue({ name: 't', clock: new ManualClock(), concurrency: 2 });
    const gate = deferred<void>();
    let running = 0;
    let maxRunning = 0;
    q.start(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await gate.promise;
      running--;
      return done;
    });
    for (const k of ['a', 'b', 'c', 'd']) q.add(k);
    await flushMicrotasks();
    expect(running).toBe(2);
    gate.resolve();
    await q.whenIdle();
    expect(maxRunning).toBe(2);
  });

  it('retries with exponential backoff up to the cap, and forgets on success', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ name: 't', clock, backoff: { baseMs: 100, maxMs: 800 } });
    const times: number[] = [];
    const start = clock.now();
    let fail = 6;
    q.start(async () => {
      times.push(clock.now() - start);
      return fail-- > 0 ? { kind: 'retry', reason: 'boom' } : done;
    });
    q.add('a');
    await clock.advance(10_000);
    expect(times).toEqual([0, 100, 300, 700, 1500, 2300, 3100]);
    expect(q.failures('a')).toBe(0);
  });

  it('honours retry afterMs, requeue and failed', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ name: 't', clock });
    const results: ReconcileResult[] = [
      { kind: 'retry', reason: 'later', afterMs: 1000 },
      { kind: 'requeue', afterMs: 5000 },
      { kind: 'failed', reason: 'hopeless' },
    ];
    const times: number[] = [];
    const start = clock.now();
    q.start(async () => {
      times.push(clock.now() - start);
      return results.shift() ?? done;
    });
    q.add('a');
    await clock.advance(60_000);
    expect(times).toEqual([0, 1000, 6000]);
  });

  it('a new add cancels a pending backoff: new information is handled at once', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ name: 't', clock, backoff: { baseMs: 10_000, maxMs: 10_000 } });
    const times: number[] = [];
    const start = clock.now();
    q.start(async () => {
      times.push(clock.now() - start);
      return times.length === 1 ? { kind: 'retry', reason: 'x' } : done;
    });
    q.add('a');
    await clock.advance(100);
    q.add('a');
    await clock.advance(30_000);
    expect(times).toEqual([0, 100]);
  });

  it('limits the overall retry rate with a token bucket', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({
      name: 't',
      clock,
      backoff: { baseMs: 1, maxMs: 1 },
      retryRate: { perSecond: 10, burst: 2 },
    });
    let calls = 0;
    q.start(async () => {
      calls++;
      return { kind: 'retry', reason: 'x' };
    });
    q.add('a');
    await clock.advance(1000);
    // 1 first run + 2 burst retries + 10 per second.
    expect(calls).toBeGreaterThanOrEqual(11);
    expect(calls).toBeLessThanOrEqual(14);
  });

  it('treats a throwing handler as a retry', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ name: 't', clock, backoff: { baseMs: 100, maxMs: 100 } });
    let calls = 0;
    q.start(async () => {
      calls++;
      if (calls === 1) throw new Error('bug');
      return done;
    });
    q.add('a');
    await clock.advance(200);
    expect(calls).toBe(2);
  });

  it('addAfter keeps the earliest schedule of a key', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ name: 't', clock });
    const times: number[] = [];
    const start = clock.now();
    q.start(async () => {
      times.push(clock.now() - start);
      return done;
    });
    q.addAfter('a', 500);
    q.addAfter('a', 200);
    q.addAfter('a', 900);
    await clock.advance(2000);
    expect(times).toEqual([200]);
  });

  it('shutdown waits for running handlers, then drops everything and ignores adds', async () => {
    const clock = new ManualClock();
    const q = new WorkQueue({ name: 't', clock });
    const gate = deferred<void>();
    const seen: string[] = [];
    q.start(async (k) => {
      seen.push(k);
      await gate.promise;
      return done;
    });
    q.add('a');
    q.add('b');
    q.addAfter('c', 10);
    await flushMicrotasks();
    let finished = false;
    const shut = q.shutdown().then(() => (finished = true));
    await flushMicrotasks();
    expect(finished).toBe(false);
    gate.resolve();
    await shut;
    q.add('d');
    await clock.advance(100);
    expect(seen).toEqual(['a']);
    expect(q.length).toBe(0);
  });

  it('reports depth, adds and results as metrics', async () => {
    const metrics = createRuntimeMetrics();
    const q = new WorkQueue({ name: 'svc', clock: new ManualClock(), metrics });
    q.add('a');
    q.add('a');
    expect((await metrics.queueDepth.get()).values[0]?.value).toBe(1);
    q.start(async () => done);
    await q.whenIdle();
    expect((await metrics.queueAdds.get()).values[0]?.value).toBe(2);
    const results = (await metrics.queueResults.get()).values;
    expect(results).toEqual([
      expect.objectContaining({ labels: { queue: 'svc', result: 'done' }, value: 1 }),
    ]);
  });

  it('handles 20,000 keys in linear time', async () => {
    const q = new WorkQueue({ name: 't', clock: new ManualClock(), concurrency: 8 });
    let n = 0;
    q.start(async () => {
      n++;
      return done;
    });
    for (let i = 0; i < 20_000; i++) q.add(`k${i}`);
    await q.whenIdle();
    expect(n).toBe(20_000);
  });
});
