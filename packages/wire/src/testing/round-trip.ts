import type { Codec } from '../codec.js';
import { DecodeError } from '../errors.js';
import { bytesEqual, fromHex, toHex } from '../hex.js';
import { Reader } from '../reader.js';
import { Writer } from '../writer.js';
import { firstDifference } from './deep-equal.js';

/** Thrown by the test harness; test runners report it like any failed assertion. */
export class WireAssertionError extends Error {
  readonly code = 'ERR_IRONLB_WIRE_ASSERTION';
}

const CANARY = 0xa5;

/**
 * The round-trip harness every codec goes through (dns-packet `testEncoder`, STYLE.md 2.7):
 * 1. encode `value`; if `hex` is given, the bytes must equal it;
 * 2. decode the bytes; the result must deep-equal `value` and consume every byte;
 * 3. re-encode the decoded value; the bytes must be identical;
 * 4. encode again after canary bytes in a writer and decode at that offset, checking that the
 *    codec neither depends on offset 0 nor writes outside its own bytes, and that a decoder
 *    bounded to the structure does not read the canary that follows it.
 * Returns the encoded bytes.
 */
export function expectRoundTrip<T>(codec: Codec<T>, value: T, hex?: string): Uint8Array {
  const w = new Writer();
  codec.encode(value, w);
  const bytes = w.finish().slice();
  if (hex !== undefined) {
    const want = fromHex(hex);
    if (!bytesEqual(bytes, want)) {
      fail(`encoded bytes differ from the golden vector\n  got  ${toHex(bytes)}\n  want ${toHex(want)}`);
    }
  }
  const reader = new Reader(bytes);
  const decoded = codec.decode(reader);
  if (!reader.atEnd) fail(`decode left ${reader.remaining} of ${bytes.length} bytes unread`);
  const diff = firstDifference(decoded, value);
  if (diff) fail(`decode(encode(value)) differs from value at ${diff}`);

  const again = new Writer();
  codec.encode(decoded, again);
  if (!bytesEqual(again.finish(), bytes)) fail('re-encoding the decoded value gave different bytes');

  const prefix = 7;
  const offsetWriter = new Writer();
  for (let i = 0; i < prefix; i++) offsetWriter.u8(CANARY);
  codec.encode(value, offsetWriter);
  for (let i = 0; i < prefix; i++) offsetWriter.u8(CANARY);
  const framed = offsetWriter.finish();
  for (let i = 0; i < prefix; i++) {
    if (framed[i] !== CANARY || framed[framed.length - 1 - i] !== CANARY)
      fail('encode wrote outside its bytes');
  }
  if (!bytesEqual(framed.subarray(prefix, prefix + bytes.length), bytes))
    fail('encode at an offset gave other bytes');
  const offsetReader = new Reader(framed, prefix, prefix + bytes.length);
  const atOffset = codec.decode(offsetReader);
  const diff2 = firstDifference(atOffset, value);
  if (diff2) fail(`decode at an offset differs at ${diff2}`);
  return bytes;
}

/**
 * Asserts that decoding `bytes` throws a `DecodeError` (or subclass) and returns it, so the
 * caller can check `code`, `failure` and protocol fields. Any other throw fails.
 */
export function expectDecodeError<T>(codec: Codec<T>, bytes: Uint8Array | string): DecodeError {
  const input = typeof bytes === 'string' ? fromHex(bytes) : bytes;
  try {
    const r = new Reader(input);
    codec.decode(r);
    r.expectEnd();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    fail(`decode threw something other than a DecodeError: ${String(err)}`);
  }
  return fail(`decode of ${toHex(input)} did not fail`);
}

function fail(message: string): never {
  throw new WireAssertionError(message);
}
