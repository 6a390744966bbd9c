import { EventEmitter } from 'node:events';
import type { BgpSocket, Dialer, DialOptions } from '../node/transport.js';

/**
 * An in-memory TCP stand-in: sockets deliver written bytes to their peer on a microtask, in
 * order, possibly in other chunk sizes than written (as TCP may). `end()` and `destroy()`
 * close both sides.
 */
export class MemorySocket extends EventEmitter implements BgpSocket {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  peer: MemorySocket | undefined;
  closed = false;
  /** Every byte written, for assertions. */
  readonly written: Uint8Array[] = [];
  /** Split deliveries into chunks of at most this many bytes (exercises the framer). */
  chunkSize = Infinity;

  constructor(local: { address: string; port: number }, remote: { address: string; port: number }) {
    super();
    this.localAddress = local.address;
    this.localPort = local.port;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
  }

  write(data: Uint8Array): boolean {
    if (this.closed) return false;
    const copy = data.slice();
    this.written.push(copy);
    const peer = this.peer;
    queueMicrotask(() => {
      if (!peer || peer.closed) return;
      for (let i = 0; i < copy.length; i += peer.chunkSize === Infinity ? copy.length : peer.chunkSize) {
        peer.emit('data', copy.subarray(i, i + (peer.chunkSize === Infinity ? copy.length : peer.chunkSize)));
      }
    });
    return true;
  }

  end(): void {
    // Deliver what was written first, then close both sides.
    queueMicrotask(() => this.destroy());
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    const peer = this.peer;
    queueMicrotask(() => {
      this.emit('close');
      if (peer && !peer.closed) {
        peer.closed = true;
        peer.emit('close');
      }
    });
  }

  setNoDelay(): this {
    return this;
  }
}

/** Two connected sockets. */
export function memorySocketPair(
  a: { address: string; port: number },
  b: { address: string; port: number },
): [MemorySocket, MemorySocket] {
  const x = new MemorySocket(a, b);
  const y = new MemorySocket(b, a);
  x.peer = y;
  y.peer = x;
  return [x, y];
}

/**
 * Listeners by address and port; `dialer(localAddress)` gives a `Dialer` whose connections land
 * on them (ECONNREFUSED when nobody listens). `hold(address)` makes dials to it hang until
 * their timeout, as a black-holed peer does.
 */
export class MemoryNetwork {
  readonly #listeners = new Map<string, (socket: MemorySocket) => void>();
  readonly #blackholes = new Set<string>();
  #ephemeral = 40000;
  /** Every dial attempt: for assertions on TTL, MD5 and addresses. */
  readonly dials: DialOptions[] = [];

  listen(address: string, port: number, onConnection: (socket: MemorySocket) => void): void {
    this.#listeners.set(`${address}|${port}`, onConnection);
  }

  unlisten(address: string, port: number): void {
    this.#listeners.delete(`${address}|${port}`);
  }

  blackhole(address: string, on = true): void {
    if (on) this.#blackholes.add(address);
    else this.#blackholes.delete(address);
  }

  /** Opens a connection from `from` to a listener directly (the peer dialling us). */
  connect(from: { address: string; port?: number }, to: { address: string; port: number }): MemorySocket {
    const listener = this.#listeners.get(`${to.address}|${to.port}`);
    if (!listener) throw Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const [client, server] = memorySocketPair(
      { address: from.address, port: from.port ?? this.#ephemeral++ },
      to,
    );
    listener(server);
    return client;
  }

  dialer(localAddress: string): Dialer {
    return {
      dial: (o: DialOptions) => {
        this.dials.push(o);
        if (this.#blackholes.has(o.host)) {
          return new Promise<BgpSocket>(() => undefined);
        }
        const listener = this.#listeners.get(`${o.host}|${o.port}`);
        if (!listener)
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        const [client, server] = memorySocketPair(
          { address: o.localAddress ?? localAddress, port: o.localPort ?? this.#ephemeral++ },
          { address: o.host, port: o.port },
        );
        listener(server);
        return Promise.resolve(client);
      },
    };
  }
}
