import { IronLbError } from '@ironlb/wire';

/**
 * Every timing and size of the failure detector. Defaults are for a LAN (sub-millisecond
 * RTT): a crashed member is declared dead in roughly 0.3-0.6 s in small clusters, worst case
 * `detectionBoundMs`. docs/failure-detection.md explains each trade-off.
 */
export interface DetectorSettings {
  /** SWIM protocol period T: one member is probed per period (scaled by local health). */
  probeIntervalMs: number;
  /** How long to wait for a direct ack before asking others to probe (scaled by local health). */
  probeTimeoutMs: number;
  /** SWIM k: members asked to probe indirectly after a direct probe times out. */
  indirectProbes: number;
  /** Suspicion timeout once enough independent suspicions arrived (Lifeguard minimum). */
  suspicionMinMs: number;
  /** Suspicion timeout with no confirmation (Lifeguard maximum). */
  suspicionMaxMs: number;
  /** Independent suspicions that bring the timeout down to the minimum (Lifeguard "k"). */
  suspicionConfirmations: number;
  /** Multiply both suspicion timeouts by max(1, log10(n)), as memberlist does. */
  scaleSuspicionWithClusterSize: boolean;
  /** While news is pending, push it to `gossipFanout` members this often (besides piggyback). */
  gossipIntervalMs: number;
  gossipFanout: number;
  /** Each piece of news is sent retransmitMultiplier * ceil(log10(n + 1)) times. */
  retransmitMultiplier: number;
  /** Dead and left members are pinged (one per interval) so partitions heal and restarts are seen. */
  deadProbeIntervalMs: number;
  /** Lifeguard local health: timeouts stretch up to this multiple when we look slow. 1 disables. */
  maxLocalHealth: number;
  /** Upper bound on a datagram (IPv6 minimum MTU 1280 minus IP and UDP headers, rounded down). */
  maxPacketBytes: number;
  /** How long a quorum confirmation round waits for acks (quorum-rounds.ts). */
  quorumCheckTimeoutMs: number;
  /** Rounds retried (one probe period apart) after one ends without a majority. */
  quorumCheckRetries: number;
}

export const defaultDetectorSettings: Readonly<DetectorSettings> = Object.freeze({
  probeIntervalMs: 100,
  probeTimeoutMs: 30,
  indirectProbes: 3,
  suspicionMinMs: 200,
  suspicionMaxMs: 500,
  suspicionConfirmations: 2,
  scaleSuspicionWithClusterSize: true,
  gossipIntervalMs: 50,
  gossipFanout: 3,
  retransmitMultiplier: 4,
  deadProbeIntervalMs: 1000,
  maxLocalHealth: 8,
  maxPacketBytes: 1200,
  quorumCheckTimeoutMs: 50,
  quorumCheckRetries: 3,
});

/** Thrown for settings that cannot work (a configuration error, not network input). */
export class MembershipSettingsError extends IronLbError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('ERR_IRONLB_MEMBERSHIP_SETTINGS', `invalid membership settings: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** The problems with `settings` (empty when they are usable). */
export function validateDetectorSettings(settings: DetectorSettings): string[] {
  const problems: string[] = [];
  const positive = (key: keyof DetectorSettings, min = 1) => {
    const v = settings[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      problems.push(`${key} must be a number >= ${min}`);
  };
  positive('probeIntervalMs');
  positive('probeTimeoutMs');
  positive('indirectProbes', 0);
  positive('suspicionMinMs');
  positive('suspicionMaxMs');
  positive('suspicionConfirmations', 0);
  positive('gossipIntervalMs');
  positive('gossipFanout', 0);
  positive('retransmitMultiplier');
  positive('deadProbeIntervalMs');
  positive('maxLocalHealth');
  positive('maxPacketBytes', 256);
  positive('quorumCheckTimeoutMs');
  positive('quorumCheckRetries', 0);
  if (settings.probeTimeoutMs >= settings.probeIntervalMs)
    problems.push(
      'probeTimeoutMs must be below probeIntervalMs (the indirect probes need the rest of the period)',
    );
  if (settings.suspicionMaxMs < settings.suspicionMinMs)
    problems.push('suspicionMaxMs must be >= suspicionMinMs');
  if (settings.maxPacketBytes > 65507) problems.push('maxPacketBytes must fit in a UDP datagram (65507)');
  for (const key of [
    'indirectProbes',
    'suspicionConfirmations',
    'gossipFanout',
    'retransmitMultiplier',
    'maxLocalHealth',
    'quorumCheckRetries',
  ] as const) {
    if (!Number.isInteger(settings[key])) problems.push(`${key} must be an integer`);
  }
  return problems;
}

/** Defaults overlaid with `overrides`, validated; throws `MembershipSettingsError`. */
export function resolveDetectorSettings(overrides: Partial<DetectorSettings> = {}): DetectorSettings {
  const settings = { ...defaultDetectorSettings };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (settings as Record<string, unknown>)[key] = value;
  }
  const problems = validateDetectorSettings(settings);
  if (problems.length > 0) throw new MembershipSettingsError(problems);
  return settings;
}

/** Suspicion timeouts for a cluster of `n` live members (self included). */
export function suspicionBounds(settings: DetectorSettings, n: number): { minMs: number; maxMs: number } {
  const scale = settings.scaleSuspicionWithClusterSize ? Math.max(1, Math.log10(Math.max(1, n))) : 1;
  const minMs = settings.suspicionMinMs * scale;
  return { minMs, maxMs: Math.max(minMs, settings.suspicionMaxMs * scale) };
}

/**
 * Worst-case time from a crash until the first member declares it dead, with no packet loss
 * and healthy members (local health 0), for a cluster of `n` members:
 * - every member probes each other member once per n - 1 periods (fixed shuffled round robin),
 *   so some member starts probing the crashed one within (n - 1) * T;
 * - that probe fails at the end of its period: + T;
 * - the suspicion runs its maximum: + suspicionMax (scaled).
 * Independent suspicions usually cut the last term to suspicionMin. Others learn the death by
 * gossip within a few gossip intervals; add `gossipIntervalMs * 3` for that.
 */
export function detectionBoundMs(settings: DetectorSettings, n: number): number {
  const { maxMs } = suspicionBounds(settings, n);
  return Math.max(1, n - 1) * settings.probeIntervalMs + settings.probeIntervalMs + maxMs;
}
