import { EventEmitter } from 'node:events';
import { AdvertisementTable, type Advertisement, type RejectedAdvertisement } from '../core/advertisement.js';
import { countByFamily } from '../core/adj-rib-out.js';
import { describeNotification } from '../core/codec/notification.js';
import { familyOfAfi, type Family } from '../core/codec/prefix.js';
import type { UpdateVerdict } from '../core/codec/update-check.js';
import type { RouteRefreshMessage } from '../core/codec/route-refresh.js';
import { maxMessageLength } from '../core/codec/message.js';
import { CeaseSubcode } from '../core/constants.js';
import type { BgpDecodeError } from '../core/errors.js';
import { connectionToKeep } from '../core/fsm/collision.js';
import { initialState } from '../core/fsm/fsm.js';
import type {
  BgpState,
  DownReason,
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmEventType,
  Negotiated,
} from '../core/fsm/types.js';
import type { ExportContext } from '../core/update-packer.js';
import { AdjRibOutState } from './adj-rib-out-state.js';
import { systemClock, type Clock } from './clock.js';
import { Connection, type ConnectionHost } from './connection.js';
import { silentLogger, type BgpLogger } from './logger.js';
import { fsmConfigOf, parseOptionalAddress, type BgpSessionOptions } from './session-options.js';
import { emptyCounts, type BgpSessionStats } from './session-stats.js';
import { createTcpDialer, unmapAddress, type BgpSocket, type Dialer } from './transport.js';

export interface StateChange {
  readonly from: BgpState;
  readonly to: BgpState;
  readonly event: FsmEventType;
}

export interface SessionDown {
  readonly from: BgpState;
  readonly reason: DownReason;
  readonly notification?: {
    readonly direction: 'sent' | 'received';
    readonly code: number;
    readonly subcode: number;
    readonly text: string;
  };
}

export interface BgpSessionEvents {
  stateChange: [change: StateChange];
  established: [negotiated: Negotiated];
  down: [down: SessionDown];
}

/** Why `reset()` tears the session down; each maps to a Cease subcode (RFC 4486, RFC 9384). */
export type ResetCause = 'bfdDown' | 'administrativeReset' | 'configurationChange';

const resetSubcode: Record<ResetCause, number> = {
  bfdDown: CeaseSubcode.BfdDown,
  administrativeReset: CeaseSubcode.AdministrativeReset,
  configurationChange: CeaseSubcode.OtherConfigurationChange,
};

const stateRank: Record<BgpState, number> = {
  Idle: 0,
  Connect: 1,
  Active: 1,
  OpenSent: 2,
  OpenConfirm: 3,
  Established: 4,
};

/**
 * One BGP peer: runs the FSM over up to two TCP connections (ours and the peer's, while a
 * collision is being resolved), keeps the peer's Adj-RIB-Out and sends only differences.
 *
 *   setAdvertisements(all) --AdvertisementTable--> desired --diffRib(desired, advertised)--> packer --> socket
 *   socket --framer--> decodeMessage --> FSM step --> actions (send, timers, connect, close)
 *
 * Received UPDATEs are decoded and checked (RFC 7606) and counted, never installed.
 */
export class BgpSession extends EventEmitter<BgpSessionEvents> {
  readonly peer: string;
  readonly fsmConfig: FsmConfig;
  readonly clock: Clock;
  readonly logger: BgpLogger;
  readonly #options: BgpSessionOptions;
  readonly #dialer: Dialer;
  #primary: Connection;
  #secondary: Connection | undefined;
  readonly #rib = new AdjRibOutState();
  #endOfRibReceived: Family[] = [];
  #state: BgpState = 'Idle';
  #stats = {
    messagesSent: emptyCounts(),
    messagesReceived: emptyCounts(),
    announced: 0,
    withdrawn: 0,
    treatAsWithdraw: 0,
    attributesDiscarded: 0,
    malformed: 0,
    connectAttempts: 0,
    establishedCount: 0,
    establishedAt: undefined as number | undefined,
    lastDown: undefined as BgpSessionStats['lastDown'],
  };

  constructor(options: BgpSessionOptions) {
    super();
    this.#options = options;
    this.fsmConfig = fsmConfigOf(options);
    parseOptionalAddress(options.nextHop?.ipv4, 4, 'nextHop.ipv4');
    parseOptionalAddress(options.nextHop?.ipv6, 6, 'nextHop.ipv6');
    parseOptionalAddress(options.nextHop?.ipv6LinkLocal, 6, 'nextHop.ipv6LinkLocal');
    this.peer = options.peerAddress;
    this.clock = options.clock ?? systemClock;
    this.#dialer = options.dialer ?? createTcpDialer(options.socketOptions);
    this.logger = (options.logger ?? silentLogger).child({
      component: 'bgp',
      peer: `${options.peerAddress}:${options.peerPort ?? 179}`,
      localAs: options.localAs,
      peerAs: options.peerAs,
    });
    const restarting =
      options.restarting ?? (options.gracefulRestart !== undefined && options.gracefulRestart !== false);
    this.#primary = new Connection(this.#host, 'outgoing', initialState({ restarting }));
  }

  /** The most advanced state among the session's connections. */
  get state(): BgpState {
    return this.#state;
  }

  /** Starts the session: dial (or wait, when passive), and reconnect after failures. */
  start(): void {
    this.#primary.dispatch({ type: 'ManualStart' });
  }

  /**
   * Stops the session: Cease / Administrative Shutdown (RFC 4486, with an RFC 9003 message)
   * so that the peer withdraws our routes at once, and no reconnect. With `keepRoutes` the
   * connection is closed without a NOTIFICATION, so that a peer that negotiated graceful
   * restart keeps our routes as stale until we come back (RFC 4724 §4): for planned
   * restarts. Resolves when the connections are closed.
   */
  async stop(options: { text?: string; keepRoutes?: boolean } = {}): Promise<void> {
    const sockets = [this.#primary.socket, this.#secondary?.socket].filter(
      (s): s is BgpSocket => s !== undefined,
    );
    const closed = sockets.map((s) => new Promise<void>((resolve) => s.on('close', () => resolve())));
    if (this.#secondary) this.#dropSecondary();
    this.#primary.dispatch({
      type: 'ManualStop',
      ...(options.text !== undefined ? { text: options.text } : {}),
      ...(options.keepRoutes ? { withoutNotification: true } : {}),
    });
    await Promise.all(closed);
  }

  /**
   * Tears the session down now (BFD reported the peer down, or an operator reset): a Cease
   * NOTIFICATION with the matching subcode is written and the connection closed at once; the
   * session reconnects after the damped idle hold time.
   */
  reset(cause: ResetCause = 'administrativeReset', text?: string): void {
    const event: FsmEvent = {
      type: 'AutomaticStop',
      subcode: resetSubcode[cause],
      ...(text !== undefined ? { text } : {}),
    };
    if (this.#secondary) this.#dropSecondary();
    this.#primary.dispatch(event);
  }

  /**
   * Replaces the whole set of routes this peer should have. Only the difference from what
   * the peer has is sent, packed many prefixes per UPDATE; End-of-RIB follows the first full
   * table of each session. Invalid or duplicate advertisements are returned, not thrown.
   * Pass an `AdvertisementTable` built once to give several sessions the same routes without
   * a copy per session.
   */
  setAdvertisements(ads: Iterable<Advertisement> | AdvertisementTable): {
    accepted: number;
    rejected: readonly RejectedAdvertisement[];
  } {
    const table = ads instanceof AdvertisementTable ? ads : AdvertisementTable.from(ads);
    for (const r of table.rejected) {
      this.logger.warn({ event: 'advertisementRejected', reason: r.reason, detail: r.detail });
    }
    this.#rib.setDesired(table);
    this.#sync();
    return { accepted: table.size, rejected: table.rejected };
  }

  /**
   * Hands over a connection the peer opened to us (from a `BgpListener`). Returns false when
   * it was refused: the session is stopped or Idle, or already Established (RFC 4271 §6.8).
   */
  acceptConnection(socket: BgpSocket): boolean {
    const p = this.#primary;
    if (p.fsm.stopped || p.state === 'Idle' || p.state === 'Established' || this.#secondary) {
      this.logger.info({ event: 'connectionRefused', state: p.state });
      socket.destroy();
      return false;
    }
    if (p.state === 'Connect' || p.state === 'Active') {
      p.direction = 'incoming';
      p.accept(socket);
      return true;
    }
    const fsm = { ...p.fsm, state: 'Active' as const, negotiated: undefined };
    this.#secondary = new Connection(this.#host, 'incoming', fsm);
    this.#secondary.accept(socket);
    return true;
  }

  stats(): BgpSessionStats {
    const s = this.#stats;
    const n = this.#established?.fsm.negotiated;
    return {
      peer: this.peer,
      state: this.#state,
      ...(s.establishedAt !== undefined ? { establishedAt: s.establishedAt } : {}),
      ...(n
        ? {
            negotiated: {
              holdTime: n.holdTime,
              keepaliveTime: n.keepaliveTime,
              peerAs: n.peerAs,
              peerRouterId: [24, 16, 8, 0].map((b) => (n.peerBgpIdentifier >>> b) & 255).join('.'),
              families: n.families,
              fourOctetAs: n.fourOctetAs,
              extendedMessage: n.extendedMessage,
              gracefulRestart: n.gracefulRestart,
              routeRefresh: n.routeRefresh,
            },
          }
        : {}),
      messagesSent: { ...s.messagesSent },
      messagesReceived: { ...s.messagesReceived },
      prefixesAdvertised: countByFamily(this.#rib.advertised),
      prefixesDesired: this.#rib.desired?.size ?? 0,
      prefixesUnsendable: this.#rib.unsendable,
      prefixesReceived: { announced: s.announced, withdrawn: s.withdrawn },
      updatesTreatedAsWithdraw: s.treatAsWithdraw,
      attributesDiscarded: s.attributesDiscarded,
      malformedMessages: s.malformed,
      endOfRibSent: [...this.#rib.endOfRibSent],
      endOfRibReceived: [...this.#endOfRibReceived],
      connectAttempts: s.connectAttempts,
      establishedCount: s.establishedCount,
      ...(s.lastDown ? { lastDown: s.lastDown } : {}),
    };
  }

  get #established(): Connection | undefined {
    if (this.#primary.state === 'Established') return this.#primary;
    return this.#secondary?.state === 'Established' ? this.#secondary : undefined;
  }

  #dropSecondary(): void {
    const c = this.#secondary;
    this.#secondary = undefined;
    if (c) {
      if (c.state !== 'Idle') c.dispatch({ type: 'ManualStop' });
      c.dispose();
    }
  }

  /** Brings the peer's Adj-RIB-Out to the desired table. */
  #sync(): void {
    const conn = this.#established;
    const n = conn?.fsm.negotiated;
    if (!conn || !n) return;
    const out = this.#rib.sync(this.#exportContext(conn, n), n.families);
    if (out && out.updates > 0) conn.writeRaw(out.bytes, out.updates);
  }

  #exportContext(conn: Connection, n: Negotiated): ExportContext {
    const o = this.#options.nextHop;
    const local = conn.socket?.localAddress ? unmapAddress(conn.socket.localAddress) : undefined;
    const localIs6 = local?.includes(':') ?? false;
    const nh4 = parseOptionalAddress(o?.ipv4 ?? (local && !localIs6 ? local : undefined), 4, 'nextHop.ipv4');
    const nh6 = parseOptionalAddress(
      o?.ipv6 ?? (local && localIs6 && !local.startsWith('fe80') ? local : undefined),
      6,
      'nextHop.ipv6',
    );
    const ll = parseOptionalAddress(o?.ipv6LinkLocal, 6, 'nextHop.ipv6LinkLocal');
    return {
      localAs: this.fsmConfig.localAs,
      internal: n.internal,
      fourOctetAs: n.fourOctetAs,
      maxLength: maxMessageLength(conn.context),
      ...(nh4 ? { nextHop4: nh4 } : {}),
      ...(nh6 ? { nextHop6: nh6 } : {}),
      ...(ll ? { nextHop6LinkLocal: ll } : {}),
    };
  }

  #updateState(event: FsmEventType): void {
    const conns = [this.#primary, this.#secondary].filter((c): c is Connection => c !== undefined);
    const to = conns.reduce<BgpState>(
      (best, c) => (stateRank[c.state] > stateRank[best] ? c.state : best),
      this.#primary.state,
    );
    if (to === this.#state) return;
    const from = this.#state;
    this.#state = to;
    this.logger.debug({ event: 'stateChange', from, to, trigger: event });
    this.emit('stateChange', { from, to, event });
  }

  /** Resolves a collision when a connection has received the peer's OPEN (RFC 4271 §6.8). */
  #checkCollision(conn: Connection): void {
    const other = conn === this.#primary ? this.#secondary : this.#primary;
    const n = conn.fsm.negotiated;
    if (!other || !n) return;
    let loser: Connection | undefined;
    if (other.state === 'Established') {
      loser = conn;
    } else if (other.state === 'OpenConfirm') {
      const keep = connectionToKeep(
        { id: this.fsmConfig.bgpIdentifier, asn: this.fsmConfig.localAs },
        { id: n.peerBgpIdentifier, asn: n.peerAs },
      );
      loser = conn.direction === keep ? other : conn;
    }
    if (!loser) return;
    this.logger.info({ event: 'collision', dropped: loser.direction });
    if (loser === this.#primary) this.#primary = this.#secondary!;
    this.#secondary = undefined;
    loser.dispatch({ type: 'OpenCollisionDump' });
    loser.dispose();
  }

  // The connections' view of the session (kept off the public surface).
  readonly #host: ConnectionHost = ((session: BgpSession) => ({
    get fsmConfig() {
      return session.fsmConfig;
    },
    get clock() {
      return session.clock;
    },
    get logger() {
      return session.logger;
    },
    dial: () => session.#dial(),
    onTransition: (conn: Connection, _from: BgpState, event: FsmEvent) => {
      if (conn === session.#secondary && conn.state === 'Idle') session.#dropSecondary();
      session.#updateState(event.type);
    },
    onOpenConfirm: (conn: Connection) => session.#checkCollision(conn),
    onEstablished: (_conn: Connection, n: Negotiated) => session.#onEstablished(n),
    onDown: (conn: Connection, down: Extract<FsmAction, { type: 'down' }>) => session.#onDown(conn, down),
    onUpdate: (_conn: Connection, v: UpdateVerdict) => session.#onUpdate(v),
    onRouteRefresh: (_conn: Connection, m: RouteRefreshMessage) => session.#onRouteRefresh(m),
    onMessage: (direction: 'sent' | 'received', type: keyof BgpSessionStats['messagesSent']) => {
      (direction === 'sent' ? session.#stats.messagesSent : session.#stats.messagesReceived)[type]++;
    },
    onDecodeError: (_conn: Connection, err: BgpDecodeError) => session.#onDecodeError(err),
  }))(this);

  #onEstablished(n: Negotiated): void {
    this.#stats.establishedCount++;
    this.#stats.establishedAt = Date.now();
    this.#rib.clear();
    this.#endOfRibReceived = [];
    this.logger.info({ event: 'sessionUp', holdTime: n.holdTime, families: n.families, peerAs: n.peerAs });
    this.emit('established', n);
    this.#sync();
  }

  #dial(): Promise<BgpSocket> {
    const o = this.#options;
    this.#stats.connectAttempts++;
    const ttl = o.ttlSecurity ? 255 : o.ebgpMultihop;
    return this.#dialer.dial({
      host: o.peerAddress,
      port: o.peerPort ?? 179,
      timeoutMs: (o.connectTimeout ?? 10) * 1000,
      ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}),
      ...(o.localPort !== undefined ? { localPort: o.localPort } : {}),
      ...(o.password !== undefined ? { md5Key: o.password } : {}),
      ...(ttl !== undefined ? { ttl } : {}),
      ...(o.ttlSecurity ? { minTtl: 256 - o.ttlSecurity.hops } : {}),
    });
  }

  #onDown(conn: Connection, down: Extract<FsmAction, { type: 'down' }>): void {
    const wasEstablished = down.from === 'Established';
    const note = down.notification;
    const notification = note
      ? {
          direction: note.direction,
          code: note.message.code,
          subcode: note.message.subcode,
          text: describeNotification(note.message),
        }
      : undefined;
    if (conn === this.#primary || wasEstablished) {
      this.#stats.lastDown = {
        at: Date.now(),
        reason: down.reason,
        from: down.from,
        ...(notification ? { notification: `${notification.direction} ${notification.text}` } : {}),
      };
    }
    if (wasEstablished) {
      this.#rib.clear();
      this.#stats.establishedAt = undefined;
    }
    const level = wasEstablished ? 'warn' : 'debug';
    this.logger[level]({
      event: wasEstablished ? 'sessionDown' : 'connectionDown',
      reason: down.reason,
      from: down.from,
      notification: notification?.text,
    });
    // A connection that lost a collision is not the session going down.
    if (conn === this.#primary || wasEstablished) {
      this.emit('down', { from: down.from, reason: down.reason, ...(notification ? { notification } : {}) });
    }
  }

  #onUpdate(v: UpdateVerdict): void {
    this.#stats.announced += v.announced;
    this.#stats.withdrawn += v.withdrawn;
    if (v.handling === 'treatAsWithdraw') this.#stats.treatAsWithdraw++;
    this.#stats.attributesDiscarded += v.errors.filter((e) => e.handling === 'attributeDiscard').length;
    if (v.endOfRib !== undefined && !this.#endOfRibReceived.includes(v.endOfRib))
      this.#endOfRibReceived.push(v.endOfRib);
    for (const e of v.errors) {
      this.logger.info({
        event: 'updateError',
        handling: e.handling,
        notification: e.notificationName,
        err: e.message,
      });
    }
  }

  /** RFC 2918 §4: re-advertise the Adj-RIB-Out of the requested family. */
  #onRouteRefresh(m: RouteRefreshMessage): void {
    const f = familyOfAfi(m.afi);
    if (f === undefined || m.safi !== 1) return;
    this.#rib.forget(f);
    this.#sync();
  }

  #onDecodeError(err: BgpDecodeError): void {
    this.#stats.malformed++;
    this.logger.warn({ event: 'malformedMessage', notification: err.notificationName, err: err.message });
  }
}
