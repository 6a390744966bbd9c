import { describe, expect, it } from 'vitest';
import { DecodeError } from './errors.js';
import { fromHex } from './hex.js';
import { Reader } from './reader.js';

describe('Reader', () => {
  it('reads big-endian integers and advances', () => {
    const r = new Reader(fromHex('01 0203 04050607 08090a0b0c0d0e0f'));
    expect(r.u8()).toBe(1);
    expect(r.u16()).toBe(0x0203);
    expect(r.u32()).toBe(0x04050607);
    expect(r.u64()).toBe(0x08090a0b0c0d0e0fn);
    expect(r.atEnd).toBe(true);
  });

  it('throws a truncated DecodeError with the offset instead of reading past the end', () => {
    const r = new Reader(fromHex('0102 03'));
    r.u16();
    const err = catchError(() => r.u16('length'));
    expect(err).toBeInstanceOf(DecodeError);
    expect(err).toMatchObject({ code: 'ERR_IRONLB_DECODE', failure: 'truncated', offset: 2 });
    // a failed read does not move the cursor
    expect(r.offset).toBe(2);
  });

  it('bounds sub-readers to their structure and keeps absolute offsets', () => {
    const r = new Reader(fromHex('aa 02 bbcc dd'));
    r.u8();
    const len = r.u8();
    const sub = r.sub(len);
    expect(sub.offset).toBe(2);
    expect(sub.u16()).toBe(0xbbcc);
    expect(() => sub.u8()).toThrow(DecodeError);
    expect(r.u8()).toBe(0xdd);
  });

  it('reports trailing bytes', () => {
    const r = new Reader(fromHex('0102'));
    r.u8();
    expect(catchError(() => r.expectEnd())).toMatchObject({ failure: 'trailingBytes', offset: 1 });
  });

  it('returns views, not copies, for bytes()', () => {
    const input = fromHex('00112233');
    const view = new Reader(input).bytes(2);
    input[0] = 0xff;
    expect(view[0]).toBe(0xff);
  });

  it('respects the bounds of a reader over a slice of a larger buffer', () => {
    const big = fromHex('ffff 0102 ffff');
    const r = new Reader(big.subarray(2, 4));
    expect(r.u16()).toBe(0x0102);
    expect(r.atEnd).toBe(true);
  });

  it('rejects construction outside the input', () => {
    expect(() => new Reader(new Uint8Array(2), 1, 3)).toThrow(RangeError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
