import { createFramer, type Framer } from '../core/codec/framer.js';
import {
  decodeMessage,
  encodeMessage,
  initialContext,
  maxMessageLength,
  type BgpMessage,
  type MessageContext,
} from '../core/codec/message.js';
import type { NotificationMessage } from '../core/codec/notification.js';
import { checkUpdate, type UpdateVerdict } from '../core/codec/update-check.js';
import type { RouteRefreshMessage } from '../core/codec/route-refresh.js';
import { MessageType, NotificationCode, OpenMessageSubcode } from '../core/constants.js';
import { BgpDecodeError } from '../core/errors.js';
import { step } from '../core/fsm/fsm.js';
import type {
  BgpState,
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmState,
  Negotiated,
  TimerName,
} from '../core/fsm/types.js';
import type { Clock } from './clock.js';
import type { BgpLogger } from './logger.js';
import { TimerSet } from './timer-set.js';
import type { BgpSocket } from './transport.js';

/** What a connection needs from its session. */
export interface ConnectionHost {
  readonly fsmConfig: FsmConfig;
  readonly clock: Clock;
  readonly logger: BgpLogger;
  dial(): Promise<BgpSocket>;
  onTransition(conn: Connection, from: BgpState, event: FsmEvent): void;
  onOpenConfirm(conn: Connection): void;
  onEstablished(conn: Connection, negotiated: Negotiated): void;
  onDown(conn: Connection, down: Extract<FsmAction, { type: 'down' }>): void;
  onUpdate(conn: Connection, verdict: UpdateVerdict): void;
  onRouteRefresh(conn: Connection, message: RouteRefreshMessage): void;
  onMessage(direction: 'sent' | 'received', type: BgpMessage['type']): void;
  onDecodeError(conn: Connection, error: BgpDecodeError): void;
}

/** Drain time for a NOTIFICATION before the socket is destroyed. */
const closeGraceMs = 1000;

let nextId = 1;

/**
 * One TCP connection to the peer and its FSM (RFC 4271 §8: one FSM per connection): the
 * interpreter of `step()`'s actions. It owns the socket, the framer and the timers; the
 * session decides what to advertise and resolves collisions between two connections.
 */
export class Connection {
  readonly id = nextId++;
  direction: 'outgoing' | 'incoming';
  #fsm: FsmState;
  #socket: BgpSocket | undefined;
  #framer: Framer = createFramer();
  #ctx: MessageContext = initialContext;
  #dialSeq = 0;
  readonly #host: ConnectionHost;
  readonly #timers: TimerSet<TimerName>;

  constructor(host: ConnectionHost, direction: 'outgoing' | 'incoming', fsm: FsmState) {
    this.#host = host;
    this.direction = direction;
    this.#fsm = fsm;
    this.#timers = new TimerSet<TimerName>(host.clock, (timer) =>
      this.dispatch({ type: `${timer}_Expires` }),
    );
  }

  get state(): BgpState {
    return this.#fsm.state;
  }

  get fsm(): FsmState {
    return this.#fsm;
  }

  get socket(): BgpSocket | undefined {
    return this.#socket;
  }

  get context(): MessageContext {
    return this.#ctx;
  }

  /** Runs one FSM step and carries out its actions. */
  dispatch(event: FsmEvent): void {
    const from = this.#fsm.state;
    const r = step(this.#fsm, event, { config: this.#host.fsmConfig, now: this.#host.clock.now() });
    this.#fsm = r.state;
    if (from === 'OpenSent' && r.state.state === 'OpenConfirm' && r.state.negotiated) {
      const n = r.state.negotiated;
      this.#ctx = { fourOctetAs: n.fourOctetAs, extendedMessage: n.extendedMessage };
      this.#framer.maxLength = maxMessageLength(this.#ctx);
    }
    for (const a of r.actions) this.#perform(a);
    if (from !== r.state.state) this.#host.onTransition(this, from, event);
    if (from === 'OpenSent' && r.state.state === 'OpenConfirm') this.#host.onOpenConfirm(this);
  }

  /** Takes an accepted socket (passive side) and starts the FSM on it. */
  accept(socket: BgpSocket): void {
    this.#dialSeq++;
    this.#attach(socket);
    this.dispatch({ type: 'TcpConnectionConfirmed' });
  }

  /** Writes raw bytes (packed UPDATEs) on an Established connection. */
  writeRaw(bytes: Uint8Array, updates: number): void {
    if (!this.#socket) return;
    this.#socket.write(bytes);
    for (let i = 0; i < updates; i++) this.#host.onMessage('sent', 'update');
  }

  send(message: BgpMessage): void {
    if (!this.#socket) return;
    this.#socket.write(encodeMessage(message, this.#ctx));
    this.#host.onMessage('sent', message.type);
  }

  /** Stops every timer and drops the socket without any protocol exchange. */
  dispose(): void {
    this.#timers.stopAll();
    this.#dialSeq++;
    this.#close(false);
  }

  #perform(a: FsmAction): void {
    switch (a.type) {
      case 'connect':
        this.#connect();
        return;
      case 'disconnect':
        this.#dialSeq++;
        this.#close(true);
        return;
      case 'send':
        this.send(a.message);
        return;
      case 'startTimer':
        this.#timers.start(a.timer, a.seconds);
        return;
      case 'stopTimer':
        this.#timers.stop(a.timer);
        return;
      case 'established':
        this.#host.onEstablished(this, a.negotiated);
        return;
      case 'down':
        this.#host.onDown(this, a);
        return;
    }
  }

  #connect(): void {
    const seq = ++this.#dialSeq;
    this.direction = 'outgoing';
    this.#host.dial().then(
      (socket) => {
        if (seq !== this.#dialSeq || this.#fsm.state !== 'Connect') {
          socket.destroy();
          return;
        }
        this.#attach(socket);
        this.dispatch({ type: 'Tcp_CR_Acked' });
      },
      (err: unknown) => {
        if (seq !== this.#dialSeq || this.#fsm.state !== 'Connect') return;
        const e = err as { code?: string; message?: string };
        this.#host.logger.debug({ event: 'connectFailed', code: e.code, err: e.message });
        this.dispatch({ type: 'TcpConnectionFails' });
      },
    );
  }

  #attach(socket: BgpSocket): void {
    this.#socket = socket;
    this.#framer = createFramer({ maxLength: maxMessageLength(this.#ctx) });
    socket.setNoDelay?.(true);
    socket.on('data', (chunk) => {
      if (this.#socket === socket) this.#receive(socket, chunk);
    });
    socket.on('error', (err) => {
      if (this.#socket === socket) this.#host.logger.debug({ event: 'socketError', err: err.message });
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.dispatch({ type: 'TcpConnectionFails' });
    });
  }

  #close(graceful: boolean): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = undefined;
    this.#ctx = initialContext;
    if (!graceful) {
      socket.destroy();
      return;
    }
    socket.end();
    const t = this.#host.clock.setTimeout(() => socket.destroy(), closeGraceMs);
    socket.on('close', () => this.#host.clock.clearTimeout(t));
  }

  #receive(socket: BgpSocket, chunk: Uint8Array): void {
    this.#framer.push(chunk);
    while (this.#socket === socket) {
      let frame: Uint8Array | undefined;
      try {
        frame = this.#framer.next();
      } catch (err) {
        return this.#protocolError(err, { type: 'BGPHeaderErr', error: err as BgpDecodeError });
      }
      if (!frame) return;
      let message: BgpMessage;
      try {
        message = decodeMessage(frame, this.#ctx);
      } catch (err) {
        const error = err as BgpDecodeError;
        const type = frame[18];
        const event: FsmEvent =
          type === MessageType.OPEN
            ? { type: 'BGPOpenMsgErr', error }
            : type === MessageType.UPDATE
              ? { type: 'UpdateMsgErr', error }
              : { type: 'BGPHeaderErr', error };
        return this.#protocolError(err, event);
      }
      this.#host.onMessage('received', message.type);
      this.dispatch(this.#eventOf(message));
    }
  }

  #protocolError(err: unknown, event: FsmEvent): void {
    if (!(err instanceof BgpDecodeError)) throw err;
    this.#host.onDecodeError(this, err);
    this.dispatch(event);
  }

  #eventOf(m: BgpMessage): FsmEvent {
    switch (m.type) {
      case 'open':
        return { type: 'BGPOpen', open: m };
      case 'keepalive':
        return { type: 'KeepAliveMsg' };
      case 'notification':
        return isVersionError(m)
          ? { type: 'NotifMsgVerErr', notification: m }
          : { type: 'NotifMsg', notification: m };
      case 'routeRefresh':
        if (this.#fsm.state === 'Established') this.#host.onRouteRefresh(this, m);
        return { type: 'RouteRefreshMsg', message: m };
      case 'update': {
        const n = this.#fsm.negotiated;
        if (this.#fsm.state === 'Established' && n) {
          this.#host.onUpdate(
            this,
            checkUpdate(m, { external: !n.internal, peerAs: n.peerAs, fourOctetAs: n.fourOctetAs }),
          );
        }
        return { type: 'UpdateMsg', update: m };
      }
    }
  }
}

function isVersionError(m: NotificationMessage): boolean {
  return (
    m.code === NotificationCode.OpenMessageError && m.subcode === OpenMessageSubcode.UnsupportedVersionNumber
  );
}
