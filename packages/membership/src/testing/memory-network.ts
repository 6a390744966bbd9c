import type { Clock } from '../node/clock.js';
import type { MembershipSocket, UdpEndpoint } from '../node/udp-socket.js';
import type { Random } from '../core/random.js';

/**
 * An in-memory UDP network for node-layer tests: sockets by "address:port", delivery after a
 * delay on the given clock, optional loss, and a tap that sees (and may inject) every datagram.
 */
export class MemoryNetwork {
  readonly #sockets = new Map<string, MemorySocket>();
  readonly #clock: Clock;
  readonly #random: Random;
  delayMs: number;
  loss = 0;
  /** Every datagram sent, in order (for tests that replay or tamper with traffic). */
  readonly sent: Array<{ from: UdpEndpoint; to: UdpEndpoint; bytes: Uint8Array }> = [];

  constructor(options: { clock: Clock; delayMs?: number; random?: Random }) {
    this.#clock = options.clock;
    this.delayMs = options.delayMs ?? 0.2;
    this.#random = options.random ?? Math.random;
  }

  socket(address: string, port: number): MembershipSocket {
    const s = new MemorySocket(this, { address, port });
    this.#sockets.set(`${address}:${port}`, s);
    return s;
  }

  /** Delivers `bytes` to `to` as if sent from `from` (also used to inject forged traffic). */
  deliver(from: UdpEndpoint, to: UdpEndpoint, bytes: Uint8Array): void {
    this.sent.push({ from, to, bytes: bytes.slice() });
    if (this.loss > 0 && this.#random() < this.loss) return;
    const copy = bytes.slice();
    this.#clock.setTimer(this.delayMs, () =>
      this.#sockets.get(`${to.address}:${to.port}`)?.receive(copy, from),
    );
  }

  unregister(endpoint: UdpEndpoint): void {
    this.#sockets.delete(`${endpoint.address}:${endpoint.port}`);
  }
}

class MemorySocket implements MembershipSocket {
  readonly #network: MemoryNetwork;
  readonly #local: UdpEndpoint;
  #handler: ((bytes: Uint8Array, from: UdpEndpoint) => void) | undefined;
  #closed = false;

  constructor(network: MemoryNetwork, local: UdpEndpoint) {
    this.#network = network;
    this.#local = local;
  }

  send(bytes: Uint8Array, to: UdpEndpoint): void {
    if (!this.#closed) this.#network.deliver(this.#local, to, bytes);
  }

  onMessage(handler: (bytes: Uint8Array, from: UdpEndpoint) => void): void {
    this.#handler = handler;
  }

  onError(): void {}

  localAddress(): UdpEndpoint {
    return this.#local;
  }

  receive(bytes: Uint8Array, from: UdpEndpoint): void {
    if (!this.#closed) this.#handler?.(bytes, from);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#network.unregister(this.#local);
    return Promise.resolve();
  }
}
