import { DecodeError, DecodeFailure, Reader } from '@ironlb/wire';
import { arpPacketCodec, type ArpPacket } from './arp.js';
import { EtherType, ethernetFrameCodec, type EthernetFrame } from './ethernet.js';
import { ndpPacketCodec, type NdpPacket } from './ndp.js';

/** A received frame this package understands: ARP, or an IPv6 NS/NA. */
export type L2Frame =
  | { readonly kind: 'arp'; readonly ethernet: EthernetFrame; readonly arp: ArpPacket }
  | { readonly kind: 'ndp'; readonly ethernet: EthernetFrame; readonly ndp: NdpPacket };

/**
 * Decodes an Ethernet frame carrying ARP or an ICMPv6 Neighbor Solicitation/Advertisement.
 * Trailing octets after the ARP packet or the IPv6 payload are Ethernet padding and ignored.
 * Throws only `DecodeError`: `unsupported` for other EtherTypes or ICMPv6 types, `truncated`
 * and `malformed` for broken frames.
 */
export function decodeL2Frame(bytes: Uint8Array): L2Frame {
  const ethernet = ethernetFrameCodec.decode(new Reader(bytes));
  const inner = new Reader(bytes, 14);
  if (ethernet.etherType === EtherType.ARP) {
    return { kind: 'arp', ethernet, arp: arpPacketCodec.decode(inner) };
  }
  if (ethernet.etherType === EtherType.IPv6) {
    return { kind: 'ndp', ethernet, ndp: ndpPacketCodec.decode(inner) };
  }
  throw new DecodeError(DecodeFailure.unsupported, `EtherType 0x${ethernet.etherType.toString(16)}`, {
    offset: 12,
    code: 'ERR_IRONLB_L2_DECODE',
  });
}
