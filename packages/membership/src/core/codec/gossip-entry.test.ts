import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DecodeError, Reader, encodeWith } from '@ironlb/wire';
import { expectDecodeError, expectRoundTrip } from '@ironlb/wire/testing';
import { type GossipEntry, gossipEntryCodec, gossipEntryLength } from './gossip-entry.js';
import { arbGossipEntry } from '../../testing/arbitraries.js';

// Golden vectors assembled by hand from the layout in gossip-entry.ts, one segment per field.
const golden: Array<[string, GossipEntry, string]> = [
  [
    'alive',
    { kind: 'alive', member: 'node-a', incarnation: 1 },
    `01                       # kind alive
     00 00 00 00 00 00 00 01  # incarnation 1
     06 6e 6f 64 65 2d 61     # member "node-a"
     00                       # no from`,
  ],
  [
    'suspect',
    { kind: 'suspect', member: 'b', incarnation: 1732240000000, from: 'c' },
    `02                       # kind suspect
     00 00 01 93 51 8c c4 00  # incarnation 1732240000000 (ms)
     01 62                    # member "b"
     01 63                    # from "c"`,
  ],
  [
    'dead',
    { kind: 'dead', member: 'n1', incarnation: 9007199254740991, from: 'n2' },
    `03 00 1f ff ff ff ff ff ff  # dead, incarnation 2^53 - 1
     02 6e 31 02 6e 32`,
  ],
  ['left', { kind: 'left', member: 'x', incarnation: 0 }, '04 0000000000000000 01 78 00'],
];

describe('gossipEntryCodec', () => {
  it.each(golden)('round-trips the golden %s entry', (_name, entry, hex) => {
    const bytes = expectRoundTrip(gossipEntryCodec, entry, hex);
    expect(gossipEntryLength(entry)).toBe(bytes.length);
  });

  const malformed: Array<[string, string, string]> = [
    ['empty input', '', 'truncated'],
    ['unknown kind 0', '00 0000000000000001 01 61 00', 'malformed'],
    ['unknown kind 5', '05 0000000000000001 01 61 00', 'malformed'],
    ['incarnation above 2^53-1', '01 0020000000000000 01 61 00', 'malformed'],
    ['empty member name', '01 0000000000000001 00 00', 'malformed'],
    ['member name with a space', '01 0000000000000001 02 61 20 00', 'malformed'],
    ['member name with a high byte', '01 0000000000000001 01 c3 00', 'malformed'],
    ['member name longer than the input', '01 0000000000000001 09 61 62', 'truncated'],
    ['alive carrying a from name', '01 0000000000000001 01 61 01 62', 'malformed'],
    ['suspect without from', '02 0000000000000001 01 61 00', 'malformed'],
    ['dead with truncated from', '03 0000000000000001 01 61 03 62', 'truncated'],
    ['missing from length byte', '04 0000000000000001 01 61', 'truncated'],
  ];
  it.each(malformed)('rejects %s as %s', (_name, hex, failure) => {
    const err = expectDecodeError(gossipEntryCodec, hex);
    expect(err.failure).toBe(failure);
    expect(err.code).toBe('ERR_IRONLB_DECODE');
  });

  it('refuses to encode invalid names and incarnations', () => {
    expect(() => encodeWith(gossipEntryCodec, { kind: 'alive', member: '', incarnation: 1 })).toThrow(
      RangeError,
    );
    expect(() => encodeWith(gossipEntryCodec, { kind: 'alive', member: 'a b', incarnation: 1 })).toThrow(
      RangeError,
    );
    expect(() => encodeWith(gossipEntryCodec, { kind: 'alive', member: 'a', incarnation: -1 })).toThrow(
      RangeError,
    );
    expect(() => encodeWith(gossipEntryCodec, { kind: 'alive', member: 'a', incarnation: 1.5 })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeWith(gossipEntryCodec, { kind: 'alive', member: 'a'.repeat(254), incarnation: 1 }),
    ).toThrow(RangeError);
  });

  test.prop([arbGossipEntry])('decode(encode(x)) equals x and the length matches', (entry) => {
    const bytes = expectRoundTrip(gossipEntryCodec, entry);
    expect(gossipEntryLength(entry)).toBe(bytes.length);
  });

  test.prop([fc.uint8Array({ maxLength: 80 })])('arbitrary bytes throw only DecodeError', (bytes) => {
    try {
      gossipEntryCodec.decode(new Reader(bytes));
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });
});
