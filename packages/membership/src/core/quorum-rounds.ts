/**
 * Quorum confirmation rounds: "can I reach a majority right now?", asked by pinging every
 * member that is not known to be down and counting acks.
 *
 * Why the view alone is not enough: after a partition, a member on the minority side learns
 * about the other side one probe at a time, and may hear that one of them is dead (from a
 * neighbour that already noticed) while its own view still shows the rest alive. Counting
 * its view it would have quorum, take over the dead member's IPs, and fight the majority,
 * which took them over too. A round that starts after the death and gets acks from a majority
 * is proof that this member is on the majority side of whatever happened (the same idea as a
 * Raft leader's heartbeat round before serving a read).
 *
 * The detector starts a round whenever a member goes down (dead or left) and whenever asked.
 * A request while a round runs is remembered and served by a new round right after it, so a
 * burst of deaths costs at most two rounds. A round that times out without a majority is
 * retried a few times, one probe period apart. Cost: one ping per member per round, only
 * when something went down.
 */
export interface QuorumConfirmation {
  /** Detector time when the round started (its pings went out). */
  startedAt: number;
  /** Detector time when the majority was reached. */
  confirmedAt: number;
  /** Members that acked, this one included. */
  acked: number;
  total: number;
}

export interface QuorumRoundResult {
  startedAt: number;
  at: number;
  acked: number;
  total: number;
  confirmed: boolean;
}

interface Round {
  id: number;
  startedAt: number;
  deadline: number;
  total: number;
  acked: Set<string>;
}

export class QuorumRounds {
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  #round: Round | undefined;
  #nextId = 0;
  #pending = false;
  #retriesLeft = 0;
  #retryAt: number | undefined;
  #last: QuorumConfirmation | undefined;

  constructor(options: { timeoutMs: number; retries: number; retryDelayMs: number }) {
    this.#timeoutMs = options.timeoutMs;
    this.#retries = options.retries;
    this.#retryDelayMs = options.retryDelayMs;
  }

  /** The last round that reached a majority, if any. */
  get lastConfirmed(): QuorumConfirmation | undefined {
    return this.#last;
  }

  get running(): boolean {
    return this.#round !== undefined;
  }

  /**
   * Asks for a round. Returns true when the caller must start one now (`begin`); false when a
   * round is running and a fresh one will follow it.
   */
  request(): boolean {
    this.#retriesLeft = this.#retries;
    this.#retryAt = undefined;
    if (this.#round) {
      this.#pending = true;
      return false;
    }
    return true;
  }

  /**
   * Starts a round among `total` members (this one included); returns its id, which the
   * caller attaches to the pings it sends. With no one else to ask, it completes at once.
   */
  begin(now: number, total: number): { id: number; result?: QuorumRoundResult } {
    const id = ++this.#nextId;
    this.#round = { id, startedAt: now, deadline: now + this.#timeoutMs, total, acked: new Set() };
    this.#pending = false;
    return { id, result: this.#settleIfMajority(now) };
  }

  /** Records an ack from `member` for round `id`; returns the result if that made a majority. */
  ack(id: number, member: string, now: number): QuorumRoundResult | undefined {
    const round = this.#round;
    if (!round || round.id !== id) return undefined;
    round.acked.add(member);
    return this.#settleIfMajority(now);
  }

  /** Deadline of the running round, or when the next one (pending or retry) must start. */
  nextDeadline(): number | undefined {
    if (this.#round) return this.#round.deadline;
    if (this.#pending) return -Infinity;
    return this.#retryAt;
  }

  /**
   * Times the running round out. Returns its result (unconfirmed) and whether a new round
   * must start now (a pending request, or a retry that is due).
   */
  tick(now: number): { result?: QuorumRoundResult; startNow: boolean } {
    const round = this.#round;
    let result: QuorumRoundResult | undefined;
    if (round && round.deadline <= now) {
      this.#round = undefined;
      result = {
        startedAt: round.startedAt,
        at: now,
        acked: round.acked.size + 1,
        total: round.total,
        confirmed: false,
      };
      if (!this.#pending && this.#retriesLeft > 0) {
        this.#retriesLeft -= 1;
        this.#retryAt = now + this.#retryDelayMs;
      }
    }
    if (this.#round) return { result, startNow: false };
    if (this.#pending) return { result, startNow: true };
    if (this.#retryAt !== undefined && this.#retryAt <= now) {
      this.#retryAt = undefined;
      return { result, startNow: true };
    }
    return { result, startNow: false };
  }

  /** Forgets everything (the member is leaving). */
  stop(): void {
    this.#round = undefined;
    this.#pending = false;
    this.#retryAt = undefined;
  }

  #settleIfMajority(now: number): QuorumRoundResult | undefined {
    const round = this.#round!;
    const acked = round.acked.size + 1;
    if (2 * acked <= round.total) return undefined;
    this.#round = undefined;
    this.#retryAt = undefined;
    this.#last = { startedAt: round.startedAt, confirmedAt: now, acked, total: round.total };
    return { startedAt: round.startedAt, at: now, acked, total: round.total, confirmed: true };
  }
}
