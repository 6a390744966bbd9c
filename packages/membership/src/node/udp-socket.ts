import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { IronLbError } from '@ironlb/wire';

/** Where a datagram came from or goes to. */
export interface UdpEndpoint {
  address: string;
  port: number;
}

/**
 * The narrow socket the agent needs. `openUdpSocket` gives the real one; tests use
 * `MemoryNetwork` from `@ironlb/membership/testing`.
 */
export interface MembershipSocket {
  send(bytes: Uint8Array, to: UdpEndpoint): void;
  /** One handler; datagrams that arrive before it is set are dropped. */
  onMessage(handler: (bytes: Uint8Array, from: UdpEndpoint) => void): void;
  /** Send failures (unreachable, EPERM from a firewall, ...) and socket errors. */
  onError(handler: (err: Error) => void): void;
  localAddress(): UdpEndpoint;
  close(): Promise<void>;
}

export class MembershipSocketError extends IronLbError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_IRONLB_MEMBERSHIP_SOCKET', message, options);
  }
}

/**
 * Binds a UDP socket. An IPv4 bind address gives an IPv4 socket; an IPv6 one (including `::`,
 * the default) gives an IPv6 socket that, unless `ipv6Only`, also reaches IPv4 members through
 * IPv4-mapped addresses. Port 0 picks a free port (tests).
 */
export async function openUdpSocket(options: {
  address?: string;
  port: number;
  ipv6Only?: boolean;
}): Promise<MembershipSocket> {
  const address = options.address ?? '::';
  const family = isIP(address);
  if (family === 0) throw new MembershipSocketError(`bind address ${address} is not an IP address`);
  const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: options.ipv6Only ?? false });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) =>
      reject(new MembershipSocketError(`cannot bind ${address}:${options.port}`, { cause: err }));
    socket.once('error', onError);
    socket.bind({ address, port: options.port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  return new DgramSocket(socket, family === 6 && !(options.ipv6Only ?? false));
}

class DgramSocket implements MembershipSocket {
  readonly #socket: Socket;
  readonly #mapIPv4: boolean;
  #onError: (err: Error) => void = () => {};
  #closed = false;

  constructor(socket: Socket, mapIPv4: boolean) {
    this.#socket = socket;
    this.#mapIPv4 = mapIPv4;
    socket.on('error', (err) => this.#onError(err));
  }

  send(bytes: Uint8Array, to: UdpEndpoint): void {
    if (this.#closed) return;
    const address = this.#mapIPv4 && isIP(to.address) === 4 ? `::ffff:${to.address}` : to.address;
    this.#socket.send(bytes, to.port, address, (err) => {
      if (err) this.#onError(err);
    });
  }

  onMessage(handler: (bytes: Uint8Array, from: UdpEndpoint) => void): void {
    this.#socket.on('message', (msg, rinfo) => handler(msg, { address: rinfo.address, port: rinfo.port }));
  }

  onError(handler: (err: Error) => void): void {
    this.#onError = handler;
  }

  localAddress(): UdpEndpoint {
    const a = this.#socket.address();
    return { address: a.address, port: a.port };
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
