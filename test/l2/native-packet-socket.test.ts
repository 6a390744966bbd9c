// The PacketSocket contract (packages/l2/src/testing) against AF_PACKET sockets on a bridge.
import { afterAll, beforeAll } from 'vitest';
import { openNativePacketSocket } from '@ironlb/l2';
import { describePacketSocketContract } from '@ironlb/l2/testing';
import { createLab, requireRoot, type Lab, type Netns } from '@ironlb/netlab';
import { runInNetns } from '@ironlb/sys';

let lab: Lab;
let a: Netns;
let b: Netns;

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'l2sock' });
  const sw = await lab.addSwitch();
  a = await lab.addHost('a', { switch: sw, link: { mac: '02:00:00:00:00:0a' } });
  b = await lab.addHost('b', { switch: sw, link: { mac: '02:00:00:00:00:0b' } });
}, 60_000);
afterAll(() => lab?.destroy());

describePacketSocketContract('AF_PACKET (openNativePacketSocket)', async () => {
  const open = (ns: Netns) =>
    runInNetns(ns.name, () => ({
      arp: openNativePacketSocket('eth0', 'arp'),
      ndp: openNativePacketSocket('eth0', 'ndp'),
    }));
  const pa = open(a);
  const pb = open(b);
  return {
    a: pa,
    b: pb,
    settle: () => new Promise((r) => setTimeout(r, 100)),
    close: () => {
      for (const s of [pa.arp, pa.ndp, pb.arp, pb.ndp]) s.close();
    },
  };
});
