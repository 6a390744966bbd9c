// Layer-2 announcement against the Linux kernel's neighbour tables, in namespaces this test
// creates: two nodes running announcers (separate processes, as the speaker runs them), a
// client and a rogue host on one bridge.
//
//   sw: br0 ── node1 eth0 02:00:00:00:00:02 192.0.2.11  2001:db8::11   (announcer a1)
//          ├── node2 eth0 02:00:00:00:00:03 192.0.2.12  2001:db8::12   (announcer a2)
//          ├── client eth0 02:00:00:00:00:04 192.0.2.100 2001:db8::100 (routes the VIP ranges on-link)
//          └── rogue eth0 02:00:00:00:00:05 192.0.2.50  2001:db8::50  (conflicts)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arpRequestFrame, icmpv6Checksum, neighborSolicitationFrame } from '@ironlb/l2';
import { IPAddress } from '@ironlb/netaddr';
import { arping, createLab, requireRoot, waitFor, type Lab, type Netns } from '@ironlb/netlab';
import { AfPacketSocket, EtherType, runInNetns } from '@ironlb/sys';
import { AnnouncerProcess } from './announcer-process.js';

const MAC1 = '02:00:00:00:00:02';
const MAC2 = '02:00:00:00:00:03';
const CLIENT_MAC = '02:00:00:00:00:04';
const ROGUE_MAC = '02:00:00:00:00:05';
const VIP = '198.51.100.10';
const VIP6 = '2001:db8:100::10';

let lab: Lab;
let node1: Netns;
let node2: Netns;
let client: Netns;
let rogue: Netns;
let a1: AnnouncerProcess;
let a2: AnnouncerProcess;
const schedule = { gratuitousOffsetsMs: [0, 300, 1000], probe: { count: 2, intervalMs: 150, waitMs: 250 } };

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'l2' });
  const sw = await lab.addSwitch();
  const host = (name: string, mac: string, n: number, role: 'node' | 'client') =>
    lab.addHost(name, {
      switch: sw,
      link: { mac },
      addresses: [`192.0.2.${n}/24`, `2001:db8::${n}/64`],
      role,
    });
  [node1, node2, client, rogue] = await Promise.all([
    host('node1', MAC1, 11, 'node'),
    host('node2', MAC2, 12, 'node'),
    host('client', CLIENT_MAC, 100, 'client'),
    host('rogue', ROGUE_MAC, 50, 'client'),
  ]);
  // The client reaches the VIP ranges on-link, so its kernel resolves them itself (network-lab.md section 7).
  await client.ip(['route', 'add', '198.51.100.0/24', 'dev', 'eth0']);
  await client.ip(['-6', 'route', 'add', '2001:db8:100::/64', 'dev', 'eth0']);
  // The nodes hold the VIPs on lo, as kube-proxy's IPVS holds them on kube-ipvs0; with the node
  // role's arp_ignore=1 their kernels never answer for them: only the announcers do.
  for (const n of [node1, node2]) {
    await n.ip(['addr', 'add', `${VIP}/32`, 'dev', 'lo']);
    await n.ip(['addr', 'add', `${VIP6}/128`, 'dev', 'lo']);
  }
  [a1, a2] = await Promise.all([
    AnnouncerProcess.start(node1, 'a1', { interfaces: { names: ['eth0'] }, schedule }),
    AnnouncerProcess.start(node2, 'a2', { interfaces: { pattern: '^eth' }, schedule }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([a1?.stop(), a2?.stop()]);
  await lab?.destroy();
});

async function neighbor(ip: string): Promise<{ lladdr?: string; state?: string[] } | undefined> {
  return client.neighbor(ip);
}

describe('layer-2 announcement against the kernel', () => {
  it('selects eth0 only (lo is loopback)', async () => {
    expect(await a1.interfaces()).toEqual([
      { name: 'lo', eligible: false, reason: 'notSelected' },
      { name: 'eth0', eligible: true, mac: MAC1 },
    ]);
    expect((await a2.interfaces()).map((i) => `${i.name}:${i.eligible ? 'yes' : i.reason}`)).toEqual([
      'lo:notSelected',
      'eth0:yes',
    ]);
  });

  it('follows link changes: a new interface is picked up, a bridge port and a down link are not', async () => {
    const status = async () =>
      (await a2.interfaces()).map((i) => `${i.name}:${i.eligible ? 'yes' : i.reason}`).join(' ');
    await node2.ip(['link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'peer1']);
    await node2.ip(['link', 'set', 'eth1', 'up']);
    await node2.ip(['link', 'set', 'peer1', 'up']);
    await waitFor(async () => (await status()).includes('eth1:yes') || undefined, {
      timeoutMs: 5000,
      description: 'eth1 picked up',
    });
    await node2.ip(['link', 'add', 'br9', 'type', 'bridge']);
    await node2.ip(['link', 'set', 'eth1', 'master', 'br9']);
    await waitFor(async () => (await status()).includes('eth1:enslaved') || undefined, {
      timeoutMs: 5000,
      description: 'eth1 enslaved',
    });
    await node2.ip(['link', 'set', 'eth1', 'nomaster']);
    await node2.ip(['link', 'set', 'eth1', 'down']);
    await waitFor(async () => (await status()).includes('eth1:down') || undefined, {
      timeoutMs: 5000,
      description: 'eth1 down',
    });
    await node2.ip(['link', 'del', 'eth1']);
    await node2.ip(['link', 'del', 'br9']);
    await waitFor(async () => !(await status()).includes('eth1') || undefined, {
      timeoutMs: 5000,
      description: 'eth1 gone',
    });
  });

  it('IPv4: the client resolves the VIP to the owner, arping gets the owner’s reply, the data path works', async () => {
    await a1.setOwned({ eth0: [VIP] });
    const r = await client.exec(['ping', '-c', '1', '-W', '2', VIP]);
    expect(r.code).toBe(0);
    expect(await neighbor(VIP)).toMatchObject({ lladdr: MAC1 });
    const ar = await arping(client, VIP, { count: 2, firstReplyOnly: false, deadlineS: 3 });
    expect(ar.macs).toEqual([MAC1]);
    expect(ar.replies.length).toBeGreaterThanOrEqual(1);
    const c = await a1.counters();
    expect(c.repliesSent.arp).toBeGreaterThanOrEqual(2);
    expect(c.gratuitousSent.arp).toBeGreaterThanOrEqual(2);
  });

  it('IPv4: moving ownership to node2 updates the client’s existing entry at once; the old owner stops answering', async () => {
    expect(await neighbor(VIP)).toMatchObject({ lladdr: MAC1 });
    await a1.setOwned({});
    const { at } = await a2.setOwned({ '*': [VIP] });
    const entry = await waitFor(
      async () => {
        const n = await neighbor(VIP);
        return n?.lladdr === MAC2 ? n : undefined;
      },
      { timeoutMs: 3000, intervalMs: 20, description: 'client entry for the VIP -> node2' },
    );
    expect(entry.lladdr).toBe(MAC2);
    expect(Date.now() - at).toBeLessThan(3000);
    // A non-owner never answers: only node2's MAC replies.
    const ar = await arping(client, VIP, { count: 3, firstReplyOnly: false, deadlineS: 4 });
    expect(ar.macs).toEqual([MAC2]);
    expect((await client.exec(['ping', '-c', '1', '-W', '2', VIP])).code).toBe(0);
  });

  it('IPv6: the client resolves the VIP to the owner; moving it updates the existing entry (unsolicited NA, O flag)', async () => {
    await a1.setOwned({ eth0: [VIP6] });
    const maddr = await node1.run(['ip', 'maddr', 'show', 'dev', 'eth0']);
    expect(maddr).toContain('33:33:ff:00:00:10'); // solicited-node group of the VIP
    expect((await client.exec(['ping', '-6', '-c', '1', '-W', '2', VIP6])).code).toBe(0);
    expect(await neighbor(VIP6)).toMatchObject({ lladdr: MAC1 });
    await a1.setOwned({});
    expect(await node1.run(['ip', 'maddr', 'show', 'dev', 'eth0'])).not.toContain('33:33:ff:00:00:10');
    await a2.setOwned({ '*': [VIP, VIP6] });
    await waitFor(async () => (await neighbor(VIP6))?.lladdr === MAC2 || undefined, {
      timeoutMs: 3000,
      intervalMs: 20,
      description: 'client entry for the IPv6 VIP -> node2',
    });
    expect((await client.exec(['ping', '-6', '-c', '1', '-W', '2', VIP6])).code).toBe(0);
  });

  it('probing: a host already using an address is detected and the address is not claimed', async () => {
    await rogue.ip(['addr', 'add', '198.51.100.20/32', 'dev', 'eth0']); // its kernel answers probes for it
    const before = a1.events.length;
    await a1.setOwned({ eth0: ['198.51.100.20'] }, ['198.51.100.20']);
    const conflict = await waitFor(() => a1.events.slice(before).find((e) => e.type === 'conflict'), {
      timeoutMs: 5000,
      description: 'conflict event',
    });
    expect(conflict).toMatchObject({ ip: '198.51.100.20', mac: ROGUE_MAC, outcome: 'notClaimed' });
    await new Promise((r) => setTimeout(r, 600));
    expect(a1.events.slice(before).some((e) => e.type === 'claimed')).toBe(false);
    expect((await a1.request<{ phase: string }[]>('owned')).result).toEqual([
      { ifname: 'eth0', ip: '198.51.100.20', phase: 'blocked' },
    ]);
    // An address nobody uses is claimed after the probe.
    await a1.setOwned({ eth0: ['198.51.100.21'] }, ['198.51.100.21']);
    await waitFor(() => a1.events.find((e) => e.type === 'claimed' && e.ip === '198.51.100.21'), {
      timeoutMs: 5000,
      description: 'claim after probe',
    });
    expect(a1.events.find((e) => e.type === 'claimed' && e.ip === '198.51.100.21')?.probed).toBe(true);
  });

  it('while owning: another MAC announcing our address is reported and defended', async () => {
    const before = a2.events.length;
    await rogue.setSysctls({ 'net.ipv4.ip_nonlocal_bind': 1 });
    await arping(rogue, VIP, { mode: 'unsolicited', count: 1, deadlineS: 2 });
    const conflict = await waitFor(() => a2.events.slice(before).find((e) => e.type === 'conflict'), {
      timeoutMs: 5000,
      description: 'conflict while owning',
    });
    expect(conflict).toMatchObject({ ip: VIP, mac: ROGUE_MAC, evidence: 'arpSender', outcome: 'defended' });
    // The defending announcement pulled the client back to node2.
    await waitFor(async () => (await neighbor(VIP))?.lladdr === MAC2 || undefined, {
      timeoutMs: 3000,
      description: 'client entry back on node2',
    });
    expect((await a2.counters()).conflicts.arp).toBeGreaterThanOrEqual(1);
  });

  it('drops malformed and truncated frames, counts them, and keeps answering', async () => {
    const before = await a2.counters();
    const sock = runInNetns(client.name, () =>
      AfPacketSocket.open({ ifname: 'eth0', ethertype: EtherType.ARP }),
    );
    const sock6 = runInNetns(client.name, () =>
      AfPacketSocket.open({ ifname: 'eth0', ethertype: EtherType.IPv6 }),
    );
    try {
      const good = arpRequestFrame({
        senderIp: IPAddress.parse('192.0.2.100'),
        senderMac: CLIENT_MAC,
        target: IPAddress.parse(VIP),
      });
      const badLengths = good.slice();
      badLengths[18] = 8; // ar$hln 8
      sock.send(good.slice(0, 30)); // 16 of the 28 ARP octets (a veth does not pad)
      sock.send(badLengths);
      const ns = neighborSolicitationFrame({
        source: IPAddress.parse('2001:db8::100'),
        sourceMac: CLIENT_MAC,
        target: IPAddress.parse(VIP6),
      });
      const badSum = ns.slice();
      badSum[57] ^= 0xff;
      sock6.send(badSum);
      // An option claiming 16 octets where 8 are left, with a correct checksum. (An IPv6
      // packet cut short by its payload length never gets across the bridge.)
      const longOption = ns.slice();
      longOption[79] = 2;
      longOption[56] = longOption[57] = 0;
      const sum = icmpv6Checksum(
        longOption.subarray(22, 38),
        longOption.subarray(38, 54),
        longOption.subarray(54, 86),
      );
      longOption[56] = sum >> 8;
      longOption[57] = sum & 0xff;
      sock6.send(longOption);
      await waitFor(
        async () => {
          const c = await a2.counters();
          return (
            c.drops.malformed - before.drops.malformed >= 2 && c.drops.truncated - before.drops.truncated >= 2
          );
        },
        { timeoutMs: 3000, description: 'drops counted' },
      ).catch(async (e: unknown) => {
        console.log(JSON.stringify({ before: before.drops, after: (await a2.counters()).drops }));
        throw e;
      });
      expect((await arping(client, VIP, { count: 1 })).macs).toEqual([MAC2]);
    } finally {
      sock.close();
      sock6.close();
    }
  });
});
