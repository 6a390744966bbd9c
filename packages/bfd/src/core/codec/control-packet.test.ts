import { readdirSync, readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { concatBytes, DecodeError, type DecodeFailure, fromHex, toHex } from '@ironlb/wire';
import { expectDecodeError, expectRoundTrip } from '@ironlb/wire/testing';
import { describe, expect, it } from 'vitest';
import { AuthType, BfdState } from '../constants.js';
import { BFD_DECODE_ERROR } from './auth-section.js';
import { controlPacketArb } from '../../testing/arbitraries.js';
import {
  controlPacketCodec,
  decodeControlPacket,
  encodeControlPacket,
  type ControlPacket,
} from './control-packet.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url);
const crashers = new URL('../../../test/crashers/', import.meta.url);

const base: ControlPacket = {
  diagnostic: 0,
  state: BfdState.Up,
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  multipoint: false,
  detectMult: 3,
  myDiscriminator: 0x01020304,
  yourDiscriminator: 0xa0b0c0d0,
  desiredMinTxInterval: 100_000,
  requiredMinRxInterval: 300_000,
  requiredMinEchoRxInterval: 0,
};

describe('golden bytes from the RFC 5880 section 4.1 figure', () => {
  // One segment per 32-bit row of the figure.
  const rows = {
    header: '27 e1 05 18', // Vers 1, Diag 7 | Sta Up(3), P, C... see value below | Mult 5 | Length 24
    my: '01 02 03 04',
    your: 'a0 b0 c0 d0',
    desiredTx: '00 01 86 a0', // 100,000 us
    requiredRx: '00 04 93 e0', // 300,000 us
    echoRx: '00 00 c3 50', // 50,000 us
  };
  it('encodes every field where the figure puts it', () => {
    const packet: ControlPacket = {
      ...base,
      diagnostic: 7,
      state: BfdState.Up,
      poll: true, // 0x20
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      multipoint: true, // 0x01
      detectMult: 5,
      requiredMinEchoRxInterval: 50_000,
    };
    const want = concatBytes(...Object.values(rows).map((h) => fromHex(h)));
    expect(toHex(encodeControlPacket(packet))).toBe(toHex(want));
    expectRoundTrip(controlPacketCodec, packet, toHex(want));
  });

  it('puts each flag in its own bit', () => {
    const flags: [keyof ControlPacket, number][] = [
      ['poll', 0x20],
      ['final', 0x10],
      ['controlPlaneIndependent', 0x08],
      ['demand', 0x02],
      ['multipoint', 0x01],
    ];
    for (const [field, bit] of flags) {
      const bytes = encodeControlPacket({ ...base, state: BfdState.AdminDown, [field]: true });
      expect(bytes[1], field).toBe(bit);
    }
    expect(encodeControlPacket({ ...base, state: BfdState.Init })[1]).toBe(0x80);
  });

  it('sets the A bit and the Length from the Keyed SHA1 section (RFC 5880 section 4.4)', () => {
    const packet: ControlPacket = {
      ...base,
      authentication: {
        type: AuthType.KeyedSHA1,
        keyId: 9,
        sequenceNumber: 0x11223344,
        digest: fromHex('000102030405060708090a0b0c0d0e0f10111213'),
      },
    };
    expectRoundTrip(
      controlPacketCodec,
      packet,
      `20 c4 03 34  01020304 a0b0c0d0 000186a0 000493e0 00000000
       04 1c 09 00  11223344  000102030405060708090a0b0c0d0e0f10111213`,
    );
  });

  it('encodes Keyed MD5 (section 4.3) and Simple Password (section 4.2) sections', () => {
    expectRoundTrip(
      controlPacketCodec,
      {
        ...base,
        authentication: {
          type: AuthType.MeticulousKeyedMD5,
          keyId: 1,
          sequenceNumber: 7,
          digest: new Uint8Array(16).fill(0xee),
        },
      },
      `20 c4 03 30  01020304 a0b0c0d0 000186a0 000493e0 00000000
       03 18 01 00  00000007  ${'ee'.repeat(16)}`,
    );
    expectRoundTrip(
      controlPacketCodec,
      {
        ...base,
        authentication: {
          type: AuthType.SimplePassword,
          keyId: 2,
          password: new TextEncoder().encode('secret'),
        },
      },
      `20 c4 03 21  01020304 a0b0c0d0 000186a0 000493e0 00000000
       01 09 02 736563726574`,
    );
  });
});

describe('captured packets', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.hex'));
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s decodes and re-encodes to the same bytes', (file) => {
    const bytes = fromHex(readFileSync(new URL(file, fixtures), 'utf8'));
    const { packet } = decodeControlPacket(bytes);
    expectRoundTrip(controlPacketCodec, packet, toHex(bytes));
  });

  it('reads the fields of FRR bfdd 8.4.4 in Down', () => {
    const bytes = fromHex(readFileSync(new URL('frr-8.4.4-down-slow.hex', fixtures), 'utf8'));
    expect(decodeControlPacket(bytes).packet).toEqual({
      ...base,
      state: BfdState.Down,
      myDiscriminator: 0xb16d0bbe,
      yourDiscriminator: 0,
      desiredMinTxInterval: 1_000_000,
      requiredMinRxInterval: 1_000_000,
      requiredMinEchoRxInterval: 50_000,
    });
  });
});

describe('decodeControlPacket', () => {
  it('ignores bytes after Length and returns the packet bytes', () => {
    const bytes = concatBytes(encodeControlPacket(base), fromHex('deadbeef'));
    const { packet, bytes: own } = decodeControlPacket(bytes);
    expect(packet).toEqual(base);
    expect(own.length).toBe(24);
  });
});

describe('malformed input (RFC 5880 section 6.8.6 structural rules)', () => {
  const good = toHex(encodeControlPacket(base));
  const sha1 = `20c40334 01020304 a0b0c0d0 000186a0 000493e0 00000000 041c0900 11223344 ${'00'.repeat(20)}`;
  const rows: { name: string; hex: string; failure: DecodeFailure; code?: string; offset?: number }[] = [
    { name: 'empty', hex: '', failure: 'truncated' },
    {
      name: 'version 0',
      hex: '0' + good.slice(1),
      failure: 'unsupported',
      code: BFD_DECODE_ERROR,
      offset: 0,
    },
    { name: 'version 2', hex: '4' + good.slice(1), failure: 'unsupported', code: BFD_DECODE_ERROR },
    {
      name: 'Length 23',
      hex: good.slice(0, 6) + '17' + good.slice(8),
      failure: 'malformed',
      code: BFD_DECODE_ERROR,
      offset: 3,
    },
    {
      name: 'Length 0',
      hex: good.slice(0, 6) + '00' + good.slice(8),
      failure: 'malformed',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'Length beyond datagram',
      hex: good.slice(0, 6) + '1c' + good.slice(8),
      failure: 'truncated',
      code: BFD_DECODE_ERROR,
    },
    { name: 'header only', hex: good.slice(0, 8), failure: 'truncated', code: BFD_DECODE_ERROR },
    {
      name: 'Length 28 without A bit',
      hex: good.slice(0, 6) + '1c' + good.slice(8) + '00000000',
      failure: 'trailingBytes',
    },
    {
      name: 'A bit with Length 24',
      hex: '20c40318' + good.slice(8),
      failure: 'malformed',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'A bit with Length 25',
      hex: '20c40319' + good.slice(8) + '04',
      failure: 'malformed',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'A bit, Auth Type 0',
      hex: '20c4031a' + good.slice(8) + '0002',
      failure: 'unsupported',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'A bit, Auth Type 6',
      hex: '20c4031a' + good.slice(8) + '0602',
      failure: 'unsupported',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'SHA1 Auth Len 24',
      hex: sha1.replace('041c0900', '04180900'),
      failure: 'malformed',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'MD5 Auth Len 28',
      hex: sha1.replace('041c0900', '021c0900'),
      failure: 'malformed',
      code: BFD_DECODE_ERROR,
    },
    { name: 'SHA1 Length 51 (one short)', hex: sha1.replace('20c40334', '20c40333'), failure: 'truncated' },
    {
      name: 'SHA1 Length 53 (one long)',
      hex: sha1.replace('20c40334', '20c40335') + '00',
      failure: 'trailingBytes',
    },
    {
      name: 'SHA1 cut in the digest',
      hex: sha1.slice(0, sha1.length - 10),
      failure: 'truncated',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'password Auth Len 3 (empty)',
      hex: '20c4031b' + good.slice(8) + '010301',
      failure: 'malformed',
      code: BFD_DECODE_ERROR,
    },
    {
      name: 'password Auth Len 20 (17 bytes)',
      hex: '20c4032c' + good.slice(8) + '011401' + '61'.repeat(17),
      failure: 'malformed',
    },
  ];
  it.each(rows)('$name', ({ hex, failure, code, offset }) => {
    const err = expectDecodeError(controlPacketCodec, fromHex(hex.replace(/\s/g, '')));
    expect(err.failure).toBe(failure);
    if (code) expect(err.code).toBe(code);
    if (offset !== undefined) expect(err.offset).toBe(offset);
  });
});

describe('properties', () => {
  test.prop([fc.uint8Array({ maxLength: 80 })], { numRuns: 3000 })(
    'arbitrary bytes throw only DecodeError',
    (bytes) => {
      try {
        decodeControlPacket(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
      }
    },
  );

  test.prop([controlPacketArb])('decode(encode(x)) equals x', (packet) => {
    expectRoundTrip(controlPacketCodec, packet);
  });

  test.prop([controlPacketArb, fc.nat(60), fc.integer({ min: 0, max: 255 })])(
    'a packet with one byte changed decodes or throws DecodeError',
    (packet, index, value) => {
      const bytes = encodeControlPacket(packet).slice();
      bytes[index % bytes.length] = value;
      try {
        decodeControlPacket(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
      }
    },
  );
});

describe('crasher corpus', () => {
  const files = readdirSync(crashers).filter((f) => f.endsWith('.hex'));
  it('finds the corpus', () => expect(files.length).toBeGreaterThan(0));
  it.each(files)('%s throws only DecodeError', (file) => {
    const bytes = fromHex(readFileSync(new URL(file, crashers), 'utf8'));
    try {
      decodeControlPacket(bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });
});
