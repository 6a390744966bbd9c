/**
 * Replay protection, per sender, for authenticated datagrams (the idea of the IPsec
 * anti-replay window, RFC 4303 section 3.4.3, with a restart epoch in front).
 *
 * Every datagram carries the sender's epoch (its process start time), a sequence number that
 * starts at 1 in each epoch, and the sender's wall-clock timestamp. A datagram is accepted
 * once:
 * - its timestamp must be within `maxClockSkewMs` of our clock (`stale` otherwise), which
 *   bounds how old a recorded datagram can be when replayed, even to a member that just
 *   restarted and remembers nothing;
 * - an older epoch than the newest seen from that sender is `replayed` (the sender restarted
 *   since); a newer epoch resets the window;
 * - within an epoch, sequence numbers at or below `highest - windowPackets` are `replayed`,
 *   and so is any number already seen inside the window (reordering within the window is
 *   fine: UDP may reorder).
 * The authenticity of these fields comes from the MAC, checked before this runs.
 */
export type ReplayVerdict = 'ok' | 'replayed' | 'stale';

export interface ReplayGuardOptions {
  /** Reordering tolerated within one sender's stream (default 64). */
  windowPackets?: number;
  /** Largest accepted difference between the sender's clock and ours (default 30 s). */
  maxClockSkewMs?: number;
}

interface SenderWindow {
  epoch: number;
  highest: number;
  /** seen[seq % size] === seq when seq was accepted. */
  seen: Float64Array;
}

export class ReplayGuard {
  readonly windowPackets: number;
  readonly maxClockSkewMs: number;
  readonly #senders = new Map<string, SenderWindow>();

  constructor(options: ReplayGuardOptions = {}) {
    this.windowPackets = options.windowPackets ?? 64;
    this.maxClockSkewMs = options.maxClockSkewMs ?? 30_000;
    if (!Number.isInteger(this.windowPackets) || this.windowPackets < 1)
      throw new RangeError('windowPackets must be a positive integer');
  }

  /** Checks a datagram's replay fields and, when accepted, records them. */
  check(
    sender: string,
    fields: { epoch: number; seq: number; timestamp: number },
    wallNow: number,
  ): ReplayVerdict {
    if (Math.abs(wallNow - fields.timestamp) > this.maxClockSkewMs) return 'stale';
    if (fields.seq === 0) return 'replayed';
    let w = this.#senders.get(sender);
    if (w && fields.epoch < w.epoch) return 'replayed';
    if (!w || fields.epoch > w.epoch) {
      w = { epoch: fields.epoch, highest: 0, seen: new Float64Array(this.windowPackets) };
      this.#senders.set(sender, w);
    }
    const size = this.windowPackets;
    const slot = fields.seq % size;
    if (fields.seq <= w.highest - size || w.seen[slot] === fields.seq) return 'replayed';
    w.seen[slot] = fields.seq;
    if (fields.seq > w.highest) w.highest = fields.seq;
    return 'ok';
  }

  /** Drops what we know about a sender (it left the member list). */
  forget(sender: string): void {
    this.#senders.delete(sender);
  }

  get senders(): number {
    return this.#senders.size;
  }
}
