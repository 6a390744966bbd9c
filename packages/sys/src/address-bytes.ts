import { isIPv4, isIPv6 } from 'node:net';
import { IronLbError } from '@ironlb/wire';
import { native } from './binding.js';

/** An IP literal as the kernel wants it in a sockaddr. */
export interface SocketAddressBytes {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  /** IPv6 zone (`fe80::1%eth0`) as an interface index; 0 when none. */
  readonly scopeId: number;
}

/**
 * Parses an IP literal (IPv4 dotted quad, IPv6 with `::` and embedded IPv4, optional `%zone`).
 * Host names are not resolved: BGP peers and BFD neighbours are configured by address.
 */
export function addressBytes(address: string): SocketAddressBytes {
  const [host, zone] = splitZone(address);
  if (isIPv4(host) && zone === undefined) {
    return { family: 4, bytes: Uint8Array.from(host.split('.').map(Number)), scopeId: 0 };
  }
  if (isIPv6(host)) {
    return { family: 6, bytes: ipv6Bytes(host), scopeId: zone === undefined ? 0 : zoneIndex(zone, address) };
  }
  throw new IronLbError(
    'ERR_IRONLB_SYS_INVALID_ADDRESS',
    `not an IP address literal: ${JSON.stringify(address)}`,
  );
}

/** `::ffff:a.b.c.d` bytes for an IPv4 address, as a dual-stack IPv6 socket sees IPv4 peers. */
export function v4Mapped(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

function splitZone(address: string): [string, string | undefined] {
  const i = address.indexOf('%');
  return i < 0 ? [address, undefined] : [address.slice(0, i), address.slice(i + 1)];
}

function zoneIndex(zone: string, address: string): number {
  if (/^\d+$/.test(zone)) return Number(zone);
  const info = native().ifInfo(zone);
  if (info.errno !== 0 || !('ifindex' in info)) {
    throw new IronLbError('ERR_IRONLB_SYS_INVALID_ADDRESS', `unknown zone in ${JSON.stringify(address)}`);
  }
  return info.ifindex;
}

function ipv6Bytes(text: string): Uint8Array {
  // node:net has validated the syntax; expand '::' and a trailing dotted quad.
  let head = text;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const q = dotted[1]!.split('.').map(Number);
    tail.push((q[0]! << 8) | q[1]!, (q[2]! << 8) | q[3]!);
    head = text.slice(0, -dotted[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  let words: number[];
  const dbl = head.indexOf('::');
  if (dbl >= 0) {
    const left = groups(head.slice(0, dbl));
    const right = groups(head.slice(dbl + 2));
    const fill = 8 - tail.length - left.length - right.length;
    words = [...left, ...new Array<number>(fill).fill(0), ...right, ...tail];
  } else {
    words = [...groups(head), ...tail];
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}
