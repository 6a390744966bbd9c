import type { GossipEntry } from './codec/gossip-entry.js';
import { gossipEntryLength } from './codec/gossip-entry.js';

/**
 * News waiting to be disseminated (SWIM section 4.1, memberlist `TransmitLimitedQueue`). One
 * item per member: newer news about a member replaces older news. Each selection for an
 * outgoing message takes the least-sent items first (newest first among equals) that fit the
 * byte budget, and an item is dropped once it has been sent `limit` times, which the caller
 * sets to retransmitMultiplier * ceil(log10(n + 1)): enough for infection-style spread to
 * reach everyone with high probability, and a fixed cost per event for every member.
 */
export class BroadcastQueue {
  readonly #items = new Map<string, { entry: GossipEntry; transmits: number; order: number }>();
  #order = 0;

  get size(): number {
    return this.#items.size;
  }

  enqueue(entry: GossipEntry): void {
    this.#items.set(entry.member, { entry, transmits: 0, order: ++this.#order });
  }

  remove(member: string): void {
    this.#items.delete(member);
  }

  /** The queued entry about `member`, if any (the "buddy system" puts it first for that member). */
  about(member: string): GossipEntry | undefined {
    return this.#items.get(member)?.entry;
  }

  /**
   * Entries to piggyback on one message to `recipient`, at most `budgetBytes` in total. News
   * that the recipient is suspect, dead or gone goes first (Lifeguard buddy system: it can
   * refute at once); news that it is alive is not sent to it at all (it knows).
   */
  select(budgetBytes: number, limit: number, recipient?: string): GossipEntry[] {
    if (this.#items.size === 0) return [];
    const candidates = [...this.#items.values()]
      .filter((c) => !(c.entry.member === recipient && c.entry.kind === 'alive'))
      .sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    if (recipient !== undefined) {
      const i = candidates.findIndex((c) => c.entry.member === recipient);
      if (i > 0) candidates.unshift(...candidates.splice(i, 1));
    }
    const out: GossipEntry[] = [];
    let used = 0;
    for (const item of candidates) {
      if (out.length >= 255) break;
      const size = gossipEntryLength(item.entry);
      if (used + size > budgetBytes) continue;
      used += size;
      out.push(item.entry);
      item.transmits += 1;
      if (item.transmits >= limit) this.#items.delete(item.entry.member);
    }
    return out;
  }
}

/** memberlist's retransmit limit: multiplier * ceil(log10(n + 1)). */
export function retransmitLimit(multiplier: number, n: number): number {
  return multiplier * Math.max(1, Math.ceil(Math.log10(n + 1)));
}
