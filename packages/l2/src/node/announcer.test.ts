import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { IPAddress } from '@ironlb/netaddr';
import type { AnnouncerEvent } from '../core/announcer-state.js';
import { decodeL2Frame, type L2Frame } from '../core/frame.js';
import { arpRequestFrame, gratuitousArpFrames, neighborSolicitationFrame } from '../core/frames.js';
import type { MacAddress } from '../core/mac.js';
import { ManualClock } from '../testing/manual-clock.js';
import { StaticLinkSource } from '../testing/static-link-source.js';
import { Announcer, type AnnouncerOptions } from './announcer.js';
import type { Link } from './links.js';
import { MemorySegment, type MemoryPacketSocket } from './memory-socket.js';

const ip = (s: string) => IPAddress.parse(s);
const VIP = ip('198.51.100.10');
const VIP6 = ip('2001:db8:100::10');
const MAC0 = '02:00:00:00:00:02';
const MAC1 = '02:00:00:00:01:02';
const CLIENT = '02:00:00:00:00:04';
const OTHER = '02:00:00:00:00:03';
const link = (name: string, over: Partial<Link> = {}): Link => ({
  name,
  ifindex: 2,
  up: true,
  loopback: false,
  noarp: false,
  enslaved: false,
  hwtype: 1,
  ...over,
});

const running: Announcer[] = [];
afterEach(() => {
  for (const a of running.splice(0)) a.close();
});

/** One announcer on two in-memory segments (eth0, eth1), a manual clock, captured logs and events. */
async function setup(
  over: Partial<AnnouncerOptions> = {},
  links = [link('lo', { loopback: true }), link('eth0'), link('eth1')],
) {
  const segs = { eth0: new MemorySegment(), eth1: new MemorySegment() };
  const macs: Record<string, MacAddress> = { eth0: MAC0, eth1: MAC1 };
  const clock = new ManualClock(1000);
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write: (chunk: Buffer, _e, cb) => (
        logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>),
        cb()
      ),
    }),
  );
  const events: AnnouncerEvent[] = [];
  const linkSource = new StaticLinkSource(links);
  const sockets: MemoryPacketSocket[] = [];
  const announcer = await Announcer.start({
    logger,
    clock,
    links: linkSource,
    openSocket: (ifname, protocol) => {
      const s = segs[ifname as 'eth0' | 'eth1'].attach(ifname, macs[ifname]!, protocol);
      sockets.push(s);
      return s;
    },
    onEvent: (e) => events.push(e),
    rescanIntervalMs: 0,
    schedule: { gratuitousOffsetsMs: [0, 500, 2000], probe: { count: 2, intervalMs: 100, waitMs: 200 } },
    ...over,
  });
  running.push(announcer);
  // A client host on each segment.
  const client = {
    eth0: { arp: segs.eth0.attach('client', CLIENT, 'arp'), ndp: segs.eth0.attach('client', CLIENT, 'ndp') },
    eth1: { arp: segs.eth1.attach('client', CLIENT, 'arp'), ndp: segs.eth1.attach('client', CLIENT, 'ndp') },
  };
  const heard = { eth0: [] as L2Frame[], eth1: [] as L2Frame[] };
  for (const k of ['eth0', 'eth1'] as const) {
    const hear = (f: Uint8Array) => {
      try {
        heard[k].push(decodeL2Frame(f));
      } catch {
        // the tests inject broken frames too
      }
    };
    client[k].arp.start(hear);
    client[k].ndp.start(hear);
  }
  return { announcer, segs, clock, logs, events, client, heard, linkSource, sockets };
}

const describeFrame = (f: L2Frame) =>
  f.kind === 'arp'
    ? `arp ${f.arp.operation === 1 ? 'request' : 'reply'} ${f.arp.senderProtocolAddress} is-at ${f.arp.senderHardwareAddress} to ${f.ethernet.destination}`
    : `${f.ndp.message.type} ${f.ndp.message.targetAddress} ${f.ndp.message.type === 'neighborAdvertisement' ? `S=${+f.ndp.message.solicited} O=${+f.ndp.message.override} ` : ''}to ${f.ndp.destination}`;

describe('Announcer (in memory)', () => {
  it('announces a gained IPv4 address at once in both gratuitous forms, then on schedule, and only once', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP] });
    expect(t.heard.eth0.map(describeFrame)).toEqual([
      'arp request 198.51.100.10 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
      'arp reply 198.51.100.10 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
    ]);
    t.clock.advance(500);
    expect(t.heard.eth0).toHaveLength(4);
    t.announcer.setOwned({ eth0: ['198.51.100.10'] }); // same state again
    t.clock.advance(1500);
    expect(t.heard.eth0).toHaveLength(6);
    t.clock.advance(60_000);
    t.announcer.setOwned(new Map([['eth0', [VIP]]]));
    expect(t.heard.eth0).toHaveLength(6);
    expect(t.heard.eth1).toEqual([]); // not owned there
    expect(t.announcer.counters().gratuitousSent).toEqual({ arp: 6, ndp: 0 });
    expect(t.events.map((e) => e.type)).toEqual(['claimed']);
    expect(
      t.logs.some((l) => l.event === 'claimed' && l.component === 'l2' && l.ip === '198.51.100.10'),
    ).toBe(true);
  });

  it('reannounce sends the gratuitous rounds again for owned addresses', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP, '198.51.100.11'] });
    t.clock.advance(60_000);
    const quiet = t.heard.eth0.length;
    t.announcer.reannounce([VIP]);
    expect(t.heard.eth0.slice(quiet).map(describeFrame)).toEqual([
      'arp request 198.51.100.10 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
      'arp reply 198.51.100.10 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
    ]);
    t.clock.advance(60_000);
    expect(t.heard.eth0.length - quiet).toBe(6); // the whole schedule again, for VIP only
    t.announcer.reannounce();
    expect(t.heard.eth0.length - quiet).toBe(10); // first round of both
  });

  it('answers ARP requests for owned addresses only, broadcast and unicast, and stops the moment ownership is dropped', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP] });
    t.heard.eth0.length = 0;
    const ask = (target: IPAddress, unicastTo?: MacAddress) =>
      t.client.eth0.arp.send(
        arpRequestFrame({ senderIp: ip('198.51.100.100'), senderMac: CLIENT, target, unicastTo }),
      );
    ask(VIP);
    ask(VIP, MAC0);
    ask(ip('198.51.100.11'));
    expect(t.heard.eth0.map(describeFrame)).toEqual([
      'arp reply 198.51.100.10 is-at 02:00:00:00:00:02 to 02:00:00:00:00:04',
      'arp reply 198.51.100.10 is-at 02:00:00:00:00:02 to 02:00:00:00:00:04',
    ]);
    t.announcer.setOwned({});
    ask(VIP);
    expect(t.heard.eth0).toHaveLength(2);
    const c = t.announcer.counters();
    expect(c.requestsSeen.arp).toBe(4);
    expect(c.repliesSent.arp).toBe(2);
    expect(c.drops.notOwned).toBe(2);
    expect(t.events.map((e) => e.type)).toEqual(['claimed', 'released']);
  });

  it("'*' owns an address on every selected interface and answers with the receiving interface's MAC", async () => {
    const t = await setup();
    t.announcer.setOwned({ '*': [VIP] });
    t.client.eth1.arp.send(
      arpRequestFrame({ senderIp: ip('198.51.100.100'), senderMac: CLIENT, target: VIP }),
    );
    expect(t.heard.eth1.map(describeFrame).at(-1)).toBe(
      'arp reply 198.51.100.10 is-at 02:00:00:00:01:02 to 02:00:00:00:00:04',
    );
    expect(
      t.announcer
        .owned()
        .map((o) => `${o.ifname} ${o.ip} ${o.phase}`)
        .sort(),
    ).toEqual(['eth0 198.51.100.10 announcing', 'eth1 198.51.100.10 announcing']);
  });

  it('IPv6: unsolicited NA with override, solicited-node group joined, NS answered, group left when dropped', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP6] });
    const ndpSocket = t.sockets.find((s) => s.ifname === 'eth0' && s.protocol === 'ndp')!;
    expect([...ndpSocket.groups]).toEqual(['33:33:ff:00:00:10']);
    expect(t.heard.eth0.map(describeFrame)).toEqual([
      'neighborAdvertisement 2001:db8:100::10 S=0 O=1 to ff02::1',
    ]);
    const na = t.heard.eth0[0]!;
    expect(na.kind === 'ndp' && na.ndp.hopLimit).toBe(255);
    t.client.eth0.ndp.send(
      neighborSolicitationFrame({ source: ip('2001:db8:100::100'), sourceMac: CLIENT, target: VIP6 }),
    );
    expect(describeFrame(t.heard.eth0.at(-1)!)).toBe(
      'neighborAdvertisement 2001:db8:100::10 S=1 O=1 to 2001:db8:100::100',
    );
    expect(t.announcer.counters().repliesSent.ndp).toBe(1);
    t.announcer.setOwned({ eth0: [] });
    expect([...ndpSocket.groups]).toEqual([]);
    t.client.eth0.ndp.send(
      neighborSolicitationFrame({ source: ip('2001:db8:100::100'), sourceMac: CLIENT, target: VIP6 }),
    );
    expect(t.announcer.counters().repliesSent.ndp).toBe(1);
  });

  it('probes an unclaimed address before claiming it, not answering meanwhile', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP] }, { unclaimed: [VIP] });
    expect(t.heard.eth0.map(describeFrame)).toEqual([
      'arp request 0.0.0.0 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
    ]);
    t.client.eth0.arp.send(
      arpRequestFrame({ senderIp: ip('198.51.100.100'), senderMac: CLIENT, target: VIP }),
    );
    expect(t.heard.eth0).toHaveLength(1); // not answered while probing
    t.clock.advance(100);
    t.clock.advance(200);
    expect(t.heard.eth0.map(describeFrame).slice(1)).toEqual([
      'arp request 0.0.0.0 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
      'arp request 198.51.100.10 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
      'arp reply 198.51.100.10 is-at 02:00:00:00:00:02 to ff:ff:ff:ff:ff:ff',
    ]);
    expect(t.events.map((e) => e.type)).toEqual(['probeStarted', 'claimed']);
    expect(t.announcer.counters().probesSent.arp).toBe(2);
  });

  it('a host answering the probe blocks the claim and is reported as a conflict', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP] }, { unclaimed: [VIP] });
    // The other host defends its address (RFC 5227: an ARP reply from it).
    t.segs.eth0.inject(gratuitousArpFrames(VIP, OTHER)[1]);
    t.clock.advance(5000);
    expect(
      t.heard.eth0.filter(
        (f) => f.kind === 'arp' && f.arp.senderProtocolAddress.equals(VIP) && f.ethernet.source === MAC0,
      ),
    ).toEqual([]);
    expect(t.events).toMatchObject([
      { type: 'probeStarted' },
      { type: 'conflict', ifname: 'eth0', mac: OTHER, evidence: 'arpSender', outcome: 'notClaimed' },
    ]);
    expect(t.announcer.owned()).toMatchObject([{ phase: 'blocked' }]);
    expect(t.announcer.counters().conflicts.arp).toBe(1);
    expect(t.logs.some((l) => l.event === 'conflict' && l.level === 40)).toBe(true);
  });

  it('detects another MAC answering for an owned address and defends it with one announcement', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP] });
    t.clock.advance(10_000);
    const before = t.announcer.counters().gratuitousSent.arp;
    t.segs.eth0.inject(gratuitousArpFrames(VIP, OTHER)[0]);
    t.segs.eth0.inject(gratuitousArpFrames(VIP, OTHER)[0]);
    expect(t.announcer.counters().gratuitousSent.arp - before).toBe(2); // one defending round
    expect(t.announcer.counters().conflicts.arp).toBe(2);
    expect(t.events.filter((e) => e.type === 'conflict')).toMatchObject([
      { outcome: 'defended', mac: OTHER },
    ]);
  });

  it('counts malformed and truncated frames as drops and keeps answering', async () => {
    const t = await setup();
    t.announcer.setOwned({ eth0: [VIP] });
    const good = arpRequestFrame({ senderIp: ip('198.51.100.100'), senderMac: CLIENT, target: VIP });
    t.segs.eth0.inject(good.subarray(0, 30));
    const bad = good.slice();
    bad[18] = 9; // hardware address length
    t.segs.eth0.inject(bad);
    t.segs.eth0.inject(good);
    const c = t.announcer.counters();
    expect([c.drops.truncated, c.drops.malformed, c.repliesSent.arp]).toEqual([1, 1, 1]);
  });

  it('bounds replies per second per interface and counts the excess', async () => {
    const t = await setup({ maxRepliesPerSecond: 5 });
    t.announcer.setOwned({ eth0: [VIP] });
    for (let i = 0; i < 10; i++)
      t.client.eth0.arp.send(
        arpRequestFrame({ senderIp: ip('198.51.100.100'), senderMac: CLIENT, target: VIP }),
      );
    expect(t.announcer.counters().repliesSent.arp).toBe(5);
    expect(t.announcer.counters().drops.rateLimited).toBe(5);
    t.clock.advance(1000);
    t.client.eth0.arp.send(
      arpRequestFrame({ senderIp: ip('198.51.100.100'), senderMac: CLIENT, target: VIP }),
    );
    expect(t.announcer.counters().repliesSent.arp).toBe(6);
  });

  it('selects interfaces and follows link changes', async () => {
    const t = await setup({ interfaces: { pattern: '^eth' } }, [link('eth0'), link('eth1', { up: false })]);
    expect(t.announcer.interfaces()).toEqual([
      { name: 'eth0', eligible: true, mac: MAC0 },
      { name: 'eth1', eligible: false, reason: 'down' },
    ]);
    t.announcer.setOwned({ '*': [VIP] });
    expect(t.heard.eth1).toEqual([]);
    t.linkSource.set([link('eth0', { enslaved: true }), link('eth1')]);
    await t.announcer.rescan();
    expect(t.announcer.interfaces().map((i) => `${i.name}:${i.eligible ? 'yes' : i.reason}`)).toEqual([
      'eth0:enslaved',
      'eth1:yes',
    ]);
    expect(t.heard.eth1.map(describeFrame)[0]).toBe(
      'arp request 198.51.100.10 is-at 02:00:00:00:01:02 to ff:ff:ff:ff:ff:ff',
    );
    t.client.eth0.arp.send(
      arpRequestFrame({ senderIp: ip('198.51.100.100'), senderMac: CLIENT, target: VIP }),
    );
    expect(
      t.heard.eth0.filter(
        (f) => f.kind === 'arp' && f.arp.operation === 2 && f.ethernet.destination === CLIENT,
      ),
    ).toEqual([]);
  });

  it('survives send failures (counted and logged) and refuses use after close', async () => {
    const t = await setup({
      openSocket: (ifname, protocol) => {
        const s = new MemorySegment().attach(ifname, MAC0, protocol);
        s.failSends = Object.assign(new Error('sendto ENOBUFS'), { code: 'ENOBUFS' });
        return s;
      },
    });
    t.announcer.setOwned({ eth0: [VIP, VIP6] });
    expect(t.announcer.counters().sendErrors).toBe(3);
    expect(t.logs.filter((l) => l.event === 'sendFailed')).toHaveLength(3);
    t.announcer.close();
    expect(() => t.announcer.setOwned({})).toThrow(expect.objectContaining({ code: 'ERR_IRONLB_L2_CLOSED' }));
  });
});
