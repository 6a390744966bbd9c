import type { Socket as DgramSocket } from 'node:dgram';
import type { Server, Socket } from 'node:net';
import { IronLbError } from '@ironlb/wire';
import { native } from './binding.js';
import { minTtlFilter } from './bpf.js';
import { SystemError } from './system-error.js';

/** Something with a socket fd: a number, a connected/listening net socket, or a bound dgram socket. */
export type SocketLike = number | Socket | Server | DgramSocket;

/** `4 | 6`, or Node's `'IPv4' | 'IPv6'` / `'udp4' | 'udp6'` spellings. */
export type FamilyLike = 4 | 6 | 'IPv4' | 'IPv6' | 'udp4' | 'udp6';

/**
 * The file descriptor behind a Node socket. Node has no public API for it; this reads the
 * libuv handle Node keeps on the object (`socket._handle.fd` for net sockets and servers, the
 * handle in the dgram socket's state for dgram). The socket must be connected, listening or
 * bound (before that there is no fd). Throws ERR_IRONLB_SYS_NO_FD otherwise.
 *
 * For a dgram socket whose options must be in place before `bind`, create the fd yourself
 * with `openSocket('udp4')`, set options on it, and give it to `socket.bind({ fd })`.
 */
export function fdOf(target: SocketLike): number {
  if (typeof target === 'number') return target;
  const t = target as unknown as Record<string | symbol, unknown>;
  // dgram keeps its handle in a symbol-keyed state object (its `_handle` getter is deprecated).
  const stateKey = Object.getOwnPropertySymbols(t).find((s) => s.description === 'state symbol');
  const handle = stateKey
    ? (t[stateKey] as { handle?: { fd?: unknown } | null } | undefined)?.handle
    : (t['_handle'] as { fd?: unknown } | undefined | null);
  const fd = handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    throw new IronLbError(
      'ERR_IRONLB_SYS_NO_FD',
      'socket has no file descriptor yet (connect, listen or bind it first)',
    );
  }
  return fd;
}

function familyOf(family: FamilyLike): 4 | 6 {
  return family === 4 || family === 'IPv4' || family === 'udp4' ? 4 : 6;
}

function setInt(fd: number, level: number, name: number, value: number): void {
  const rc = native().setsockoptInt(fd, level, name, value);
  if (rc < 0) throw new SystemError(rc, 'setsockopt', { fd });
}

/**
 * Sets the TTL (IPv4, IP_TTL) or unicast hop limit (IPv6, IPV6_UNICAST_HOPS) of packets sent
 * on the socket: 255 for BFD single-hop and GTSM, or the eBGP multihop distance.
 * On an IPv6 socket IP_TTL is set too (it applies to IPv4-mapped peers).
 */
export function setTtl(target: SocketLike, family: FamilyLike, ttl: number): void {
  checkTtl(ttl, 1);
  const fd = fdOf(target);
  const c = native().constants;
  if (familyOf(family) === 4) {
    setInt(fd, c.IPPROTO_IP, c.IP_TTL, ttl);
  } else {
    setInt(fd, c.IPPROTO_IPV6, c.IPV6_UNICAST_HOPS, ttl);
    native().setsockoptInt(fd, c.IPPROTO_IP, c.IP_TTL, ttl); // best effort: v4-mapped peers
  }
}

/**
 * Drops received packets whose TTL / hop limit is below `minTtl` (RFC 5082 GTSM; RFC 5881
 * BFD single-hop requires 255). 0 turns the check off.
 *
 * TCP: IP_MINTTL / IPV6_MINHOPCOUNT (the kernel enforces these for TCP only; on a listener
 * they also apply to the connections it accepts). Datagram sockets: Linux ignores IP_MINTTL
 * for UDP, so a BPF socket filter does the check instead (it replaces any filter already
 * attached to that socket).
 */
export function setMinTtl(target: SocketLike, family: FamilyLike, minTtl: number): void {
  checkTtl(minTtl, 0);
  const fd = fdOf(target);
  const b = native();
  const c = b.constants;
  const type = b.getsockoptInt(fd, c.SOL_SOCKET, c.SO_TYPE);
  if (!('value' in type)) throw new SystemError(type.errno, type.syscall, { fd });
  if (type.value === c.SOCK_DGRAM) {
    const rc = b.attachFilter(fd, minTtl === 0 ? null : minTtlFilter(minTtl));
    // ENOENT: detaching when no filter was attached.
    if (rc < 0 && !(minTtl === 0 && rc === -2)) throw new SystemError(rc, 'setsockopt', { fd });
    return;
  }
  if (familyOf(family) === 4) {
    setInt(fd, c.IPPROTO_IP, c.IP_MINTTL, minTtl);
  } else {
    setInt(fd, c.IPPROTO_IPV6, c.IPV6_MINHOPCOUNT, minTtl);
    b.setsockoptInt(fd, c.IPPROTO_IP, c.IP_MINTTL, minTtl); // best effort: v4-mapped peers
  }
}

/** Reads an integer socket option back (for tests and diagnostics). */
export function getSocketOption(target: SocketLike, level: number, name: number): number {
  const fd = fdOf(target);
  const r = native().getsockoptInt(fd, level, name);
  if (!('value' in r)) throw new SystemError(r.errno, r.syscall, { fd });
  return r.value;
}

function checkTtl(ttl: number, min: number): void {
  if (!Number.isInteger(ttl) || ttl < min || ttl > 255) {
    throw new IronLbError('ERR_IRONLB_SYS_INVALID_ARG', `TTL must be an integer in ${min}..255, got ${ttl}`);
  }
}
