import { type Random, randomInt } from './random.js';

/**
 * The order in which this member probes the others (SWIM section 4.3, "round-robin probe
 * target selection"). Members sit in a cycle shuffled once, new members are inserted at
 * random positions, and the cursor walks the cycle, so every member is probed exactly once
 * per pass: with n members a crashed one is probed by each other member within n - 1
 * periods (SWIM reshuffles after each pass, which doubles that worst case; each member's
 * own random order already spreads the probes).
 *
 * `prioritize` puts a member at the head of an urgent list consumed before the cycle: a
 * member we just heard is suspect gets our next probe, which carries the suspicion to it
 * (so it can refute) or confirms it quickly.
 */
export class ProbeOrder {
  readonly #random: Random;
  readonly #cycle: string[] = [];
  #cursor = 0;
  readonly #urgent: string[] = [];

  constructor(random: Random) {
    this.#random = random;
  }

  get members(): readonly string[] {
    return this.#cycle;
  }

  add(name: string): void {
    if (this.#cycle.includes(name)) return;
    const at = randomInt(this.#random, this.#cycle.length + 1);
    this.#cycle.splice(at, 0, name);
    if (at < this.#cursor) this.#cursor += 1;
  }

  remove(name: string): void {
    const at = this.#cycle.indexOf(name);
    if (at >= 0) {
      this.#cycle.splice(at, 1);
      if (at < this.#cursor) this.#cursor -= 1;
      if (this.#cursor >= this.#cycle.length) this.#cursor = 0;
    }
    const u = this.#urgent.indexOf(name);
    if (u >= 0) this.#urgent.splice(u, 1);
  }

  prioritize(name: string): void {
    if (!this.#cycle.includes(name) || this.#urgent.includes(name)) return;
    this.#urgent.push(name);
  }

  /** The next member to probe among those `eligible` accepts, or undefined. */
  next(eligible: (name: string) => boolean): string | undefined {
    while (this.#urgent.length > 0) {
      const name = this.#urgent.shift()!;
      if (eligible(name)) return name;
    }
    for (let i = 0; i < this.#cycle.length; i++) {
      const name = this.#cycle[this.#cursor]!;
      this.#cursor = (this.#cursor + 1) % this.#cycle.length;
      if (eligible(name)) return name;
    }
    return undefined;
  }
}
