import { connect, type Server, type Socket } from 'node:net';
import { BgpError, BgpErrorCode } from '../core/errors.js';

/**
 * The narrow socket the session needs: a `net.Socket` satisfies it, and so does the in-memory
 * socket of `@ironlb/bgp/testing`.
 */
export interface BgpSocket {
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  write(data: Uint8Array): boolean;
  end(): void;
  destroy(): void;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  setNoDelay?(noDelay?: boolean): unknown;
}

export interface DialOptions {
  readonly host: string;
  readonly port: number;
  readonly localAddress?: string;
  readonly localPort?: number;
  /** TCP-MD5 key (RFC 2385). */
  readonly md5Key?: string;
  /** TTL of our packets (eBGP multihop, or 255 for GTSM). */
  readonly ttl?: number;
  /** Minimum TTL of the peer's packets (GTSM, RFC 5082). */
  readonly minTtl?: number;
  readonly timeoutMs: number;
}

/** Opens the TCP connection to a peer. */
export interface Dialer {
  dial(options: DialOptions): Promise<BgpSocket>;
}

/**
 * The socket options Node's `net` cannot set (TCP-MD5, TTL, minimum TTL): the shape of
 * `@ironlb/sys`, passed in by the composition root (`await import('@ironlb/sys')`), so that
 * this package loads no native addon unless a session needs one.
 */
export interface TcpSocketOptions {
  connectTcp(options: DialOptions): Promise<Socket>;
  listenTcp(options: { host: string; port: number; minTtl?: number }): Promise<Server>;
  setTcpMd5Key(server: Server, address: string, key: string | undefined): void;
}

/**
 * A dialer that uses Node's `net` when no socket option is needed, and `socketOptions` when a
 * TCP-MD5 key or a TTL must be set before the first SYN.
 */
export function createTcpDialer(socketOptions?: TcpSocketOptions): Dialer {
  return {
    async dial(o: DialOptions): Promise<BgpSocket> {
      if (o.md5Key !== undefined || o.ttl !== undefined || o.minTtl !== undefined) {
        if (!socketOptions) {
          throw new BgpError(
            BgpErrorCode.config,
            'a password, eBGP multihop or TTL security needs socketOptions (the @ironlb/sys module)',
          );
        }
        return (await socketOptions.connectTcp(o)) as BgpSocket;
      }
      return await dialNet(o);
    },
  };
}

/** Node's `net` only: no TCP-MD5, no TTL. */
export const tcpDialer: Dialer = createTcpDialer();

function dialNet(o: DialOptions): Promise<BgpSocket> {
  return new Promise<BgpSocket>((resolve, reject) => {
    const socket: Socket = connect({
      host: o.host,
      port: o.port,
      ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}),
      ...(o.localPort !== undefined ? { localPort: o.localPort } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${o.host}:${o.port}`), { code: 'ETIMEDOUT' }));
    }, o.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket as BgpSocket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

/** `::ffff:192.0.2.11` -> `192.0.2.11`; other addresses unchanged. */
export function unmapAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
