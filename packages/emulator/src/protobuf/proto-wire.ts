// The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), read side only:
// varints, fixed 32/64-bit, length-delimited fields. Enough to read the request bodies kubectl
// sends as `application/vnd.kubernetes.protobuf` for a few kinds.
//
//   field key = varint((field_number << 3) | wire_type)
//   wire_type 0 = varint, 1 = 64-bit, 2 = length-delimited (varint length + bytes), 5 = 32-bit

export class ProtoError extends Error {}

export interface ProtoField {
  num: number;
  wire: 0 | 1 | 2 | 5;
  /** varint value (wire 0) */
  int?: bigint;
  /** raw bytes (wire 1, 2, 5) */
  bytes?: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtoError('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
  throw new ProtoError('varint longer than 10 bytes');
}

/** Splits one message into its fields, in order. */
export function readFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p] = readVarint(buf, pos);
    pos = p;
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, q] = readVarint(buf, pos);
      pos = q;
      out.push({ num, wire, int: v });
    } else if (wire === 2) {
      const [len, q] = readVarint(buf, pos);
      const end = q + Number(len);
      if (end > buf.length) throw new ProtoError('truncated length-delimited field');
      out.push({ num, wire, bytes: buf.subarray(q, end) });
      pos = end;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > buf.length) throw new ProtoError('truncated fixed field');
      out.push({ num, wire, bytes: buf.subarray(pos, pos + n) });
      pos += n;
    } else throw new ProtoError(`unsupported wire type ${wire}`);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function str(f: ProtoField): string {
  if (!f.bytes) throw new ProtoError(`field ${f.num} is not length-delimited`);
  return utf8.decode(f.bytes);
}

/** A debugging view: field numbers to values, nested messages guessed. */
export function dump(buf: Uint8Array, depth = 0): unknown {
  const out: [number, unknown][] = [];
  for (const f of readFields(buf)) {
    if (f.wire === 0) out.push([f.num, Number(f.int)]);
    else if (f.wire === 2) {
      let v: unknown;
      try {
        v = depth < 6 ? dump(f.bytes!, depth + 1) : undefined;
      } catch {
        v = undefined;
      }
      let s: string | undefined;
      try {
        s = utf8.decode(f.bytes!);
      } catch {
        s = undefined;
      }
      out.push([f.num, s !== undefined && /^[\x20-\x7e]*$/.test(s) ? s : v]);
    } else out.push([f.num, Buffer.from(f.bytes!).toString('hex')]);
  }
  return out;
}
