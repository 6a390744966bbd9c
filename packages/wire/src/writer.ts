/**
 * A growable byte writer. Length fields that precede their contents are written as
 * placeholders (`reserveU8`/`reserveU16`) and patched once the contents are known, so a
 * structure is encoded in one pass. `finish()` returns a view of exactly the written bytes.
 */
export class Writer {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  get length(): number {
    return this.#pos;
  }

  #ensure(n: number): number {
    const need = this.#pos + n;
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#pos));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    const at = this.#pos;
    this.#pos = need;
    return at;
  }

  u8(value: number): this {
    checkUint(value, 0xff, 'u8');
    const at = this.#ensure(1);
    this.#view.setUint8(at, value);
    return this;
  }

  u16(value: number): this {
    checkUint(value, 0xffff, 'u16');
    const at = this.#ensure(2);
    this.#view.setUint16(at, value);
    return this;
  }

  u32(value: number): this {
    checkUint(value, 0xffffffff, 'u32');
    const at = this.#ensure(4);
    this.#view.setUint32(at, value);
    return this;
  }

  u64(value: bigint): this {
    if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`u64 out of range: ${value}`);
    const at = this.#ensure(8);
    this.#view.setBigUint64(at, value);
    return this;
  }

  bytes(data: Uint8Array): this {
    const at = this.#ensure(data.length);
    this.#buf.set(data, at);
    return this;
  }

  /** Writes `n` zero bytes. */
  zeros(n: number): this {
    const at = this.#ensure(n);
    this.#buf.fill(0, at, at + n);
    return this;
  }

  /** Reserves a one-byte field and returns its position for `patchU8`. */
  reserveU8(): number {
    return this.#ensure(1);
  }

  /** Reserves a two-byte field and returns its position for `patchU16`. */
  reserveU16(): number {
    return this.#ensure(2);
  }

  patchU8(position: number, value: number): this {
    checkUint(value, 0xff, 'u8');
    this.#checkPatch(position, 1);
    this.#view.setUint8(position, value);
    return this;
  }

  patchU16(position: number, value: number): this {
    checkUint(value, 0xffff, 'u16');
    this.#checkPatch(position, 2);
    this.#view.setUint16(position, value);
    return this;
  }

  /** Overwrites already written bytes (for checksums computed after the fact). */
  patchBytes(position: number, data: Uint8Array): this {
    this.#checkPatch(position, data.length);
    this.#buf.set(data, position);
    return this;
  }

  #checkPatch(position: number, n: number): void {
    if (position < 0 || position + n > this.#pos)
      throw new RangeError(`patch at ${position} outside written bytes`);
  }

  /** A view of the bytes written so far. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** The written bytes; the writer must not be used afterwards if the result is kept. */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }
}

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} out of range: ${value}`);
  }
}
