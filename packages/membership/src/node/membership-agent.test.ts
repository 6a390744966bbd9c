import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { IPAddress } from '@ironlb/netaddr';
import { Writer } from '@ironlb/wire';
import { ManualClock } from '../testing/manual-clock.js';
import { MemoryNetwork } from '../testing/memory-network.js';
import { seededRandom } from '../testing/seeded-random.js';
import { packetCodec } from '../core/codec/packet.js';
import { open, seal } from './envelope.js';
import { Keyring, MembershipKeyError, keyIdOf } from './keyring.js';
import { type MembershipEvent, MembershipAgent } from './membership-agent.js';

const logger = pino({ level: 'silent' });
const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(9);
const PORT = 7947;

async function cluster(
  n: number,
  options: { keys?: (i: number) => { current: Uint8Array; previous?: Uint8Array } } = {},
) {
  const clock = new ManualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const members = Array.from({ length: n }, (_, i) => ({
    name: `node-${i}`,
    address: `192.0.2.${i + 1}`,
    port: PORT,
  }));
  const events: Array<MembershipEvent & { observer: string }> = [];
  const agents: MembershipAgent[] = [];
  for (let i = 0; i < n; i++) {
    const agent = await MembershipAgent.start({
      self: members[i]!.name,
      keys: options.keys?.(i) ?? { current: KEY },
      logger,
      clock,
      socket: network.socket(members[i]!.address, PORT),
      random: seededRandom(100 + i),
    });
    agent.onEvent((e) => events.push({ ...e, observer: members[i]!.name }));
    agents.push(agent);
  }
  for (const a of agents) a.setMembers(members);
  return { clock, network, members, agents, events };
}

const status = (agent: MembershipAgent, name: string) =>
  agent.view().members.find((m) => m.name === name)?.status;

describe('MembershipAgent over an in-memory network', () => {
  it('brings every member up, then declares a crashed one dead within the bound', async () => {
    const { clock, agents, events } = await cluster(3);
    clock.advance(100);
    for (const a of agents) {
      expect(a.view().members.every((m) => m.status === 'alive')).toBe(true);
      expect(a.view().quorum.hasQuorum).toBe(true);
    }
    clock.advance(2_000);
    await agents[2]!.close();
    const t0 = clock.now();
    clock.advance(1_500);
    for (const a of agents.slice(0, 2)) expect(status(a, 'node-2')).toBe('dead');
    const deaths = events.filter((e) => e.type === 'memberChanged' && e.change.to === 'dead');
    expect(deaths).toHaveLength(2);
    for (const d of deaths) {
      if (d.type !== 'memberChanged') continue;
      expect(d.change.at - t0).toBeLessThan(1_000);
      expect(d.wallTime).toBe(Math.round(1_732_240_000_000 + d.change.at));
    }
  });

  it('a leave reaches the others at once', async () => {
    const { clock, agents } = await cluster(3);
    clock.advance(500);
    const leaving = agents[1]!.leave();
    clock.advance(1);
    expect(status(agents[0]!, 'node-1')).toBe('left');
    expect(status(agents[2]!, 'node-1')).toBe('left');
    for (let i = 0; i < 5; i++) {
      clock.advance(20);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await leaving;
    // Three copies went out to each of the two others, then silence.
    const leaves = agents[1]!.stats.packets.sent;
    clock.advance(1_000);
    expect(agents[1]!.stats.packets.sent).toBe(leaves);
  });

  it('drops and counts traffic signed with a wrong key, and never lets it in', async () => {
    const { clock, agents } = await cluster(3, { keys: (i) => ({ current: i === 2 ? OTHER_KEY : KEY }) });
    clock.advance(3_000);
    expect(status(agents[0]!, 'node-2')).toBe('dead');
    expect(status(agents[2]!, 'node-0')).toBe('dead');
    expect(agents[0]!.stats.dropped.unknownKey).toBeGreaterThan(0);
    expect(agents[2]!.stats.dropped.unknownKey).toBeGreaterThan(0);
    const families = agents[0]!.stats.snapshot();
    const dropped = families.find((f) => f.name === 'ironlb_membership_packets_dropped_total')!;
    expect(dropped.samples.find((s) => s.labels.reason === 'unknownKey')!.value).toBeGreaterThan(0);
  });

  it('rotates keys without losing a member: new key accepted first, then used, then the old one dropped', async () => {
    const { clock, agents, events } = await cluster(3);
    clock.advance(1_000);
    // Step 1: every member learns the new key as "previous" (accepted, not used yet).
    for (const a of agents) a.setKeys({ current: KEY, previous: OTHER_KEY });
    clock.advance(300);
    // Step 2: members switch one by one, some time apart.
    for (const a of agents) {
      a.setKeys({ current: OTHER_KEY, previous: KEY });
      clock.advance(400);
    }
    // Step 3: the old key goes.
    for (const a of agents) a.setKeys({ current: OTHER_KEY });
    clock.advance(2_000);
    expect(
      events.filter(
        (e) => e.type === 'memberChanged' && e.change.to !== 'alive' && e.change.to !== 'unknown',
      ),
    ).toEqual([]);
    for (const a of agents) expect(a.stats.dropped.unknownKey + a.stats.dropped.badMac).toBe(0);
  });

  it('drops replayed, stale, tampered, malformed and stranger datagrams, counting each reason', async () => {
    const { clock, network, agents, members } = await cluster(2);
    clock.advance(500);
    const a0 = agents[0]!;
    const to = { address: members[0]!.address, port: PORT };
    const from = { address: members[1]!.address, port: PORT };
    // Replay the last datagram node-1 sent to node-0.
    const last = [...network.sent].reverse().find((d) => d.to.address === to.address)!;
    network.deliver(from, to, last.bytes);
    // Flip one bit of the payload (bad MAC).
    const tampered = last.bytes.slice();
    tampered[40] = tampered[40]! ^ 1;
    network.deliver(from, to, tampered);
    // Garbage.
    network.deliver(from, to, new Uint8Array([1, 2, 3]));
    const keyring = new Keyring({ current: KEY });
    const msg = { type: 'gossip' as const, sender: 'node-1', incarnation: 1, gossip: [] };
    // Stale: timestamp an hour old, fresh sequence number.
    network.deliver(
      from,
      to,
      seal(msg, { keyring, epoch: 1, seq: 1, timestamp: clock.wallNow() - 3_600_000 }),
    );
    // A stranger with the right key (not in the member list).
    network.deliver(
      from,
      to,
      seal({ ...msg, sender: 'intruder' }, { keyring, epoch: 1, seq: 1, timestamp: clock.wallNow() }),
    );
    // Its own name.
    network.deliver(
      from,
      to,
      seal({ ...msg, sender: 'node-0' }, { keyring, epoch: 1, seq: 1, timestamp: clock.wallNow() }),
    );
    // Version 2.
    const v2 = seal(msg, { keyring, epoch: 1, seq: 2, timestamp: clock.wallNow() });
    v2[2] = 2;
    network.deliver(from, to, v2);
    // Valid MAC over bytes that do not decode (a sender bug): malformed, after the MAC check.
    const w = new Writer();
    packetCodec.encode(
      { header: { keyId: keyIdOf(KEY), epoch: 1, seq: 3, timestamp: clock.wallNow() }, message: msg },
      w,
    );
    const signed = w.finish().slice(0, -1);
    const bad = new Uint8Array([...signed, ...keyring.sign(signed)]);
    expect(open(bad, keyring)).toEqual({ ok: false, reason: 'malformed' });
    network.deliver(from, to, bad);
    clock.advance(5);
    expect(a0.stats.dropped).toMatchObject({
      replayed: 1,
      badMac: 1,
      malformed: 2,
      stale: 1,
      unknownSender: 1,
      selfSent: 1,
      unsupportedVersion: 1,
    });
    expect(status(a0, 'node-1')).toBe('alive');
  });

  it('survives random datagrams of every size without throwing', async () => {
    const { clock, network, agents, members } = await cluster(2);
    const random = seededRandom(5);
    for (let i = 0; i < 2_000; i++) {
      const bytes = new Uint8Array(Math.floor(random() * 200));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      if (bytes.length > 3 && random() < 0.5) bytes.set([0x49, 0x4c, 1], 0);
      network.deliver(
        { address: '203.0.113.9', port: 1 },
        { address: members[0]!.address, port: PORT },
        bytes,
      );
    }
    clock.advance(100);
    const d = agents[0]!.stats.dropped;
    expect(d.malformed + d.unknownKey + d.unsupportedVersion).toBe(2_000);
  });

  it('rejects member entries with a bad name, address or port, and unusable keys', async () => {
    const { agents } = await cluster(1);
    const { rejected } = agents[0]!.setMembers([
      { name: 'node-0', address: '192.0.2.1' },
      { name: 'bad name', address: '192.0.2.2' },
      { name: 'node-3', address: 'not-an-ip' },
      { name: 'node-4', address: '2001:db8::4', port: 70_000 },
      { name: 'node-5', address: '2001:db8::5' },
      { name: 'node-6', address: IPAddress.parse('2001:db8::6') },
      { name: 'node-7', address: 'fe80::1%eth0' },
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'invalidName',
      'invalidAddress',
      'invalidPort',
      'invalidAddress',
    ]);
    expect(agents[0]!.view().members.map((m) => m.name)).toEqual(['node-5', 'node-6']);
    expect(() => agents[0]!.setKeys({ current: new Uint8Array(8) })).toThrow(MembershipKeyError);
  });

  it('exports metric families for the speaker', async () => {
    const { clock, agents } = await cluster(3);
    clock.advance(1_000);
    const families = agents[0]!.stats.snapshot();
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('ironlb_membership_quorum')!.samples[0]!.value).toBe(1);
    expect(byName.get('ironlb_membership_members')!.samples).toContainEqual({
      labels: { status: 'alive' },
      value: 2,
    });
    expect(
      byName.get('ironlb_membership_probes_total')!.samples.find((s) => s.labels.result === 'ack')!.value,
    ).toBeGreaterThan(0);
    for (const f of families) expect(f.name).toMatch(/^ironlb_membership_[a-z_]+$/);
  });
});
