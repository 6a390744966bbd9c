import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, type Netns, type Switch, createLab, dropUdpRandomly, requireRoot } from '@ironlb/netlab';
import { type AgentChild, startAgentChild, waitUntil } from './agent-child.js';

// Three agent processes, each in its own network namespace on one switch (netlab), talking
// over real UDP: node-1 and node-2 publish IPv4 addresses, node-3 an IPv6 one, and all bind
// `::` (dual stack). Faults: random loss with nftables, a cable cut at the switch, kill -9.
// Needs root; fails (never skips) without it.

const PORT = 7947;
const KEY = Buffer.alloc(32, 0x3c).toString('hex');
const hosts = [
  { name: 'node-1', short: 'n1', v4: '192.0.2.11', v6: '2001:db8::11', publish: '192.0.2.11' },
  { name: 'node-2', short: 'n2', v4: '192.0.2.12', v6: '2001:db8::12', publish: '192.0.2.12' },
  { name: 'node-3', short: 'n3', v4: '192.0.2.13', v6: '2001:db8::13', publish: '2001:db8::13' },
];
const members = hosts.map((h) => ({ name: h.name, address: h.publish, port: PORT }));

let lab: Lab;
let sw: Switch;
const ns = new Map<string, Netns>();
const agents = new Map<string, AgentChild>();

const dead = (observer: string, member: string, since: number) =>
  agents
    .get(observer)!
    .find((e) => e.event === 'memberChanged' && e.member === member && e.to === 'dead', since);
const aliveNow = (observer: string, member: string) => {
  const changes = agents
    .get(observer)!
    .events.filter((e) => e.event === 'memberChanged' && e.member === member);
  return changes.at(-1)?.to === 'alive';
};

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'mship' });
  sw = await lab.addSwitch();
  for (const [i, h] of hosts.entries()) {
    const netns = await lab.addHost(h.short, {
      switch: sw,
      link: { mac: `02:00:c0:00:02:${(0x0b + i).toString(16).padStart(2, '0')}` },
      addresses: [`${h.v4}/24`, `${h.v6}/64`],
      role: 'node',
    });
    ns.set(h.name, netns);
  }
  for (const h of hosts) {
    const child = startAgentChild(
      { self: h.name, bind: { address: '::', port: PORT }, members, keyHex: KEY },
      { prefix: ['ip', 'netns', 'exec', ns.get(h.name)!.name] },
    );
    agents.set(h.name, child);
  }
  for (const [name, child] of agents)
    await waitUntil(() => child.find((e) => e.event === 'ready'), 30_000, `${name} ready: ${child.stderr}`);
}, 120_000);

afterAll(async () => {
  for (const child of agents.values()) await child.stop();
  await lab?.destroy();
});

describe('membership across network namespaces', () => {
  it('every agent sees the others alive, over IPv4 and IPv6', async () => {
    await waitUntil(
      () => hosts.every((o) => hosts.every((m) => m.name === o.name || aliveNow(o.name, m.name))),
      10_000,
      'all alive everywhere',
    );
  });

  it('5% random loss on the membership port in every namespace for 20 s declares nobody dead', async () => {
    const t0 = Date.now();
    const rules = await Promise.all(
      hosts.map((h) => dropUdpRandomly(ns.get(h.name)!, { port: PORT, percent: 5 })),
    );
    try {
      await new Promise((r) => setTimeout(r, 20_000));
    } finally {
      await Promise.all(rules.map((r) => r.remove()));
    }
    for (const o of hosts)
      for (const m of hosts)
        if (m.name !== o.name)
          expect(dead(o.name, m.name, t0), `${o.name} saw ${m.name} dead`).toBeUndefined();
  }, 60_000);

  it('a cable cut is detected by the others; the cut-off member loses quorum and never confirms one', async () => {
    const t0 = Date.now();
    await sw.setPortState(ns.get('node-3')!, 'down');
    try {
      const seen = await waitUntil(
        () => {
          const a = dead('node-1', 'node-3', t0);
          const b = dead('node-2', 'node-3', t0);
          return a && b ? [a.wallTime - t0, b.wallTime - t0] : undefined;
        },
        5_000,
        'node-3 dead at node-1 and node-2',
      );
      console.log(`cable cut detected after ${seen.join(', ')} ms`);
      expect(Math.max(...seen)).toBeLessThan(2_000);
      const n3 = agents.get('node-3')!;
      await waitUntil(
        () => n3.find((e) => e.event === 'quorumChanged' && e.hasQuorum === false, t0),
        10_000,
        'node-3 loses quorum',
      );
      // The majority confirms a quorum round that started after the death; node-3 never does.
      expect(
        agents.get('node-1')!.find((e) => e.event === 'quorumChecked' && e.confirmed === true, t0),
      ).toBeDefined();
      await new Promise((r) => setTimeout(r, 1_000));
      expect(
        n3.find(
          (e) => e.event === 'quorumChecked' && e.confirmed === true && (e.startedAtWall as number) > t0,
        ),
      ).toBeUndefined();
    } finally {
      await sw.setPortState(ns.get('node-3')!, 'up');
    }
    // Healing: the dead probes and refutations bring it back.
    await waitUntil(
      () => aliveNow('node-1', 'node-3') && aliveNow('node-3', 'node-1'),
      10_000,
      'node-3 back',
    );
  }, 60_000);

  it('kill -9 of an agent process is detected by the others', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    agents.get('node-2')!.kill('SIGKILL');
    const seen = await waitUntil(
      () => {
        const a = dead('node-1', 'node-2', t0);
        const b = dead('node-3', 'node-2', t0);
        return a && b ? [a.wallTime - t0, b.wallTime - t0] : undefined;
      },
      5_000,
      'node-2 dead at node-1 and node-3',
    );
    console.log(`kill -9 detected after ${seen.join(', ')} ms`);
    expect(Math.max(...seen)).toBeLessThan(2_000);
  });
});
