import type { BgpMessage } from '../core/codec/message.js';
import type { Family } from '../core/codec/prefix.js';
import type { BgpState, DownReason } from '../core/fsm/types.js';

export type MessageCounts = Record<BgpMessage['type'], number>;

/** Counters and state of one session, as `session.stats()` returns them. */
export interface BgpSessionStats {
  readonly peer: string;
  readonly state: BgpState;
  /** Wall-clock time (ms since the epoch) the current session became Established. */
  readonly establishedAt?: number;
  readonly negotiated?: {
    readonly holdTime: number;
    readonly keepaliveTime: number;
    readonly peerAs: number;
    readonly peerRouterId: string;
    readonly families: readonly Family[];
    readonly fourOctetAs: boolean;
    readonly extendedMessage: boolean;
    readonly gracefulRestart: boolean;
    readonly routeRefresh: boolean;
  };
  readonly messagesSent: MessageCounts;
  readonly messagesReceived: MessageCounts;
  /** Prefixes in the peer's Adj-RIB-Out now. */
  readonly prefixesAdvertised: { readonly ipv4: number; readonly ipv6: number };
  /** Prefixes in the desired table (`setAdvertisements`). */
  readonly prefixesDesired: number;
  /** Desired prefixes not sent: family not negotiated, or no next hop of that family. */
  readonly prefixesUnsendable: number;
  /** NLRI seen in received UPDATEs (they are checked, never installed). */
  readonly prefixesReceived: { readonly announced: number; readonly withdrawn: number };
  readonly updatesTreatedAsWithdraw: number;
  readonly attributesDiscarded: number;
  /** Received messages that could not be decoded (each one ended the connection). */
  readonly malformedMessages: number;
  readonly endOfRibSent: readonly Family[];
  readonly endOfRibReceived: readonly Family[];
  readonly connectAttempts: number;
  readonly establishedCount: number;
  readonly lastDown?: {
    readonly at: number;
    readonly reason: DownReason;
    readonly from: BgpState;
    readonly notification?: string;
  };
}

export function emptyCounts(): MessageCounts {
  return { open: 0, update: 0, notification: 0, keepalive: 0, routeRefresh: 0 };
}
