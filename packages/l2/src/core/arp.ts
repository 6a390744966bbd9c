import { IPAddress } from '@ironlb/netaddr';
import type { Codec, Reader, Writer } from '@ironlb/wire';
import { DecodeError, DecodeFailure } from '@ironlb/wire';
import { macFromBytes, macToBytes, type MacAddress } from './mac.js';

/** ar$op values (RFC 826; IANA "ARP Operation Codes"). */
export const ArpOperation = { request: 1, reply: 2 } as const;
export type ArpOperation = (typeof ArpOperation)[keyof typeof ArpOperation];

/** ar$hrd for Ethernet (IANA "Hardware Types"). */
export const ARP_HARDWARE_ETHERNET = 1;
export const ARP_PACKET_LENGTH = 28;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826), the only combination this package speaks.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ar$hrd: hardware type (1)    |  ar$pro: protocol (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | ar$hln (6)    | ar$pln (4)    |  ar$op: 1 request, 2 reply    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            ar$sha: sender hardware address (6 octets)         |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | ar$spa: sender protocol addr  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  (spa, cont.)                 | ar$tha: target hardware addr  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                       (tha, cont.)                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            ar$tpa: target protocol address (4 octets)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Decoding reads exactly 28 octets; Ethernet padding after them is left to the caller.
 */
export interface ArpPacket {
  readonly operation: ArpOperation;
  readonly senderHardwareAddress: MacAddress;
  readonly senderProtocolAddress: IPAddress;
  readonly targetHardwareAddress: MacAddress;
  readonly targetProtocolAddress: IPAddress;
}

function unsupported(what: string, offset: number): DecodeError {
  return new DecodeError(DecodeFailure.unsupported, what, { offset, code: 'ERR_IRONLB_L2_DECODE' });
}

export const arpPacketCodec: Codec<ArpPacket> = {
  encode(p: ArpPacket, w: Writer): void {
    if (p.senderProtocolAddress.family !== 4 || p.targetProtocolAddress.family !== 4) {
      throw new RangeError('ARP carries IPv4 addresses only');
    }
    w.u16(ARP_HARDWARE_ETHERNET).u16(0x0800).u8(6).u8(4).u16(p.operation);
    w.bytes(macToBytes(p.senderHardwareAddress)).bytes(p.senderProtocolAddress.toBytes());
    w.bytes(macToBytes(p.targetHardwareAddress)).bytes(p.targetProtocolAddress.toBytes());
  },
  decode(r: Reader): ArpPacket {
    const start = r.offset;
    const b = r.bytes(ARP_PACKET_LENGTH, 'ARP packet');
    const hrd = (b[0]! << 8) | b[1]!;
    const pro = (b[2]! << 8) | b[3]!;
    if (hrd !== ARP_HARDWARE_ETHERNET) throw unsupported(`ARP hardware type ${hrd} is not Ethernet`, start);
    if (pro !== 0x0800) throw unsupported(`ARP protocol type 0x${pro.toString(16)} is not IPv4`, start + 2);
    if (b[4] !== 6 || b[5] !== 4) {
      throw new DecodeError(DecodeFailure.malformed, `ARP address lengths ${b[4]}/${b[5]}, want 6/4`, {
        offset: start + 4,
        code: 'ERR_IRONLB_L2_DECODE',
      });
    }
    const op = (b[6]! << 8) | b[7]!;
    if (op !== ArpOperation.request && op !== ArpOperation.reply) {
      throw unsupported(`ARP operation ${op} (only request and reply)`, start + 6);
    }
    return {
      operation: op,
      senderHardwareAddress: macFromBytes(b, 8),
      senderProtocolAddress: IPAddress.fromBytes(b.subarray(14, 18)),
      targetHardwareAddress: macFromBytes(b, 18),
      targetProtocolAddress: IPAddress.fromBytes(b.subarray(24, 28)),
    };
  },
};
