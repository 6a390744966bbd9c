import type { QuorumConfirmation } from './quorum-rounds.js';

/**
 * What the detector reports: each configured member's status, every change with its time and
 * reason, and the quorum signal. These strings are API (log fields, metric labels, the
 * speaker's SpeakerStatus).
 */

/**
 * - `unknown`: configured, never heard from since we started (not counted as reachable);
 * - `alive`: answering, directly or through others;
 * - `suspect`: a probe failed; the member has until the suspicion times out to refute;
 * - `dead`: the suspicion timed out (here or at another member);
 * - `left`: the member said goodbye (clean shutdown).
 * The speaker treats `alive` and `suspect` as up, everything else as down.
 */
export type MemberStatus = 'unknown' | 'alive' | 'suspect' | 'dead' | 'left';

export const ChangeReason = {
  /** Added by `setMembers` (status `unknown`). */
  configured: 'configured',
  /** Removed by `setMembers`. */
  removed: 'removed',
  /** A message from the member itself, with a newer incarnation or as first contact. */
  messageReceived: 'messageReceived',
  /** Another member relayed that it is alive with a newer incarnation (a refutation). */
  aliveGossip: 'aliveGossip',
  /** Our own direct and indirect probes got no ack within the protocol period. */
  probeFailed: 'probeFailed',
  /** Another member suspects it. */
  suspectGossip: 'suspectGossip',
  /** Nobody heard a refutation before the suspicion timed out here. */
  suspicionTimeout: 'suspicionTimeout',
  /** Another member declared it dead. */
  deadGossip: 'deadGossip',
  /** The member's own leave message. */
  leaveReceived: 'leaveReceived',
  /** Another member relayed its leave. */
  leftGossip: 'leftGossip',
} as const;
export type ChangeReason = (typeof ChangeReason)[keyof typeof ChangeReason];

export interface MemberChange {
  member: string;
  from: MemberStatus | 'absent';
  to: MemberStatus | 'removed';
  incarnation: number;
  reason: ChangeReason;
  /** Detector time (ms, the caller's monotonic clock) of the change. */
  at: number;
  /** The member whose message caused the change (accuser, relayer or the member itself). */
  source?: string;
}

export interface MemberView {
  name: string;
  status: MemberStatus;
  incarnation: number;
  /** Detector time of the last status change. */
  since: number;
  reason: ChangeReason;
}

/**
 * Whether this member can reach a majority of the configured members (itself included):
 * `reachable` counts itself and the members that are `alive`. A `suspect` member does not
 * count: in a partition the members on the other side become suspect one probe period after
 * another, and dead only a suspicion timeout later, so by the time a minority member sees
 * its first death it has usually lost quorum already. A suspicion under packet loss is
 * refuted within milliseconds, so this rarely costs a majority member its quorum, and a
 * false "no quorum" only delays taking over new IPs.
 */
export interface Quorum {
  reachable: number;
  total: number;
  hasQuorum: boolean;
  /**
   * The last confirmation round that reached a majority (quorum-rounds.ts). Take over a down
   * member's IPs only if `lastConfirmed.startedAt` is at or after the time it went down.
   */
  lastConfirmed?: QuorumConfirmation;
}

export interface MembershipView {
  self: { name: string; incarnation: number; localHealth: number; leaving: boolean };
  members: MemberView[];
  quorum: Quorum;
}

export function isUp(status: MemberStatus): boolean {
  return status === 'alive' || status === 'suspect';
}

export function computeQuorum(reachable: number, total: number): Quorum {
  return { reachable, total, hasQuorum: 2 * reachable > total };
}
