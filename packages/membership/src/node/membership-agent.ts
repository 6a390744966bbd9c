import { IPAddress } from '@ironlb/netaddr';
import type { Logger } from 'pino';
import { isValidMemberName } from '../core/codec/fields.js';
import type { Message } from '../core/codec/packet.js';
import { Detector, type DetectorAction } from '../core/detector.js';
import type { QuorumRoundResult } from '../core/quorum-rounds.js';
import type { Random } from '../core/random.js';
import { ReplayGuard, type ReplayGuardOptions } from '../core/replay-guard.js';
import type { DetectorSettings } from '../core/settings.js';
import type { MemberChange, MembershipView, Quorum } from '../core/view.js';
import { type Clock, type TimerHandle, systemClock } from './clock.js';
import { open, seal } from './envelope.js';
import { Keyring, type MembershipKeys } from './keyring.js';
import { type DropReason, MembershipStats } from './stats.js';
import { type MembershipSocket, type UdpEndpoint, openUdpSocket } from './udp-socket.js';

/** The membership port unless configured otherwise (memberlist, which MetalLB uses, has 7946). */
export const DEFAULT_MEMBERSHIP_PORT = 7947;

/** A member as the speaker learns it from the API: node name and the address it publishes. */
export interface MemberAddress {
  name: string;
  /** An `IPAddress` or its text (strict: no zone, no IPv4-mapped IPv6). */
  address: string | IPAddress;
  /** Defaults to the agent's `defaultPort`. */
  port?: number;
}

export type MembershipEvent =
  | { type: 'memberChanged'; change: MemberChange; wallTime: number }
  | { type: 'quorumChanged'; quorum: Quorum; wallTime: number }
  | { type: 'quorumChecked'; result: QuorumRoundResult; wallTime: number };

export interface MembershipAgentOptions {
  /** This node's name. */
  self: string;
  /** Where to listen; default `::` (IPv4 too, unless `ipv6Only`) on `DEFAULT_MEMBERSHIP_PORT`. */
  bind?: { address?: string; port?: number; ipv6Only?: boolean };
  /** Port of members whose address carries none. Default: the bound port (or 7947 if 0). */
  defaultPort?: number;
  keys: MembershipKeys;
  settings?: Partial<DetectorSettings>;
  replay?: ReplayGuardOptions;
  /** Copies of the leave message, `leaveSpacingMs` apart, so that one loss does not matter. */
  leaveCopies?: number;
  leaveSpacingMs?: number;
  logger: Logger;
  clock?: Clock;
  /** An already open socket (tests); `bind` is then ignored. */
  socket?: MembershipSocket;
  random?: Random;
  /** Starting incarnation; default the wall clock at start, so restarts always outrank. */
  incarnation?: number;
}

/** Logs a given drop reason at most this often (the counters have every one). */
const DROP_LOG_INTERVAL_MS = 60_000;

/**
 * Runs the pure detector over UDP: it owns the socket, the timer, the keys and the replay
 * window, turns datagrams into detector inputs and detector actions into datagrams, logs
 * changes and keeps the stats. Data flow:
 *
 *   datagram -> open (framing, key id, HMAC-SHA256, decode) -> member? -> replay window
 *            -> Detector.receive -> actions -> seal (encode, sign) -> datagrams
 *   timer at Detector.nextDeadline() -> Detector.tick -> actions
 */
export class MembershipAgent {
  readonly stats: MembershipStats;
  readonly #detector: Detector;
  readonly #socket: MembershipSocket;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #keyring: Keyring;
  readonly #replay: ReplayGuard;
  readonly #defaultPort: number;
  readonly #leaveCopies: number;
  readonly #leaveSpacingMs: number;
  readonly #endpoints = new Map<string, UdpEndpoint>();
  readonly #listeners = new Set<(event: MembershipEvent) => void>();
  readonly #lastDropLog = new Map<DropReason, { at: number; suppressed: number }>();
  readonly #epoch: number;
  #seq = 0;
  #timer: { handle: TimerHandle; at: number } | undefined;
  #closed = false;

  private constructor(options: MembershipAgentOptions, socket: MembershipSocket) {
    this.#clock = options.clock ?? systemClock;
    this.#socket = socket;
    this.#keyring = new Keyring(options.keys);
    this.#replay = new ReplayGuard(options.replay);
    this.#epoch = Math.floor(this.#clock.wallNow());
    this.#detector = new Detector({
      self: options.self,
      incarnation: options.incarnation ?? this.#epoch,
      settings: options.settings,
      random: options.random ?? Math.random,
    });
    const bound = socket.localAddress().port;
    this.#defaultPort = options.defaultPort ?? (bound !== 0 ? bound : DEFAULT_MEMBERSHIP_PORT);
    this.#leaveCopies = Math.max(1, options.leaveCopies ?? 3);
    this.#leaveSpacingMs = options.leaveSpacingMs ?? 10;
    this.#log = options.logger.child({ component: 'membership', node: options.self });
    this.stats = new MembershipStats({
      counters: () => this.#detector.counters,
      view: () => this.#detector.view(),
    });
    socket.onMessage((bytes) => this.#onDatagram(bytes));
    socket.onError((err) => {
      this.stats.packets.sendErrors += 1;
      this.#logDrop('sendFailed', { err });
    });
  }

  /** Opens the socket (unless one is given) and starts probing. Members come with `setMembers`. */
  static async start(options: MembershipAgentOptions): Promise<MembershipAgent> {
    if (!isValidMemberName(options.self))
      throw new RangeError(`node name ${JSON.stringify(options.self)} is not a valid member name`);
    const socket =
      options.socket ??
      (await openUdpSocket({
        address: options.bind?.address,
        port: options.bind?.port ?? DEFAULT_MEMBERSHIP_PORT,
        ipv6Only: options.bind?.ipv6Only,
      }));
    const agent = new MembershipAgent(options, socket);
    agent.#start();
    return agent;
  }

  get self(): string {
    return this.#detector.self;
  }

  get settings(): DetectorSettings {
    return this.#detector.settings;
  }

  get localAddress(): UdpEndpoint {
    return this.#socket.localAddress();
  }

  /**
   * Replaces the member list (nodes running a speaker, with the address each publishes).
   * Entries with an invalid name or address are skipped and returned with the reason.
   */
  setMembers(members: readonly MemberAddress[]): {
    rejected: Array<{ member: MemberAddress; reason: string }>;
  } {
    const rejected: Array<{ member: MemberAddress; reason: string }> = [];
    const next = new Map<string, UdpEndpoint>();
    for (const m of members) {
      if (!isValidMemberName(m.name)) rejected.push({ member: m, reason: 'invalidName' });
      else if (m.port !== undefined && !(Number.isInteger(m.port) && m.port > 0 && m.port < 65536))
        rejected.push({ member: m, reason: 'invalidPort' });
      else {
        const address =
          typeof m.address === 'string'
            ? IPAddress.tryParse(m.address)
            : { ok: true as const, value: m.address };
        if (!address.ok) rejected.push({ member: m, reason: 'invalidAddress' });
        else next.set(m.name, { address: address.value.toString(), port: m.port ?? this.#defaultPort });
      }
    }
    for (const r of rejected)
      this.#log.warn({
        event: 'memberRejected',
        member: r.member.name,
        address: String(r.member.address),
        reason: r.reason,
      });
    for (const name of this.#endpoints.keys()) if (!next.has(name)) this.#replay.forget(name);
    this.#endpoints.clear();
    for (const [name, endpoint] of next) this.#endpoints.set(name, endpoint);
    if (!this.#closed) this.#perform(this.#detector.setMembers(next.keys(), this.#clock.now()));
    return { rejected };
  }

  /** New keys from the Secret. Throws `MembershipKeyError` (and keeps the old keys) if unusable. */
  setKeys(keys: MembershipKeys): void {
    this.#keyring.set(keys);
    this.#log.info({ event: 'keysUpdated', keyId: this.#keyring.currentKeyId.toString(16) });
  }

  view(): MembershipView {
    return this.#detector.view();
  }

  /** Converts a detector time (in views and changes) to ms since 1970. */
  wallTimeOf(detectorTime: number): number {
    return Math.round(this.#clock.wallNow() - (this.#clock.now() - detectorTime));
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onEvent(listener: (event: MembershipEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks for a quorum confirmation round now (result as a `quorumChecked` event). */
  confirmQuorum(): void {
    if (!this.#closed) this.#perform(this.#detector.confirmQuorum(this.#clock.now()));
  }

  /**
   * Clean shutdown: a leave message to every member (`leaveCopies` times), then the socket
   * closes. Others mark this member `left` at once, without waiting for a suspicion.
   */
  async leave(): Promise<void> {
    if (this.#closed) return;
    const actions = this.#detector.leave(this.#clock.now());
    this.#stopTimer();
    this.#log.info({ event: 'leaving', copies: this.#leaveCopies });
    for (let copy = 0; copy < this.#leaveCopies; copy++) {
      if (copy > 0) await new Promise<void>((resolve) => this.#clock.setTimer(this.#leaveSpacingMs, resolve));
      // The first copy also reports what leaving changed; later ones only resend.
      this.#perform(copy === 0 ? actions : actions.filter((a) => a.type === 'send'));
    }
    await this.close();
  }

  /** Stops at once without telling anyone (what a crash looks like to the others). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopTimer();
    await this.#socket.close();
    this.#log.info({ event: 'membershipStopped' });
  }

  #start(): void {
    const { address, port } = this.#socket.localAddress();
    this.#log.info({
      event: 'membershipStarted',
      address,
      port,
      incarnation: this.#detector.incarnation,
      keyId: this.#keyring.currentKeyId.toString(16),
      settings: this.#detector.settings,
    });
    this.#perform(this.#detector.start(this.#clock.now()));
  }

  #onDatagram(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.stats.packets.received += 1;
    this.stats.packets.bytesReceived += bytes.length;
    const opened = open(bytes, this.#keyring);
    if (!opened.ok) return this.#drop(opened.reason);
    const { header, message } = opened.packet;
    if (message.sender === this.#detector.self) return this.#drop('selfSent');
    if (!this.#endpoints.has(message.sender)) return this.#drop('unknownSender', { sender: message.sender });
    const verdict = this.#replay.check(message.sender, header, this.#clock.wallNow());
    if (verdict !== 'ok') return this.#drop(verdict, { sender: message.sender });
    this.#perform(this.#detector.receive(message, this.#clock.now()));
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    this.#perform(this.#detector.tick(this.#clock.now()));
  }

  #perform(actions: DetectorAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.#send(action.to, action.message);
          break;
        case 'memberChanged': {
          const c = action.change;
          this.stats.memberChanged(c.to, c.reason);
          const level = c.to === 'dead' || c.to === 'suspect' ? 'warn' : 'info';
          this.#log[level]({
            event: 'memberChanged',
            member: c.member,
            from: c.from,
            to: c.to,
            reason: c.reason,
            source: c.source,
            incarnation: c.incarnation,
          });
          this.#emit({ type: 'memberChanged', change: c, wallTime: this.wallTimeOf(c.at) });
          break;
        }
        case 'quorumChanged':
          this.#log[action.quorum.hasQuorum ? 'info' : 'warn']({ event: 'quorumChanged', ...action.quorum });
          this.#emit({ type: 'quorumChanged', quorum: action.quorum, wallTime: this.wallTimeOf(action.at) });
          break;
        case 'quorumChecked':
          this.#log[action.result.confirmed ? 'debug' : 'warn']({ event: 'quorumChecked', ...action.result });
          this.#emit({
            type: 'quorumChecked',
            result: action.result,
            wallTime: this.wallTimeOf(action.result.at),
          });
          break;
        case 'refuted':
          this.#log.info({
            event: 'refuted',
            claim: action.claim,
            source: action.source,
            incarnation: action.incarnation,
          });
          break;
      }
    }
    this.#reschedule();
  }

  #send(to: string, message: Message): void {
    const endpoint = this.#endpoints.get(to);
    if (!endpoint || this.#closed) return;
    this.#seq += 1;
    let epoch = this.#epoch;
    if (this.#seq > 0xffffffff) {
      // After 2^32 datagrams (years), start a new epoch so that the sequence can restart.
      epoch = Math.max(this.#epoch + 1, Math.floor(this.#clock.wallNow()));
      this.#seq = 1;
    }
    const bytes = seal(message, {
      keyring: this.#keyring,
      epoch,
      seq: this.#seq,
      timestamp: Math.floor(this.#clock.wallNow()),
    });
    this.stats.packets.sent += 1;
    this.stats.packets.bytesSent += bytes.length;
    this.#socket.send(bytes, endpoint);
  }

  #reschedule(): void {
    if (this.#closed) return;
    const at = this.#detector.nextDeadline();
    if (at === undefined) return this.#stopTimer();
    if (this.#timer && this.#timer.at === at) return;
    this.#stopTimer();
    const handle = this.#clock.setTimer(Math.max(0, at - this.#clock.now()), () => this.#onTimer());
    this.#timer = { handle, at };
  }

  #stopTimer(): void {
    if (this.#timer) this.#clock.clearTimer(this.#timer.handle);
    this.#timer = undefined;
  }

  #emit(event: MembershipEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#log.error({ event: 'listenerFailed', err });
      }
    }
  }

  #drop(reason: DropReason, fields: Record<string, unknown> = {}): void {
    this.stats.drop(reason);
    this.#logDrop(reason, fields);
  }

  /** Logs drops (and send failures) at most once a minute per reason, with the count skipped. */
  #logDrop(reason: DropReason | 'sendFailed', fields: Record<string, unknown>): void {
    const now = this.#clock.now();
    const key = reason as DropReason;
    const last = this.#lastDropLog.get(key);
    if (last && now - last.at < DROP_LOG_INTERVAL_MS) {
      last.suppressed += 1;
      return;
    }
    this.#lastDropLog.set(key, { at: now, suppressed: 0 });
    this.#log.warn({
      event: reason === 'sendFailed' ? 'sendFailed' : 'packetDropped',
      reason,
      suppressed: last?.suppressed ?? 0,
      ...fields,
    });
  }
}
