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
 * `reachable` counts itself and the members that are `alive` or `suspect`.
 */
export interface Quorum {
  reachable: number;
  total: number;
  hasQuorum: boolean;
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
