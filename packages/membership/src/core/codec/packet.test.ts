import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DecodeError, Reader, concatBytes, decodeWith, encodeWith, fromHex } from '@ironlb/wire';
import { expectDecodeError, expectRoundTrip } from '@ironlb/wire/testing';
import { arbPacket } from '../../testing/arbitraries.js';
import { TAG_BYTES } from './constants.js';
import { type Packet, baseDatagramLength, datagramLength, packetCodec } from './packet.js';
import { sealedPacketCodec } from './sealed-packet.js';

const fixtures = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures');

// Segments shared by the golden vectors (layout in packet.ts).
const headerHex = (type: string) => `
  49 4c                    # magic "IL"
  01                       # version 1
  ${type}                  # type
  a1 b2 c3 d4              # key id
  00 00 01 93 51 8c c4 00  # epoch 1732240000000
  00 00 00 07              # sequence number 7
  00 00 01 93 51 8c cb d0  # timestamp 1732240002000
  00 00 01 93 51 8c c4 02  # incarnation 1732240000002
  06 6e 6f 64 65 2d 61     # sender "node-a"
`;
const header = { keyId: 0xa1b2c3d4, epoch: 1732240000000, seq: 7, timestamp: 1732240002000 };
const common = { sender: 'node-a', incarnation: 1732240000002 };

const golden: Array<[string, Packet, string]> = [
  [
    'ping with a suspect entry',
    {
      header,
      message: {
        type: 'ping',
        probeId: 42,
        target: 'node-b',
        ...common,
        gossip: [{ kind: 'suspect', member: 'node-c', incarnation: 3, from: 'node-a' }],
      },
    },
    `${headerHex('01')}
     00 00 00 2a              # probe id 42
     06 6e 6f 64 65 2d 62     # target "node-b"
     01                       # one gossip entry
     02 0000000000000003 06 6e6f64652d63 06 6e6f64652d61  # suspect node-c inc 3 from node-a`,
  ],
  [
    'ack',
    { header, message: { type: 'ack', probeId: 0xffffffff, ...common, gossip: [] } },
    `${headerHex('02')} ff ff ff ff 00`,
  ],
  [
    'ping-req',
    { header, message: { type: 'pingReq', probeId: 1, target: 'c', ...common, gossip: [] } },
    `${headerHex('03')} 00 00 00 01 01 63 00`,
  ],
  [
    'nack',
    { header, message: { type: 'nack', probeId: 9, ...common, gossip: [] } },
    `${headerHex('04')} 00 00 00 09 00`,
  ],
  [
    'gossip with two entries',
    {
      header,
      message: {
        type: 'gossip',
        ...common,
        gossip: [
          { kind: 'alive', member: 'b', incarnation: 5 },
          { kind: 'dead', member: 'c', incarnation: 6, from: 'b' },
        ],
      },
    },
    `${headerHex('05')} 02  01 0000000000000005 01 62 00  03 0000000000000006 01 63 01 62`,
  ],
  ['leave', { header, message: { type: 'leave', ...common, gossip: [] } }, `${headerHex('06')} 00`],
];

describe('packetCodec', () => {
  it.each(golden)('round-trips the golden %s', (_name, packet, hex) => {
    const bytes = expectRoundTrip(packetCodec, packet, hex);
    expect(datagramLength(packet.message)).toBe(bytes.length + TAG_BYTES);
    expect(baseDatagramLength({ ...packet.message, gossip: [] })).toBe(
      encodeWith(packetCodec, { header, message: { ...packet.message, gossip: [] } }).length + TAG_BYTES,
    );
  });

  const ok = `${headerHex('02')} 00 00 00 01 00`;
  const malformed: Array<[string, string, string]> = [
    ['empty input', '', 'truncated'],
    ['bad magic', ok.replace('49 4c', '49 4d'), 'malformed'],
    ['version 2', ok.replace('01                       # version 1', '02 # version 2'), 'unsupported'],
    ['unknown type 0', headerHex('00') + ' 00', 'malformed'],
    ['unknown type 7', headerHex('07') + ' 00', 'malformed'],
    ['missing gossip count', `${headerHex('02')} 00 00 00 01`, 'truncated'],
    ['gossip count larger than the entries', `${headerHex('02')} 00 00 00 01 01`, 'truncated'],
    ['trailing byte', `${ok} 00`, 'trailingBytes'],
    ['ping without target', `${headerHex('01')} 00 00 00 01`, 'truncated'],
    ['ping with an empty target', `${headerHex('01')} 00 00 00 01 00 00`, 'malformed'],
    [
      'sender name with a control byte',
      ok.replace('06 6e 6f 64 65 2d 61', '06 6e 6f 64 65 0a 61'),
      'malformed',
    ],
  ];
  it.each(malformed)('rejects %s as %s', (_name, hex, failure) => {
    const err = expectDecodeError(packetCodec, hex);
    expect(err.failure).toBe(failure);
  });

  it('rejects an epoch above 2^53 - 1', () => {
    const bytes = fromHex(ok);
    bytes[8] = 0x00;
    bytes[9] = 0x20;
    expect(expectDecodeError(packetCodec, bytes).failure).toBe('malformed');
  });

  test.prop([arbPacket])('decode(encode(x)) equals x', (packet) => {
    const bytes = expectRoundTrip(packetCodec, packet);
    expect(datagramLength(packet.message)).toBe(bytes.length + TAG_BYTES);
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('arbitrary bytes throw only DecodeError', (bytes) => {
    try {
      decodeWith(packetCodec, bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });

  test.prop([arbPacket, fc.nat(), fc.nat({ max: 255 })])(
    'a valid packet with one byte changed or cut short still throws only DecodeError',
    (packet, position, value) => {
      const bytes = encodeWith(packetCodec, packet).slice();
      const at = position % bytes.length;
      bytes[at] = value;
      for (const input of [bytes, bytes.subarray(0, at)]) {
        try {
          decodeWith(packetCodec, input);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }
    },
  );
});

describe('sealedPacketCodec', () => {
  const signed = fromHex(`${headerHex('02')} 00 00 00 01 00`);
  const tag = new Uint8Array(TAG_BYTES).fill(0xee);

  it('splits a datagram into key id, signed bytes and tag', () => {
    const bytes = expectRoundTrip(sealedPacketCodec, { keyId: 0xa1b2c3d4, signed, tag });
    expect(bytes).toEqual(concatBytes(signed, tag));
  });

  const malformed: Array<[string, Uint8Array, string]> = [
    ['too short for any packet', new Uint8Array(70), 'truncated'],
    ['bad magic', concatBytes(fromHex('0000'), signed.subarray(2), tag), 'malformed'],
    ['version 0', concatBytes(signed.subarray(0, 2), fromHex('00'), signed.subarray(3), tag), 'unsupported'],
  ];
  it.each(malformed)('rejects %s as %s', (_name, bytes, failure) => {
    expect(expectDecodeError(sealedPacketCodec, bytes).failure).toBe(failure);
  });

  test.prop([fc.uint8Array({ maxLength: 200 })])('arbitrary bytes throw only DecodeError', (bytes) => {
    try {
      sealedPacketCodec.decode(new Reader(bytes));
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });
});

describe('committed inputs', () => {
  it('decodes every captured datagram in test/fixtures/captured (PROVENANCE.md)', () => {
    const dir = join(fixtures, 'captured');
    const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const types = new Set<string>();
    for (const file of files) {
      const sealed = decodeWith(sealedPacketCodec, fromHex(readFileSync(join(dir, file), 'utf8')));
      const packet = decodeWith(packetCodec, sealed.signed);
      expect(packet.header.keyId, file).toBe(sealed.keyId);
      expect(packet.message.sender, file).toMatch(/^node-[abc]$/);
      types.add(packet.message.type);
      // Re-encoding gives the captured bytes back.
      expect(encodeWith(packetCodec, packet)).toEqual(sealed.signed);
    }
    expect([...types].sort()).toEqual(['ack', 'gossip', 'leave', 'nack', 'ping', 'pingReq']);
  });

  it('replays the crasher corpus: each input throws only DecodeError', () => {
    const dir = join(fixtures, 'crashers');
    const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = fromHex(readFileSync(join(dir, file), 'utf8'));
      for (const run of [
        () => decodeWith(sealedPacketCodec, bytes),
        () => decodeWith(packetCodec, bytes),
        () => decodeWith(packetCodec, bytes.subarray(0, Math.max(0, bytes.length - TAG_BYTES))),
      ]) {
        try {
          run();
        } catch (err) {
          expect(err, file).toBeInstanceOf(DecodeError);
        }
      }
    }
  });
});
