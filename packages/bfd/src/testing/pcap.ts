/**
 * A minimal reader of classic pcap files (as `tcpdump -w` writes them) that yields the UDP
 * datagrams inside, with their capture timestamps and IP TTL / hop limit. For fixtures
 * (extracting captured BFD packets) and for the interval-accuracy measurement.
 * Supports Ethernet (linktype 1) and Linux cooked v1 (113) framing, IPv4 and IPv6.
 */
export interface CapturedDatagram {
  /** Capture time in microseconds since the epoch. */
  readonly timeUs: number;
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  readonly payload: Uint8Array;
}

export function readPcapUdp(file: Uint8Array): CapturedDatagram[] {
  if (file.length < 24) return [];
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = dv.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  if (!little && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error('not a pcap file');
  const linkType = dv.getUint32(20, little);
  const out: CapturedDatagram[] = [];
  let at = 24;
  while (at + 16 <= file.length) {
    const sec = dv.getUint32(at, little);
    const frac = dv.getUint32(at + 4, little);
    const incl = dv.getUint32(at + 8, little);
    const frame = file.subarray(at + 16, at + 16 + incl);
    at += 16 + incl;
    const timeUs = sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac);
    const d = parseFrame(frame, linkType, timeUs);
    if (d) out.push(d);
  }
  return out;
}

function parseFrame(frame: Uint8Array, linkType: number, timeUs: number): CapturedDatagram | undefined {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at: number;
  let etherType: number;
  if (linkType === 1) {
    if (frame.length < 14) return undefined;
    etherType = dv.getUint16(12);
    at = 14;
  } else if (linkType === 113) {
    if (frame.length < 16) return undefined;
    etherType = dv.getUint16(14);
    at = 16;
  } else return undefined;
  let source: string;
  let destination: string;
  let ttl: number;
  if (etherType === 0x0800) {
    if (frame.length < at + 20 || frame[at + 9] !== 17) return undefined;
    const ihl = (frame[at]! & 0x0f) * 4;
    ttl = frame[at + 8]!;
    source = Array.from(frame.subarray(at + 12, at + 16)).join('.');
    destination = Array.from(frame.subarray(at + 16, at + 20)).join('.');
    at += ihl;
  } else if (etherType === 0x86dd) {
    if (frame.length < at + 40 || frame[at + 6] !== 17) return undefined;
    ttl = frame[at + 7]!;
    source = ipv6(frame.subarray(at + 8, at + 24));
    destination = ipv6(frame.subarray(at + 24, at + 40));
    at += 40;
  } else return undefined;
  if (frame.length < at + 8) return undefined;
  const udpLength = dv.getUint16(at + 4);
  return {
    timeUs,
    source,
    destination,
    sourcePort: dv.getUint16(at),
    destinationPort: dv.getUint16(at + 2),
    ttl,
    payload: frame.slice(at + 8, Math.min(frame.length, at + udpLength)),
  };
}

function ipv6(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}
