// AF_PACKET sockets from @ironlb/sys on a veth pair between two namespaces the test creates.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AfPacketSocket,
  Bpf,
  bpfJump,
  bpfLoad,
  bpfProgram,
  bpfRet,
  EtherType,
  PacketType,
  runInNetns,
  type FrameInfo,
} from '@ironlb/sys';
import { NamespaceSet, requireRoot } from './namespaces.js';

const MAC_A = '02:00:00:00:0a:01';
const MAC_B = '02:00:00:00:0b:01';
const mac = (s: string) => Uint8Array.from(s.split(':').map((h) => parseInt(h, 16)));
const BROADCAST = mac('ff:ff:ff:ff:ff:ff');

/** A 60-byte frame: dst, src, ethertype, then `tag` repeated as payload. */
function frame(dst: Uint8Array, src: Uint8Array, ethertype: number, tag: number): Uint8Array {
  const f = new Uint8Array(60).fill(tag);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = ethertype >> 8;
  f[13] = ethertype & 0xff;
  return f;
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const nss = new NamespaceSet();
let nsA = '';
let nsB = '';
const sockets: AfPacketSocket[] = [];
const open = (ns: string, options: Parameters<typeof AfPacketSocket.open>[0]) => {
  const s = runInNetns(ns, () => AfPacketSocket.open(options));
  sockets.push(s);
  return s;
};

beforeAll(() => {
  requireRoot('test/sys/af-packet');
  nsA = nss.add('a');
  nsB = nss.add('b');
  nss.link({ ns: nsA, ifname: 'eth0', mac: MAC_A }, { ns: nsB, ifname: 'eth0', mac: MAC_B });
});
afterAll(() => {
  for (const s of sockets) s.close();
  nss.destroy();
});

describe('AfPacketSocket on a veth pair', () => {
  it('sends and receives frames on the event loop, with pkttype and ifindex, not its own', async () => {
    const a = open(nsA, { ifname: 'eth0', ethertype: EtherType.ARP });
    const b = open(nsB, { ifname: 'eth0', ethertype: EtherType.ARP });
    expect(a.mac).toEqual(mac(MAC_A));
    const atA: number[] = [];
    const atB: { tag: number; info: FrameInfo; src: string }[] = [];
    a.start((f) => atA.push(f[20]!));
    b.start((f, info) =>
      atB.push({ tag: f[20]!, info, src: Buffer.from(f.subarray(6, 12)).toString('hex') }),
    );

    a.send(frame(BROADCAST, a.mac, EtherType.ARP, 1));
    a.send(frame(mac(MAC_B), a.mac, EtherType.ARP, 2));
    a.send(frame(mac(MAC_B), a.mac, EtherType.IPv6, 3)); // other ethertype: not for this socket
    a.send(frame(mac('02:00:00:00:0c:01'), a.mac, EtherType.ARP, 4)); // another host's MAC
    b.send(frame(mac(MAC_A), b.mac, EtherType.ARP, 5));

    await until(() => atB.length >= 3 && atA.length >= 1, 'frames at both ends');
    expect(atB.map((x) => [x.tag, x.info.pkttype])).toEqual([
      [1, PacketType.broadcast],
      [2, PacketType.host],
      [4, PacketType.otherHost],
    ]);
    expect(
      atB.every(
        (x) => x.info.ifindex === b.ifindex && x.info.wireLength === 60 && x.src === '02000000' + '0a01',
      ),
    ).toBe(true);
    expect(atA).toEqual([5]); // PACKET_IGNORE_OUTGOING: a never reads 1, 2, 4
    expect(b.statistics().kernelPackets).toBeGreaterThanOrEqual(3);
    a.close();
    b.close();
  });

  it('attaches a BPF filter before bind, and replaces it later', async () => {
    // Accept only frames whose byte 20 is 7.
    const only7 = bpfProgram([bpfLoad(Bpf.B, 20), bpfJump(Bpf.JEQ, 7, 0, 1), bpfRet(0xffff), bpfRet(0)]);
    const a = open(nsA, { ifname: 'eth0', ethertype: EtherType.ARP });
    const b = open(nsB, { ifname: 'eth0', ethertype: EtherType.ARP, filter: only7 });
    const got: number[] = [];
    b.start((f) => got.push(f[20]!));
    for (const tag of [6, 7, 8, 7]) a.send(frame(BROADCAST, a.mac, EtherType.ARP, tag));
    await until(() => got.length >= 2, 'filtered frames');
    b.setFilter(null);
    a.send(frame(BROADCAST, a.mac, EtherType.ARP, 9));
    await until(() => got.length >= 3, 'unfiltered frame');
    expect(got).toEqual([7, 7, 9]);
    a.close();
    b.close();
  });

  it('reads at most readBudget frames per loop iteration and loses none', async () => {
    const a = open(nsA, { ifname: 'eth0', ethertype: EtherType.ARP });
    const b = open(nsB, {
      ifname: 'eth0',
      ethertype: EtherType.ARP,
      readBudget: 8,
      receiveBufferBytes: 1 << 20,
    });
    const got: number[] = [];
    let ticks = 0;
    b.start((f) => got.push(f[20]!));
    const t = setInterval(() => ticks++, 0);
    for (let i = 0; i < 200; i++) a.send(frame(BROADCAST, a.mac, EtherType.ARP, i));
    await until(() => got.length >= 200, '200 frames');
    clearInterval(t);
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(b.statistics()).toMatchObject({ kernelDrops: 0, receiveErrors: 0 });
    expect(b.statistics().budgetExhausted).toBeGreaterThan(0);
    a.close();
    b.close();
  });

  it('joins and leaves link-layer multicast groups (PACKET_ADD_MEMBERSHIP)', () => {
    const b = open(nsB, { ifname: 'eth0', ethertype: EtherType.IPv6 });
    const group = mac('33:33:ff:00:00:10'); // solicited-node group of 2001:db8::10
    const maddr = () => nss.run(nsB, ['ip', 'maddr', 'show', 'dev', 'eth0']);
    b.addMembership(group);
    expect(maddr()).toContain('33:33:ff:00:00:10');
    b.dropMembership(group);
    expect(maddr()).not.toContain('33:33:ff:00:00:10');
    b.addMembership(group);
    b.close(); // closing leaves the group too
    expect(maddr()).not.toContain('33:33:ff:00:00:10');
  });

  it('receives synchronously with receiveNow and reports truncation', async () => {
    const a = open(nsA, { ifname: 'eth0', ethertype: EtherType.ARP });
    const b = open(nsB, { ifname: 'eth0', ethertype: EtherType.ARP, maxFrameBytes: 32 });
    expect(b.receiveNow()).toBeUndefined();
    a.send(frame(BROADCAST, a.mac, EtherType.ARP, 1));
    let got: ReturnType<AfPacketSocket['receiveNow']>;
    await until(() => (got = b.receiveNow()) !== undefined, 'a frame');
    expect(got!.frame.length).toBe(32);
    expect(got!.info.wireLength).toBe(60);
    a.close();
    b.close();
  });

  it('reports failures as system errors with the interface name', () => {
    expect(() => open(nsA, { ifname: 'nosuch0', ethertype: EtherType.ARP })).toThrow(
      expect.objectContaining({ code: 'ENODEV', syscall: 'if_nametoindex', ifname: 'nosuch0' }),
    );
    const a = open(nsA, { ifname: 'eth0', ethertype: EtherType.ARP });
    a.close();
    expect(() => a.send(new Uint8Array(60))).toThrow(
      expect.objectContaining({ code: 'EBADF', ifname: 'eth0' }),
    );
    expect(() => open(nsA, { ifname: 'eth0', ethertype: EtherType.ARP, filter: new Uint8Array(3) })).toThrow(
      expect.objectContaining({ code: 'EINVAL', syscall: 'setsockopt' }),
    );
  });

  it('fails with EPERM without CAP_NET_RAW', () => {
    const script = [
      "import { AfPacketSocket } from '@ironlb/sys';",
      "try { AfPacketSocket.open({ ifname: 'lo', ethertype: 0x806 }); console.log('{}'); }",
      'catch (e) { console.log(JSON.stringify({ code: e.code, errno: e.errno, syscall: e.syscall, ifname: e.ifname })); }',
    ].join('\n');
    const r = spawnSync(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        '--inh-caps=-all',
        '--bounding-set=-all',
        process.execPath,
        '--conditions=@ironlb/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
      ],
      { encoding: 'utf8', timeout: 30_000, cwd: process.cwd() },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim())).toEqual({
      code: 'EPERM',
      errno: -1,
      syscall: 'socket',
      ifname: 'lo',
    });
  });
});
