/** IPv6 Next Header value of ICMPv6 (RFC 4443). */
export const NEXT_HEADER_ICMPV6 = 58;

/**
 * The ICMPv6 checksum (RFC 4443 section 2.3): the 16-bit one's complement of the one's
 * complement sum of the IPv6 pseudo-header (RFC 8200 section 8.1: source, destination,
 * upper-layer packet length as 32 bits, three zero octets, next header 58) and the ICMPv6
 * message. Computed with the message's checksum field set to zero; summing a message with a
 * correct checksum in place yields 0 from `icmpv6ChecksumOf`.
 */
export function icmpv6Checksum(source: Uint8Array, destination: Uint8Array, message: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 16; i += 2)
    sum += ((source[i]! << 8) | source[i + 1]!) + ((destination[i]! << 8) | destination[i + 1]!);
  const len = message.length;
  sum += (len >>> 16) + (len & 0xffff) + NEXT_HEADER_ICMPV6;
  const even = len & ~1;
  for (let i = 0; i < even; i += 2) sum += (message[i]! << 8) | message[i + 1]!;
  if (len & 1) sum += message[len - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** True when `message` (checksum field in place) is intact for this source and destination. */
export function icmpv6ChecksumValid(
  source: Uint8Array,
  destination: Uint8Array,
  message: Uint8Array,
): boolean {
  return icmpv6Checksum(source, destination, message) === 0;
}
