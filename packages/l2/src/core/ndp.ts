import { IPAddress } from '@ironlb/netaddr';
import { Reader, Writer, DecodeError, DecodeFailure, type Codec } from '@ironlb/wire';
import { icmpv6Checksum, NEXT_HEADER_ICMPV6 } from './icmpv6-checksum.js';
import { ipv6PacketCodec } from './ipv6.js';
import { macFromBytes, writeMac, type MacAddress } from './mac.js';

/** ICMPv6 types of Neighbor Discovery this package handles (RFC 4861 section 4). */
export const NdpType = { neighborSolicitation: 135, neighborAdvertisement: 136 } as const;

/** Neighbor Discovery option types (RFC 4861 section 4.6). */
export const NdpOptionType = { sourceLinkLayerAddress: 1, targetLinkLayerAddress: 2 } as const;

/**
 * A Neighbor Discovery option (RFC 4861 section 4.6). Link-layer address options for
 * Ethernet (length 1, RFC 4861 section 4.6.1 and RFC 2464 section 6) are decoded; every
 * other option is kept as its raw body (after type and length) so it round-trips.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |    Length     |              ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                              ...  (Length x 8 octets in all)  ~
 */
export type NdpOption =
  | { readonly type: 'sourceLinkLayerAddress'; readonly address: MacAddress }
  | { readonly type: 'targetLinkLayerAddress'; readonly address: MacAddress }
  | { readonly type: 'other'; readonly optionType: number; readonly body: Uint8Array };

/**
 * Neighbor Solicitation (RFC 4861 section 4.3).
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type (135)|     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Reserved                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * +                       Target Address (16 octets)              +
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Options ...
 */
export interface NeighborSolicitation {
  readonly type: 'neighborSolicitation';
  /** 0 in every valid message; kept so that validation (not decoding) decides. */
  readonly code: number;
  readonly targetAddress: IPAddress;
  readonly options: readonly NdpOption[];
}

/**
 * Neighbor Advertisement (RFC 4861 section 4.4).
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type (136)|     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|S|O|                     Reserved                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * +                       Target Address (16 octets)              +
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Options ...
 */
export interface NeighborAdvertisement {
  readonly type: 'neighborAdvertisement';
  readonly code: number;
  /** R: the sender is a router. */
  readonly router: boolean;
  /** S: sent in response to a Neighbor Solicitation. */
  readonly solicited: boolean;
  /** O: override an existing cache entry. */
  readonly override: boolean;
  readonly targetAddress: IPAddress;
  readonly options: readonly NdpOption[];
}

export type NdpMessage = NeighborSolicitation | NeighborAdvertisement;

function decodeError(failure: DecodeFailure, message: string, offset: number): DecodeError {
  return new DecodeError(failure, message, { offset, code: 'ERR_IRONLB_L2_DECODE' });
}

export const ndpOptionCodec: Codec<NdpOption> = {
  encode(o: NdpOption, w: Writer): void {
    if (o.type === 'other') {
      if ((o.body.length + 2) % 8 !== 0 || o.body.length + 2 > 255 * 8) {
        throw new RangeError('an option body is 6, 14, 22, ... octets');
      }
      w.u8(o.optionType)
        .u8((o.body.length + 2) / 8)
        .bytes(o.body);
      return;
    }
    const mac = new Uint8Array(6);
    writeMac(mac, 0, o.address);
    w.u8(NdpOptionType[o.type]).u8(1).bytes(mac);
  },
  decode(r: Reader): NdpOption {
    const start = r.offset;
    const type = r.u8('option type');
    const length = r.u8('option length');
    // RFC 4861 section 4.6: "Nodes MUST silently discard an ND packet that contains an option
    // with length zero."
    if (length === 0) throw decodeError(DecodeFailure.malformed, 'ND option with length zero', start + 1);
    const body = r.bytes(length * 8 - 2, 'option body');
    if (type === NdpOptionType.sourceLinkLayerAddress || type === NdpOptionType.targetLinkLayerAddress) {
      if (length !== 1) {
        throw decodeError(
          DecodeFailure.malformed,
          `link-layer address option of length ${length} on Ethernet`,
          start + 1,
        );
      }
      return {
        type:
          type === NdpOptionType.sourceLinkLayerAddress ? 'sourceLinkLayerAddress' : 'targetLinkLayerAddress',
        address: macFromBytes(body, 0),
      };
    }
    return { type: 'other', optionType: type, body: body.slice() };
  },
};

/**
 * The ICMPv6 body of an NS or NA. The checksum depends on the IPv6 addresses, so this codec
 * writes it as zero and does not check it: `ndpPacketCodec` fills and verifies it.
 */
export const ndpMessageCodec: Codec<NdpMessage> = {
  encode(m: NdpMessage, w: Writer): void {
    w.u8(NdpType[m.type]).u8(m.code).u16(0);
    if (m.type === 'neighborAdvertisement') {
      w.u32(
        ((m.router ? 0x80000000 : 0) | (m.solicited ? 0x40000000 : 0) | (m.override ? 0x20000000 : 0)) >>> 0,
      );
    } else {
      w.u32(0);
    }
    if (m.targetAddress.family !== 6) throw new RangeError('the target of NS/NA is an IPv6 address');
    w.bytes(m.targetAddress.toBytes());
    for (const o of m.options) ndpOptionCodec.encode(o, w);
  },
  decode(r: Reader): NdpMessage {
    const start = r.offset;
    const type = r.u8('ICMPv6 type');
    const code = r.u8('ICMPv6 code');
    r.u16('ICMPv6 checksum');
    if (type !== NdpType.neighborSolicitation && type !== NdpType.neighborAdvertisement) {
      throw decodeError(DecodeFailure.unsupported, `ICMPv6 type ${type} is not NS or NA`, start);
    }
    const flags = r.u32('flags/reserved');
    const targetAddress = IPAddress.fromBytes(r.bytes(16, 'target address'));
    const options: NdpOption[] = [];
    while (!r.atEnd) options.push(ndpOptionCodec.decode(r));
    if (type === NdpType.neighborSolicitation)
      return { type: 'neighborSolicitation', code, targetAddress, options };
    return {
      type: 'neighborAdvertisement',
      code,
      router: (flags & 0x80000000) !== 0,
      solicited: (flags & 0x40000000) !== 0,
      override: (flags & 0x20000000) !== 0,
      targetAddress,
      options,
    };
  },
};

/** An NS or NA in its IPv6 packet: what travels in the Ethernet payload. */
export interface NdpPacket {
  readonly source: IPAddress;
  readonly destination: IPAddress;
  /** 255 on every valid ND packet (RFC 4861 sections 7.1.1, 7.1.2): validation checks it. */
  readonly hopLimit: number;
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly message: NdpMessage;
}

/**
 * IPv6 header + ICMPv6 NS/NA with the checksum computed on encode and verified on decode
 * (a wrong checksum is `malformed`; any other next header or ICMPv6 type is `unsupported`).
 */
export const ndpPacketCodec: Codec<NdpPacket> = {
  encode(p: NdpPacket, w: Writer): void {
    const body = new Writer(64);
    ndpMessageCodec.encode(p.message, body);
    const icmp = body.finish();
    const sum = icmpv6Checksum(p.source.toBytes(), p.destination.toBytes(), icmp);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 0xff;
    ipv6PacketCodec.encode(
      {
        trafficClass: p.trafficClass,
        flowLabel: p.flowLabel,
        nextHeader: NEXT_HEADER_ICMPV6,
        hopLimit: p.hopLimit,
        source: p.source,
        destination: p.destination,
        payload: icmp,
      },
      w,
    );
  },
  decode(r: Reader): NdpPacket {
    const start = r.offset;
    const ip = ipv6PacketCodec.decode(r);
    if (ip.nextHeader !== NEXT_HEADER_ICMPV6) {
      throw decodeError(DecodeFailure.unsupported, `next header ${ip.nextHeader} is not ICMPv6`, start + 6);
    }
    if (icmpv6Checksum(ip.source.toBytes(), ip.destination.toBytes(), ip.payload) !== 0) {
      throw decodeError(DecodeFailure.malformed, 'bad ICMPv6 checksum', start + 42);
    }
    const inner = new Reader(ip.payload);
    let message: NdpMessage;
    try {
      message = ndpMessageCodec.decode(inner);
    } catch (err) {
      if (err instanceof DecodeError) {
        throw new DecodeError(err.failure, err.message, {
          offset: start + 40 + err.offset,
          code: err.code,
          cause: err,
        });
      }
      throw err;
    }
    return {
      source: ip.source,
      destination: ip.destination,
      hopLimit: ip.hopLimit,
      trafficClass: ip.trafficClass,
      flowLabel: ip.flowLabel,
      message,
    };
  },
};
