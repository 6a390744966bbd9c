import { createSocket, type Socket as DgramSocket } from 'node:dgram';

/** The socket seam of the BFD manager: what it needs from a UDP socket, and no more. */
export interface BfdSocket {
  send(bytes: Uint8Array, port: number, address: string): void;
  /** Called for every datagram; `bytes` may be reused by the socket after the call. */
  onMessage(handler: (bytes: Uint8Array, from: { address: string; port: number }) => void): void;
  onError(handler: (err: Error) => void): void;
  close(): void;
}

export interface BfdSocketOptions {
  readonly family: 4 | 6;
  readonly address: string;
  readonly port: number;
  /** TTL / hop limit of sent packets. */
  readonly ttl: number;
  /** Drop received packets below this TTL / hop limit (RFC 5881 section 5: 255). */
  readonly minTtl?: number;
}

/**
 * Opens bound sockets. Must reject with an error whose `code` is `EADDRINUSE` when the port
 * is taken, so that the manager can try another source port.
 */
export interface BfdSocketFactory {
  open(options: BfdSocketOptions): Promise<BfdSocket>;
  /** Whether `minTtl` is enforced on received packets (false: the TTL rule is not checked). */
  readonly enforcesMinTtl: boolean;
}

/**
 * The shape of `createUdpSocket` from `@ironlb/sys`: a bound `dgram.Socket` with TTL and
 * minimum TTL (a BPF filter for datagram sockets) set before bind. The composition root passes
 * it in; this package does not import `@ironlb/sys` (same layer).
 */
export type CreateUdpSocket = (options: {
  type: 'udp4' | 'udp6';
  address: string;
  port: number;
  ttl?: number;
  minTtl?: number;
}) => Promise<DgramSocket>;

/**
 * Real UDP sockets through `dgram`. With `createUdpSocket` (from `@ironlb/sys`) received
 * packets are checked for TTL 255 in the kernel; without it only the sending side of the TTL
 * rule holds (`dgram.setTTL(255)`), and `enforcesMinTtl` is false.
 */
export function dgramSocketFactory(options: { createUdpSocket?: CreateUdpSocket } = {}): BfdSocketFactory {
  return {
    enforcesMinTtl: options.createUdpSocket !== undefined,
    async open(o) {
      const type = o.family === 4 ? 'udp4' : 'udp6';
      let socket: DgramSocket;
      if (options.createUdpSocket) {
        socket = await options.createUdpSocket({
          type,
          address: o.address,
          port: o.port,
          ttl: o.ttl,
          ...(o.minTtl !== undefined ? { minTtl: o.minTtl } : {}),
        });
      } else {
        socket = createSocket({ type });
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind({ address: o.address, port: o.port, exclusive: true }, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        socket.setTTL(o.ttl);
      }
      return wrap(socket);
    },
  };
}

function wrap(socket: DgramSocket): BfdSocket {
  let onError: (err: Error) => void = () => {};
  socket.on('error', (err) => onError(err));
  return {
    send(bytes, port, address) {
      socket.send(bytes, port, address, (err) => {
        if (err) onError(err);
      });
    },
    onMessage(handler) {
      socket.on('message', (msg, rinfo) => handler(msg, { address: rinfo.address, port: rinfo.port }));
    },
    onError(handler) {
      onError = handler;
    },
    close() {
      try {
        socket.close();
      } catch {
        // already closed
      }
    },
  };
}
