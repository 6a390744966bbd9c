import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import {
  type MembershipAgent,
  type MembershipEvent,
  MembershipAgent as Agent,
  openUdpSocket,
} from '@ironlb/membership';
import { type AgentChild, startAgentChild, waitUntil } from './agent-child.js';

// Real UDP over loopback: agents in this process and in child processes. Timing bounds are
// generous (2 cores shared with other test runs); the benchmark measures the distribution.

const logger = pino({ level: 'silent' });
const KEY = Buffer.alloc(32, 0x5a);
const WRONG_KEY = Buffer.alloc(32, 0x77);
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function agents(address: string, n: number, key = (_i: number) => KEY) {
  const sockets = await Promise.all(Array.from({ length: n }, () => openUdpSocket({ address, port: 0 })));
  const members = sockets.map((s, i) => ({ name: `node-${i}`, address, port: s.localAddress().port }));
  const events: Array<MembershipEvent & { observer: string; perfAt: number }> = [];
  const list: MembershipAgent[] = [];
  for (let i = 0; i < n; i++) {
    const a = await Agent.start({
      self: members[i]!.name,
      keys: { current: key(i) },
      logger,
      socket: sockets[i],
    });
    a.onEvent((e) => events.push({ ...e, observer: members[i]!.name, perfAt: performance.now() }));
    cleanup.push(() => a.close());
    list.push(a);
  }
  for (const a of list) a.setMembers(members);
  return { agents: list, members, events };
}

const statusOf = (a: MembershipAgent, name: string) => a.view().members.find((m) => m.name === name)?.status;

describe.each(['127.0.0.1', '::1'])('membership over real UDP on %s', (address) => {
  it('brings three agents up, then detects a closed socket in well under a second', async () => {
    const { agents: list, events } = await agents(address, 3);
    await waitUntil(
      () => list.every((a) => a.view().members.every((m) => m.status === 'alive')),
      3_000,
      'all alive',
    );
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    await list[2]!.close();
    await waitUntil(
      () => statusOf(list[0]!, 'node-2') === 'dead' && statusOf(list[1]!, 'node-2') === 'dead',
      5_000,
      'node-2 dead',
    );
    const times = events
      .filter((e) => e.type === 'memberChanged' && e.change.member === 'node-2' && e.change.to === 'dead')
      .map((e) => e.perfAt - t0);
    console.log(`[${address}] closed socket detected after ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    expect(Math.max(...times)).toBeLessThan(2_000);
    expect(list[0]!.view().quorum.hasQuorum).toBe(true);
    expect(
      events.filter(
        (e) => e.type === 'memberChanged' && e.change.to === 'dead' && e.change.member !== 'node-2',
      ),
    ).toEqual([]);
  });

  it('never admits an agent with the wrong key, and counts what it sends as unknownKey', async () => {
    const { agents: list } = await agents(address, 3, (i) => (i === 2 ? WRONG_KEY : KEY));
    await waitUntil(() => statusOf(list[0]!, 'node-1') === 'alive', 3_000, 'node-1 alive');
    await waitUntil(() => statusOf(list[0]!, 'node-2') === 'dead', 5_000, 'node-2 dead at node-0');
    expect(list[0]!.stats.dropped.unknownKey).toBeGreaterThan(0);
    expect(list[2]!.stats.dropped.unknownKey).toBeGreaterThan(0);
    expect(list[2]!.view().quorum.hasQuorum).toBe(false);
    expect(list[0]!.view().quorum.hasQuorum).toBe(true);
  });
});

describe('membership with agent processes on 127.0.0.1', () => {
  const children: AgentChild[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) await c.stop();
  });

  async function withChild() {
    const sockets = await Promise.all([0, 1].map(() => openUdpSocket({ address: '127.0.0.1', port: 0 })));
    // The child's port: bind a socket, read its port, close it, let the child bind it.
    const probe = await openUdpSocket({ address: '127.0.0.1', port: 0 });
    const childPort = probe.localAddress().port;
    await probe.close();
    const members = [
      { name: 'node-0', address: '127.0.0.1', port: sockets[0]!.localAddress().port },
      { name: 'node-1', address: '127.0.0.1', port: sockets[1]!.localAddress().port },
      { name: 'node-2', address: '127.0.0.1', port: childPort },
    ];
    const child = startAgentChild({
      self: 'node-2',
      bind: { address: '127.0.0.1', port: childPort },
      members,
      keyHex: KEY.toString('hex'),
    });
    children.push(child);
    const events: Array<MembershipEvent & { observer: string; perfAt: number }> = [];
    const list: MembershipAgent[] = [];
    for (let i = 0; i < 2; i++) {
      const a = await Agent.start({
        self: members[i]!.name,
        keys: { current: KEY },
        logger,
        socket: sockets[i],
      });
      a.onEvent((e) => events.push({ ...e, observer: members[i]!.name, perfAt: performance.now() }));
      cleanup.push(() => a.close());
      a.setMembers(members);
      list.push(a);
    }
    await waitUntil(
      () => child.find((e) => e.event === 'ready'),
      20_000,
      `agent process ready: ${child.stderr}`,
    );
    await waitUntil(() => list.every((a) => statusOf(a, 'node-2') === 'alive'), 5_000, 'node-2 alive');
    return { child, list, events };
  }

  it('detects kill -9 of an agent process', async () => {
    const { child, list, events } = await withChild();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    child.kill('SIGKILL');
    await waitUntil(() => list.every((a) => statusOf(a, 'node-2') === 'dead'), 5_000, 'node-2 dead');
    const times = events
      .filter(
        (e) =>
          e.perfAt >= t0 &&
          e.type === 'memberChanged' &&
          e.change.member === 'node-2' &&
          e.change.to === 'dead',
      )
      .map((e) => e.perfAt - t0);
    expect(times).toHaveLength(2);
    console.log(`kill -9 detected after ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    expect(Math.max(...times)).toBeLessThan(2_000);
  });

  it('SIGTERM makes an agent process leave: the others see it gone at once', async () => {
    const { child, list, events } = await withChild();
    const t0 = performance.now();
    child.kill('SIGTERM');
    await waitUntil(() => list.every((a) => statusOf(a, 'node-2') === 'left'), 3_000, 'node-2 left');
    const times = events
      .filter((e) => e.type === 'memberChanged' && e.change.member === 'node-2' && e.change.to === 'left')
      .map((e) => e.perfAt - t0);
    console.log(`leave seen after ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    expect(Math.max(...times)).toBeLessThan(500);
    await child.exited();
  });
});
