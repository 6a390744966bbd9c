import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IPAddress } from '@ironlb/netaddr';
import { concatBytes, DecodeError, fromHex, Reader, toHex } from '@ironlb/wire';
import { expectDecodeError, expectRoundTrip } from '@ironlb/wire/testing';
import { goldenFrame } from '../testing/golden-frames.js';
import { arpPacketArb } from '../testing/arbitraries.js';
import { ArpOperation, arpPacketCodec, type ArpPacket } from './arp.js';

const ip = (s: string) => IPAddress.parse(s);

describe('ARP codec (RFC 826)', () => {
  it('decodes a captured arping request and re-encodes it byte for byte (golden, segments)', () => {
    const frame = goldenFrame('arp-request-arping');
    const segments = [
      fromHex('0001 0800 06 04 0001'), // Ethernet, IPv4, hln 6, pln 4, request
      fromHex('02 00 00 00 00 04  c0 00 02 64'), // sha, spa 192.0.2.100
      fromHex('ff ff ff ff ff ff  c0 00 02 0b'), // tha (arping writes broadcast), tpa 192.0.2.11
    ];
    expect(frame.subarray(14)).toEqual(concatBytes(...segments));
    const want: ArpPacket = {
      operation: ArpOperation.request,
      senderHardwareAddress: '02:00:00:00:00:04',
      senderProtocolAddress: ip('192.0.2.100'),
      targetHardwareAddress: 'ff:ff:ff:ff:ff:ff',
      targetProtocolAddress: ip('192.0.2.11'),
    };
    expect(arpPacketCodec.decode(new Reader(frame, 14))).toEqual(want);
    expectRoundTrip(arpPacketCodec, want, toHex(concatBytes(...segments)));
  });

  it('decodes the Linux kernel reply and both gratuitous forms', () => {
    const reply = arpPacketCodec.decode(new Reader(goldenFrame('arp-reply-linux'), 14));
    expect(reply).toMatchObject({ operation: 2, senderHardwareAddress: '02:00:00:00:00:02' });
    expect(reply.senderProtocolAddress.toString()).toBe('192.0.2.11');
    for (const name of ['arp-gratuitous-request-arping', 'arp-gratuitous-reply-arping']) {
      const garp = arpPacketCodec.decode(new Reader(goldenFrame(name), 14));
      expect(garp.senderProtocolAddress.equals(garp.targetProtocolAddress)).toBe(true);
    }
  });

  it('ignores Ethernet padding after the 28 octets', () => {
    const padded = new Uint8Array(46);
    padded.set(goldenFrame('arp-reply-linux').subarray(14));
    const r = new Reader(padded);
    arpPacketCodec.decode(r);
    expect(r.offset).toBe(28);
  });

  // Malformed and unsupported inputs: one row per way a packet can be wrong.
  const good = '0001 0800 0604 0001 020000000004 c0000264 ffffffffffff c000020b';
  it.each([
    ['empty', '', 'truncated', 0],
    ['27 octets', good.replace(/ /g, '').slice(0, 54), 'truncated', 0],
    ['hardware type 6 (IEEE 802)', '0006' + good.replace(/ /g, '').slice(4), 'unsupported', 0],
    ['protocol type IPv6', '0001 86dd' + good.replace(/ /g, '').slice(8), 'unsupported', 2],
    ['hardware length 8', '0001 0800 0804' + good.replace(/ /g, '').slice(12), 'malformed', 4],
    ['protocol length 16', '0001 0800 0610' + good.replace(/ /g, '').slice(12), 'malformed', 4],
    [
      'operation 3 (RARP request)',
      '0001 0800 0604 0003' + good.replace(/ /g, '').slice(16),
      'unsupported',
      6,
    ],
    ['operation 0', '0001 0800 0604 0000' + good.replace(/ /g, '').slice(16), 'unsupported', 6],
  ])('%s -> %s', (_name, hex, failure, offset) => {
    const err = expectDecodeError(arpPacketCodec, hex);
    expect(err).toMatchObject({ failure, offset });
  });

  test.prop([arpPacketArb])('decode(encode(x)) equals x', (p) => {
    expectRoundTrip(arpPacketCodec, p);
  });

  test.prop([fc.uint8Array({ maxLength: 40 })])('arbitrary bytes only ever throw DecodeError', (bytes) => {
    try {
      arpPacketCodec.decode(new Reader(bytes));
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });
});
