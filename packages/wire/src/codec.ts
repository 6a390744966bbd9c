import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * One object per wire structure (STYLE.md 2.8.3): `encode` appends the structure to a writer,
 * `decode` reads exactly one structure from a reader and throws only `DecodeError`.
 */
export interface Codec<T> {
  encode(value: T, writer: Writer): void;
  decode(reader: Reader): T;
}

/** Encodes one value into a fresh byte array. */
export function encodeWith<T>(codec: Codec<T>, value: T, initialCapacity?: number): Uint8Array {
  const writer = new Writer(initialCapacity);
  codec.encode(value, writer);
  return writer.finish();
}

/**
 * Decodes one value; by default the value must use every byte (`trailingBytes` otherwise).
 */
export function decodeWith<T>(codec: Codec<T>, bytes: Uint8Array, options: { exact?: boolean } = {}): T {
  const reader = new Reader(bytes);
  const value = codec.decode(reader);
  if (options.exact ?? true) reader.expectEnd();
  return value;
}
