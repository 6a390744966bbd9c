import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DecodeError, Reader, toHex } from '@ironlb/wire';
import { expectDecodeError, expectRoundTrip } from '@ironlb/wire/testing';
import { ethernetFrameArb } from '../testing/arbitraries.js';
import { goldenFrame } from '../testing/golden-frames.js';
import { EtherType, ethernetFrameCodec, padFrame } from './ethernet.js';

describe('Ethernet II codec', () => {
  it('decodes the header of a captured frame (golden)', () => {
    const bytes = goldenFrame('arp-request-arping');
    const frame = ethernetFrameCodec.decode(new Reader(bytes));
    expect(frame).toMatchObject({
      destination: 'ff:ff:ff:ff:ff:ff',
      source: '02:00:00:00:00:04',
      etherType: EtherType.ARP,
    });
    expect(frame.payload.length).toBe(28);
    expectRoundTrip(ethernetFrameCodec, { ...frame, payload: frame.payload.slice() }, toHex(bytes));
  });

  it.each([
    ['empty', '', 'truncated'],
    ['13 octets', 'ffffffffffff 020000000004 08', 'truncated'],
    [
      'IEEE 802.3 length instead of a type',
      'ffffffffffff 020000000004 002e' + '00'.repeat(46),
      'unsupported',
    ],
  ])('%s -> %s', (_name, hex, failure) => {
    expect(expectDecodeError(ethernetFrameCodec, hex)).toMatchObject({ failure });
  });

  it('pads short frames to 60 octets and leaves long ones alone', () => {
    const short = new Uint8Array(42).fill(1);
    const padded = padFrame(short);
    expect(padded.length).toBe(60);
    expect(padded.subarray(0, 42)).toEqual(short);
    expect(padded.subarray(42)).toEqual(new Uint8Array(18));
    const long = new Uint8Array(86);
    expect(padFrame(long)).toBe(long);
  });

  test.prop([ethernetFrameArb])('decode(encode(x)) equals x', (f) => {
    expectRoundTrip(ethernetFrameCodec, f);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('arbitrary bytes only ever throw DecodeError', (bytes) => {
    try {
      ethernetFrameCodec.decode(new Reader(bytes));
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
  });
});
