import { IronLbError } from '@ironlb/wire';

/**
 * An IEEE 802 MAC address in canonical text: six lower-case two-digit hex groups joined by
 * colons (`02:00:00:00:00:02`). Strings compare, hash and log well; the codecs convert at the
 * edge.
 */
export type MacAddress = string & { readonly __mac?: never };

export const BROADCAST_MAC: MacAddress = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC: MacAddress = '00:00:00:00:00:00';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Formats 6 bytes (from `offset`) as a MacAddress. */
export function macFromBytes(bytes: Uint8Array, offset = 0): MacAddress {
  if (offset < 0 || offset + 6 > bytes.length) throw new RangeError('a MAC address is 6 bytes');
  return `${HEX[bytes[offset]!]}:${HEX[bytes[offset + 1]!]}:${HEX[bytes[offset + 2]!]}:${HEX[bytes[offset + 3]!]}:${HEX[bytes[offset + 4]!]}:${HEX[bytes[offset + 5]!]}`;
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Parses `aa:bb:cc:dd:ee:ff` (also `-` separated, any case) into canonical form. */
export function parseMac(text: string): MacAddress {
  const canonical = text.toLowerCase().replace(/-/g, ':');
  if (!MAC_RE.test(canonical)) {
    throw new IronLbError('ERR_IRONLB_L2_INVALID_MAC', `not a MAC address: ${JSON.stringify(text)}`);
  }
  return canonical;
}

export function isMac(text: string): text is MacAddress {
  return MAC_RE.test(text);
}

/** The 6 bytes of a canonical MacAddress. */
export function macToBytes(mac: MacAddress): Uint8Array {
  const out = new Uint8Array(6);
  writeMac(out, 0, mac);
  return out;
}

/** Writes a canonical MacAddress into `bytes` at `offset`. */
export function writeMac(bytes: Uint8Array, offset: number, mac: MacAddress): void {
  if (mac.length !== 17) throw new RangeError(`not a canonical MAC address: ${JSON.stringify(mac)}`);
  for (let i = 0; i < 6; i++) {
    const v = parseInt(mac.slice(i * 3, i * 3 + 2), 16);
    if (Number.isNaN(v)) throw new RangeError(`not a canonical MAC address: ${JSON.stringify(mac)}`);
    bytes[offset + i] = v;
  }
}

/** Group bit (I/G) set: multicast or broadcast (IEEE 802-2014 section 8.2). */
export function isMulticastMac(mac: MacAddress): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/**
 * The Ethernet address an IPv6 multicast group maps to: 33:33 and the low 32 bits of the
 * group (RFC 2464 section 7).
 */
export function ipv6MulticastMac(group: Uint8Array): MacAddress {
  if (group.length !== 16) throw new RangeError('an IPv6 address is 16 bytes');
  return `33:33:${HEX[group[12]!]}:${HEX[group[13]!]}:${HEX[group[14]!]}:${HEX[group[15]!]}`;
}
