import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildPcap, parsePcap } from './pcap-reader.js';
import { summarizeFrame, formatIpv6 } from './frame-summary.js';

// A gratuitous ARP request from 02:00:00:00:00:02 for 198.51.100.10, as arping -U sends it.
const garp = Uint8Array.from([
  ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // destination: broadcast
  ...[0x02, 0x00, 0x00, 0x00, 0x00, 0x02], // source
  ...[0x08, 0x06], // EtherType ARP
  ...[0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01], // Ethernet/IPv4, request
  ...[0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 198, 51, 100, 10], // sender
  ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 198, 51, 100, 10], // target
]);

describe('parsePcap', () => {
  it('reads a little-endian microsecond file (tcpdump -w on x86)', () => {
    const bytes = buildPcap([
      { timestampMicros: 1_700_000_000_123_456, data: garp },
      { timestampMicros: 1_700_000_001_000_001, data: garp.subarray(0, 20) },
    ]);
    const file = parsePcap(bytes);
    expect(file).toMatchObject({ littleEndian: true, nanosecond: false, linkType: 1, truncated: false });
    expect(file.records).toHaveLength(2);
    expect(file.records[0]?.timestampMicros).toBe(1_700_000_000_123_456);
    expect(file.records[0]?.timestampNanos).toBe(1_700_000_000_123_456_000n);
    expect(file.records[1]?.data).toHaveLength(20);
  });

  it('reads big-endian nanosecond files', () => {
    const bytes = new Uint8Array(24 + 16 + 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0xa1b23c4d, false);
    view.setUint16(4, 2, false);
    view.setUint16(6, 4, false);
    view.setUint32(16, 65535, false);
    view.setUint32(20, 1, false);
    view.setUint32(24, 10, false);
    view.setUint32(28, 999_999_999, false);
    view.setUint32(32, 4, false);
    view.setUint32(36, 60, false);
    const file = parsePcap(bytes);
    expect(file).toMatchObject({ littleEndian: false, nanosecond: true, snapLength: 65535 });
    expect(file.records[0]).toMatchObject({ tsSec: 10, timestampNanos: 10_999_999_999n, originalLength: 60 });
  });

  it('drops a record cut short by a stopped capture and says so', () => {
    const bytes = buildPcap([{ timestampMicros: 1, data: garp }]);
    const file = parsePcap(bytes.subarray(0, bytes.length - 5));
    expect(file.truncated).toBe(true);
    expect(file.records).toEqual([]);
  });

  it('rejects pcapng and short files with a stable code', () => {
    expect(() => parsePcap(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(20).fill(0)]))).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_NETLAB_PARSE' }),
    );
    expect(() => parsePcap(new Uint8Array(3))).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_NETLAB_PARSE' }),
    );
  });

  it('round-trips arbitrary records and never throws anything but a parse error on arbitrary bytes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            timestampMicros: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((s) => s * 1e6 + 7),
            data: fc.uint8Array({ maxLength: 80 }),
          }),
          { maxLength: 10 },
        ),
        (records) => {
          const file = parsePcap(buildPcap(records));
          expect(file.records.map((r) => ({ timestampMicros: r.timestampMicros, data: r.data }))).toEqual(
            records,
          );
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parsePcap(bytes);
        } catch (err) {
          expect((err as { code?: string }).code).toBe('ERR_IRONLB_NETLAB_PARSE');
        }
      }),
    );
  });
});

describe('summarizeFrame', () => {
  it('decodes an ARP frame', () => {
    expect(summarizeFrame(garp)).toEqual({
      destination: 'ff:ff:ff:ff:ff:ff',
      source: '02:00:00:00:00:02',
      etherType: 0x0806,
      arp: {
        operation: 1,
        senderMac: '02:00:00:00:00:02',
        senderIp: '198.51.100.10',
        targetMac: 'ff:ff:ff:ff:ff:ff',
        targetIp: '198.51.100.10',
      },
    });
    expect(summarizeFrame(garp.subarray(0, 10))).toBeUndefined();
  });

  it('formats IPv6 addresses canonically (RFC 5952)', () => {
    const addr = new Uint8Array(16);
    addr.set([0x20, 0x01, 0x0d, 0xb8]);
    addr[15] = 0x11;
    expect(formatIpv6(addr)).toBe('2001:db8::11');
    expect(formatIpv6(new Uint8Array(16))).toBe('::');
  });
});
