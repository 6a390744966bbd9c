/**
 * Lifeguard "Local Health Aware Suspicion" (Dadgar et al. 2018, section IV.B; as in
 * hashicorp/memberlist `suspicion.go`): a suspicion starts with the maximum timeout and falls
 * logarithmically toward the minimum as independent members confirm it. With `k` expected
 * confirmations and `c` received:
 *
 *     timeout(c) = max(min, max - (max - min) * log(c + 1) / log(k + 1))
 *
 * so the first confirmation does most of the work, and a lone accuser (perhaps with a bad
 * link of its own) waits longest. With k = 0 the timeout is simply `min`.
 */
export function suspicionTimeoutMs(confirmations: number, k: number, minMs: number, maxMs: number): number {
  if (k <= 0) return minMs;
  const fraction = Math.log(confirmations + 1) / Math.log(k + 1);
  return Math.max(minMs, maxMs - (maxMs - minMs) * fraction);
}

/** One running suspicion of one member at one incarnation. */
export class Suspicion {
  readonly incarnation: number;
  readonly startedAt: number;
  /** The member that raised the suspicion first. */
  readonly accuser: string;
  readonly k: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly #confirmers = new Set<string>();

  constructor(options: {
    incarnation: number;
    startedAt: number;
    accuser: string;
    k: number;
    minMs: number;
    maxMs: number;
  }) {
    this.incarnation = options.incarnation;
    this.startedAt = options.startedAt;
    this.accuser = options.accuser;
    this.k = options.k;
    this.minMs = options.minMs;
    this.maxMs = options.maxMs;
  }

  get confirmations(): number {
    return this.#confirmers.size;
  }

  /** Records an independent suspicion; false when `from` already counted (or is the accuser). */
  confirm(from: string): boolean {
    if (from === this.accuser || this.#confirmers.has(from)) return false;
    this.#confirmers.add(from);
    return true;
  }

  hasSuspected(member: string): boolean {
    return member === this.accuser || this.#confirmers.has(member);
  }

  /**
   * When the suspicion times out. `healthMultiplier` is this member's local health + 1: a
   * member that has reason to think it is the slow or cut-off one waits longer before it
   * declares others dead (our extension of Lifeguard's LHA-Probe to the suspicion timeout;
   * see docs/failure-detection.md "Partitions").
   */
  deadline(healthMultiplier = 1): number {
    return (
      this.startedAt +
      healthMultiplier * suspicionTimeoutMs(this.#confirmers.size, this.k, this.minMs, this.maxMs)
    );
  }
}
