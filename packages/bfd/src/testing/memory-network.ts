import type { BfdSocket, BfdSocketFactory, BfdSocketOptions } from '../node/sockets.js';

interface Bound {
  readonly address: string;
  readonly port: number;
  readonly minTtl: number;
  handler?: (bytes: Uint8Array, from: { address: string; port: number }) => void;
}

export interface MemoryDatagram {
  readonly from: { address: string; port: number };
  readonly to: { address: string; port: number };
  readonly bytes: Uint8Array;
  readonly ttl: number;
}

/**
 * An in-memory UDP network for manager tests: every `factory()` shares one address space.
 * Delivery happens during `send`, one datagram at a time (never nested inside another
 * delivery), unless `hold()` is on (then `flush()` delivers). `cut(address)`
 * silently drops everything to and from an address, as a dead host would; every datagram
 * sent is recorded in `sent`.
 */
export class MemoryNetwork {
  readonly #bound = new Map<string, Bound>();
  readonly #cut = new Set<string>();
  readonly #queue: (() => void)[] = [];
  #holding = false;
  #draining = false;
  readonly sent: MemoryDatagram[] = [];

  factory(): BfdSocketFactory {
    return { enforcesMinTtl: true, open: async (o) => this.#open(o) };
  }

  cut(address: string): void {
    this.#cut.add(address);
  }

  restore(address: string): void {
    this.#cut.delete(address);
  }

  hold(): void {
    this.#holding = true;
  }

  flush(): void {
    this.#holding = false;
    this.#drain();
  }

  /** Delivers queued datagrams one at a time, never from inside another delivery. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let f = this.#queue.shift(); f; f = this.#queue.shift()) f();
    } finally {
      this.#draining = false;
    }
  }

  /** Injects a datagram as if `from` had sent it (for malformed-input and demux tests). */
  inject(
    from: { address: string; port: number },
    to: { address: string; port: number },
    bytes: Uint8Array,
    ttl = 255,
  ): void {
    this.#deliver({ from, to, bytes, ttl });
  }

  #open(o: BfdSocketOptions): BfdSocket {
    const key = `${o.address}:${o.port}`;
    if (this.#bound.has(key)) throw Object.assign(new Error(`${key} in use`), { code: 'EADDRINUSE' });
    const bound: Bound = { address: o.address, port: o.port, minTtl: o.minTtl ?? 0 };
    this.#bound.set(key, bound);
    return {
      send: (bytes, port, address) => {
        const d: MemoryDatagram = {
          from: { address: o.address, port: o.port },
          to: { address, port },
          bytes: bytes.slice(),
          ttl: o.ttl,
        };
        this.sent.push(d);
        this.#queue.push(() => this.#deliver(d));
        if (!this.#holding) this.#drain();
      },
      onMessage: (handler) => {
        bound.handler = handler;
      },
      onError: () => {},
      close: () => {
        this.#bound.delete(key);
      },
    };
  }

  #deliver(d: MemoryDatagram): void {
    if (this.#cut.has(d.from.address) || this.#cut.has(d.to.address)) return;
    const target = this.#bound.get(`${d.to.address}:${d.to.port}`);
    if (!target?.handler || d.ttl < target.minTtl) return;
    target.handler(d.bytes.slice(), d.from);
  }
}
