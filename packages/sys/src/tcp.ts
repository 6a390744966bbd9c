import { Server, Socket } from 'node:net';
import { IronLbError } from '@ironlb/wire';
import { addressBytes, v4Mapped, type SocketAddressBytes } from './address-bytes.js';
import { native } from './binding.js';
import { FdWatcher, PollEvent } from './fd-watcher.js';
import { SystemError } from './system-error.js';
import { fdOf, setMinTtl, setTtl, type SocketLike } from './ttl.js';

/** A TCP-MD5 key (RFC 2385): a string (UTF-8) or raw bytes, at most 80 bytes. */
export type Md5Key = string | Uint8Array;

export interface ConnectTcpOptions {
  /** Peer IP literal (IPv4 or IPv6, optionally `%zone`); names are not resolved. */
  readonly host: string;
  readonly port: number;
  /** Source address to bind before connecting. */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** TCP-MD5 signature key for this peer (RFC 2385). */
  readonly md5Key?: Md5Key;
  /** TTL / hop limit of sent packets (eBGP multihop, or 255 for GTSM). */
  readonly ttl?: number;
  /** Minimum TTL / hop limit of received packets (GTSM, RFC 5082). */
  readonly minTtl?: number;
  /** Give up (ETIMEDOUT) when not connected after this long. */
  readonly timeoutMs: number;
}

export interface ListenTcpOptions {
  /** Local IP literal to listen on ('0.0.0.0', '::' for both families). */
  readonly host: string;
  readonly port: number;
  /** Per-peer TCP-MD5 keys. A peer with a key must sign; others are unaffected. */
  readonly md5Keys?: readonly {
    readonly address: string;
    readonly key: Md5Key;
    readonly prefixLength?: number;
  }[];
  readonly minTtl?: number;
  readonly ttl?: number;
  readonly backlog?: number;
}

/**
 * Opens a TCP connection with options that must be in place before the SYN (TCP_MD5SIG, TTL,
 * minimum TTL, source address): the socket is created here, configured, connected without
 * blocking (the event loop waits for it to become writable), then handed to Node as a
 * `net.Socket`. Rejects with a SystemError (`ECONNREFUSED`, `ETIMEDOUT`, `EHOSTUNREACH`, ...).
 */
export async function connectTcp(options: ConnectTcpOptions): Promise<Socket> {
  const peer = addressBytes(options.host);
  checkPort(options.port);
  const b = native();
  const c = b.constants;
  const family = peer.family === 4 ? c.AF_INET : c.AF_INET6;
  const ctx = { address: options.host, port: options.port };
  const fd = b.socketOpen(family, c.SOCK_STREAM);
  if (fd < 0) throw new SystemError(fd, 'socket', ctx);
  try {
    if (options.md5Key !== undefined) md5(fd, family, peer, undefined, options.md5Key, ctx);
    if (options.ttl !== undefined) setTtl(fd, peer.family, options.ttl);
    if (options.minTtl !== undefined) setMinTtl(fd, peer.family, options.minTtl);
    if (options.localAddress !== undefined || options.localPort !== undefined) {
      const local = addressBytes(options.localAddress ?? (peer.family === 4 ? '0.0.0.0' : '::'));
      if (local.family !== peer.family) {
        throw new IronLbError(
          'ERR_IRONLB_SYS_INVALID_ARG',
          'localAddress and host are of different families',
        );
      }
      const rc = b.bindAddr(fd, family, local.bytes, options.localPort ?? 0, local.scopeId);
      if (rc < 0)
        throw new SystemError(rc, 'bind', { address: options.localAddress, port: options.localPort });
    }
    const rc = b.connectAddr(fd, family, peer.bytes, options.port, peer.scopeId);
    if (rc < 0 && rc !== -c.EINPROGRESS) throw new SystemError(rc, 'connect', ctx);
    if (rc < 0) await writable(fd, options.timeoutMs, ctx);
  } catch (err) {
    b.closeFd(fd);
    throw err;
  }
  return new Socket({ fd, readable: true, writable: true });
}

function writable(fd: number, timeoutMs: number, ctx: { address: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = new FdWatcher(fd, PollEvent.writable, () => {
      clearTimeout(timer);
      watcher.stop();
      const err = native().socketError(fd);
      if (err < 0) reject(new SystemError(err, 'connect', ctx));
      else resolve();
    });
    const timer = setTimeout(() => {
      watcher.stop();
      reject(new SystemError(native().constants.ETIMEDOUT, 'connect', ctx));
    }, timeoutMs);
  });
}

/**
 * Listens for TCP connections with per-peer MD5 keys and a minimum TTL in place before the
 * first SYN can arrive, and returns a listening `net.Server` (attach 'connection' handlers).
 * Keys can be changed later with `setTcpMd5Key(server, address, key)`.
 */
export async function listenTcp(options: ListenTcpOptions): Promise<Server> {
  const local = addressBytes(options.host);
  checkPort(options.port);
  const b = native();
  const c = b.constants;
  const family = local.family === 4 ? c.AF_INET : c.AF_INET6;
  const ctx = { address: options.host, port: options.port };
  const fd = b.socketOpen(family, c.SOCK_STREAM);
  if (fd < 0) throw new SystemError(fd, 'socket', ctx);
  try {
    let rc = b.setsockoptInt(fd, c.SOL_SOCKET, c.SO_REUSEADDR, 1);
    if (rc < 0) throw new SystemError(rc, 'setsockopt', ctx);
    for (const k of options.md5Keys ?? []) {
      const peer = addressBytes(k.address);
      md5(fd, family, peer, k.prefixLength, k.key, { address: k.address });
    }
    if (options.ttl !== undefined) setTtl(fd, local.family, options.ttl);
    if (options.minTtl !== undefined) setMinTtl(fd, local.family, options.minTtl);
    rc = b.bindAddr(fd, family, local.bytes, options.port, local.scopeId);
    if (rc < 0) throw new SystemError(rc, 'bind', ctx);
    rc = b.listenFd(fd, options.backlog ?? 511);
    if (rc < 0) throw new SystemError(rc, 'listen', ctx);
  } catch (err) {
    b.closeFd(fd);
    throw err;
  }
  const server = new Server();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd, backlog: options.backlog ?? 511 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * Adds, replaces (`key` given) or removes (`key` undefined) the TCP-MD5 key for a peer on a
 * listening server or a socket. On an IPv6 socket an IPv4 peer is keyed by its IPv4-mapped
 * address, as the kernel sees it. `prefixLength` keys a whole range (TCP_MD5SIG_EXT).
 */
export function setTcpMd5Key(
  target: SocketLike,
  address: string,
  key: Md5Key | undefined,
  options: { prefixLength?: number } = {},
): void {
  const fd = fdOf(target);
  const b = native();
  const family = b.socketFamily(fd);
  if (family < 0) throw new SystemError(family, 'getsockopt', { fd });
  md5(fd, family, addressBytes(address), options.prefixLength, key, { address });
}

function md5(
  fd: number,
  socketFamily: number,
  peer: SocketAddressBytes,
  prefixLength: number | undefined,
  key: Md5Key | undefined,
  ctx: { address?: string },
): void {
  const b = native();
  const c = b.constants;
  let family = peer.family === 4 ? c.AF_INET : c.AF_INET6;
  let bytes = peer.bytes;
  let prefix = prefixLength ?? (peer.family === 4 ? 32 : 128);
  if (socketFamily === c.AF_INET6 && peer.family === 4) {
    family = c.AF_INET6;
    bytes = v4Mapped(peer.bytes);
    prefix += 96;
  } else if (socketFamily === c.AF_INET && peer.family === 6) {
    throw new IronLbError('ERR_IRONLB_SYS_INVALID_ARG', 'an IPv4 socket cannot have an IPv6 MD5 peer');
  }
  const keyBytes = key === undefined ? null : typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (keyBytes && (keyBytes.length === 0 || keyBytes.length > c.TCP_MD5SIG_MAXKEYLEN)) {
    throw new IronLbError(
      'ERR_IRONLB_SYS_INVALID_ARG',
      `TCP-MD5 key must be 1..${c.TCP_MD5SIG_MAXKEYLEN} bytes, got ${keyBytes.length}`,
    );
  }
  const rc = b.tcpMd5(fd, family, bytes, prefix, keyBytes);
  // ENOENT when removing a key that is not there: already in the desired state.
  if (rc < 0 && !(keyBytes === null && rc === -2)) throw new SystemError(rc, 'setsockopt', { ...ctx, fd });
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new IronLbError('ERR_IRONLB_SYS_INVALID_ARG', `port must be an integer in 0..65535, got ${port}`);
  }
}
