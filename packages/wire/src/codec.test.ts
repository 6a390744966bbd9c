import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type Codec, decodeWith, encodeWith } from './codec.js';
import { DecodeError } from './errors.js';
import { Reader } from './reader.js';
import { expectDecodeError, expectRoundTrip, WireAssertionError } from './testing/index.js';
import type { Writer } from './writer.js';

// A small type-length-value codec standing in for the protocol codecs that use this harness:
//  0                   1                   2
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |    Length     |  Value ...
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
interface Tlv {
  type: number;
  value: Uint8Array;
}
const tlvCodec: Codec<Tlv> = {
  encode(tlv: Tlv, w: Writer) {
    w.u8(tlv.type).u8(tlv.value.length).bytes(tlv.value);
  },
  decode(r: Reader): Tlv {
    const type = r.u8('type');
    if (type === 0) throw r.malformed('type 0 is reserved', r.offset - 1);
    const len = r.u8('length');
    return { type, value: r.bytes(len, 'value').slice() };
  },
};

const tlvListCodec: Codec<Tlv[]> = {
  encode(list, w) {
    for (const t of list) tlvCodec.encode(t, w);
  },
  decode(r) {
    const out: Tlv[] = [];
    while (!r.atEnd) out.push(tlvCodec.decode(r));
    return out;
  },
};

const tlvArb = fc.record({
  type: fc.integer({ min: 1, max: 255 }),
  value: fc.uint8Array({ maxLength: 255 }),
});

describe('round-trip harness', () => {
  it('accepts a correct codec and checks golden bytes', () => {
    expectRoundTrip(tlvCodec, { type: 1, value: new Uint8Array([0xaa, 0xbb]) }, '01 02 aabb');
  });

  it('fails on golden-vector mismatch', () => {
    expect(() => expectRoundTrip(tlvCodec, { type: 1, value: new Uint8Array([1]) }, '01 01 02')).toThrow(
      WireAssertionError,
    );
  });

  it('catches a codec whose decode disagrees with its encode', () => {
    const lossy: Codec<Tlv> = { ...tlvCodec, decode: (r) => ({ ...tlvCodec.decode(r), type: 7 }) };
    expect(() => expectRoundTrip(lossy, { type: 1, value: new Uint8Array() })).toThrow(/differs/);
  });

  it('catches a decoder that reads past its structure', () => {
    const greedy: Codec<Tlv> = {
      encode: tlvCodec.encode,
      decode: (r) => ({ type: r.u8(), value: (r.u8(), r.rest().slice()) }),
    };
    expect(() => expectRoundTrip(greedy, { type: 1, value: new Uint8Array([5]) })).not.toThrow();
    const list = [{ type: 1, value: new Uint8Array([5]) }];
    const r = new Reader(new Uint8Array([1, 1, 5, 0xa5]), 0, 3);
    expect(greedy.decode(r)).toEqual(list[0]);
  });

  it('returns the DecodeError for malformed input', () => {
    expect(expectDecodeError(tlvCodec, '00 00')).toMatchObject({ failure: 'malformed', offset: 0 });
    expect(expectDecodeError(tlvCodec, '01 05 aa')).toMatchObject({ failure: 'truncated', offset: 2 });
    expect(expectDecodeError(tlvCodec, '01 00 ff')).toMatchObject({ failure: 'trailingBytes' });
  });

  it('decodeWith insists on exact length unless told otherwise', () => {
    expect(() => decodeWith(tlvCodec, new Uint8Array([1, 0, 9]))).toThrow(DecodeError);
    expect(decodeWith(tlvCodec, new Uint8Array([1, 0, 9]), { exact: false })).toEqual({
      type: 1,
      value: new Uint8Array(),
    });
  });
});

describe('properties', () => {
  test.prop([fc.array(tlvArb, { maxLength: 8 })])('decode(encode(x)) equals x', (list) => {
    expectRoundTrip(tlvListCodec, list);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('arbitrary bytes only ever throw DecodeError', (bytes) => {
    try {
      decodeWith(tlvListCodec, bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });

  it('encodeWith returns exactly the written bytes', () => {
    expect(encodeWith(tlvCodec, { type: 2, value: new Uint8Array([1, 2]) })).toEqual(
      new Uint8Array([2, 2, 1, 2]),
    );
  });
});
