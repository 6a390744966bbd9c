import type { Reader, Writer } from '@ironlb/wire';
import { MAX_NAME_BYTES } from './constants.js';

/**
 * Field codecs shared by the packet and gossip entries.
 *
 * Member name: one length byte (1..253) then that many bytes of printable ASCII
 * (0x21..0x7e). Kubernetes node names are DNS subdomains, so they always fit; anything else
 * on the wire is `malformed`.
 *
 * Counters and times (epoch, timestamp, incarnation) are u64 on the wire but JavaScript
 * numbers in memory: a value above 2^53 - 1 is `malformed`, so no precision is ever lost.
 */

export function isValidMemberName(name: string): boolean {
  if (name.length < 1 || name.length > MAX_NAME_BYTES) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export function nameLength(name: string): number {
  return 1 + name.length;
}

export function writeName(writer: Writer, name: string, what: string): void {
  if (!isValidMemberName(name))
    throw new RangeError(`${what} is not a valid member name: ${JSON.stringify(name)}`);
  writer.u8(name.length);
  for (let i = 0; i < name.length; i++) writer.u8(name.charCodeAt(i));
}

export function readName(reader: Reader, what: string): string {
  const at = reader.offset;
  const len = reader.u8(`${what} length`);
  if (len === 0) throw reader.malformed(`${what} is empty`, at);
  const bytes = reader.bytes(len, what);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c < 0x21 || c > 0x7e)
      throw reader.malformed(`${what} has byte 0x${c.toString(16)} outside printable ASCII`, at + 1 + i);
    out += String.fromCharCode(c);
  }
  return out;
}

export function writeSafeU64(writer: Writer, value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a safe non-negative integer: ${value}`);
  writer.u64(BigInt(value));
}

export function readSafeU64(reader: Reader, what: string): number {
  const at = reader.offset;
  const v = reader.u64(what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw reader.malformed(`${what} ${v} exceeds 2^53 - 1`, at);
  return Number(v);
}
