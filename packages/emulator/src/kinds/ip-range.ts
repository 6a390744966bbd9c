// Just enough IP arithmetic for the service IP allocator: CIDR parsing and address <-> bigint,
// with RFC 5952 formatting for IPv6. (The emulator may not import @ironlb/netaddr: layer 2
// packages depend on external libraries only.)
import { isIP } from 'node:net';

export type Family = 'IPv4' | 'IPv6';

export interface Cidr {
  family: Family;
  base: bigint;
  bits: number;
  size: bigint;
}

export function ipToBigInt(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

export function bigIntToIp(v: bigint, family: Family): string {
  if (family === 'IPv4') return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((v >> s) & 0xffffn));
  // RFC 5952 section 4.2: compress the longest run (>= 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function parseCidr(text: string): Cidr {
  const [ip, len] = text.split('/');
  const v = isIP(ip ?? '');
  if (!ip || v === 0 || len === undefined) throw new Error(`invalid CIDR ${text}`);
  const family: Family = v === 4 ? 'IPv4' : 'IPv6';
  const width = family === 'IPv4' ? 32 : 128;
  const bits = Number(len);
  const hostBits = BigInt(width - bits);
  const base = (ipToBigInt(ip) >> hostBits) << hostBits;
  return { family, base, bits, size: 1n << hostBits };
}

export function familyOf(ip: string): Family | undefined {
  const v = isIP(ip);
  return v === 4 ? 'IPv4' : v === 6 ? 'IPv6' : undefined;
}

/** Canonical text of an address, or undefined when it is not one. */
export function canonicalIp(ip: string): string | undefined {
  const f = familyOf(ip);
  return f ? bigIntToIp(ipToBigInt(ip), f) : undefined;
}

export function cidrContains(c: Cidr, ip: string): boolean {
  if (familyOf(ip) !== c.family) return false;
  const v = ipToBigInt(ip);
  return v >= c.base && v < c.base + c.size;
}
