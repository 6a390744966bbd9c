import type { PcapFile } from './pcap-reader.js';
import { EtherType, formatIpv6 } from './frame-summary.js';

/** BGP message types (RFC 4271 section 4.1, RFC 2918). */
export const BgpMessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;

/** A BGP message found in a capture. */
export interface CapturedBgpMessage {
  /** Capture time of the segment that completed the message, µs since the epoch. */
  timestampMicros: number;
  /** Capture time of the segment holding its first byte. */
  firstByteMicros: number;
  source: string;
  destination: string;
  sourcePort: number;
  destinationPort: number;
  type: number;
  length: number;
  /** For an IPv4 UPDATE: prefixes in its NLRI field and in its Withdrawn Routes field. */
  nlri?: number;
  withdrawn?: number;
  /** An UPDATE of 23 bytes: the IPv4 End-of-RIB marker (RFC 4724 section 2). */
  endOfRib?: boolean;
}

interface TcpSegment {
  timestampMicros: number;
  source: string;
  destination: string;
  sourcePort: number;
  destinationPort: number;
  seq: number;
  syn: boolean;
  payload: Uint8Array;
}

/**
 * Extracts the BGP messages of every TCP stream to or from `port` (default 179) in an Ethernet
 * capture, reassembling each direction by sequence number: retransmitted bytes are skipped, and
 * after a gap (frames the capture lost) the stream resynchronises on the next BGP marker.
 * Works with GSO/TSO super-segments captured on veth (the IP length bounds each payload, so
 * Ethernet padding is never read as data).
 */
export function bgpMessagesFromPcap(pcap: PcapFile, options: { port?: number } = {}): CapturedBgpMessage[] {
  const port = options.port ?? 179;
  const streams = new Map<
    string,
    { next: number | undefined; buffer: Uint8Array; firstByteMicros: number }
  >();
  const out: CapturedBgpMessage[] = [];
  for (const record of pcap.records) {
    const segment = tcpSegment(record.data, record.timestampMicros);
    if (!segment || (segment.sourcePort !== port && segment.destinationPort !== port)) continue;
    const key = `${segment.source}:${segment.sourcePort}>${segment.destination}:${segment.destinationPort}`;
    let stream = streams.get(key);
    if (!stream || segment.syn) {
      stream = {
        next: segment.syn ? (segment.seq + 1) >>> 0 : undefined,
        buffer: new Uint8Array(0),
        firstByteMicros: 0,
      };
      streams.set(key, stream);
    }
    let payload = segment.payload;
    if (payload.length === 0) continue;
    if (stream.next !== undefined) {
      const offset = (stream.next - segment.seq) | 0; // signed distance, wraps correctly
      if (offset >= payload.length) continue; // retransmission of bytes already seen
      if (offset > 0) payload = payload.subarray(offset);
      if (offset < 0) stream.buffer = new Uint8Array(0); // gap: resynchronise below
    }
    stream.next = (segment.seq + segment.payload.length) >>> 0;
    if (stream.buffer.length === 0) stream.firstByteMicros = segment.timestampMicros;
    stream.buffer = concat(stream.buffer, payload);
    stream.buffer = drain(stream.buffer, (message, length, type) => {
      out.push({
        timestampMicros: segment.timestampMicros,
        firstByteMicros: stream.firstByteMicros,
        source: segment.source,
        destination: segment.destination,
        sourcePort: segment.sourcePort,
        destinationPort: segment.destinationPort,
        type,
        length,
        ...(type === BgpMessageType.UPDATE ? updateCounts(message) : {}),
      });
      stream.firstByteMicros = segment.timestampMicros;
    });
  }
  return out;
}

/** Calls `emit` for each complete message at the front of `buffer`; returns what is left. */
function drain(
  buffer: Uint8Array,
  emit: (message: Uint8Array, length: number, type: number) => void,
): Uint8Array {
  let at = 0;
  for (;;) {
    // Resynchronise on the 16-byte all-ones marker if the stream is not at one.
    while (at + 16 <= buffer.length && !isMarker(buffer, at)) at++;
    if (at + 19 > buffer.length) break;
    const length = ((buffer[at + 16] ?? 0) << 8) | (buffer[at + 17] ?? 0);
    if (length < 19 || length > 65535) {
      at++;
      continue;
    }
    if (at + length > buffer.length) break;
    emit(buffer.subarray(at, at + length), length, buffer[at + 18] ?? 0);
    at += length;
  }
  return buffer.slice(at);
}

function isMarker(buffer: Uint8Array, at: number): boolean {
  for (let i = 0; i < 16; i++) if (buffer[at + i] !== 0xff) return false;
  return true;
}

/*
 * UPDATE body (RFC 4271 section 4.3), after the 19-byte header:
 *   Withdrawn Routes Length (2) | Withdrawn Routes (var) |
 *   Total Path Attribute Length (2) | Path Attributes (var) | NLRI (var)
 * Each prefix: length in bits (1) then ceil(bits / 8) bytes.
 */
function updateCounts(message: Uint8Array): { nlri: number; withdrawn: number; endOfRib: boolean } {
  const body = message.subarray(19);
  const withdrawnLength = ((body[0] ?? 0) << 8) | (body[1] ?? 0);
  const withdrawn = countPrefixes(body.subarray(2, 2 + withdrawnLength));
  const attrsAt = 2 + withdrawnLength;
  const attrsLength = ((body[attrsAt] ?? 0) << 8) | (body[attrsAt + 1] ?? 0);
  const nlri = countPrefixes(body.subarray(attrsAt + 2 + attrsLength));
  return { nlri, withdrawn, endOfRib: message.length === 23 };
}

function countPrefixes(bytes: Uint8Array): number {
  let count = 0;
  for (let at = 0; at < bytes.length; count++) at += 1 + Math.ceil((bytes[at] ?? 0) / 8);
  return count;
}

function tcpSegment(frame: Uint8Array, timestampMicros: number): TcpSegment | undefined {
  if (frame.length < 14) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const etherType = view.getUint16(12);
  let ipPayload: Uint8Array;
  let source: string;
  let destination: string;
  if (etherType === EtherType.IPv4 && frame.length >= 34) {
    const ip = frame.subarray(14);
    if ((ip[9] ?? 0) !== 6) return undefined;
    const headerLength = ((ip[0] ?? 0) & 0x0f) * 4;
    const totalLength = view.getUint16(16) || ip.length; // 0 on some GSO captures
    ipPayload = ip.subarray(headerLength, Math.min(totalLength, ip.length));
    source = ip.subarray(12, 16).join('.');
    destination = ip.subarray(16, 20).join('.');
  } else if (etherType === EtherType.IPv6 && frame.length >= 54) {
    const ip = frame.subarray(14);
    if ((ip[6] ?? 0) !== 6) return undefined; // extension headers are not followed
    const payloadLength = view.getUint16(18) || ip.length - 40;
    ipPayload = ip.subarray(40, Math.min(40 + payloadLength, ip.length));
    source = formatIpv6(ip.subarray(8, 24));
    destination = formatIpv6(ip.subarray(24, 40));
  } else {
    return undefined;
  }
  if (ipPayload.length < 20) return undefined;
  const tcp = new DataView(ipPayload.buffer, ipPayload.byteOffset, ipPayload.byteLength);
  const dataOffset = ((ipPayload[12] ?? 0) >> 4) * 4;
  return {
    timestampMicros,
    source,
    destination,
    sourcePort: tcp.getUint16(0),
    destinationPort: tcp.getUint16(2),
    seq: tcp.getUint32(4),
    syn: ((ipPayload[13] ?? 0) & 0x02) !== 0,
    payload: ipPayload.subarray(dataOffset),
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
