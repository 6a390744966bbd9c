import type { Codec, Reader, Writer } from '@ironlb/wire';
import { DecodeError, DecodeFailure } from '@ironlb/wire';
import { macFromBytes, macToBytes, type MacAddress } from './mac.js';

/** EtherType values (IEEE 802 numbers) this package meets. */
export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPv6: 0x86dd,
} as const;

/** Smallest Ethernet frame without the FCS (IEEE 802.3 section 3.2.8): shorter frames are padded. */
export const ETHERNET_MIN_FRAME = 60;
export const ETHERNET_HEADER = 14;

/**
 * An Ethernet II frame as it reaches an AF_PACKET socket (no preamble, no FCS).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Destination MAC address (6 octets)            |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                   Source MAC address (6 octets)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |  Payload (46..1500, padded) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * `payload` is everything after the EtherType, padding included: the protocol inside knows
 * its own length. A type field below 0x0600 is an IEEE 802.3 length, not an EtherType, and
 * is rejected as unsupported.
 */
export interface EthernetFrame {
  readonly destination: MacAddress;
  readonly source: MacAddress;
  readonly etherType: number;
  readonly payload: Uint8Array;
}

export const ethernetFrameCodec: Codec<EthernetFrame> = {
  encode(frame: EthernetFrame, w: Writer): void {
    w.bytes(macToBytes(frame.destination))
      .bytes(macToBytes(frame.source))
      .u16(frame.etherType)
      .bytes(frame.payload);
  },
  decode(r: Reader): EthernetFrame {
    const header = r.bytes(ETHERNET_HEADER, 'Ethernet header');
    const etherType = (header[12]! << 8) | header[13]!;
    if (etherType < 0x0600) {
      throw new DecodeError(DecodeFailure.unsupported, `type field ${etherType} is an IEEE 802.3 length`, {
        offset: r.offset - 2,
        code: 'ERR_IRONLB_L2_DECODE',
      });
    }
    return {
      destination: macFromBytes(header, 0),
      source: macFromBytes(header, 6),
      etherType,
      payload: r.rest(),
    };
  },
};

/** Pads a frame with zeros to the Ethernet minimum (60 octets before the FCS). */
export function padFrame(frame: Uint8Array): Uint8Array {
  if (frame.length >= ETHERNET_MIN_FRAME) return frame;
  const out = new Uint8Array(ETHERNET_MIN_FRAME);
  out.set(frame);
  return out;
}
