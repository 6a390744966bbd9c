/** Counters and a lateness reservoir kept by the manager; read with `BfdManager.stats()`. */
export interface BfdStats {
  packetsSent: number;
  packetsReceived: number;
  sendErrors: number;
  /** Received packets discarded, by stable reason string. */
  drops: Record<string, number>;
  /** How late transmit timers fired, microseconds (over the last `windowSize` firings). */
  txTimerLatenessUs: { count: number; min: number; p50: number; p99: number; max: number };
  /**
   * Gap between consecutive periodic packets of Up sessions minus the negotiated interval,
   * microseconds: -25%..0 of the interval is jitter (RFC 5880 section 6.8.7), above 0 is late.
   */
  periodicGapExcessUs: { count: number; min: number; p50: number; p99: number; max: number };
}

/** A fixed-size ring of samples with percentile reads. */
export class SampleRing {
  readonly #samples: Float64Array;
  #next = 0;
  #count = 0;

  constructor(readonly windowSize = 10_000) {
    this.#samples = new Float64Array(windowSize);
  }

  add(value: number): void {
    this.#samples[this.#next] = value;
    this.#next = (this.#next + 1) % this.windowSize;
    if (this.#count < this.windowSize) this.#count++;
  }

  summary(): { count: number; min: number; p50: number; p99: number; max: number } {
    const sorted = Array.from(this.#samples.subarray(0, this.#count)).sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0;
    return {
      count: this.#count,
      min: sorted[0] ?? 0,
      p50: at(0.5),
      p99: at(0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : 0,
    };
  }

  reset(): void {
    this.#next = 0;
    this.#count = 0;
  }
}
