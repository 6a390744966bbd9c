import { MessageLength } from '../constants.js';
import { checkHeader } from './header.js';

/**
 * Splits a TCP byte stream into whole BGP messages (BIRD `bgp_rx`): bytes are appended with
 * `push`, and `next()` returns one complete message at a time, or `undefined` until more
 * bytes arrive. The header is checked (RFC 4271 §6.1) as soon as its 19 bytes are in, so a
 * bad marker or length is reported before the body arrives; `next()` then throws the
 * `BgpDecodeError` that says which NOTIFICATION to send, and the stream cannot continue.
 *
 * A returned message is a view into the framer's buffer, valid until the next `push`; the
 * decoders copy what they keep. `maxLength` may be raised to 65535 once Extended Message
 * (RFC 8654) is negotiated.
 */
export interface Framer {
  push(chunk: Uint8Array): void;
  next(): Uint8Array | undefined;
  maxLength: number;
  /** Bytes held that do not yet form a whole message. */
  readonly buffered: number;
}

export function createFramer(options: { maxLength?: number } = {}): Framer {
  let buf = new Uint8Array(0);
  let start = 0;
  let end = 0;
  const framer = {
    maxLength: options.maxLength ?? MessageLength.max,
    get buffered(): number {
      return end - start;
    },
    push(chunk: Uint8Array): void {
      if (chunk.length === 0) return;
      if (end + chunk.length > buf.length) {
        const live = end - start;
        if (live + chunk.length <= buf.length && start > 0) {
          buf.copyWithin(0, start, end);
        } else {
          let cap = Math.max(buf.length * 2, 8192);
          while (cap < live + chunk.length) cap *= 2;
          const next = new Uint8Array(cap);
          next.set(buf.subarray(start, end));
          buf = next;
        }
        start = 0;
        end = live;
      }
      buf.set(chunk, end);
      end += chunk.length;
    },
    next(): Uint8Array | undefined {
      if (end - start < MessageLength.header) return undefined;
      const { length } = checkHeader(buf, start, framer.maxLength);
      if (end - start < length) return undefined;
      const frame = buf.subarray(start, start + length);
      start += length;
      if (start === end) start = end = 0;
      return frame;
    },
  };
  return framer;
}
