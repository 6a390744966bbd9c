import type { GossipEntry } from './codec/gossip-entry.js';
import { gossipEntryLength } from './codec/gossip-entry.js';
import type { AckMessage, Message, NackMessage, PingMessage, PingReqMessage } from './codec/packet.js';
import { baseDatagramLength } from './codec/packet.js';
import { BroadcastQueue, retransmitLimit } from './broadcast-queue.js';
import { type DetectorCounters, newDetectorCounters } from './counters.js';
import { LocalHealth } from './local-health.js';
import { ProbeOrder } from './probe-order.js';
import { type Random, randomInt, sample } from './random.js';
import { type DetectorSettings, resolveDetectorSettings, suspicionBounds } from './settings.js';
import { Suspicion } from './suspicion.js';
import {
  ChangeReason,
  type MemberChange,
  type MemberStatus,
  type MembershipView,
  type Quorum,
  computeQuorum,
} from './view.js';

/** What the caller must do after feeding the detector an input. */
export type DetectorAction =
  /** Encode, authenticate and send `message` to member `to`. */
  | { type: 'send'; to: string; message: Message }
  | { type: 'memberChanged'; change: MemberChange }
  /** `hasQuorum` flipped. */
  | { type: 'quorumChanged'; quorum: Quorum; at: number }
  /** Someone claimed this member is suspect, dead or gone; it answered with a new incarnation. */
  | { type: 'refuted'; claim: 'suspect' | 'dead' | 'left'; incarnation: number; source: string; at: number };

/** Messages the detector builds; the sender, incarnation and gossip are filled in on send. */
type Outgoing =
  | Omit<PingMessage, 'sender' | 'incarnation' | 'gossip'>
  | Omit<AckMessage, 'sender' | 'incarnation' | 'gossip'>
  | Omit<PingReqMessage, 'sender' | 'incarnation' | 'gossip'>
  | Omit<NackMessage, 'sender' | 'incarnation' | 'gossip'>
  | { type: 'gossip' }
  | { type: 'leave' };

interface MemberRecord {
  name: string;
  status: MemberStatus;
  incarnation: number;
  since: number;
  reason: ChangeReason;
  suspicion?: Suspicion;
}

interface ActiveProbe {
  id: number;
  target: string;
  startedAt: number;
  directDeadline: number;
  endAt: number;
  indirectSent: boolean;
  intermediaries: Set<string>;
  nackers: Set<string>;
  acked: boolean;
}

/** Acks we are waiting for, by probe id. */
type Awaiting =
  | { kind: 'probe'; expiresAt: number }
  | {
      kind: 'relay';
      requester: string;
      requesterProbeId: number;
      target: string;
      nackAt: number;
      nackSent: boolean;
      expiresAt: number;
    }
  /** A ping at start, to a new member, or to a dead one: any ack is just evidence of life. */
  | { kind: 'contact'; target: string; expiresAt: number };

export interface DetectorOptions {
  /** This member's name (its Kubernetes node name). */
  self: string;
  /**
   * Starting incarnation. Use the process start time in ms: a restarted member then outranks
   * everything said about its previous life without having to refute it first.
   */
  incarnation: number;
  settings?: Partial<DetectorSettings>;
  random: Random;
}

/**
 * The SWIM failure detector with the Lifeguard refinements, as a pure object driven by explicit
 * time: the caller feeds it inputs (`setMembers`, `start`, `receive`, `tick`, `leave`) with the
 * current time in ms from a monotonic clock, performs the returned actions, and calls `tick`
 * again at `nextDeadline()`. It never reads a clock, never sets a timer and never touches a
 * socket, so tests drive it with a manual clock and a simulated network.
 *
 * Protocol (docs/failure-detection.md has the full story):
 * - every period T one member is probed, round robin over a shuffled cycle (`ProbeOrder`);
 * - no ack within the probe timeout: k other members are asked to probe it (ping-req), and the
 *   direct ping is repeated; intermediaries answer with the relayed ack or a nack (Lifeguard);
 * - no ack by the end of the period: the member becomes `suspect` and the suspicion is spread;
 *   it becomes `dead` when the suspicion times out (Lifeguard: max timeout, falling toward the
 *   minimum with independent confirmations), unless it refutes by raising its incarnation;
 * - news rides on every message (piggyback, buddy system first) and, while pending, is pushed
 *   to a few members every gossip interval; each item is sent a bounded number of times;
 * - a member leaving says so to everyone at once; dead and left members are pinged at a low
 *   rate so that partitions heal and restarts are seen.
 */
export class Detector {
  readonly self: string;
  readonly settings: DetectorSettings;
  readonly counters: DetectorCounters = newDetectorCounters();
  readonly #random: Random;
  readonly #health: LocalHealth;
  readonly #queue = new BroadcastQueue();
  readonly #order: ProbeOrder;
  readonly #deadOrder: ProbeOrder;
  readonly #members = new Map<string, MemberRecord>();
  readonly #counts: Record<MemberStatus, number> = { unknown: 0, alive: 0, suspect: 0, dead: 0, left: 0 };
  readonly #suspects = new Set<string>();
  readonly #awaiting = new Map<number, Awaiting>();
  #incarnation: number;
  #started = false;
  #leaving = false;
  #probe: ActiveProbe | undefined;
  #nextProbeAt = 0;
  #gossipAt = 0;
  #deadProbeAt = 0;
  #nextProbeId: number;
  #hasQuorum: boolean;
  #out: DetectorAction[] = [];

  constructor(options: DetectorOptions) {
    this.self = options.self;
    this.settings = resolveDetectorSettings(options.settings);
    if (!Number.isSafeInteger(options.incarnation) || options.incarnation < 0)
      throw new RangeError(`incarnation must be a safe non-negative integer: ${options.incarnation}`);
    this.#incarnation = options.incarnation;
    this.#random = options.random;
    this.#health = new LocalHealth(this.settings.maxLocalHealth);
    this.#order = new ProbeOrder(options.random);
    this.#deadOrder = new ProbeOrder(options.random);
    this.#nextProbeId = randomInt(options.random, 0x100000000);
    this.#hasQuorum = true;
  }

  get incarnation(): number {
    return this.#incarnation;
  }

  get localHealth(): number {
    return this.#health.score;
  }

  get started(): boolean {
    return this.#started;
  }

  get leaving(): boolean {
    return this.#leaving;
  }

  /** Current status of a configured member (undefined for strangers). */
  status(name: string): MemberStatus | undefined {
    return this.#members.get(name)?.status;
  }

  /**
   * Replaces the member list (from the Kubernetes API). New members start `unknown` and, once
   * started, get a ping at once; removed members are forgotten. This member's own name may be
   * in the list or not: it always counts as one member.
   */
  setMembers(names: Iterable<string>, now: number): DetectorAction[] {
    this.#out = [];
    const wanted = new Set<string>();
    for (const name of names) if (name !== this.self) wanted.add(name);
    for (const [name, rec] of this.#members) {
      if (wanted.has(name)) continue;
      this.#members.delete(name);
      this.#counts[rec.status] -= 1;
      this.#suspects.delete(name);
      this.#order.remove(name);
      this.#deadOrder.remove(name);
      this.#queue.remove(name);
      this.#emitChange({
        member: name,
        from: rec.status,
        to: 'removed',
        incarnation: rec.incarnation,
        reason: ChangeReason.removed,
        at: now,
      });
    }
    for (const name of wanted) {
      if (this.#members.has(name)) continue;
      const rec: MemberRecord = {
        name,
        status: 'unknown',
        incarnation: 0,
        since: now,
        reason: ChangeReason.configured,
      };
      this.#members.set(name, rec);
      this.#counts.unknown += 1;
      this.#order.add(name);
      this.#deadOrder.add(name);
      this.#emitChange({
        member: name,
        from: 'absent',
        to: 'unknown',
        incarnation: 0,
        reason: ChangeReason.configured,
        at: now,
      });
      if (this.#started && !this.#leaving) this.#contact(name, now);
    }
    this.#checkQuorum(now);
    return this.#take();
  }

  /** Starts probing; pings every member once so that they learn of us and we of them. */
  start(now: number): DetectorAction[] {
    this.#out = [];
    if (this.#started) return [];
    this.#started = true;
    for (const name of this.#members.keys()) this.#contact(name, now);
    this.#nextProbeAt = now + randomInt(this.#random, this.settings.probeIntervalMs);
    this.#deadProbeAt = now + this.settings.deadProbeIntervalMs;
    this.#gossipAt = now;
    this.#checkQuorum(now);
    return this.#take();
  }

  /**
   * Says goodbye: a leave message to every member at once, then silence. The caller sends the
   * returned messages (more than once, to survive a lost datagram) and closes its socket.
   */
  leave(now: number): DetectorAction[] {
    this.#out = [];
    if (this.#leaving) return [];
    this.#leaving = true;
    for (const name of this.#members.keys()) this.#send(name, { type: 'leave' });
    this.#probe = undefined;
    this.#awaiting.clear();
    this.#checkQuorum(now);
    return this.#take();
  }

  /** When `tick` should next be called (detector time), or undefined when nothing is scheduled. */
  nextDeadline(): number | undefined {
    if (!this.#started || this.#leaving) return undefined;
    const p = this.#probe;
    let next = p ? (p.indirectSent || p.acked ? p.endAt : p.directDeadline) : this.#nextProbeAt;
    for (const a of this.#awaiting.values())
      if (a.kind === 'relay' && !a.nackSent) next = Math.min(next, a.nackAt);
    for (const name of this.#suspects) next = Math.min(next, this.#members.get(name)!.suspicion!.deadline);
    if (this.#queue.size > 0) next = Math.min(next, this.#gossipAt);
    if (this.#counts.dead + this.#counts.left > 0) next = Math.min(next, this.#deadProbeAt);
    return next;
  }

  /** Runs everything due at `now`: probe steps, nacks, suspicion timeouts, gossip, dead probes. */
  tick(now: number): DetectorAction[] {
    this.#out = [];
    if (!this.#started || this.#leaving) return [];
    for (const [id, a] of this.#awaiting) {
      if (a.kind === 'relay' && !a.nackSent && a.nackAt <= now) {
        a.nackSent = true;
        if (this.#members.has(a.requester)) {
          this.counters.nacksSent += 1;
          this.#send(a.requester, { type: 'nack', probeId: a.requesterProbeId });
        }
      }
      if (a.expiresAt <= now) this.#awaiting.delete(id);
    }
    for (const name of [...this.#suspects]) {
      const rec = this.#members.get(name)!;
      if (rec.suspicion!.deadline <= now) {
        this.counters.deathsDeclared += 1;
        this.#queue.enqueue({ kind: 'dead', member: name, incarnation: rec.incarnation, from: this.self });
        this.#setStatus(rec, 'dead', rec.incarnation, ChangeReason.suspicionTimeout, now, this.self);
      }
    }
    this.#advanceProbe(now);
    if (this.#queue.size > 0 && this.#gossipAt <= now) {
      this.#gossipRound();
      this.#gossipAt = now + this.settings.gossipIntervalMs;
    }
    if (this.#counts.dead + this.#counts.left > 0 && this.#deadProbeAt <= now) {
      this.#deadProbeAt = now + this.settings.deadProbeIntervalMs;
      const target = this.#deadOrder.next((n) => this.#isDown(n));
      if (target !== undefined) this.#contact(target, now);
    }
    return this.#take();
  }

  /** Handles an authenticated, replay-checked message. */
  receive(message: Message, now: number): DetectorAction[] {
    this.#out = [];
    if (!this.#started || this.#leaving) return [];
    if (message.sender === this.self) {
      this.counters.dropped.selfSent += 1;
      return [];
    }
    const sender = this.#members.get(message.sender);
    if (!sender) {
      this.counters.dropped.unknownSender += 1;
      return [];
    }
    bump(this.counters.messagesReceived, message.type);
    if (message.type === 'leave') {
      this.#markLeft(sender, message.incarnation, ChangeReason.leaveReceived, now, sender.name);
    } else {
      this.#observeSender(sender, message.incarnation, now);
    }
    for (const entry of message.gossip) this.#applyClaim(entry, message.sender, now);
    switch (message.type) {
      case 'ping':
        if (message.target !== this.self) this.counters.dropped.notForUs += 1;
        else this.#send(message.sender, { type: 'ack', probeId: message.probeId });
        break;
      case 'pingReq':
        this.#relay(message, now);
        break;
      case 'ack':
        this.#onAck(message, now);
        break;
      case 'nack':
        this.#onNack(message);
        break;
      case 'gossip':
      case 'leave':
        break;
    }
    return this.#take();
  }

  quorum(): Quorum {
    const reachable = (this.#leaving ? 0 : 1) + this.#counts.alive + this.#counts.suspect;
    return computeQuorum(reachable, this.#members.size + 1);
  }

  view(): MembershipView {
    const members = [...this.#members.values()]
      .map((r) => ({
        name: r.name,
        status: r.status,
        incarnation: r.incarnation,
        since: r.since,
        reason: r.reason,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      self: {
        name: this.self,
        incarnation: this.#incarnation,
        localHealth: this.#health.score,
        leaving: this.#leaving,
      },
      members,
      quorum: this.quorum(),
    };
  }

  // ---- probing -------------------------------------------------------------------------

  #advanceProbe(now: number): void {
    for (;;) {
      const p = this.#probe;
      if (p) {
        if (!p.acked && !p.indirectSent && p.directDeadline <= now) this.#probeIndirectly(p);
        if (p.endAt > now) return;
        this.#finishProbe(p, now);
        this.#probe = undefined;
        continue;
      }
      if (this.#nextProbeAt > now) return;
      const period = this.#health.scale(this.settings.probeIntervalMs);
      const target = this.#order.next((n) => this.#isProbeable(n));
      if (target === undefined) {
        this.#nextProbeAt = now + period;
        return;
      }
      const id = this.#newProbeId();
      this.#probe = {
        id,
        target,
        startedAt: now,
        directDeadline: now + this.#health.scale(this.settings.probeTimeoutMs),
        endAt: now + period,
        indirectSent: false,
        intermediaries: new Set(),
        nackers: new Set(),
        acked: false,
      };
      this.#nextProbeAt = now + period;
      this.#awaiting.set(id, { kind: 'probe', expiresAt: now + period });
      this.counters.probesStarted += 1;
      this.#send(target, { type: 'ping', probeId: id, target });
      return;
    }
  }

  #probeIndirectly(p: ActiveProbe): void {
    p.indirectSent = true;
    const candidates: string[] = [];
    for (const r of this.#members.values())
      if (r.status === 'alive' && r.name !== p.target) candidates.push(r.name);
    for (const via of sample(this.#random, candidates, this.settings.indirectProbes)) {
      p.intermediaries.add(via);
      this.counters.pingReqsSent += 1;
      this.#send(via, { type: 'pingReq', probeId: p.id, target: p.target });
    }
    this.#send(p.target, { type: 'ping', probeId: p.id, target: p.target });
  }

  #finishProbe(p: ActiveProbe, now: number): void {
    this.#awaiting.delete(p.id);
    if (p.acked) return;
    this.counters.probeResults.failed += 1;
    // Lifeguard: missing nacks mean our own links or process are the problem, not the target.
    const expected = p.intermediaries.size;
    this.#health.apply(expected > 0 ? expected - p.nackers.size : 1);
    const rec = this.#members.get(p.target);
    if (!rec) return;
    if (rec.status === 'alive' || rec.status === 'unknown') {
      this.counters.suspicionsRaised += 1;
      this.#suspect(rec, rec.incarnation, this.self, ChangeReason.probeFailed, now, this.self);
      // Probe it again next period: the ping carries the suspicion, so a live member refutes
      // in its ack.
      this.#order.prioritize(rec.name);
    } else if (rec.status === 'suspect' && rec.suspicion!.confirm(this.self)) {
      // Our own failed probe is an independent confirmation of someone else's suspicion.
      this.#queue.enqueue({
        kind: 'suspect',
        member: rec.name,
        incarnation: rec.incarnation,
        from: this.self,
      });
    }
  }

  #onAck(message: AckMessage, now: number): void {
    const a = this.#awaiting.get(message.probeId);
    if (!a) {
      this.counters.lateAcks += 1;
      return;
    }
    if (a.kind === 'relay') {
      if (message.sender !== a.target) return;
      this.#awaiting.delete(message.probeId);
      if (this.#members.has(a.requester))
        this.#send(a.requester, { type: 'ack', probeId: a.requesterProbeId });
      return;
    }
    if (a.kind === 'contact') {
      if (message.sender === a.target) this.#awaiting.delete(message.probeId);
      return;
    }
    const p = this.#probe;
    if (!p || p.id !== message.probeId || p.acked) {
      this.counters.lateAcks += 1;
      return;
    }
    if (message.sender === p.target) {
      p.acked = true;
      this.counters.probeResults.ack += 1;
      if (now <= p.directDeadline) this.#health.apply(-1);
    } else if (p.intermediaries.has(message.sender)) {
      p.acked = true;
      this.counters.probeResults.indirectAck += 1;
    }
  }

  #onNack(message: NackMessage): void {
    const p = this.#probe;
    if (!p || p.id !== message.probeId || !p.intermediaries.has(message.sender)) return;
    this.counters.nacksReceived += 1;
    p.nackers.add(message.sender);
  }

  #relay(message: PingReqMessage, now: number): void {
    if (message.target === this.self || !this.#members.has(message.target)) {
      this.counters.dropped.unknownTarget += 1;
      return;
    }
    const id = this.#newProbeId();
    this.#awaiting.set(id, {
      kind: 'relay',
      requester: message.sender,
      requesterProbeId: message.probeId,
      target: message.target,
      nackAt: now + this.settings.probeTimeoutMs,
      nackSent: false,
      expiresAt: now + 2 * this.settings.probeIntervalMs,
    });
    this.counters.relayedPings += 1;
    this.#send(message.target, { type: 'ping', probeId: id, target: message.target });
  }

  /** A ping whose ack only serves as evidence of life (start, new member, dead member). */
  #contact(name: string, now: number): void {
    const id = this.#newProbeId();
    this.#awaiting.set(id, {
      kind: 'contact',
      target: name,
      expiresAt: now + Math.max(2 * this.settings.probeIntervalMs, this.settings.deadProbeIntervalMs),
    });
    this.#send(name, { type: 'ping', probeId: id, target: name });
  }

  #newProbeId(): number {
    do this.#nextProbeId = (this.#nextProbeId + 1) >>> 0;
    while (this.#awaiting.has(this.#nextProbeId));
    return this.#nextProbeId;
  }

  // ---- membership claims (SWIM section 4.2, memberlist state.go) -------------------------

  /**
   * Every message is an `alive` claim by its sender at its incarnation. A newer incarnation
   * is a refutation (or a restart) that others may not have heard yet: spread it. First
   * contact with an `unknown` member is not news worth spreading (each member makes it).
   */
  #observeSender(rec: MemberRecord, incarnation: number, now: number): void {
    if (rec.status === 'unknown' || incarnation > rec.incarnation) {
      if (rec.status !== 'unknown') this.#queue.enqueue({ kind: 'alive', member: rec.name, incarnation });
      this.#setStatus(rec, 'alive', incarnation, ChangeReason.messageReceived, now, rec.name);
    }
  }

  #applyClaim(entry: GossipEntry, relayer: string, now: number): void {
    if (entry.member === this.self) {
      this.#claimAboutSelf(entry, relayer, now);
      return;
    }
    const rec = this.#members.get(entry.member);
    if (!rec) {
      this.counters.gossipAboutStrangers += 1;
      return;
    }
    switch (entry.kind) {
      case 'alive':
        if (rec.status === 'unknown' || entry.incarnation > rec.incarnation) {
          this.#queue.enqueue(entry);
          this.#setStatus(rec, 'alive', entry.incarnation, ChangeReason.aliveGossip, now, relayer);
        }
        return;
      case 'suspect':
        if (rec.status === 'dead' || rec.status === 'left' || entry.incarnation < rec.incarnation) return;
        if (rec.status === 'suspect' && entry.incarnation === rec.suspicion!.incarnation) {
          if (rec.suspicion!.confirm(entry.from)) this.#queue.enqueue(entry);
          return;
        }
        this.#suspect(rec, entry.incarnation, entry.from, ChangeReason.suspectGossip, now, relayer);
        this.#order.prioritize(rec.name);
        return;
      case 'dead':
        if (entry.incarnation < rec.incarnation) return;
        if (rec.status === 'dead' || rec.status === 'left') {
          rec.incarnation = entry.incarnation;
          return;
        }
        this.#queue.enqueue(entry);
        this.#setStatus(rec, 'dead', entry.incarnation, ChangeReason.deadGossip, now, relayer);
        return;
      case 'left':
        this.#markLeft(rec, entry.incarnation, ChangeReason.leftGossip, now, relayer);
        return;
    }
  }

  #markLeft(rec: MemberRecord, incarnation: number, reason: ChangeReason, now: number, source: string): void {
    if (rec.status === 'left' || incarnation < rec.incarnation) return;
    this.#queue.enqueue({ kind: 'left', member: rec.name, incarnation });
    this.#setStatus(rec, 'left', incarnation, reason, now, source);
  }

  /** SWIM refutation: someone says we are suspect, dead or gone; outbid them. */
  #claimAboutSelf(entry: GossipEntry, relayer: string, now: number): void {
    if (entry.kind === 'alive' || this.#leaving || entry.incarnation < this.#incarnation) return;
    this.#incarnation = entry.incarnation + 1;
    this.#health.apply(1);
    this.counters.refutations += 1;
    this.#queue.enqueue({ kind: 'alive', member: this.self, incarnation: this.#incarnation });
    const source = entry.kind === 'suspect' || entry.kind === 'dead' ? entry.from : relayer;
    this.#out.push({ type: 'refuted', claim: entry.kind, incarnation: this.#incarnation, source, at: now });
    // Tell the messenger and the accuser at once rather than waiting for the next gossip round.
    this.#send(relayer, { type: 'gossip' });
    if (source !== relayer && this.#members.has(source)) this.#send(source, { type: 'gossip' });
  }

  #suspect(
    rec: MemberRecord,
    incarnation: number,
    accuser: string,
    reason: ChangeReason,
    now: number,
    source: string,
  ): void {
    const n = this.#liveCount();
    const k = Math.max(0, Math.min(this.settings.suspicionConfirmations, n - 2));
    const { minMs, maxMs } = suspicionBounds(this.settings, n);
    rec.suspicion = new Suspicion({ incarnation, startedAt: now, accuser, k, minMs, maxMs });
    this.#queue.enqueue({ kind: 'suspect', member: rec.name, incarnation, from: accuser });
    this.#setStatus(rec, 'suspect', incarnation, reason, now, source);
  }

  #setStatus(
    rec: MemberRecord,
    status: MemberStatus,
    incarnation: number,
    reason: ChangeReason,
    now: number,
    source: string,
  ): void {
    rec.incarnation = incarnation;
    if (status === 'suspect') this.#suspects.add(rec.name);
    else {
      rec.suspicion = undefined;
      this.#suspects.delete(rec.name);
    }
    const from = rec.status;
    if (from === status) return;
    const wasDown = this.#counts.dead + this.#counts.left;
    this.#counts[from] -= 1;
    this.#counts[status] += 1;
    if (wasDown === 0 && this.#counts.dead + this.#counts.left > 0)
      this.#deadProbeAt = now + this.settings.deadProbeIntervalMs;
    rec.status = status;
    rec.since = now;
    rec.reason = reason;
    this.#emitChange({ member: rec.name, from, to: status, incarnation, reason, at: now, source });
    this.#checkQuorum(now);
  }

  // ---- sending and dissemination -------------------------------------------------------

  #gossipRound(): void {
    const targets: string[] = [];
    for (const r of this.#members.values()) if (this.#isProbeable(r.name)) targets.push(r.name);
    for (const to of sample(this.#random, targets, this.settings.gossipFanout)) {
      if (this.#queue.size === 0) break;
      this.#send(to, { type: 'gossip' });
    }
  }

  #send(to: string, body: Outgoing): void {
    const message = { ...body, sender: this.self, incarnation: this.#incarnation, gossip: [] } as Message;
    let budget = this.settings.maxPacketBytes - baseDatagramLength(message);
    const gossip: GossipEntry[] = [];
    if (body.type !== 'leave') {
      const belief = this.#queue.about(to) ? undefined : this.#beliefAbout(to);
      if (belief && gossipEntryLength(belief) <= budget) {
        gossip.push(belief);
        budget -= gossipEntryLength(belief);
      }
      gossip.push(
        ...this.#queue.select(
          budget,
          retransmitLimit(this.settings.retransmitMultiplier, this.#members.size + 1),
          to,
        ),
      );
    }
    if (body.type === 'gossip') {
      if (gossip.length === 0) return;
      this.counters.gossipMessagesSent += 1;
    }
    message.gossip = gossip;
    this.counters.gossipEntriesSent += gossip.length;
    bump(this.counters.messagesSent, body.type);
    this.#out.push({ type: 'send', to, message });
  }

  /** What we believe about a member that is not alive, so that it can refute (buddy system). */
  #beliefAbout(name: string): GossipEntry | undefined {
    const rec = this.#members.get(name);
    if (!rec) return undefined;
    switch (rec.status) {
      case 'suspect':
        return { kind: 'suspect', member: name, incarnation: rec.incarnation, from: rec.suspicion!.accuser };
      case 'dead':
        return { kind: 'dead', member: name, incarnation: rec.incarnation, from: this.self };
      case 'left':
        return { kind: 'left', member: name, incarnation: rec.incarnation };
      default:
        return undefined;
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  #isProbeable(name: string): boolean {
    const s = this.#members.get(name)?.status;
    return s === 'alive' || s === 'suspect' || s === 'unknown';
  }

  #isDown(name: string): boolean {
    const s = this.#members.get(name)?.status;
    return s === 'dead' || s === 'left';
  }

  /** Members believed up or not yet known, this one included (n in the Lifeguard formulas). */
  #liveCount(): number {
    return 1 + this.#counts.alive + this.#counts.suspect + this.#counts.unknown;
  }

  #emitChange(change: MemberChange): void {
    this.#out.push({ type: 'memberChanged', change });
  }

  #checkQuorum(now: number): void {
    const q = this.quorum();
    if (q.hasQuorum !== this.#hasQuorum) {
      this.#hasQuorum = q.hasQuorum;
      this.#out.push({ type: 'quorumChanged', quorum: q, at: now });
    }
  }

  #take(): DetectorAction[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
