import { describe, expect, it } from 'vitest';
import { toHex } from './hex.js';
import { Writer } from './writer.js';

describe('Writer', () => {
  it('writes big-endian integers and grows past its initial capacity', () => {
    const w = new Writer(16);
    w.u8(1).u16(0x0203).u32(0x04050607).u64(0x08090a0b0c0d0e0fn);
    for (let i = 0; i < 100; i++) w.u8(i);
    const out = w.finish();
    expect(out.length).toBe(115);
    expect(toHex(out.subarray(0, 15))).toBe('01020304050607' + '08090a0b0c0d0e0f');
    expect(out[114]).toBe(99);
  });

  it('patches reserved length fields', () => {
    const w = new Writer();
    const at = w.reserveU16();
    w.bytes(new Uint8Array([9, 9, 9]));
    w.patchU16(at, w.length - at - 2);
    expect(toHex(w.finish())).toBe('0003090909');
  });

  it('rejects values out of range and patches outside written bytes', () => {
    const w = new Writer();
    expect(() => w.u8(256)).toThrow(RangeError);
    expect(() => w.u16(-1)).toThrow(RangeError);
    expect(() => w.u32(1.5)).toThrow(RangeError);
    expect(() => w.u64(-1n)).toThrow(RangeError);
    expect(() => w.patchU16(0, 1)).toThrow(RangeError);
  });

  it('writes zeros', () => {
    expect(toHex(new Writer().u8(1).zeros(3).finish())).toBe('01000000');
  });
});
