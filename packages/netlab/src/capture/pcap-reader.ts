import { NetlabError, NetlabErrorCode } from '../errors.js';

/**
 * A reader for the classic libpcap file format (what `tcpdump -w` writes), pure TypeScript.
 *
 * Global header, 24 bytes (byte order given by the magic number):
 *
 *   0                   1                   2                   3
 *   +-------------------------------+-------------------------------+
 *   |  magic 0xa1b2c3d4 (us) or 0xa1b23c4d (ns)                      |
 *   +-------------------------------+-------------------------------+
 *   |  version_major (2)            |  version_minor (4)            |
 *   +-------------------------------+-------------------------------+
 *   |  thiszone (0)                                                 |
 *   |  sigfigs (0)                                                  |
 *   |  snaplen                                                      |
 *   |  linktype (1 = Ethernet)                                      |
 *   +---------------------------------------------------------------+
 *
 * Then records, each a 16-byte header followed by `incl_len` bytes of frame:
 *   ts_sec (4) | ts_usec or ts_nsec (4) | incl_len (4) | orig_len (4)
 *
 * pcapng (what tshark/dumpcap write by default) is not supported.
 */

export const PcapLinkType = { NULL: 0, ETHERNET: 1, RAW: 101, LINUX_SLL: 113, LINUX_SLL2: 276 } as const;

export interface PcapRecord {
  /** Seconds since the epoch. */
  tsSec: number;
  /** Fraction of the second, in microseconds or nanoseconds (see PcapFile.nanosecond). */
  tsFrac: number;
  /** Timestamp in microseconds since the epoch (a double holds it exactly until year 2255). */
  timestampMicros: number;
  /** Timestamp in nanoseconds since the epoch. */
  timestampNanos: bigint;
  /** The bytes captured (up to the snap length). */
  data: Uint8Array;
  /** Length of the frame on the wire. */
  originalLength: number;
}

export interface PcapFile {
  littleEndian: boolean;
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  snapLength: number;
  linkType: number;
  records: PcapRecord[];
  /** True when the file ends inside a record (capture stopped mid-write): that record is dropped. */
  truncated: boolean;
}

/** Parses a classic pcap file. Throws `ERR_IRONLB_NETLAB_PARSE` when the header is not pcap. */
export function parsePcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < 24)
    throw new NetlabError(NetlabErrorCode.ParseError, `pcap file too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBig = view.getUint32(0, false);
  const magicLittle = view.getUint32(0, true);
  let littleEndian: boolean;
  let nanosecond: boolean;
  if (magicLittle === 0xa1b2c3d4 || magicLittle === 0xa1b23c4d) {
    littleEndian = true;
    nanosecond = magicLittle === 0xa1b23c4d;
  } else if (magicBig === 0xa1b2c3d4 || magicBig === 0xa1b23c4d) {
    littleEndian = false;
    nanosecond = magicBig === 0xa1b23c4d;
  } else {
    throw new NetlabError(
      NetlabErrorCode.ParseError,
      `not a classic pcap file (magic 0x${magicBig.toString(16)}; pcapng is not supported)`,
    );
  }
  const u32 = (offset: number): number => view.getUint32(offset, littleEndian);
  const file: PcapFile = {
    littleEndian,
    nanosecond,
    versionMajor: view.getUint16(4, littleEndian),
    versionMinor: view.getUint16(6, littleEndian),
    snapLength: u32(16),
    // The upper 16 bits may carry FCS information; the link type is the lower 16.
    linkType: u32(20) & 0xffff,
    records: [],
    truncated: false,
  };
  let offset = 24;
  while (offset < bytes.length) {
    if (offset + 16 > bytes.length) {
      file.truncated = true;
      break;
    }
    const tsSec = u32(offset);
    const tsFrac = u32(offset + 4);
    const inclLen = u32(offset + 8);
    const origLen = u32(offset + 12);
    if (offset + 16 + inclLen > bytes.length) {
      file.truncated = true;
      break;
    }
    const fracNanos = nanosecond ? tsFrac : tsFrac * 1000;
    file.records.push({
      tsSec,
      tsFrac,
      timestampMicros: tsSec * 1e6 + Math.floor(fracNanos / 1000),
      timestampNanos: BigInt(tsSec) * 1_000_000_000n + BigInt(fracNanos),
      data: bytes.subarray(offset + 16, offset + 16 + inclLen),
      originalLength: origLen,
    });
    offset += 16 + inclLen;
  }
  return file;
}

/** Builds a classic pcap file (microsecond, little-endian, Ethernet): for tests and tools. */
export function buildPcap(
  records: readonly { timestampMicros: number; data: Uint8Array }[],
  snapLength = 262144,
): Uint8Array {
  const size = 24 + records.reduce((sum, record) => sum + 16 + record.data.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, snapLength, true);
  view.setUint32(20, PcapLinkType.ETHERNET, true);
  let offset = 24;
  for (const record of records) {
    view.setUint32(offset, Math.floor(record.timestampMicros / 1e6), true);
    view.setUint32(offset + 4, record.timestampMicros % 1e6, true);
    view.setUint32(offset + 8, record.data.length, true);
    view.setUint32(offset + 12, record.data.length, true);
    out.set(record.data, offset + 16);
    offset += 16 + record.data.length;
  }
  return out;
}
