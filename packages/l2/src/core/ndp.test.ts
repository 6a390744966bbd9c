import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IPAddress } from '@ironlb/netaddr';
import { concatBytes, DecodeError, encodeWith, fromHex, Reader, toHex } from '@ironlb/wire';
import { expectDecodeError, expectRoundTrip } from '@ironlb/wire/testing';
import { ndpMessageArb, ndpOptionArb, ndpPacketArb } from '../testing/arbitraries.js';
import { goldenFrame } from '../testing/golden-frames.js';
import { icmpv6Checksum } from './icmpv6-checksum.js';
import { ndpMessageCodec, ndpOptionCodec, ndpPacketCodec, type NdpPacket } from './ndp.js';

const ip = (s: string) => IPAddress.parse(s);
const decodePacket = (frame: Uint8Array) => ndpPacketCodec.decode(new Reader(frame, 14));

describe('NDP codec (RFC 4861 NS/NA in IPv6)', () => {
  it('decodes a captured Linux NS and re-encodes it byte for byte (golden, segments)', () => {
    const frame = goldenFrame('ns-linux');
    const segments = [
      fromHex('6000 0000 0020 3a ff'), // version 6, payload 32, ICMPv6, hop limit 255
      fromHex('2001 0db8 0000 0000 0000 0000 0000 0100'), // source 2001:db8::100
      fromHex('ff02 0000 0000 0000 0000 0001 ff00 0011'), // solicited-node group of ::11
      fromHex('87 00 1b07'), // type 135, code 0, checksum
      fromHex('0000 0000'), // reserved
      fromHex('2001 0db8 0000 0000 0000 0000 0000 0011'), // target 2001:db8::11
      fromHex('01 01 020000000004'), // source link-layer address option
    ];
    expect(frame.subarray(14)).toEqual(concatBytes(...segments));
    const want: NdpPacket = {
      source: ip('2001:db8::100'),
      destination: ip('ff02::1:ff00:11'),
      hopLimit: 255,
      trafficClass: 0,
      flowLabel: 0,
      message: {
        type: 'neighborSolicitation',
        code: 0,
        targetAddress: ip('2001:db8::11'),
        options: [{ type: 'sourceLinkLayerAddress', address: '02:00:00:00:00:04' }],
      },
    };
    expect(decodePacket(frame)).toEqual(want);
    expectRoundTrip(ndpPacketCodec, want, toHex(frame.subarray(14)));
  });

  it('decodes a captured solicited NA (S, O, target link-layer address) and re-encodes it', () => {
    const frame = goldenFrame('na-linux-solicited');
    const p = decodePacket(frame);
    expect(p.message).toEqual({
      type: 'neighborAdvertisement',
      code: 0,
      router: false,
      solicited: true,
      override: true,
      targetAddress: ip('2001:db8::11'),
      options: [{ type: 'targetLinkLayerAddress', address: '02:00:00:00:00:02' }],
    });
    expectRoundTrip(ndpPacketCodec, p, toHex(frame.subarray(14)));
  });

  it('decodes a DAD probe (source ::, nonce option kept raw) and an unsolicited NA', () => {
    const dad = decodePacket(goldenFrame('ns-dad-linux'));
    expect(dad.source.isUnspecified()).toBe(true);
    expect(dad.message.options).toEqual([{ type: 'other', optionType: 14, body: fromHex('40b29ab0ea20') }]);
    expectRoundTrip(ndpPacketCodec, dad, toHex(goldenFrame('ns-dad-linux').subarray(14)));
    const na = decodePacket(goldenFrame('na-unsolicited-linux'));
    expect(na.message).toMatchObject({ type: 'neighborAdvertisement', solicited: false, override: true });
    expect(na.destination.toString()).toBe('ff02::1');
  });

  it('the checksum of every captured NS/NA verifies, and matches a recomputation', () => {
    for (const name of ['ns-linux', 'na-linux-solicited', 'ns-dad-linux', 'na-unsolicited-linux']) {
      const f = goldenFrame(name);
      const icmp = f.slice(54);
      const sum = (icmp[2]! << 8) | icmp[3]!;
      icmp[2] = icmp[3] = 0;
      expect(icmpv6Checksum(f.subarray(22, 38), f.subarray(38, 54), icmp)).toBe(sum);
    }
  });

  it('ignores Ethernet padding after the IPv6 payload', () => {
    const f = goldenFrame('ns-linux');
    const padded = new Uint8Array(f.length + 10);
    padded.set(f);
    const r = new Reader(padded, 14);
    ndpPacketCodec.decode(r);
    expect(r.offset).toBe(f.length);
  });

  const ns = toHex(goldenFrame('ns-linux').subarray(14));
  const withByte = (hex: string, index: number, value: number) => {
    const b = fromHex(hex);
    b[index] = value;
    return toHex(b);
  };
  /** Recomputes the ICMPv6 checksum so that the row tests what it names, not the checksum. */
  const fixSum = (hex: string) => {
    const b = fromHex(hex);
    const icmp = b.subarray(40, 40 + ((b[4]! << 8) | b[5]!));
    icmp[2] = icmp[3] = 0;
    const sum = icmpv6Checksum(b.subarray(8, 24), b.subarray(24, 40), icmp);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 0xff;
    return toHex(b);
  };
  // Longer option: payload length 40, option length 2 (16 octets).
  const longOption = fixSum(withByte(withByte(ns, 5, 0x28), 65, 2) + '0000000000000000');
  it.each([
    ['empty', '', 'truncated', 0],
    ['IPv4 version nibble', withByte(ns, 0, 0x45), 'malformed', 0],
    ['payload length beyond the frame', withByte(ns, 5, 0x40), 'truncated', 40],
    ['next header UDP', withByte(ns, 6, 17), 'unsupported', 6],
    ['bad checksum', withByte(ns, 43, 0x08), 'malformed', 42],
    ['ICMPv6 echo request (type 128)', fixSum(withByte(ns, 40, 128)), 'unsupported', 40],
    ['NS shorter than 24 octets', fixSum(withByte(ns.slice(0, 2 * 60), 5, 20)), 'truncated', 48],
    ['option length zero (RFC 4861 section 4.6)', fixSum(withByte(ns, 65, 0)), 'malformed', 65],
    ['option running past the message', fixSum(withByte(ns, 65, 2)), 'truncated', 66],
    ['link-layer address option of length 2', longOption, 'malformed', 65],
  ])('%s -> %s', (_name, hex, failure, offset) => {
    const err = expectDecodeError(ndpPacketCodec, hex);
    expect({ failure: err.failure, offset: err.offset }).toEqual({ failure, offset });
  });

  it('a Router Solicitation is unsupported (not NS/NA)', () => {
    expect(expectDecodeError(ndpPacketCodec, goldenFrame('rs-linux').subarray(14)).failure).toBe(
      'unsupported',
    );
  });

  test.prop([ndpOptionArb])('option: decode(encode(x)) equals x', (o) => {
    expectRoundTrip(ndpOptionCodec, o);
  });
  test.prop([ndpMessageArb])('message: decode(encode(x)) equals x', (m) => {
    expectRoundTrip(ndpMessageCodec, m);
  });
  test.prop([ndpPacketArb])('packet: decode(encode(x)) equals x, checksum included', (p) => {
    expectRoundTrip(ndpPacketCodec, p);
  });
  test.prop([fc.uint8Array({ maxLength: 120 })])('arbitrary bytes only ever throw DecodeError', (bytes) => {
    try {
      ndpPacketCodec.decode(new Reader(bytes));
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });
  test.prop([ndpPacketArb, fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'flipping any byte of an encoded packet never throws anything but DecodeError',
    (p, at, xor) => {
      const w = fromHex(toHex(encodePacket(p)));
      w[at % w.length] ^= xor;
      try {
        ndpPacketCodec.decode(new Reader(w));
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
      }
    },
  );
});

function encodePacket(p: NdpPacket): Uint8Array {
  return encodeWith(ndpPacketCodec, p);
}
