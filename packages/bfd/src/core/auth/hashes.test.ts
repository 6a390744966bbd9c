import { createHash } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { toHex } from '@ironlb/wire';
import { describe, expect, it } from 'vitest';
import { md5 } from './md5.js';
import { sha1 } from './sha1.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sha1 (FIPS 180-4 test vectors)', () => {
  it('hashes "abc" and the empty string', () => {
    expect(toHex(sha1(text('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(sha1(new Uint8Array()))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
  it('hashes the two-block vector', () => {
    expect(toHex(sha1(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });
  test.prop([fc.uint8Array({ maxLength: 300 })])('agrees with node:crypto', (bytes) => {
    expect(toHex(sha1(bytes))).toBe(createHash('sha1').update(bytes).digest('hex'));
  });
});

describe('md5 (RFC 1321 test suite)', () => {
  it('hashes the RFC 1321 vectors', () => {
    expect(toHex(md5(text('')))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(toHex(md5(text('abc')))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(toHex(md5(text('message digest')))).toBe('f96b697d7cb7938d525a2f31aaf161d0');
  });
  test.prop([fc.uint8Array({ maxLength: 300 })])('agrees with node:crypto', (bytes) => {
    expect(toHex(md5(bytes))).toBe(createHash('md5').update(bytes).digest('hex'));
  });
});
