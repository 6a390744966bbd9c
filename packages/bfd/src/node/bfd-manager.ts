import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { IPAddress } from '@ironlb/netaddr';
import { IronLbError, isDecodeError } from '@ironlb/wire';
import type { Logger } from 'pino';
import { decodeControlPacket } from '../core/codec/control-packet.js';
import { BfdConstants, BfdState, diagnosticReason, stateName } from '../core/constants.js';
import { resolveProfile, validateProfile, type ProfileProblem } from '../core/profile.js';
import { checkControlPacket } from '../core/receive-checks.js';
import type { SessionAction, SessionEvent, SessionState } from '../core/session/session-types.js';
import { initSession, step } from '../core/session/step.js';
import { transmitInterval } from '../core/session/timers.js';
import type { BfdController, UpdateProfileResult } from './bfd-controller.js';
import { monotonicClock, type Clock } from './clock.js';
import { createTimerScheduler, type TimerScheduler } from './scheduler.js';
import type { BfdEvent, BfdSessionInfo, BfdSessionSpec, ReceiveDropReason } from './session-types.js';
import { sessionInfo, timersOf } from './session-info.js';
import { SocketPool } from './socket-pool.js';
import { dgramSocketFactory, type BfdSocket, type BfdSocketFactory } from './sockets.js';
import { SampleRing, type BfdStats } from './stats.js';

export interface BfdManagerOptions {
  readonly logger: Logger;
  /** Real UDP by default (`dgramSocketFactory()`); pass one built with `@ironlb/sys` for the TTL check. */
  readonly sockets?: BfdSocketFactory;
  readonly clock?: Clock;
  /** One scheduler for all sessions; by default a heap with one `setTimeout`, on `clock`. */
  readonly scheduler?: TimerScheduler;
  /** Random 32-bit values (discriminators, jitter seeds, auth sequence); crypto by default. */
  readonly random32?: () => number;
  /** Port peers listen on (RFC 5881: 3784); tests on loopback use others. */
  readonly controlPort?: number;
}

export type AddSessionResult =
  | { readonly ok: true; readonly session: BfdSessionInfo; readonly warnings: ProfileProblem[] }
  | { readonly ok: false; readonly reason: 'invalidProfile'; readonly problems: ProfileProblem[] }
  | {
      readonly ok: false;
      readonly reason: 'invalidAddress' | 'familyMismatch' | 'exists';
      readonly detail: string;
    };

interface Managed {
  readonly key: string;
  readonly peer: string;
  readonly local: string;
  readonly family: 4 | 6;
  readonly sourcePort: number;
  readonly sender: BfdSocket;
  state: SessionState;
  removed: boolean;
  /** When the last periodic packet went out in Up (µs), for the interval statistics. */
  lastPeriodicUpAt: number | undefined;
}

/** Builds the session key used by `removeSession` and in events. */
export function sessionKey(localAddress: string, peerAddress: string): string {
  return `${localAddress}>${peerAddress}`;
}

/**
 * Runs many BFD sessions (RFC 5880 asynchronous mode over RFC 5881 single-hop UDP): a
 * receive socket on port 3784 per local address, a sending socket per session with its own
 * source port in 49152-65535, one timer heap for every session's transmit and detection
 * timers, and the pure state machine (`step`) in between. Emits `sessionUp`, `sessionDown`
 * and `stateChange` events with diagnostic reasons.
 */
export class BfdManager implements BfdController {
  readonly #log: Logger;
  readonly #sockets: BfdSocketFactory;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  readonly #random32: () => number;
  readonly #port: number;
  readonly #events = new EventEmitter();
  readonly #sessions = new Map<string, Managed>();
  readonly #byDiscriminator = new Map<number, Managed>();
  readonly #pool: SocketPool;
  readonly #lateness = new SampleRing();
  readonly #periodicExcess = new SampleRing();
  readonly #stats = {
    packetsSent: 0,
    packetsReceived: 0,
    sendErrors: 0,
    drops: {} as Record<string, number>,
  };
  #closed = false;

  constructor(options: BfdManagerOptions) {
    this.#log = options.logger.child({ component: 'bfd' });
    this.#sockets = options.sockets ?? dgramSocketFactory();
    this.#clock = options.clock ?? monotonicClock;
    this.#scheduler =
      options.scheduler ??
      createTimerScheduler({ clock: this.#clock, onLateness: (us) => this.#lateness.add(us) });
    this.#random32 = options.random32 ?? (() => randomBytes(4).readUInt32BE(0));
    this.#port = options.controlPort ?? BfdConstants.ControlPort;
    this.#pool = new SocketPool({
      sockets: this.#sockets,
      port: this.#port,
      random32: this.#random32,
      log: this.#log,
      onDatagram: (bytes, from, local) => this.#onDatagram(bytes, from, local),
    });
    if (!this.#sockets.enforcesMinTtl)
      this.#log.warn(
        { event: 'ttlCheckUnavailable' },
        'received BFD packets are not checked for TTL 255 (RFC 5881 section 5): no minimum-TTL socket support given',
      );
  }

  /** Subscribes to session events; returns the unsubscribe function. */
  on(listener: (event: BfdEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  /** Starts a session; the returned snapshot is in Down. */
  async addSession(spec: BfdSessionSpec): Promise<AddSessionResult> {
    if (this.#closed) throw new IronLbError('ERR_IRONLB_BFD_CLOSED', 'the BFD manager is closed');
    const problems = validateProfile(spec.profile);
    if (problems.some((p) => p.severity === 'error'))
      return { ok: false, reason: 'invalidProfile', problems };
    const peer = IPAddress.tryParse(spec.peerAddress);
    const local = IPAddress.tryParse(spec.localAddress);
    if (!peer.ok || !local.ok)
      return { ok: false, reason: 'invalidAddress', detail: `${spec.localAddress} -> ${spec.peerAddress}` };
    if (peer.value.family !== local.value.family)
      return { ok: false, reason: 'familyMismatch', detail: `${spec.localAddress} -> ${spec.peerAddress}` };
    const family = peer.value.family;
    const peerText = peer.value.toString();
    const localText = local.value.toString();
    const key = sessionKey(localText, peerText);
    if (this.#sessions.has(key)) return { ok: false, reason: 'exists', detail: key };

    await this.#pool.acquireReceiver(localText, family);
    let opened: { socket: BfdSocket; port: number };
    try {
      opened = await this.#pool.openSender(localText, family);
    } catch (err) {
      await this.#pool.releaseReceiver(localText);
      throw err;
    }
    const resolved = resolveProfile(spec.profile);
    const init = initSession(
      {
        localDiscriminator: this.#newDiscriminator(),
        desiredMinTxInterval: resolved.desiredMinTxInterval,
        requiredMinRxInterval: resolved.requiredMinRxInterval,
        detectMult: resolved.detectMult,
        passive: resolved.passive,
        ...(resolved.auth ? { auth: resolved.auth, initialXmitAuthSeq: this.#random32() } : {}),
        jitterSeed: this.#random32() || 1,
      },
      this.#clock.nowUs(),
    );
    const m: Managed = {
      key,
      peer: peerText,
      local: localText,
      family,
      sourcePort: opened.port,
      sender: opened.socket,
      state: init.state,
      removed: false,
      lastPeriodicUpAt: undefined,
    };
    opened.socket.onError((err) => this.#sendFailed(m, err));
    this.#sessions.set(key, m);
    this.#byDiscriminator.set(init.state.localDiscr, m);
    this.#log.info(
      {
        event: 'sessionAdded',
        key,
        peer: peerText,
        local: localText,
        sourcePort: opened.port,
        profile: { ...resolved, auth: undefined },
      },
      'BFD session added',
    );
    this.#apply(m, init.actions);
    return { ok: true, session: this.#info(m), warnings: problems };
  }

  /**
   * Stops a session. By default it first sends AdminDown (RFC 5880 section 6.8.16), so that the
   * peer does not take the end of BFD for a failure of the path.
   */
  async removeSession(key: string, options: { adminDown?: boolean } = {}): Promise<boolean> {
    const m = this.#sessions.get(key);
    if (!m) return false;
    if (options.adminDown ?? true) this.#step(m, { type: 'AdminDown', now: this.#clock.nowUs() });
    m.removed = true;
    this.#sessions.delete(key);
    this.#byDiscriminator.delete(m.state.localDiscr);
    this.#scheduler.clear(`${key}#tx`);
    this.#scheduler.clear(`${key}#detect`);
    // Let the AdminDown datagram leave before the socket goes.
    await new Promise((resolve) => setImmediate(resolve));
    this.#pool.closeSender(m.sender, m.sourcePort);
    await this.#pool.releaseReceiver(m.local);
    this.#log.info({ event: 'sessionRemoved', key }, 'BFD session removed');
    return true;
  }

  /** Applies a new profile to a running session (a Poll Sequence carries the change). */
  updateProfile(key: string, profile: BfdSessionSpec['profile']): UpdateProfileResult {
    const m = this.#sessions.get(key);
    if (!m) return { ok: false, reason: 'notFound' };
    const problems = validateProfile(profile);
    if (problems.some((p) => p.severity === 'error'))
      return { ok: false, reason: 'invalidProfile', problems };
    const r = resolveProfile(profile);
    this.#step(m, {
      type: 'ParametersChanged',
      now: this.#clock.nowUs(),
      desiredMinTxInterval: r.desiredMinTxInterval,
      requiredMinRxInterval: r.requiredMinRxInterval,
      detectMult: r.detectMult,
    });
    return { ok: true };
  }

  /** Takes a session to AdminDown or back (RFC 5880 section 6.8.16). */
  setAdminDown(key: string, down: boolean): boolean {
    const m = this.#sessions.get(key);
    if (!m) return false;
    this.#step(
      m,
      down ? { type: 'AdminDown', now: this.#clock.nowUs() } : { type: 'AdminUp', now: this.#clock.nowUs() },
    );
    return true;
  }

  session(key: string): BfdSessionInfo | undefined {
    const m = this.#sessions.get(key);
    return m ? this.#info(m) : undefined;
  }

  sessions(): BfdSessionInfo[] {
    return [...this.#sessions.values()].map((m) => this.#info(m));
  }

  stats(): BfdStats {
    return {
      ...this.#stats,
      drops: { ...this.#stats.drops },
      txTimerLatenessUs: this.#lateness.summary(),
      periodicGapExcessUs: this.#periodicExcess.summary(),
    };
  }

  /** Resets counters and the lateness window (for measurements). */
  resetStats(): void {
    this.#stats.packetsSent = 0;
    this.#stats.packetsReceived = 0;
    this.#stats.sendErrors = 0;
    this.#stats.drops = {};
    this.#lateness.reset();
    this.#periodicExcess.reset();
  }

  /** Removes every session (with AdminDown unless told otherwise) and closes the sockets. */
  async close(options: { adminDown?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#sessions.keys()].map((k) => this.removeSession(k, options)));
    this.#closed = true;
    this.#scheduler.close();
    await this.#pool.closeAll();
  }

  // --- receive path -------------------------------------------------------------------

  #onDatagram(bytes: Uint8Array, from: { address: string }, local: string): void {
    this.#stats.packetsReceived++;
    let decoded;
    try {
      decoded = decodeControlPacket(bytes);
    } catch (err) {
      if (!isDecodeError(err)) throw err;
      return this.#drop('malformed', from.address, local);
    }
    const { packet } = decoded;
    const bad = checkControlPacket(packet);
    if (bad) return this.#drop(bad, from.address, local);
    let m: Managed | undefined;
    // RFC 5880 section 6.8.6: demultiplex by Your Discriminator when it is set, otherwise by
    // the addresses (RFC 5881 section 3: the interface, here the local address, and source).
    if (packet.yourDiscriminator !== 0) {
      m = this.#byDiscriminator.get(packet.yourDiscriminator);
      if (!m) return this.#drop('unknownDiscriminator', from.address, local);
      if (m.peer !== from.address || m.local !== local)
        return this.#drop('sourceMismatch', from.address, local);
    } else {
      m = this.#sessions.get(sessionKey(local, from.address));
      if (!m) return this.#drop('noSession', from.address, local);
    }
    // The datagram buffer is not ours to keep; the session only reads it during the step.
    this.#step(m, { type: 'PacketReceived', now: this.#clock.nowUs(), packet, bytes: decoded.bytes });
  }

  #drop(reason: ReceiveDropReason | string, peer: string, local: string): void {
    this.#stats.drops[reason] = (this.#stats.drops[reason] ?? 0) + 1;
    this.#log.debug({ event: 'packetDropped', reason, peer, local }, 'BFD packet dropped');
  }

  // --- the interpreter ----------------------------------------------------------------

  #step(m: Managed, event: SessionEvent): void {
    if (m.removed) return;
    const r = step(m.state, event);
    m.state = r.state;
    this.#apply(m, r.actions);
  }

  /**
   * Interprets a step's actions: timers first, then sends, then events. A send or a listener
   * can re-enter the manager (an in-memory network delivers at once; a listener may remove
   * the session), so everything about this step is in place before either happens.
   */
  #apply(m: Managed, actions: readonly SessionAction[]): void {
    for (const a of actions) {
      if (a.type === 'setTimer') {
        this.#scheduler.set(`${m.key}#${a.timer}`, a.at, (now) =>
          this.#step(m, { type: a.timer === 'tx' ? 'TxTimerExpired' : 'DetectionTimerExpired', now }),
        );
      } else if (a.type === 'clearTimer') {
        this.#scheduler.clear(`${m.key}#${a.timer}`);
      } else if (a.type === 'dropped') {
        this.#drop(a.reason, m.peer, m.local);
      } else if (a.type === 'pollTerminated') {
        this.#log.debug(
          { event: 'pollTerminated', key: m.key, ...timersOf(m.state) },
          'BFD poll sequence terminated',
        );
      }
    }
    for (const a of actions) {
      if (a.type !== 'send') continue;
      m.sender.send(a.bytes, this.#port, m.peer);
      this.#stats.packetsSent++;
      if (a.reason === 'periodic') this.#notePeriodic(m);
    }
    for (const a of actions) if (a.type === 'stateChanged') this.#stateChanged(m, a);
  }

  /**
   * Gap between two periodic packets of a session that is Up, minus the negotiated interval
   * before jitter: -25%..0 is the RFC 5880 section 6.8.7 window, above 0 is lateness.
   */
  #notePeriodic(m: Managed): void {
    const interval = transmitInterval(m.state);
    if (m.state.sessionState !== BfdState.Up || interval === undefined) {
      m.lastPeriodicUpAt = undefined;
      return;
    }
    const now = this.#clock.nowUs();
    if (m.lastPeriodicUpAt !== undefined) this.#periodicExcess.add(now - m.lastPeriodicUpAt - interval);
    m.lastPeriodicUpAt = now;
  }

  #stateChanged(m: Managed, a: SessionAction & { type: 'stateChanged' }): void {
    m.lastPeriodicUpAt = undefined; // a gap across a flap says nothing about the schedule
    const session = this.#info(m);
    const from = stateName(a.from) as BfdSessionInfo['state'];
    const to = stateName(a.to) as BfdSessionInfo['state'];
    const remoteReason = a.remoteDiagnostic !== undefined ? diagnosticReason(a.remoteDiagnostic) : undefined;
    this.#log.info(
      {
        event: 'sessionStateChanged',
        key: m.key,
        from,
        to,
        reason: a.reason,
        ...(remoteReason ? { remoteReason } : {}),
      },
      `BFD session ${m.key} ${from} -> ${to}`,
    );
    this.#emit({ type: 'stateChange', session, from, to, reason: a.reason });
    if (a.to === BfdState.Up) this.#emit({ type: 'sessionUp', session });
    else if (a.from === BfdState.Up)
      this.#emit({
        type: 'sessionDown',
        session,
        reason: a.reason,
        ...(remoteReason ? { remoteReason } : {}),
      });
  }

  #emit(event: BfdEvent): void {
    try {
      this.#events.emit('event', event);
    } catch (err) {
      this.#log.error({ event: 'listenerFailed', err }, 'a BFD event listener threw');
    }
  }

  #sendFailed(m: Managed, err: Error): void {
    this.#stats.sendErrors++;
    this.#log.debug({ event: 'sendFailed', key: m.key, err }, 'BFD send failed');
  }

  #newDiscriminator(): number {
    for (;;) {
      const d = this.#random32() >>> 0;
      if (d !== 0 && !this.#byDiscriminator.has(d)) return d;
    }
  }

  #info(m: Managed): BfdSessionInfo {
    return sessionInfo(m, m.state);
  }
}
