// Strict address text parsing. IPv4 is parsed here (dotted decimal only, RFC 791 style, no
// octal, hex or shorthand forms); IPv6 goes through the `ip-address` package after the checks
// that make a spelling ambiguous or out of scope (zones, IPv4-mapped and IPv4-compatible forms).
import { Address6 } from 'ip-address';
import { NetaddrError, NetaddrErrorCode } from './errors.js';
import type { IPFamily } from './family.js';

/** Options of {@link parseAddressText}. */
export interface ParseAddressOptions {
  /**
   * Accept IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, RFC 4291 section 2.5.5.2) as IPv6
   * values. Off by default: in configuration such an address is ambiguous.
   */
  readonly allowIPv4Mapped?: boolean;
}

/** A parsed address before it becomes an `IPAddress`. */
export interface ParsedAddress {
  readonly family: IPFamily;
  readonly value: bigint;
}

const ipv6Chars = /^[0-9A-Fa-f:.]+$/;
const decimalOctet = /^[0-9]{1,3}$/;

/** Parses one address; throws {@link NetaddrError} with a precise code and message. */
export function parseAddressText(text: string, options: ParseAddressOptions = {}): ParsedAddress {
  if (typeof text !== 'string') {
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      String(text),
      `expected an IP address string, got ${typeof text}`,
    );
  }
  if (text.length === 0) throw new NetaddrError(NetaddrErrorCode.syntax, text, 'empty IP address');
  if (/\s/.test(text)) {
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      text,
      `IP address ${JSON.stringify(text)} contains whitespace`,
    );
  }
  if (text.includes('%')) {
    throw new NetaddrError(
      NetaddrErrorCode.zone,
      text,
      `IPv6 zone index in ${JSON.stringify(text)} is not allowed: addresses here are not bound to an interface; ` +
        `write ${JSON.stringify(text.slice(0, text.indexOf('%')))}`,
    );
  }
  if (text.includes('/')) {
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      text,
      `${JSON.stringify(text)} has a prefix length where a single IP address was expected`,
    );
  }
  if (text.includes(':')) return { family: 6, value: parseIPv6(text, options) };
  return { family: 4, value: fastIPv4(text) ?? parseIPv4(text, text) };
}

/** Canonical dotted decimal without allocating, or `undefined` (then `parseIPv4` explains why). */
function fastIPv4(text: string): bigint | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return BigInt(value * 256 + octet);
}

/** Dotted decimal IPv4: exactly four octets 0-255, no leading zeros. `whole` is for messages. */
function parseIPv4(text: string, whole: string): bigint {
  const parts = text.split('.');
  if (parts.length !== 4) {
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      whole,
      `${JSON.stringify(whole)} is not an IP address: IPv4 needs four dot-separated decimal octets, found ${parts.length} part(s)`,
    );
  }
  let value = 0;
  for (const part of parts) {
    if (!decimalOctet.test(part)) {
      throw new NetaddrError(
        NetaddrErrorCode.syntax,
        whole,
        `${JSON.stringify(whole)} is not an IP address: IPv4 octet ${JSON.stringify(part)} is not a decimal number 0-255`,
      );
    }
    if (part.length > 1 && part.startsWith('0')) {
      throw new NetaddrError(
        NetaddrErrorCode.leadingZero,
        whole,
        `IPv4 octet ${JSON.stringify(part)} in ${JSON.stringify(whole)} has a leading zero, which some parsers read as octal; ` +
          `write ${String(Number(part))} (or the address as ${parts.map((p) => String(Number(p))).join('.')} if that is what you mean)`,
      );
    }
    const octet = Number(part);
    if (octet > 255) {
      throw new NetaddrError(
        NetaddrErrorCode.syntax,
        whole,
        `${JSON.stringify(whole)} is not an IP address: IPv4 octet ${part} is above 255`,
      );
    }
    value = value * 256 + octet;
  }
  return BigInt(value);
}

function parseIPv6(text: string, options: ParseAddressOptions): bigint {
  if (!ipv6Chars.test(text)) {
    const bad = [...text].find((c) => !/[0-9A-Fa-f:.]/.test(c)) ?? '?';
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      text,
      `${JSON.stringify(text)} is not an IPv6 address: unexpected character ${JSON.stringify(bad)}`,
    );
  }
  const dotted = text.includes('.');
  if (dotted) {
    // The embedded IPv4 part (RFC 4291 section 2.2, form 3) follows the same strict rules.
    parseIPv4(text.slice(text.lastIndexOf(':') + 1), text);
  }
  let value: bigint;
  try {
    value = new Address6(text).bigInt();
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/<[^>]*>/g, '') : String(error);
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      text,
      `${JSON.stringify(text)} is not an IPv6 address: ${reason.replace(/\.$/, '')}`,
    );
  }
  const high = value >> 32n;
  if (high === 0xffffn && !options.allowIPv4Mapped) {
    const v4 = formatDottedQuad(value & 0xffffffffn);
    throw new NetaddrError(
      NetaddrErrorCode.ipv4Mapped,
      text,
      `${JSON.stringify(text)} is an IPv4-mapped IPv6 address (::ffff:0:0/96): it is ambiguous whether IPv4 or IPv6 is meant; ` +
        `write ${v4} for IPv4`,
    );
  }
  if (dotted && high === 0n) {
    throw new NetaddrError(
      NetaddrErrorCode.ipv4Compatible,
      text,
      `${JSON.stringify(text)} uses the deprecated IPv4-compatible IPv6 form (RFC 4291 section 2.5.5.1); ` +
        `write ${formatDottedQuad(value)} for IPv4`,
    );
  }
  return value;
}

/** `a.b.c.d` for a 32-bit value. */
export function formatDottedQuad(value: bigint): string {
  const n = Number(value);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * RFC 5952 section 4 text of a 128-bit value: lower case, no leading zeros in a group, the
 * longest run of two or more zero groups (the first one on a tie) as `::`. IPv4-mapped
 * addresses use the mixed notation of section 5 (`::ffff:192.0.2.1`).
 */
export function formatIPv6(value: bigint): string {
  if (value >> 32n === 0xffffn) return `::ffff:${formatDottedQuad(value & 0xffffffffn)}`;
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never shortened (section 4.2.2)
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
