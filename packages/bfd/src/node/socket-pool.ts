import { IronLbError } from '@ironlb/wire';
import type { Logger } from 'pino';
import { BfdConstants } from '../core/constants.js';
import type { BfdSocket, BfdSocketFactory } from './sockets.js';

interface Receiver {
  readonly socket: BfdSocket;
  users: number;
}

/**
 * The manager's sockets (RFC 5881 section 4): one receive socket on the control port per
 * local address, shared by the sessions on that address and closed with the last of them
 * (TTL 255 required on receipt when the factory can enforce it), and one sending socket per
 * session with its own source port in 49152-65535.
 */
export class SocketPool {
  readonly #receivers = new Map<string, Promise<Receiver>>();
  readonly #usedPorts = new Set<number>();

  constructor(
    private readonly options: {
      readonly sockets: BfdSocketFactory;
      readonly port: number;
      readonly random32: () => number;
      readonly log: Logger;
      readonly onDatagram: (bytes: Uint8Array, from: { address: string }, local: string) => void;
    },
  ) {}

  async acquireReceiver(local: string, family: 4 | 6): Promise<void> {
    let p = this.#receivers.get(local);
    if (!p) {
      p = this.options.sockets
        .open({
          family,
          address: local,
          port: this.options.port,
          ttl: BfdConstants.SingleHopTtl,
          minTtl: BfdConstants.SingleHopTtl,
        })
        .then((socket) => {
          socket.onMessage((bytes, from) => this.options.onDatagram(bytes, from, local));
          socket.onError((err) =>
            this.options.log.warn({ event: 'receiveError', local, err }, 'BFD receive socket error'),
          );
          return { socket, users: 0 };
        });
      this.#receivers.set(local, p);
      p.catch(() => this.#receivers.delete(local));
    }
    (await p).users++;
  }

  async releaseReceiver(local: string): Promise<void> {
    const p = this.#receivers.get(local);
    if (!p) return;
    const r = await p;
    if (--r.users > 0) return;
    this.#receivers.delete(local);
    r.socket.close();
  }

  /** A sending socket on `local` with a source port in 49152-65535 unused by other sessions. */
  async openSender(local: string, family: 4 | 6): Promise<{ socket: BfdSocket; port: number }> {
    const span = BfdConstants.SourcePortMax - BfdConstants.SourcePortMin + 1;
    for (let attempt = 0; attempt < 64; attempt++) {
      const port = BfdConstants.SourcePortMin + (this.options.random32() % span);
      if (this.#usedPorts.has(port)) continue;
      try {
        const socket = await this.options.sockets.open({
          family,
          address: local,
          port,
          ttl: BfdConstants.SingleHopTtl,
        });
        this.#usedPorts.add(port);
        return { socket, port };
      } catch (err) {
        if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new IronLbError('ERR_IRONLB_BFD_NO_SOURCE_PORT', `no free source port in 49152-65535 on ${local}`);
  }

  closeSender(socket: BfdSocket, port: number): void {
    socket.close();
    this.#usedPorts.delete(port);
  }

  async closeAll(): Promise<void> {
    for (const r of this.#receivers.values()) (await r).socket.close();
    this.#receivers.clear();
  }
}
