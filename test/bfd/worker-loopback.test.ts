// BfdWorker (the manager in its own thread) over real UDP on loopback, with @ironlb/sys
// loaded inside the worker for the TTL-255 check: two workers bring a session Up, events and
// logs come back to the main thread, and closing one side signals AdminDown to the other.
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { BfdWorker, type BfdEvent } from '@ironlb/bfd';

const logger = pino({ level: 'silent' });
const port = 40_000 + Math.floor(Math.random() * 9000);
const workers: BfdWorker[] = [];

afterAll(async () => {
  for (const w of workers) await w.close({ adminDown: false }).catch(() => undefined);
});

function waitForEvent(
  events: BfdEvent[],
  pred: (e: BfdEvent) => boolean,
  timeoutMs: number,
): Promise<BfdEvent> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      const hit = events.find(pred);
      if (hit) return resolve(hit);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting for a BFD event'));
      setTimeout(poll, 20);
    };
    poll();
  });
}

it('runs sessions in worker threads that come Up with each other and signal AdminDown', async () => {
  const socketModule = { specifier: '@ironlb/sys' };
  const a = await BfdWorker.start({ logger, socketModule, controlPort: port });
  const b = await BfdWorker.start({ logger, socketModule, controlPort: port });
  workers.push(a, b);
  const eventsA: BfdEvent[] = [];
  const eventsB: BfdEvent[] = [];
  a.on((e) => eventsA.push(e));
  b.on((e) => eventsB.push(e));
  const profile = { transmitInterval: 50, receiveInterval: 50, detectMultiplier: 3 };
  expect(await a.addSession({ localAddress: '127.0.0.1', peerAddress: '127.0.0.2', profile })).toMatchObject({
    ok: true,
  });
  expect(await b.addSession({ localAddress: '127.0.0.2', peerAddress: '127.0.0.1', profile })).toMatchObject({
    ok: true,
  });
  await waitForEvent(eventsA, (e) => e.type === 'sessionUp', 10_000);
  await waitForEvent(eventsB, (e) => e.type === 'sessionUp', 10_000);
  const [session] = await a.sessions();
  expect(session).toMatchObject({ state: 'Up', peerAddress: '127.0.0.2' });
  expect((await a.stats()).packetsReceived).toBeGreaterThan(0);
  await a.close();
  const down = await waitForEvent(eventsB, (e) => e.type === 'sessionDown', 5_000);
  expect(down).toMatchObject({ reason: 'neighborSignaledSessionDown', remoteReason: 'administrativelyDown' });
  await expect(a.sessions()).rejects.toMatchObject({ code: 'ERR_IRONLB_BFD_CLOSED' });
});
