import { createServer, type Server, type Socket } from 'node:net';
import { BgpError, BgpErrorCode } from '../core/errors.js';
import { silentLogger, type BgpLogger } from './logger.js';
import type { BgpSession } from './session.js';
import { unmapAddress, type BgpSocket, type TcpSocketOptions } from './transport.js';

export interface BgpListenerOptions {
  /** Default `'::'` (both families). */
  readonly host?: string;
  /** Default 179. */
  readonly port?: number;
  /** GTSM minimum TTL for every accepted connection (RFC 5082). Needs `@ironlb/sys`. */
  readonly minTtl?: number;
  readonly logger?: BgpLogger;
  /** `@ironlb/sys`, needed for `minTtl` and for sessions with a password. */
  readonly socketOptions?: TcpSocketOptions;
}

/**
 * The passive side: one TCP listener for all sessions, handing each incoming connection to the
 * session of its source address (`session.acceptConnection`). Connections from unknown
 * addresses are closed. Sessions with a password get their TCP-MD5 key installed on the
 * listening socket when they are added, before the peer's SYN can arrive.
 */
export class BgpListener {
  readonly #server: Server;
  readonly #sessions = new Map<string, BgpSession>();
  readonly #keyed = new Set<string>();
  readonly #logger: BgpLogger;
  readonly #socketOptions: TcpSocketOptions | undefined;

  private constructor(server: Server, logger: BgpLogger, socketOptions: TcpSocketOptions | undefined) {
    this.#server = server;
    this.#logger = logger;
    this.#socketOptions = socketOptions;
    server.on('connection', (socket: Socket) => this.#onConnection(socket));
  }

  static async listen(options: BgpListenerOptions = {}): Promise<BgpListener> {
    const host = options.host ?? '::';
    const port = options.port ?? 179;
    const logger = (options.logger ?? silentLogger).child({
      component: 'bgpListener',
      listen: `${host}:${port}`,
    });
    let server: Server;
    if (options.minTtl !== undefined) {
      if (!options.socketOptions)
        throw new BgpError(BgpErrorCode.config, 'minTtl needs socketOptions (@ironlb/sys)');
      server = await options.socketOptions.listenTcp({ host, port, minTtl: options.minTtl });
    } else {
      server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
    return new BgpListener(server, logger, options.socketOptions);
  }

  /** The bound address (port 0 picks a free one). */
  address(): { address: string; port: number } {
    const a = this.#server.address();
    if (!a || typeof a === 'string')
      throw new BgpError(BgpErrorCode.config, 'listener is not bound to an IP address');
    return { address: a.address, port: a.port };
  }

  /** Routes the peer's connections to `session`; installs its TCP-MD5 key first. */
  add(session: BgpSession, options: { password?: string } = {}): void {
    const peer = unmapAddress(session.peer.split('%')[0]!);
    if (options.password !== undefined) {
      if (!this.#socketOptions)
        throw new BgpError(BgpErrorCode.config, 'a password needs socketOptions (@ironlb/sys)');
      this.#socketOptions.setTcpMd5Key(this.#server, peer, options.password);
      this.#keyed.add(peer);
    }
    this.#sessions.set(peer, session);
  }

  remove(session: BgpSession): void {
    const peer = unmapAddress(session.peer.split('%')[0]!);
    if (this.#sessions.get(peer) !== session) return;
    this.#sessions.delete(peer);
    if (this.#keyed.delete(peer)) this.#socketOptions?.setTcpMd5Key(this.#server, peer, undefined);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onConnection(socket: Socket): void {
    const from = unmapAddress(socket.remoteAddress ?? '');
    const session = this.#sessions.get(from);
    if (!session) {
      this.#logger.info({ event: 'connectionFromUnknownPeer', from });
      socket.destroy();
      return;
    }
    session.acceptConnection(socket as BgpSocket);
  }
}
