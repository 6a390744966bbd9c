import type { GossipEntry } from './codec/gossip-entry.js';
import type { BroadcastQueue } from './broadcast-queue.js';
import { type DetectorSettings, suspicionBounds } from './settings.js';
import { Suspicion } from './suspicion.js';
import {
  ChangeReason,
  type MemberChange,
  type MemberStatus,
  type MemberView,
  type Quorum,
  computeQuorum,
} from './view.js';

export interface MemberRecord {
  readonly name: string;
  status: MemberStatus;
  incarnation: number;
  since: number;
  reason: ChangeReason;
  suspicion?: Suspicion;
}

/** How the table reports to the detector that owns it. */
export interface MemberTableHooks {
  changed(change: MemberChange): void;
  /** A member became suspect because someone else said so: probe it soon. */
  suspectedByOthers(name: string): void;
  /** The first member went down (dead or left): start the slow probing of down members. */
  firstDown(now: number): void;
}

/**
 * The configured members and what this member believes about each: status, incarnation,
 * running suspicion. It applies SWIM's precedence rules to claims (section 4.2, as memberlist
 * `state.go` refines them), queues what is news for dissemination, and keeps per-status
 * counts so that quorum and "n" cost nothing to compute.
 *
 * Precedence, for a member at incarnation i in our view:
 * - alive(j) wins if j > i (or we never heard of it);
 * - suspect(j) wins over alive if j >= i, and confirms a running suspicion at the same j;
 * - dead(j) and left(j) win over alive and suspect if j >= i;
 * - nothing but a newer alive revives a dead or left member.
 */
export class MemberTable {
  readonly #self: string;
  readonly #settings: DetectorSettings;
  readonly #queue: BroadcastQueue;
  readonly #hooks: MemberTableHooks;
  readonly #healthMultiplier: () => number;
  readonly #records = new Map<string, MemberRecord>();
  readonly #counts: Record<MemberStatus, number> = { unknown: 0, alive: 0, suspect: 0, dead: 0, left: 0 };
  readonly #suspects = new Set<string>();

  constructor(options: {
    self: string;
    settings: DetectorSettings;
    queue: BroadcastQueue;
    hooks: MemberTableHooks;
    /** Local health + 1, which stretches suspicion timeouts (see `Suspicion.deadline`). */
    healthMultiplier: () => number;
  }) {
    this.#healthMultiplier = options.healthMultiplier;
    this.#self = options.self;
    this.#settings = options.settings;
    this.#queue = options.queue;
    this.#hooks = options.hooks;
  }

  get size(): number {
    return this.#records.size;
  }

  get(name: string): MemberRecord | undefined {
    return this.#records.get(name);
  }

  names(): IterableIterator<string> {
    return this.#records.keys();
  }

  records(): IterableIterator<MemberRecord> {
    return this.#records.values();
  }

  suspects(): ReadonlySet<string> {
    return this.#suspects;
  }

  count(status: MemberStatus): number {
    return this.#counts[status];
  }

  /** Members believed up or not yet known, this one included (n in the Lifeguard formulas). */
  liveCount(): number {
    return 1 + this.#counts.alive + this.#counts.suspect + this.#counts.unknown;
  }

  isProbeable(name: string): boolean {
    const s = this.#records.get(name)?.status;
    return s === 'alive' || s === 'suspect' || s === 'unknown';
  }

  isDown(name: string): boolean {
    const s = this.#records.get(name)?.status;
    return s === 'dead' || s === 'left';
  }

  add(name: string, now: number): void {
    const rec: MemberRecord = {
      name,
      status: 'unknown',
      incarnation: 0,
      since: now,
      reason: ChangeReason.configured,
    };
    this.#records.set(name, rec);
    this.#counts.unknown += 1;
    this.#hooks.changed({
      member: name,
      from: 'absent',
      to: 'unknown',
      incarnation: 0,
      reason: ChangeReason.configured,
      at: now,
    });
  }

  remove(name: string, now: number): void {
    const rec = this.#records.get(name);
    if (!rec) return;
    this.#records.delete(name);
    this.#counts[rec.status] -= 1;
    this.#suspects.delete(name);
    this.#queue.remove(name);
    this.#hooks.changed({
      member: name,
      from: rec.status,
      to: 'removed',
      incarnation: rec.incarnation,
      reason: ChangeReason.removed,
      at: now,
    });
  }

  /**
   * Every message is an `alive` claim by its sender at its incarnation. A newer incarnation
   * is a refutation (or a restart) that others may not have heard yet: spread it. First
   * contact with an `unknown` member is not news worth spreading (each member makes it).
   */
  observeSender(rec: MemberRecord, incarnation: number, now: number): void {
    if (rec.status === 'unknown' || incarnation > rec.incarnation) {
      if (rec.status !== 'unknown') this.#queue.enqueue({ kind: 'alive', member: rec.name, incarnation });
      this.#setStatus(rec, 'alive', incarnation, ChangeReason.messageReceived, now, rec.name);
    }
  }

  /** Applies a gossip entry about another member (claims about ourselves are the detector's). */
  applyClaim(entry: GossipEntry, relayer: string, now: number): 'applied' | 'stranger' {
    const rec = this.#records.get(entry.member);
    if (!rec) return 'stranger';
    switch (entry.kind) {
      case 'alive':
        if (rec.status === 'unknown' || entry.incarnation > rec.incarnation) {
          this.#queue.enqueue(entry);
          this.#setStatus(rec, 'alive', entry.incarnation, ChangeReason.aliveGossip, now, relayer);
        }
        break;
      case 'suspect':
        if (rec.status === 'dead' || rec.status === 'left' || entry.incarnation < rec.incarnation) break;
        if (rec.status === 'suspect' && entry.incarnation === rec.suspicion!.incarnation) {
          if (rec.suspicion!.confirm(entry.from)) this.#queue.enqueue(entry);
          break;
        }
        this.suspect(rec, entry.incarnation, entry.from, ChangeReason.suspectGossip, now, relayer);
        this.#hooks.suspectedByOthers(rec.name);
        break;
      case 'dead':
        if (entry.incarnation < rec.incarnation) break;
        if (rec.status === 'dead' || rec.status === 'left') {
          rec.incarnation = entry.incarnation;
          break;
        }
        this.#queue.enqueue(entry);
        this.#setStatus(rec, 'dead', entry.incarnation, ChangeReason.deadGossip, now, relayer);
        break;
      case 'left':
        this.markLeft(rec, entry.incarnation, ChangeReason.leftGossip, now, relayer);
        break;
    }
    return 'applied';
  }

  markLeft(rec: MemberRecord, incarnation: number, reason: ChangeReason, now: number, source: string): void {
    if (rec.status === 'left' || incarnation < rec.incarnation) return;
    this.#queue.enqueue({ kind: 'left', member: rec.name, incarnation });
    this.#setStatus(rec, 'left', incarnation, reason, now, source);
  }

  /** Starts (or restarts, at a newer incarnation) a suspicion and spreads it. */
  suspect(
    rec: MemberRecord,
    incarnation: number,
    accuser: string,
    reason: ChangeReason,
    now: number,
    source: string,
  ): void {
    const n = this.liveCount();
    const k = Math.max(0, Math.min(this.#settings.suspicionConfirmations, n - 2));
    const { minMs, maxMs } = suspicionBounds(this.#settings, n);
    rec.suspicion = new Suspicion({ incarnation, startedAt: now, accuser, k, minMs, maxMs });
    this.#queue.enqueue({ kind: 'suspect', member: rec.name, incarnation, from: accuser });
    this.#setStatus(rec, 'suspect', incarnation, reason, now, source);
  }

  /** Our own failed probe of a member someone else suspects counts as a confirmation. */
  confirmOwnSuspicion(rec: MemberRecord): void {
    if (rec.status === 'suspect' && rec.suspicion!.confirm(this.#self)) {
      this.#queue.enqueue({
        kind: 'suspect',
        member: rec.name,
        incarnation: rec.incarnation,
        from: this.#self,
      });
    }
  }

  /** Suspicions whose time is up become deaths, announced as ours. Returns how many. */
  expireSuspicions(now: number): number {
    let deaths = 0;
    for (const name of [...this.#suspects]) {
      const rec = this.#records.get(name)!;
      if (rec.suspicion!.deadline(this.#healthMultiplier()) > now) continue;
      deaths += 1;
      this.#queue.enqueue({ kind: 'dead', member: name, incarnation: rec.incarnation, from: this.#self });
      this.#setStatus(rec, 'dead', rec.incarnation, ChangeReason.suspicionTimeout, now, this.#self);
    }
    return deaths;
  }

  earliestSuspicionDeadline(): number {
    const multiplier = this.#healthMultiplier();
    let next = Infinity;
    for (const name of this.#suspects)
      next = Math.min(next, this.#records.get(name)!.suspicion!.deadline(multiplier));
    return next;
  }

  /** What we believe about a member that is not up, so that it can refute (buddy system). */
  beliefAbout(name: string): GossipEntry | undefined {
    const rec = this.#records.get(name);
    if (!rec) return undefined;
    switch (rec.status) {
      case 'suspect':
        return { kind: 'suspect', member: name, incarnation: rec.incarnation, from: rec.suspicion!.accuser };
      case 'dead':
        return { kind: 'dead', member: name, incarnation: rec.incarnation, from: this.#self };
      case 'left':
        return { kind: 'left', member: name, incarnation: rec.incarnation };
      default:
        return undefined;
    }
  }

  quorum(selfCounts: boolean): Quorum {
    const reachable = (selfCounts ? 1 : 0) + this.#counts.alive;
    return computeQuorum(reachable, this.#records.size + 1);
  }

  view(): MemberView[] {
    return [...this.#records.values()]
      .map((r) => ({
        name: r.name,
        status: r.status,
        incarnation: r.incarnation,
        since: r.since,
        reason: r.reason,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
    rec.status = status;
    rec.since = now;
    rec.reason = reason;
    if (wasDown === 0 && this.#counts.dead + this.#counts.left > 0) this.#hooks.firstDown(now);
    this.#hooks.changed({ member: rec.name, from, to: status, incarnation, reason, at: now, source });
  }
}
