import type { GossipEntry } from './codec/gossip-entry.js';
import type { AckMessage, Message, NackMessage, PingReqMessage } from './codec/packet.js';
import { type Outgoing, composeMessage } from './compose-message.js';
import type { ActiveProbe, Awaiting } from './probe-state.js';
import { BroadcastQueue, retransmitLimit } from './broadcast-queue.js';
import { type DetectorCounters, newDetectorCounters } from './counters.js';
import { LocalHealth } from './local-health.js';
import { MemberTable } from './member-table.js';
import { ProbeOrder } from './probe-order.js';
import { QuorumRounds, type QuorumRoundResult } from './quorum-rounds.js';
import { type Random, randomInt, sample } from './random.js';
import { type DetectorSettings, resolveDetectorSettings } from './settings.js';
import {
  ChangeReason,
  type MemberChange,
  type MemberStatus,
  type MembershipView,
  type Quorum,
} from './view.js';

/** What the caller must do after feeding the detector an input. */
export type DetectorAction =
  /** Encode, authenticate and send `message` to member `to`. */
  | { type: 'send'; to: string; message: Message }
  | { type: 'memberChanged'; change: MemberChange }
  /** `hasQuorum` flipped. */
  | { type: 'quorumChanged'; quorum: Quorum; at: number }
  /** A quorum confirmation round ended (quorum-rounds.ts). */
  | { type: 'quorumChecked'; result: QuorumRoundResult }
  /** Someone claimed this member is suspect, dead or gone; it answered with a new incarnation. */
  | { type: 'refuted'; claim: 'suspect' | 'dead' | 'left'; incarnation: number; source: string; at: number };

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
  readonly #members: MemberTable;
  readonly #awaiting = new Map<number, Awaiting>();
  readonly #rounds: QuorumRounds;
  #incarnation: number;
  #started = false;
  #leaving = false;
  #probe: ActiveProbe | undefined;
  #nextProbeAt = 0;
  #gossipAt = 0;
  #deadProbeAt = 0;
  #nextProbeId: number;
  #hasQuorum = true;
  /** Set while `setMembers` runs, so that quorum is judged once, on the whole new list. */
  #batch = false;
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
    this.#rounds = new QuorumRounds({
      timeoutMs: this.settings.quorumCheckTimeoutMs,
      retries: this.settings.quorumCheckRetries,
      retryDelayMs: this.settings.probeIntervalMs,
    });
    this.#members = new MemberTable({
      self: this.self,
      settings: this.settings,
      queue: this.#queue,
      healthMultiplier: () => this.#health.score + 1,
      hooks: {
        changed: (change) => {
          this.#out.push({ type: 'memberChanged', change });
          if (!this.#batch) this.#checkQuorum(change.at);
          if (change.to === 'dead' || change.to === 'left') this.#requestQuorumRound(change.at);
        },
        suspectedByOthers: (name) => this.#order.prioritize(name),
        firstDown: (now) => {
          this.#deadProbeAt = now + this.settings.deadProbeIntervalMs;
        },
      },
    });
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
    this.#batch = true;
    const wanted = new Set<string>();
    for (const name of names) if (name !== this.self) wanted.add(name);
    for (const name of [...this.#members.names()]) {
      if (wanted.has(name)) continue;
      this.#order.remove(name);
      this.#deadOrder.remove(name);
      this.#members.remove(name, now);
    }
    for (const name of wanted) {
      if (this.#members.get(name)) continue;
      this.#order.add(name);
      this.#deadOrder.add(name);
      this.#members.add(name, now);
      if (this.#started && !this.#leaving) this.#contact(name, now);
    }
    this.#batch = false;
    this.#checkQuorum(now);
    return this.#take();
  }

  /** Starts probing; pings every member once so that they learn of us and we of them. */
  start(now: number): DetectorAction[] {
    this.#out = [];
    if (this.#started) return [];
    this.#started = true;
    for (const name of this.#members.names()) this.#contact(name, now);
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
    for (const name of this.#members.names()) this.#send(name, { type: 'leave' });
    this.#probe = undefined;
    this.#awaiting.clear();
    this.#rounds.stop();
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
    next = Math.min(next, this.#members.earliestSuspicionDeadline());
    if (this.#queue.size > 0) next = Math.min(next, this.#gossipAt);
    if (this.#anyDown()) next = Math.min(next, this.#deadProbeAt);
    next = Math.min(next, this.#rounds.nextDeadline() ?? Infinity);
    return next;
  }

  /** Runs everything due at `now`: probe steps, nacks, suspicion timeouts, gossip, dead probes. */
  tick(now: number): DetectorAction[] {
    this.#out = [];
    if (!this.#started || this.#leaving) return [];
    for (const [id, a] of this.#awaiting) {
      if (a.kind === 'relay' && !a.nackSent && a.nackAt <= now) {
        a.nackSent = true;
        if (this.#members.get(a.requester)) {
          this.counters.nacksSent += 1;
          this.#send(a.requester, { type: 'nack', probeId: a.requesterProbeId });
        }
      }
      if (a.expiresAt <= now) this.#awaiting.delete(id);
    }
    this.counters.deathsDeclared += this.#members.expireSuspicions(now);
    const rounds = this.#rounds.tick(now);
    if (rounds.result) this.#roundEnded(rounds.result);
    if (rounds.startNow) this.#beginQuorumRound(now);
    this.#advanceProbe(now);
    if (this.#queue.size > 0 && this.#gossipAt <= now) {
      this.#gossipRound();
      this.#gossipAt = now + this.settings.gossipIntervalMs;
    }
    if (this.#anyDown() && this.#deadProbeAt <= now) {
      this.#deadProbeAt = now + this.settings.deadProbeIntervalMs;
      const target = this.#deadOrder.next((n) => this.#members.isDown(n));
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
      this.#members.markLeft(sender, message.incarnation, ChangeReason.leaveReceived, now, sender.name);
    } else {
      this.#members.observeSender(sender, message.incarnation, now);
    }
    for (const entry of message.gossip) {
      if (entry.member === this.self) this.#claimAboutSelf(entry, message.sender, now);
      else if (this.#members.applyClaim(entry, message.sender, now) === 'stranger')
        this.counters.gossipAboutStrangers += 1;
    }
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
    const q = this.#members.quorum(!this.#leaving);
    const last = this.#rounds.lastConfirmed;
    return last ? { ...q, lastConfirmed: last } : q;
  }

  /**
   * Starts a quorum confirmation round now (or right after the running one). The result comes
   * as a `quorumChecked` action; `quorum().lastConfirmed` keeps the last success.
   */
  confirmQuorum(now: number): DetectorAction[] {
    this.#out = [];
    if (this.#started && !this.#leaving) this.#requestQuorumRound(now);
    return this.#take();
  }

  view(): MembershipView {
    return {
      self: {
        name: this.self,
        incarnation: this.#incarnation,
        localHealth: this.#health.score,
        leaving: this.#leaving,
      },
      members: this.#members.view(),
      quorum: this.quorum(),
    };
  }

  // ---- probing (SWIM section 4, Lifeguard section IV.A) ----------------------------------

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
      const target = this.#order.next((n) => this.#members.isProbeable(n));
      this.#nextProbeAt = now + period;
      if (target === undefined) return;
      const id = this.#newProbeId();
      this.#probe = {
        id,
        target,
        directDeadline: now + this.#health.scale(this.settings.probeTimeoutMs),
        endAt: now + period,
        indirectSent: false,
        intermediaries: new Set(),
        nackers: new Set(),
        acked: false,
      };
      this.#awaiting.set(id, { kind: 'probe', expiresAt: now + period });
      this.counters.probesStarted += 1;
      this.#send(target, { type: 'ping', probeId: id, target });
      return;
    }
  }

  #probeIndirectly(p: ActiveProbe): void {
    p.indirectSent = true;
    const candidates: string[] = [];
    for (const r of this.#members.records())
      if (r.status === 'alive' && r.name !== p.target) candidates.push(r.name);
    // If we already suspect the target, the request carries the suspicion: the intermediary
    // adopts it and its ping carries it on, so a live target behind a bad link still learns
    // that it must refute.
    const belief = this.#members.beliefAbout(p.target);
    for (const via of sample(this.#random, candidates, this.settings.indirectProbes)) {
      p.intermediaries.add(via);
      this.counters.pingReqsSent += 1;
      this.#send(via, { type: 'pingReq', probeId: p.id, target: p.target }, belief);
    }
    this.#send(p.target, { type: 'ping', probeId: p.id, target: p.target });
  }

  #finishProbe(p: ActiveProbe, now: number): void {
    this.#awaiting.delete(p.id);
    if (p.acked) return;
    this.counters.probeResults.failed += 1;
    // Lifeguard: missing nacks mean our own links or process are the problem, not the target.
    // With nobody to ask, a failed probe counts once per member, not again for each re-probe
    // of a member already suspect (a two-member cluster would otherwise stretch its own
    // suspicion timeout with every period).
    const rec = this.#members.get(p.target);
    const expected = p.intermediaries.size;
    if (expected > 0) this.#health.apply(expected - p.nackers.size);
    else if (rec?.status !== 'suspect') this.#health.apply(1);
    if (!rec) return;
    if (rec.status === 'alive' || rec.status === 'unknown') {
      this.counters.suspicionsRaised += 1;
      this.#members.suspect(rec, rec.incarnation, this.self, ChangeReason.probeFailed, now, this.self);
      // Probe it again next period: the ping carries the suspicion, so a live member refutes
      // in its ack.
      this.#order.prioritize(rec.name);
    } else {
      // Our own failed probe is an independent confirmation of someone else's suspicion.
      this.#members.confirmOwnSuspicion(rec);
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
      // The relayed ack also says at which incarnation the target answered, so a requester
      // that suspects it at an older one learns of the refutation from the same datagram.
      const target = this.#members.get(a.target);
      const alive: GossipEntry | undefined =
        target?.status === 'alive'
          ? { kind: 'alive', member: a.target, incarnation: target.incarnation }
          : undefined;
      if (this.#members.get(a.requester))
        this.#send(a.requester, { type: 'ack', probeId: a.requesterProbeId }, alive);
      return;
    }
    if (a.kind === 'contact') {
      if (message.sender === a.target) this.#awaiting.delete(message.probeId);
      return;
    }
    if (a.kind === 'quorum') {
      if (message.sender !== a.target) return;
      this.#awaiting.delete(message.probeId);
      const result = this.#rounds.ack(a.round, a.target, now);
      if (result) this.#roundEnded(result);
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
    if (message.target === this.self || !this.#members.get(message.target)) {
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

  #requestQuorumRound(now: number): void {
    if (this.#rounds.request()) this.#beginQuorumRound(now);
  }

  /** Pings every member not known to be down; dead and left members count as "no". */
  #beginQuorumRound(now: number): void {
    const { id, result } = this.#rounds.begin(now, this.#members.size + 1);
    if (result) {
      this.#roundEnded(result);
      return;
    }
    for (const name of this.#members.names()) {
      if (!this.#members.isProbeable(name)) continue;
      const probeId = this.#newProbeId();
      this.#awaiting.set(probeId, {
        kind: 'quorum',
        round: id,
        target: name,
        expiresAt: now + this.settings.quorumCheckTimeoutMs,
      });
      this.#send(name, { type: 'ping', probeId, target: name });
    }
  }

  #roundEnded(result: QuorumRoundResult): void {
    if (result.confirmed) this.counters.quorumRounds.confirmed += 1;
    else this.counters.quorumRounds.failed += 1;
    this.#out.push({ type: 'quorumChecked', result });
  }

  #newProbeId(): number {
    do this.#nextProbeId = (this.#nextProbeId + 1) >>> 0;
    while (this.#awaiting.has(this.#nextProbeId));
    return this.#nextProbeId;
  }

  // ---- refutation (SWIM section 4.2) -----------------------------------------------------

  /** Someone says we are suspect, dead or gone: outbid them with a newer incarnation. */
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
    if (source !== relayer && this.#members.get(source)) this.#send(source, { type: 'gossip' });
  }

  // ---- sending and dissemination (SWIM section 4.1) --------------------------------------

  #gossipRound(): void {
    const targets: string[] = [];
    for (const name of this.#members.names()) if (this.#members.isProbeable(name)) targets.push(name);
    for (const to of sample(this.#random, targets, this.settings.gossipFanout)) {
      if (this.#queue.size === 0) break;
      this.#send(to, { type: 'gossip' });
    }
  }

  /** Sends `body` to `to` with piggybacked news; `extra`, if given, rides first. */
  #send(to: string, body: Outgoing, extra?: GossipEntry): void {
    const message = composeMessage(body, {
      self: this.self,
      incarnation: this.#incarnation,
      to,
      extra,
      belief: (m) => this.#members.beliefAbout(m),
      queue: this.#queue,
      maxPacketBytes: this.settings.maxPacketBytes,
      retransmitLimit: retransmitLimit(this.settings.retransmitMultiplier, this.#members.size + 1),
    });
    if (body.type === 'gossip') {
      if (message.gossip.length === 0) return;
      this.counters.gossipMessagesSent += 1;
    }
    this.counters.gossipEntriesSent += message.gossip.length;
    bump(this.counters.messagesSent, body.type);
    this.#out.push({ type: 'send', to, message });
  }

  // ---- helpers ---------------------------------------------------------------------------

  #anyDown(): boolean {
    return this.#members.count('dead') + this.#members.count('left') > 0;
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
