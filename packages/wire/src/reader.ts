import { DecodeError, DecodeFailure } from './errors.js';

/**
 * A bounded cursor over bytes. Every read checks the bound and throws a `DecodeError`
 * (`truncated`) instead of reading past it, so decoders never see garbage or throw a
 * `RangeError`. `sub(n)` hands out a reader limited to the next `n` bytes, which is how a
 * length-prefixed structure keeps its contents from running into what follows it.
 *
 * Offsets reported in errors are relative to the start of the original input.
 */
export class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  #pos: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new RangeError(`reader bounds [${start}, ${end}) outside input of ${bytes.length} bytes`);
    }
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** Position of the next byte to read, relative to the original input. */
  get offset(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  get atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  #need(n: number, what: string): number {
    if (n > this.#end - this.#pos) {
      throw new DecodeError(
        DecodeFailure.truncated,
        `truncated ${what}: need ${n} bytes at offset ${this.#pos}, ${this.#end - this.#pos} left`,
        { offset: this.#pos },
      );
    }
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  u8(what = 'u8'): number {
    return this.#view.getUint8(this.#need(1, what));
  }

  u16(what = 'u16'): number {
    return this.#view.getUint16(this.#need(2, what));
  }

  u32(what = 'u32'): number {
    return this.#view.getUint32(this.#need(4, what));
  }

  u64(what = 'u64'): bigint {
    return this.#view.getBigUint64(this.#need(8, what));
  }

  peekU8(what = 'u8'): number {
    if (this.#pos >= this.#end) this.#need(1, what);
    return this.#view.getUint8(this.#pos);
  }

  /** The next `n` bytes as a view (no copy). Copy it if you keep it beyond the input's life. */
  bytes(n: number, what = 'bytes'): Uint8Array {
    const at = this.#need(n, what);
    return this.#bytes.subarray(at, at + n);
  }

  /** All bytes up to the bound. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  skip(n: number, what = 'bytes'): void {
    this.#need(n, what);
  }

  /** A reader over the next `n` bytes; this reader moves past them. */
  sub(n: number, what = 'structure'): Reader {
    const at = this.#need(n, what);
    return new Reader(this.#bytes, at, at + n);
  }

  /** Throws `trailingBytes` unless everything up to the bound was consumed. */
  expectEnd(what = 'structure'): void {
    if (this.#pos !== this.#end) {
      throw new DecodeError(
        DecodeFailure.trailingBytes,
        `${this.#end - this.#pos} trailing bytes after ${what} at offset ${this.#pos}`,
        { offset: this.#pos },
      );
    }
  }

  /** A `malformed` error at the current offset (or at `offset`), for decoders to throw. */
  malformed(message: string, offset = this.#pos): DecodeError {
    return new DecodeError(DecodeFailure.malformed, message, { offset });
  }
}
