import { IPAddress } from './address.js';
import { tryParseWith, type ParseResult } from './errors.js';
import { Prefix } from './prefix.js';
import { IPRange } from './range.js';

/**
 * Parses one entry of an address pool's `addresses` list, as users write it:
 * - a CIDR prefix, `192.0.2.0/24` or `2001:db8::/120` (strict: host bits set is an error),
 * - a range, `192.0.2.10-192.0.2.20` (inclusive, same family),
 * - a single address, `192.0.2.7`.
 * Returns the addresses as a range. Every ambiguous spelling is an error (see `IPAddress.parse`).
 */
export function parsePoolEntry(text: string): IPRange {
  if (typeof text === 'string' && text.includes('-')) return IPRange.parse(text);
  if (typeof text === 'string' && text.includes('/')) return IPRange.fromPrefix(Prefix.parse(text));
  return IPRange.single(IPAddress.parse(text));
}

/** {@link parsePoolEntry} returning a result instead of throwing. */
export function tryParsePoolEntry(text: string): ParseResult<IPRange> {
  return tryParseWith(() => parsePoolEntry(text));
}
