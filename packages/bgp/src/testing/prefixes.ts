import { prefixFromAddress, type BgpPrefix } from '../core/codec/prefix.js';

/**
 * Test builders: prefixes and addresses from text. Strict enough for fixtures; production
 * code parses through `@ironlb/netaddr`.
 */
export function ipBytes(text: string): Uint8Array {
  if (text.includes(':')) return ipv6Bytes(text);
  const parts = text.split('.');
  if (parts.length !== 4) throw new RangeError(`not an IPv4 address: ${text}`);
  return Uint8Array.from(parts, (p) => {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new RangeError(`not an IPv4 address: ${text}`);
    return n;
  });
}

function ipv6Bytes(text: string): Uint8Array {
  const halves = text.split('::');
  if (halves.length > 2) throw new RangeError(`not an IPv6 address: ${text}`);
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) throw new RangeError(`not an IPv6 address: ${text}`);
  const all = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new RangeError(`not an IPv6 address: ${text}`);
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** `prefix('198.51.100.0/24')`, `prefix('2001:db8::/32')`. */
export function prefix(text: string): BgpPrefix {
  const [addr, len] = text.split('/');
  return prefixFromAddress(ipBytes(addr!), Number(len));
}

/** Text of a prefix, for assertions and logs in tests. */
export function prefixText(p: BgpPrefix): string {
  const full = new Uint8Array(p.family === 4 ? 4 : 16);
  full.set(p.bytes);
  if (p.family === 4) return `${full.join('.')}/${p.length}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((full[i]! << 8) | full[i + 1]!).toString(16));
  return `${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}/${p.length}`;
}

/** An IPv4 dotted quad as the 32-bit number BGP identifiers use. */
export function ipv4Number(text: string): number {
  const b = ipBytes(text);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}
