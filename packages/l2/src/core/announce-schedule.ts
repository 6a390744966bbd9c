import { IronLbError } from '@ironlb/wire';

/**
 * When to speak about an address. All times in milliseconds.
 *
 * - `gratuitousOffsetsMs`: after gaining an address (or finishing its probe), one round of
 *   gratuitous ARP (request and reply forms) or unsolicited NA at each offset. The first round
 *   goes out at once; later rounds repair caches of hosts that missed one. Nothing more is sent
 *   while the ownership does not change.
 * - `probe`: the check before claiming an address nobody owned (RFC 5227 section 2.1.1,
 *   RFC 4862 section 5.4). RFC 5227 waits 1-2 s between 3 probes and 2 s after them
 *   (PROBE_NUM, PROBE_MIN/MAX, ANNOUNCE_WAIT); a load balancer wants a Service reachable
 *   sooner, so the default is 3 probes 200 ms apart and a 300 ms wait (0.7 s in all). `false`
 *   skips probing.
 * - `defendIntervalMs`: while owning, answer a conflicting host with one more announcement
 *   at most this often (RFC 5227 section 2.4 (b), DEFEND_INTERVAL 10 s).
 * - `conflictRetryMs`: an address whose probe met a conflict is probed again after this long.
 */
export interface AnnounceSchedule {
  readonly gratuitousOffsetsMs: readonly number[];
  readonly probe: { readonly count: number; readonly intervalMs: number; readonly waitMs: number } | false;
  readonly defendIntervalMs: number;
  readonly conflictRetryMs: number;
}

export const defaultAnnounceSchedule: AnnounceSchedule = {
  gratuitousOffsetsMs: [0, 500, 2000, 5000],
  probe: { count: 3, intervalMs: 200, waitMs: 300 },
  defendIntervalMs: 10_000,
  conflictRetryMs: 30_000,
};

/** Fills in defaults and checks the schedule; throws ERR_IRONLB_L2_INVALID_SCHEDULE. */
export function resolveAnnounceSchedule(partial: Partial<AnnounceSchedule> = {}): AnnounceSchedule {
  const s = { ...defaultAnnounceSchedule, ...partial };
  const offsets = s.gratuitousOffsetsMs;
  const bad = (why: string) => new IronLbError('ERR_IRONLB_L2_INVALID_SCHEDULE', why);
  if (offsets.length === 0) throw bad('gratuitousOffsetsMs needs at least one offset');
  offsets.forEach((o, i) => {
    if (!Number.isFinite(o) || o < 0) throw bad(`gratuitousOffsetsMs[${i}] = ${o} is not a time`);
    if (i > 0 && o < offsets[i - 1]!) throw bad('gratuitousOffsetsMs must not decrease');
  });
  if (s.probe !== false) {
    const { count, intervalMs, waitMs } = s.probe;
    if (!Number.isInteger(count) || count < 1) throw bad('probe.count must be a positive integer');
    if (!(intervalMs >= 0) || !(waitMs >= 0)) throw bad('probe times must not be negative');
  }
  if (!(s.defendIntervalMs >= 0) || !(s.conflictRetryMs > 0))
    throw bad('defend and retry intervals must be positive');
  return s;
}

/** Time of announcement round `round` (0-based) for an address claimed at `claimedAt`, or undefined after the last. */
export function announceTime(
  schedule: AnnounceSchedule,
  claimedAt: number,
  round: number,
): number | undefined {
  const offset = schedule.gratuitousOffsetsMs[round];
  return offset === undefined ? undefined : claimedAt + offset;
}

/**
 * Time of probe `n` (0-based) for a probe started at `startedAt`; for n = count, the time at
 * which the address is claimed if nothing answered.
 */
export function probeTime(schedule: AnnounceSchedule, startedAt: number, n: number): number {
  if (schedule.probe === false) return startedAt;
  const { count, intervalMs, waitMs } = schedule.probe;
  if (n < count) return startedAt + n * intervalMs;
  return startedAt + (count - 1) * intervalMs + waitMs;
}
