import { describe, expect, it } from 'vitest';
import { IPAddress } from '@ironlb/netaddr';
import { decodeL2Frame } from '../core/frame.js';
import {
  arpRequestFrame,
  dadProbeFrame,
  gratuitousArpFrames,
  neighborSolicitationFrame,
} from '../core/frames.js';
import type { PacketSocket } from '../node/packet-socket.js';

/** Two hosts on one segment, each with an ARP and an NDP socket. */
export interface PacketSocketPair {
  readonly a: { readonly arp: PacketSocket; readonly ndp: PacketSocket };
  readonly b: { readonly arp: PacketSocket; readonly ndp: PacketSocket };
  /** Lets delivery happen (event-loop turns for real sockets). */
  settle(): Promise<void>;
  close(): void;
}

/**
 * The behaviour every PacketSocket implementation shares (STYLE.md 2.7 contract suites): run
 * with the in-memory segment in unit tests and with AF_PACKET on veth in test/l2.
 */
export function describePacketSocketContract(name: string, makePair: () => Promise<PacketSocketPair>): void {
  describe(`PacketSocket contract: ${name}`, () => {
    const collect = (s: PacketSocket) => {
      const got: Uint8Array[] = [];
      s.start((f) => got.push(f.slice()));
      return got;
    };

    it('carries ARP to ARP sockets only, never back to the sender', async () => {
      const p = await makePair();
      try {
        const [aArp, aNdp, bArp, bNdp] = [
          collect(p.a.arp),
          collect(p.a.ndp),
          collect(p.b.arp),
          collect(p.b.ndp),
        ];
        const frame = arpRequestFrame({
          senderIp: IPAddress.parse('192.0.2.1'),
          senderMac: p.a.arp.mac,
          target: IPAddress.parse('192.0.2.2'),
        });
        p.a.arp.send(frame);
        await p.settle();
        expect(bArp.map((f) => decodeL2Frame(f).kind)).toEqual(['arp']);
        expect(bArp[0]!.subarray(0, frame.length)).toEqual(frame);
        expect([aArp.length, aNdp.length, bNdp.length]).toEqual([0, 0, 0]);
      } finally {
        p.close();
      }
    });

    it('carries NS/NA to NDP sockets, with the MAC of the interface', async () => {
      const p = await makePair();
      try {
        const bNdp = collect(p.b.ndp);
        const bArp = collect(p.b.arp);
        expect(p.a.ndp.mac).toBe(p.a.arp.mac);
        p.a.ndp.joinGroup('33:33:ff:00:00:10');
        p.b.ndp.joinGroup('33:33:ff:00:00:10');
        p.a.ndp.send(
          neighborSolicitationFrame({
            source: IPAddress.parse('2001:db8::1'),
            sourceMac: p.a.ndp.mac,
            target: IPAddress.parse('2001:db8::10'),
          }),
        );
        p.a.ndp.send(dadProbeFrame(IPAddress.parse('2001:db8::10'), p.a.ndp.mac));
        await p.settle();
        expect(
          bNdp.map((f) => {
            const d = decodeL2Frame(f);
            return d.kind === 'ndp' ? d.ndp.message.type : d.kind;
          }),
        ).toEqual(['neighborSolicitation', 'neighborSolicitation']);
        expect(bArp).toEqual([]);
        p.b.ndp.leaveGroup('33:33:ff:00:00:10');
      } finally {
        p.close();
      }
    });

    it('stops delivering after close, and a closed socket refuses to send', async () => {
      const p = await makePair();
      const bArp = collect(p.b.arp);
      p.b.arp.close();
      p.a.arp.send(gratuitousArpFrames(IPAddress.parse('192.0.2.9'), p.a.arp.mac)[0]);
      await p.settle();
      expect(bArp).toEqual([]);
      expect(() => p.b.arp.send(new Uint8Array(60))).toThrow();
      expect(p.a.arp.kernelDrops()).toBe(0);
      p.close();
    });
  });
}
