import { IPAddress } from '@ironlb/netaddr';
import type { Codec, Reader, Writer } from '@ironlb/wire';
import { DecodeError, DecodeFailure } from '@ironlb/wire';

export const IPV6_HEADER = 40;

/**
 * An IPv6 packet (RFC 8200 section 3). Extension headers are not walked: `nextHeader` and
 * `payload` are what follows the fixed header.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                   Source Address (16 octets)                  +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                Destination Address (16 octets)                +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Decoding reads the header and `Payload Length` octets; Ethernet padding after them is left
 * to the caller. Jumbograms (RFC 2675) are not supported.
 */
export interface Ipv6Packet {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly source: IPAddress;
  readonly destination: IPAddress;
  readonly payload: Uint8Array;
}

export const ipv6PacketCodec: Codec<Ipv6Packet> = {
  encode(p: Ipv6Packet, w: Writer): void {
    if (p.source.family !== 6 || p.destination.family !== 6) throw new RangeError('IPv6 addresses required');
    if (p.flowLabel < 0 || p.flowLabel > 0xfffff || p.trafficClass < 0 || p.trafficClass > 0xff) {
      throw new RangeError('traffic class or flow label out of range');
    }
    w.u32(((6 << 28) | (p.trafficClass << 20) | p.flowLabel) >>> 0);
    w.u16(p.payload.length).u8(p.nextHeader).u8(p.hopLimit);
    w.bytes(p.source.toBytes()).bytes(p.destination.toBytes()).bytes(p.payload);
  },
  decode(r: Reader): Ipv6Packet {
    const start = r.offset;
    const first = r.u32('IPv6 version/class/label');
    if (first >>> 28 !== 6) {
      throw new DecodeError(DecodeFailure.malformed, `IP version ${first >>> 28} in an IPv6 frame`, {
        offset: start,
        code: 'ERR_IRONLB_L2_DECODE',
      });
    }
    const payloadLength = r.u16('IPv6 payload length');
    const nextHeader = r.u8('IPv6 next header');
    const hopLimit = r.u8('IPv6 hop limit');
    const source = IPAddress.fromBytes(r.bytes(16, 'IPv6 source'));
    const destination = IPAddress.fromBytes(r.bytes(16, 'IPv6 destination'));
    const payload = r.bytes(payloadLength, 'IPv6 payload');
    return {
      trafficClass: (first >>> 20) & 0xff,
      flowLabel: first & 0xfffff,
      nextHeader,
      hopLimit,
      source,
      destination,
      payload,
    };
  },
};
