/**
 * Lifeguard "Local Health Multiplier" (Dadgar et al. 2018, section IV.A; memberlist
 * `awareness.go`): a saturating score in [0, max - 1] that rises when this member shows signs
 * of being the slow one (its probes fail while the intermediaries' nacks do not arrive, or
 * others suspect it) and falls with every timely ack. Probe timeouts and the probe period are
 * multiplied by score + 1, so a member that is itself overloaded slows down its accusations
 * instead of declaring healthy members dead.
 */
export class LocalHealth {
  readonly #max: number;
  #score = 0;

  constructor(maxMultiplier: number) {
    this.#max = Math.max(1, maxMultiplier);
  }

  get score(): number {
    return this.#score;
  }

  apply(delta: number): void {
    this.#score = Math.min(this.#max - 1, Math.max(0, this.#score + delta));
  }

  scale(ms: number): number {
    return ms * (this.#score + 1);
  }
}
