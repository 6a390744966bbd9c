import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { addressBytes } from './address-bytes.js';
import { native } from './binding.js';
import { SystemError } from './system-error.js';
import { setMinTtl, setTtl } from './ttl.js';

export interface UdpSocketOptions {
  readonly type: 'udp4' | 'udp6';
  /** Local IP literal to bind ('0.0.0.0', '::'). */
  readonly address: string;
  readonly port: number;
  /** TTL / hop limit of sent packets (255 for BFD single-hop, RFC 5881 section 5). */
  readonly ttl?: number;
  /** Drop received packets below this TTL / hop limit (255 for BFD single-hop). */
  readonly minTtl?: number;
  /** SO_REUSEADDR before bind. */
  readonly reuseAddress?: boolean;
}

/**
 * A bound `dgram.Socket` whose TTL options were set before `bind`, so no packet is ever sent
 * or accepted without them. Equivalent to binding a dgram socket and then calling `setTtl`
 * and `setMinTtl` on it, without the window in between.
 */
export async function createUdpSocket(options: UdpSocketOptions): Promise<DgramSocket> {
  const local = addressBytes(options.address);
  const b = native();
  const c = b.constants;
  const family = options.type === 'udp4' ? c.AF_INET : c.AF_INET6;
  const ctx = { address: options.address, port: options.port };
  const fd = b.socketOpen(family, c.SOCK_DGRAM);
  if (fd < 0) throw new SystemError(fd, 'socket', ctx);
  try {
    if (options.reuseAddress) {
      const rc = b.setsockoptInt(fd, c.SOL_SOCKET, c.SO_REUSEADDR, 1);
      if (rc < 0) throw new SystemError(rc, 'setsockopt', ctx);
    }
    const fam = options.type === 'udp4' ? 4 : 6;
    if (options.ttl !== undefined) setTtl(fd, fam, options.ttl);
    if (options.minTtl !== undefined) setMinTtl(fd, fam, options.minTtl);
    const rc = b.bindAddr(fd, family, local.bytes, options.port, local.scopeId);
    if (rc < 0) throw new SystemError(rc, 'bind', ctx);
  } catch (err) {
    b.closeFd(fd);
    throw err;
  }
  const socket = createSocket(options.type);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ fd }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}
