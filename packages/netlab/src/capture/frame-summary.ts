/**
 * Just enough Ethernet/ARP/IP decoding for tests to pick frames out of a capture. The real
 * codecs live in `@ironlb/l2` and `@ironlb/bgp`; this is a reading aid, not a codec.
 */

export const EtherType = { IPv4: 0x0800, ARP: 0x0806, IPv6: 0x86dd, VLAN: 0x8100 } as const;

export interface FrameSummary {
  destination: string;
  source: string;
  etherType: number;
  /** ARP fields when etherType is ARP. */
  arp?: { operation: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string };
  /** IPv4 / IPv6 header fields when present. */
  ip?: { version: 4 | 6; source: string; destination: string; protocol: number; ttl: number };
  /** TCP/UDP ports when present (IPv4 without options handled exactly; IPv6 without extension headers). */
  ports?: { source: number; destination: number };
  /** ICMPv6 type when protocol 58. */
  icmpv6Type?: number;
}

/** Summarises an Ethernet II frame; undefined when it is shorter than an Ethernet header. */
export function summarizeFrame(frame: Uint8Array): FrameSummary | undefined {
  if (frame.length < 14) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const summary: FrameSummary = {
    destination: formatMac(frame.subarray(0, 6)),
    source: formatMac(frame.subarray(6, 12)),
    etherType: view.getUint16(12),
  };
  const payload = frame.subarray(14);
  if (summary.etherType === EtherType.ARP && payload.length >= 28) {
    summary.arp = {
      operation: view.getUint16(14 + 6),
      senderMac: formatMac(payload.subarray(8, 14)),
      senderIp: payload.subarray(14, 18).join('.'),
      targetMac: formatMac(payload.subarray(18, 24)),
      targetIp: payload.subarray(24, 28).join('.'),
    };
  } else if (summary.etherType === EtherType.IPv4 && payload.length >= 20) {
    const ihl = ((payload[0] ?? 0) & 0x0f) * 4;
    const protocol = payload[9] ?? 0;
    summary.ip = {
      version: 4,
      ttl: payload[8] ?? 0,
      protocol,
      source: payload.subarray(12, 16).join('.'),
      destination: payload.subarray(16, 20).join('.'),
    };
    addPorts(summary, payload.subarray(ihl), protocol);
  } else if (summary.etherType === EtherType.IPv6 && payload.length >= 40) {
    const protocol = payload[6] ?? 0;
    summary.ip = {
      version: 6,
      ttl: payload[7] ?? 0,
      protocol,
      source: formatIpv6(payload.subarray(8, 24)),
      destination: formatIpv6(payload.subarray(24, 40)),
    };
    addPorts(summary, payload.subarray(40), protocol);
    if (protocol === 58 && payload.length > 40) summary.icmpv6Type = payload[40];
  }
  return summary;
}

function addPorts(summary: FrameSummary, l4: Uint8Array, protocol: number): void {
  if ((protocol === 6 || protocol === 17) && l4.length >= 4) {
    summary.ports = {
      source: ((l4[0] ?? 0) << 8) | (l4[1] ?? 0),
      destination: ((l4[2] ?? 0) << 8) | (l4[3] ?? 0),
    };
  }
}

export function formatMac(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** RFC 5952 canonical text (lower case, longest zero run compressed). */
export function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
