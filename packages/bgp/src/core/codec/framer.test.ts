import { describe, expect, it } from 'vitest';
import { fromHex } from '@ironlb/wire';
import { BgpDecodeError } from '../errors.js';
import { createFramer } from './framer.js';

const keepalive = fromHex('ff'.repeat(16) + '001304');

describe('createFramer', () => {
  it('returns nothing until a whole message is in, then exactly that message', () => {
    const f = createFramer();
    f.push(keepalive.subarray(0, 10));
    expect(f.next()).toBeUndefined();
    f.push(keepalive.subarray(10));
    expect(f.next()).toEqual(keepalive);
    expect(f.next()).toBeUndefined();
    expect(f.buffered).toBe(0);
  });

  it('splits several messages that arrive in one chunk', () => {
    const f = createFramer();
    const three = new Uint8Array(57);
    for (let i = 0; i < 3; i++) three.set(keepalive, 19 * i);
    f.push(three);
    expect([f.next(), f.next(), f.next(), f.next()].filter(Boolean)).toHaveLength(3);
  });

  it('reports a bad header as soon as its 19 octets are in, before the body', () => {
    const f = createFramer();
    f.push(fromHex('ff'.repeat(16) + '2000 02'));
    let err: unknown;
    try {
      f.next();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BgpDecodeError);
    expect((err as BgpDecodeError).notification).toEqual({ code: 1, subcode: 2, data: fromHex('2000') });
  });

  it('accepts long messages once maxLength is raised (RFC 8654)', () => {
    const f = createFramer();
    const big = new Uint8Array(5000).fill(0);
    big.fill(0xff, 0, 16);
    big[16] = 5000 >> 8;
    big[17] = 5000 & 0xff;
    big[18] = 2;
    f.push(big);
    expect(() => f.next()).toThrow(BgpDecodeError);
    const g = createFramer({ maxLength: 65535 });
    g.push(big.subarray(0, 3000));
    g.push(big.subarray(3000));
    expect(g.next()?.length).toBe(5000);
  });
});
