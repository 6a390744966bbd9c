import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { bfdProfile, bgpAdvertisement, bgpPeer, l2Advertisement, pool } from '@ironlb/config/testing';
import type { ConfigObjects } from '@ironlb/config';
import { FakeEventRecorder, ManualClock } from '@ironlb/kube/testing';
import { createSpeakerMetrics } from './metrics.js';
import { Speaker, type SpeakerOptions } from './speaker.js';
import {
  FakeBgpPort,
  FakeL2Port,
  FakeMembershipPort,
  FakeStatusPort,
  nodeObject,
  serviceObject,
  sliceObject,
  speakerConfigOf,
} from './testing/index.js';

const NODES = ['node1', 'node2', 'node3'];
const objects: ConfigObjects = {
  ipAddressPools: [
    pool('l2', { addresses: ['198.51.100.0/24'] }),
    pool('bgp', { addresses: ['203.0.113.0/24'] }),
  ],
  l2Advertisements: [l2Advertisement('l2', { ipAddressPools: ['l2'] })],
  bfdProfiles: [bfdProfile('fast', { receiveInterval: 100, transmitInterval: 100 })],
  bgpPeers: [
    bgpPeer('router', { myASN: 64513, peerASN: 64512, peerAddress: '192.0.2.1', bfdProfile: 'fast' }),
  ],
  bgpAdvertisements: [bgpAdvertisement('bgp', { ipAddressPools: ['bgp'] })],
};

function harness(node = 'node1', options: Partial<SpeakerOptions> = {}) {
  const clock = new ManualClock();
  const l2 = new FakeL2Port();
  const bgp = new FakeBgpPort();
  const membership = new FakeMembershipPort();
  const status = new FakeStatusPort();
  const events = new FakeEventRecorder();
  const registry = new Registry();
  const metrics = createSpeakerMetrics(registry);
  const speaker = new Speaker({
    node,
    logger: pino({ level: 'silent' }),
    clock,
    l2,
    bgp,
    membership,
    events,
    status,
    metrics,
    serviceFilter: { lbClass: 'ironlb.io/ironlb', unclassed: true },
    ...options,
  });
  speaker.membershipStarted();
  speaker.configChanged(speakerConfigOf(objects));
  NODES.forEach((n, i) => speaker.nodeChanged(nodeObject(n, { ipv4: `192.0.2.${11 + i}` })));
  speaker.speakersChanged(
    NODES.map((n, i) => ({
      node: n,
      memberAddress: `192.0.2.${11 + i}`,
      memberPort: 7947,
      hardwareAddresses: [`02:00:c0:00:02:${(11 + i).toString(16).padStart(2, '0')}`],
    })),
  );
  const addService = (key: string, ips: string[], nodes = NODES, opts: { local?: boolean } = {}) => {
    speaker.serviceChanged(serviceObject(key, ips, opts));
    speaker.sliceChanged(sliceObject(key, nodes));
  };
  const allAlive = () => {
    for (const n of NODES) speaker.memberChanged(n, 'alive', clock.now());
    speaker.quorumChanged({ hasQuorum: true, reachable: 3, total: 3 });
  };
  return { clock, l2, bgp, membership, status, events, registry, metrics, speaker, addService, allAlive };
}

/** 40 layer-2 Services, 198.51.100.1-40. */
function addMany(h: ReturnType<typeof harness>): void {
  for (let i = 1; i <= 40; i++) h.addService(`default/svc${i}`, [`198.51.100.${i}`]);
}

describe('Speaker', () => {
  it('publishes the member list from SpeakerStatus objects of existing nodes', () => {
    const h = harness();
    expect(h.membership.members.map((m) => m.name)).toEqual(NODES);
    expect(h.membership.members[1]).toEqual({ name: 'node2', address: '192.0.2.12', port: 7947 });
    h.speaker.nodeDeleted(nodeObject('node3'));
    expect(h.membership.members.map((m) => m.name)).toEqual(['node1', 'node2']);
  });

  it('claims nothing until synced and settled, then its share', async () => {
    const h = harness();
    addMany(h);
    await h.clock.advance(10);
    expect(h.l2.calls).toEqual([]);
    h.speaker.synced();
    await h.clock.advance(10);
    expect(h.l2.owned).toEqual([]); // settling: nobody heard from yet
    h.allAlive();
    await h.clock.advance(10);
    const mine = h.l2.owned;
    expect(mine.length).toBeGreaterThan(5);
    expect(mine.length).toBeLessThan(25);
    expect(h.events.events.filter((e) => e.reason === 'AnnouncedL2')).toHaveLength(mine.length);
    expect(h.events.events[0]!.message).toMatch(/^node=node1 ip=198\.51\.100\.\d+ interfaces=\*$/);
  });

  it('settles after settleMs when a speaker never answers', async () => {
    const h = harness('node1', { settleMs: 500 });
    addMany(h);
    h.speaker.synced();
    h.speaker.memberChanged('node2', 'alive', h.clock.now());
    h.speaker.quorumChanged({ hasQuorum: true, reachable: 2, total: 3 });
    await h.clock.advance(100);
    expect(h.l2.owned).toEqual([]);
    await h.clock.advance(500);
    expect(h.speaker.settled).toBe(true);
    expect(h.l2.owned.length).toBeGreaterThan(10); // node3's share too
  });

  it('a cluster starting: waits for the speakers of nodes that published no SpeakerStatus yet', async () => {
    const h = harness('node1', { settleMs: 2000 });
    const record = (n: string, i: number) => ({
      node: n,
      memberAddress: `192.0.2.${11 + i}`,
      memberPort: 7947,
      hardwareAddresses: [],
    });
    // The first speaker up: only its own SpeakerStatus exists.
    h.speaker.speakersChanged([record('node1', 0)]);
    addMany(h);
    h.speaker.synced();
    await h.clock.advance(500);
    expect(h.speaker.settled).toBe(false); // node2 and node3 may own addresses: their speakers are coming
    expect(h.l2.owned).toEqual([]);
    h.speaker.speakersChanged(NODES.map(record));
    await h.clock.advance(500);
    expect(h.speaker.settled).toBe(false); // published, not heard from yet
    h.allAlive();
    await h.clock.advance(10);
    expect(h.speaker.settled).toBe(true);
    const mine = h.l2.owned;
    expect(mine.length).toBeGreaterThan(5);
    expect(mine.length).toBeLessThan(25); // its share only: nothing to hand over later
  });

  it('joining a running cluster: a node without a speaker is not waited for once another speaker is Ready', async () => {
    const h = harness('node2', { settleMs: 2000 });
    const record = (n: string, i: number, ready: boolean) => ({
      node: n,
      memberAddress: `192.0.2.${11 + i}`,
      memberPort: 7947,
      hardwareAddresses: [],
      ready,
    });
    // node1 runs and is Ready; node3 has no speaker yet.
    h.speaker.speakersChanged([record('node1', 0, true), record('node2', 1, false)]);
    addMany(h);
    h.speaker.synced();
    h.speaker.memberChanged('node1', 'alive', h.clock.now());
    h.speaker.quorumChanged({ hasQuorum: true, reachable: 2, total: 2 });
    await h.clock.advance(10);
    // node1 lets go of node2's addresses as soon as it hears node2: claim them now.
    expect(h.speaker.settled).toBe(true);
    expect(h.l2.owned.length).toBeGreaterThan(5);
  });

  it('a node that cannot own layer-2 addresses is not waited for; one that never starts a speaker only until settleMs', async () => {
    const h = harness('node1', { settleMs: 2000 });
    h.speaker.speakersChanged([
      { node: 'node1', memberAddress: '192.0.2.11', memberPort: 7947, hardwareAddresses: [] },
      { node: 'node2', memberAddress: '192.0.2.12', memberPort: 7947, hardwareAddresses: [] },
    ]);
    addMany(h);
    h.speaker.synced();
    h.speaker.memberChanged('node2', 'alive', h.clock.now());
    h.speaker.quorumChanged({ hasQuorum: true, reachable: 2, total: 2 });
    await h.clock.advance(10);
    expect(h.speaker.settled).toBe(false); // node3: Ready, selected, no speaker yet
    h.speaker.nodeChanged(nodeObject('node3', { ipv4: '192.0.2.13', ready: false }));
    await h.clock.advance(10);
    expect(h.speaker.settled).toBe(true); // node3 NotReady: it cannot own anything

    const late = harness('node1', { settleMs: 2000 });
    late.speaker.speakersChanged([
      { node: 'node1', memberAddress: '192.0.2.11', memberPort: 7947, hardwareAddresses: [] },
    ]);
    addMany(late);
    late.speaker.synced();
    await late.clock.advance(1990);
    expect(late.l2.owned).toEqual([]);
    await late.clock.advance(20);
    expect(late.speaker.settled).toBe(true);
    expect(late.l2.owned).toHaveLength(40); // alone after the wait: everything
  });

  it('takes over the addresses of a speaker that dies, and gives them back', async () => {
    const h = harness();
    addMany(h);
    h.speaker.synced();
    h.allAlive();
    await h.clock.advance(10);
    const before = h.l2.owned;
    h.events.clear();
    h.speaker.memberChanged('node2', 'suspect', h.clock.now());
    await h.clock.advance(10);
    expect(h.l2.owned).toEqual(before); // suspect is still up
    const diedAt = h.clock.now();
    h.speaker.memberChanged('node2', 'dead', diedAt);
    await h.clock.advance(10);
    // Not before a quorum confirmation round that started after the death.
    expect(h.l2.owned).toEqual(before);
    h.speaker.quorumConfirmed(diedAt - 1);
    await h.clock.advance(10);
    expect(h.l2.owned).toEqual(before);
    h.speaker.quorumConfirmed(diedAt);
    await h.clock.advance(10);
    const after = h.l2.owned;
    expect(after.length).toBeGreaterThan(before.length);
    expect(before.every((ip) => after.includes(ip))).toBe(true);
    expect(h.l2.calls.at(-1)!.unclaimed).toEqual([]);
    const gained = h.events.events.filter((e) => e.reason === 'AnnouncedL2');
    expect(gained).toHaveLength(after.length - before.length);
    expect(gained.every((e) => e.message.endsWith(' from=node2'))).toBe(true);
    expect(await h.registry.getSingleMetricAsString('ironlb_speaker_failovers_total')).toContain(
      `ironlb_speaker_failovers_total ${after.length - before.length}`,
    );
    h.events.clear();
    h.speaker.memberChanged('node2', 'alive', h.clock.now());
    await h.clock.advance(10);
    expect(h.l2.owned).toEqual(before);
    expect(h.events.events.map((e) => e.reason)).toEqual(
      Array(after.length - before.length).fill('Withdrawn'),
    );
    expect(h.events.events[0]!.message).toMatch(/protocol=layer2 reason=notOwner$/);
  });

  it('without a majority keeps its addresses and takes none over', async () => {
    const h = harness();
    addMany(h);
    h.speaker.synced();
    h.allAlive();
    await h.clock.advance(10);
    const before = h.l2.owned;
    h.speaker.quorumChanged({ hasQuorum: false, reachable: 1, total: 3 });
    h.speaker.memberChanged('node2', 'dead', h.clock.now());
    h.speaker.quorumConfirmed(h.clock.now());
    h.speaker.memberChanged('node3', 'dead', h.clock.now());
    await h.clock.advance(10);
    expect(h.l2.owned).toEqual(before);
    h.speaker.quorumChanged({ hasQuorum: true, reachable: 2, total: 3 });
    h.speaker.quorumConfirmed(h.clock.now());
    await h.clock.advance(10);
    expect(h.l2.owned).toHaveLength(40);
  });

  it('announces its addresses again when a partition heals (quorum back, or a dead speaker back)', async () => {
    const h = harness('node1', { reannounceMs: 1000 });
    addMany(h);
    h.speaker.synced();
    h.allAlive();
    await h.clock.advance(10);
    h.speaker.quorumChanged({ hasQuorum: false, reachable: 1, total: 3 });
    h.speaker.memberChanged('node2', 'dead', h.clock.now());
    expect(h.l2.reannounced).toEqual([]);
    h.speaker.quorumChanged({ hasQuorum: true, reachable: 2, total: 3 });
    expect(h.l2.reannounced).toEqual([]); // after a short delay, so that the other side lets go first
    await h.clock.advance(250);
    expect(h.l2.reannounced).toEqual([undefined]);
    h.speaker.memberChanged('node2', 'alive', h.clock.now()); // within a second: deferred
    await h.clock.advance(500);
    expect(h.l2.reannounced).toHaveLength(1);
    await h.clock.advance(500);
    expect(h.l2.reannounced).toHaveLength(2);
    h.speaker.memberChanged('node3', 'suspect', h.clock.now()); // not from dead: nothing
    h.speaker.memberChanged('node3', 'alive', h.clock.now());
    await h.clock.advance(5000);
    expect(h.l2.reannounced).toHaveLength(2);
  });

  it('marks new allocations unclaimed so that the announcer probes them', async () => {
    const h = harness();
    h.speaker.synced();
    h.allAlive();
    await h.clock.advance(10);
    addMany(h);
    await h.clock.advance(10);
    expect(h.l2.calls.at(-1)!.unclaimed).toEqual(h.l2.owned);
  });

  it('yields to a higher-ranked speaker answering for its address, defends against others', async () => {
    const h = harness('node1', { yieldMs: 1000 });
    addMany(h);
    h.speaker.synced();
    h.allAlive();
    await h.clock.advance(10);
    const ip = h.l2.owned[0]!;
    // node2 ranks below node1 for this address (node1 owns it), so node1 defends.
    h.speaker.conflict(ip, '02:00:c0:00:02:0c', 'defended');
    expect(h.events.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'IPConflict' });
    expect(h.events.events.at(-1)!.message).toContain('this node keeps the address (ranksLower)');
    h.speaker.conflict(ip, '02:00:00:99:99:99', 'defended');
    expect(h.events.events.at(-1)!.message).toContain('a host that runs no speaker');
    // An address node1 only owns because node2 is dead: node2 answering wins.
    h.speaker.memberChanged('node2', 'dead', h.clock.now());
    h.speaker.quorumConfirmed(h.clock.now());
    await h.clock.advance(10);
    const taken = h.l2.owned.find((x) => h.speaker.planner.compareRank(x, 'node2')! > 0)!;
    h.speaker.conflict(taken, '02:00:c0:00:02:0c', 'defended');
    await h.clock.advance(10);
    expect(h.l2.owned).not.toContain(taken);
    const reasons = h.events.events.slice(-2).map((e) => e.reason);
    expect(reasons).toEqual(['IPConflict', 'Withdrawn']);
    expect(h.events.events.at(-2)!.message).toContain(
      'node node2 (MAC 02:00:c0:00:02:0c) also answers and ranks higher',
    );
    expect(h.events.events.at(-1)!.message).toContain('reason=yielded');
    await h.clock.advance(1000);
    expect(h.l2.owned).toContain(taken);
    // Standing back ends at once when the speaker it stood back for goes down.
    h.speaker.memberChanged('node2', 'alive', h.clock.now());
    await h.clock.advance(10);
    expect(h.l2.owned).not.toContain(taken);
    h.speaker.memberChanged('node2', 'dead', h.clock.now());
    h.speaker.quorumConfirmed(h.clock.now());
    await h.clock.advance(10);
    h.speaker.conflict(taken, '02:00:c0:00:02:0c', 'defended');
    await h.clock.advance(10);
    expect(h.l2.owned).not.toContain(taken);
    h.speaker.memberChanged('node2', 'alive', h.clock.now());
    h.speaker.memberChanged('node2', 'dead', h.clock.now());
    h.speaker.quorumConfirmed(h.clock.now());
    await h.clock.advance(10);
    expect(h.l2.owned).toContain(taken);
  });

  it('runs BGP: peers with their BFD profile, advertisements, withdrawal with Local endpoints gone', async () => {
    const h = harness();
    h.speaker.synced();
    h.allAlive();
    await h.clock.advance(10);
    expect(h.bgp.peers.map((p) => [p.peer.name, p.bfd?.name])).toEqual([['router', 'fast']]);
    expect(h.bgp.node).toEqual({ ipv4: '192.0.2.11' });
    expect(h.bgp.advertisements.get('router')).toEqual([]); // the first table, empty: End-of-RIB
    h.addService('default/web', ['203.0.113.10'], ['node1', 'node2'], { local: true });
    await h.clock.advance(10);
    expect(h.bgp.prefixes('router')).toEqual(['203.0.113.10/32']);
    expect(h.events.events.at(-1)).toMatchObject({
      reason: 'AnnouncedBGP',
      message: 'node=node1 ip=203.0.113.10 peers=router',
    });
    h.speaker.sliceChanged(sliceObject('default/web', ['node2']));
    await h.clock.advance(10);
    expect(h.bgp.prefixes('router')).toEqual([]);
    expect(h.events.events.at(-1)).toMatchObject({
      reason: 'Withdrawn',
      message: 'node=node1 ip=203.0.113.10 protocol=bgp reason=noEndpointsOnNode',
    });
    // Deleting the Service withdraws without an Event (the Service is gone).
    h.speaker.sliceChanged(sliceObject('default/web', ['node1']));
    await h.clock.advance(10);
    const count = h.events.events.length;
    h.speaker.serviceDeleted(serviceObject('default/web', []));
    await h.clock.advance(10);
    expect(h.bgp.prefixes('router')).toEqual([]);
    expect(h.events.events.length).toBe(count);
  });

  it('writes SpeakerStatus on change, at most once per interval', async () => {
    const h = harness('node1', { statusIntervalMs: 1000 });
    addMany(h);
    h.speaker.synced();
    await h.clock.advance(10);
    expect(h.status.writes).toHaveLength(1);
    expect(h.status.last!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'Settling',
    });
    h.allAlive();
    await h.clock.advance(10);
    h.speaker.memberChanged('node3', 'dead', h.clock.now());
    await h.clock.advance(10);
    expect(h.status.writes).toHaveLength(1);
    await h.clock.advance(1000);
    expect(h.status.writes).toHaveLength(2);
    const last = h.status.last!;
    expect(last.announcedIPs).toBe(h.l2.owned.length);
    expect(last.members).toEqual([
      { node: 'node1', address: '192.0.2.11', state: 'Alive' },
      expect.objectContaining({ node: 'node2', state: 'Alive' }),
      expect.objectContaining({ node: 'node3', state: 'Dead' }),
    ]);
    expect(last.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    expect(last.bgpSessions).toEqual([
      { peer: 'router', peerAddress: '192.0.2.1', peerASN: 64512, state: 'Active' },
    ]);
    // Nothing changed: nothing written.
    h.speaker.sessionsChanged();
    await h.clock.advance(5000);
    expect(h.status.writes).toHaveLength(2);
  });

  it('records no Event for addresses it announced before a restart', async () => {
    const first = harness();
    addMany(first);
    first.speaker.synced();
    first.allAlive();
    await first.clock.advance(10);
    const announced = first.l2.owned.map((ip) => `layer2|${ip}`);
    const second = harness('node1', { previouslyAnnounced: announced });
    addMany(second);
    second.speaker.synced();
    second.allAlive();
    await second.clock.advance(10);
    expect(second.l2.owned).toEqual(first.l2.owned);
    expect(second.events.events).toEqual([]);
  });
});
