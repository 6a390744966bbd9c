import type { BfdStateName, DiagnosticReason } from '../core/constants.js';
import type { BfdProfile } from '../core/profile.js';

/** Identifies a session: one per (local address, peer address) on single hop. */
export interface BfdSessionSpec {
  /** The peer's address on the shared link (the BGP neighbour address). */
  readonly peerAddress: string;
  /** Our address on that link; packets are sent from it and received on it. */
  readonly localAddress: string;
  readonly profile: BfdProfile;
}

/** A snapshot of one session, for status, logs and events. */
export interface BfdSessionInfo {
  readonly key: string;
  readonly peerAddress: string;
  readonly localAddress: string;
  readonly sourcePort: number;
  readonly state: BfdStateName;
  readonly remoteState: BfdStateName;
  readonly localDiscriminator: number;
  readonly remoteDiscriminator: number;
  readonly localDiagnostic: DiagnosticReason;
  /** The negotiated periodic transmit interval before jitter, ms (RFC 5880 section 6.8.7). */
  readonly transmitIntervalMs: number | undefined;
  /** The Detection Time, ms (RFC 5880 section 6.8.4); undefined before the first packet. */
  readonly detectionTimeMs: number | undefined;
  /** What the remote last asked for, ms. */
  readonly remoteMinRxIntervalMs: number;
  readonly remoteDesiredMinTxIntervalMs: number;
  readonly remoteDetectMult: number;
}

/** What the manager tells its listeners. `reason` strings are API (ARCHITECTURE.md). */
export type BfdEvent =
  | { readonly type: 'sessionUp'; readonly session: BfdSessionInfo }
  | {
      readonly type: 'sessionDown';
      readonly session: BfdSessionInfo;
      /** Our diagnostic: `controlDetectionTimeExpired`, `neighborSignaledSessionDown`, `administrativelyDown`, ... */
      readonly reason: DiagnosticReason;
      /** The remote's diagnostic when it signalled the change. */
      readonly remoteReason?: DiagnosticReason;
    }
  | {
      readonly type: 'stateChange';
      readonly session: BfdSessionInfo;
      readonly from: BfdStateName;
      readonly to: BfdStateName;
      readonly reason: DiagnosticReason;
    };

/** Stable drop reasons of the receive path (before and inside sessions). */
export type ReceiveDropReason =
  | 'malformed'
  | 'zeroDetectMult'
  | 'multipointSet'
  | 'zeroMyDiscriminator'
  | 'zeroYourDiscriminatorNotDown'
  | 'unknownDiscriminator'
  | 'sourceMismatch'
  | 'noSession';
