import type { AuthConfig, AuthDropReason, AuthSequenceState } from '../auth/authenticate.js';
import type { ControlPacket } from '../codec/control-packet.js';
import type { BfdState, DiagnosticReason } from '../constants.js';

/**
 * What one session is configured with. Intervals are microseconds, as on the wire
 * (RFC 5880 section 6.8.1 names in the comments).
 */
export interface SessionConfig {
  /** bfd.LocalDiscr: nonzero, unique among this system's sessions (section 6.3). */
  readonly localDiscriminator: number;
  /** The configured bfd.DesiredMinTxInterval (the session advertises at least 1 s until Up). */
  readonly desiredMinTxInterval: number;
  /** bfd.RequiredMinRxInterval. */
  readonly requiredMinRxInterval: number;
  /** bfd.DetectMult. */
  readonly detectMult: number;
  /** The Passive role (section 6.1): send nothing until the remote discriminator is known. */
  readonly passive: boolean;
  /** bfd.AuthType and the key; absent when authentication is not in use. */
  readonly auth?: AuthConfig;
  /** Initial bfd.XmitAuthSeq; "MUST be initialized to a random 32-bit value" (section 6.8.1). */
  readonly initialXmitAuthSeq?: number;
  /** Seed of the jitter generator (section 6.8.7), chosen by the caller. */
  readonly jitterSeed: number;
}

/** Which of the session's two timers. */
export type TimerName = 'tx' | 'detect';

/** A session: the RFC 5880 section 6.8.1 state variables plus what timers and polls need. */
export interface SessionState {
  readonly config: SessionConfig;
  /** bfd.SessionState */
  readonly sessionState: BfdState;
  /** bfd.RemoteSessionState */
  readonly remoteSessionState: BfdState;
  /** bfd.LocalDiscr */
  readonly localDiscr: number;
  /** bfd.RemoteDiscr: zero until learnt, and again after a Detection Time without packets. */
  readonly remoteDiscr: number;
  /** bfd.LocalDiag */
  readonly localDiag: number;
  /** bfd.DesiredMinTxInterval as advertised now (at least 1 s while not Up, section 6.8.3). */
  readonly desiredMinTxInterval: number;
  /** bfd.RequiredMinRxInterval as advertised now. */
  readonly requiredMinRxInterval: number;
  /** bfd.RemoteMinRxInterval: initially 1 (section 6.8.1). */
  readonly remoteMinRxInterval: number;
  /** The Desired Min TX Interval of the last packet received (for the Detection Time). */
  readonly remoteDesiredMinTxInterval: number;
  /** The Detect Mult of the last packet received. */
  readonly remoteDetectMult: number;
  /** bfd.RemoteDemandMode */
  readonly remoteDemandMode: boolean;
  /** bfd.DetectMult */
  readonly detectMult: number;
  readonly authSequence: AuthSequenceState;
  /** For Keyed (not Meticulous) auth: the content last sent, to bump the sequence on change. */
  readonly lastSentContent: string;
  /** A Poll Sequence is being transmitted (section 6.5). */
  readonly pollActive: boolean;
  /** Parameters changed during a Poll Sequence: start another once it terminates. */
  readonly pollQueued: boolean;
  /**
   * The Desired Min TX used for the transmit interval: an increase while Up waits for the
   * Poll Sequence to terminate (section 6.8.3).
   */
  readonly txDesiredInEffect: number;
  /**
   * The Required Min RX used for the Detection Time: a reduction while Up waits for the Poll
   * Sequence to terminate (section 6.8.3).
   */
  readonly rxRequiredInEffect: number;
  /** When the last valid packet arrived (µs), for bfd.AuthSeqKnown's reset after 2 x Detection Time. */
  readonly lastRxAt: number | undefined;
  /** Absolute deadlines (µs) of the two timers, undefined when stopped. */
  readonly txAt: number | undefined;
  readonly detectAt: number | undefined;
  /** xorshift32 state for the transmit jitter. */
  readonly rng: number;
}

/** Inputs to `step`. `now` is the manual clock in microseconds. */
export type SessionEvent =
  | {
      readonly type: 'PacketReceived';
      readonly now: number;
      readonly packet: ControlPacket;
      readonly bytes: Uint8Array;
    }
  | { readonly type: 'TxTimerExpired'; readonly now: number }
  | { readonly type: 'DetectionTimerExpired'; readonly now: number }
  | { readonly type: 'AdminDown'; readonly now: number; readonly diagnostic?: number }
  | { readonly type: 'AdminUp'; readonly now: number }
  | {
      readonly type: 'ParametersChanged';
      readonly now: number;
      readonly desiredMinTxInterval?: number;
      readonly requiredMinRxInterval?: number;
      readonly detectMult?: number;
    };

/** Why a transmitted packet was sent. */
export type SendReason = 'periodic' | 'final' | 'stateChange' | 'parameterChange';

/** Why the session discarded a packet that reached it. */
export type SessionDropReason = AuthDropReason | 'adminDown';

/** Outputs of `step`, interpreted by the node side. */
export type SessionAction =
  | {
      readonly type: 'send';
      readonly packet: ControlPacket;
      readonly bytes: Uint8Array;
      readonly reason: SendReason;
    }
  | { readonly type: 'setTimer'; readonly timer: TimerName; readonly at: number }
  | { readonly type: 'clearTimer'; readonly timer: TimerName }
  | {
      readonly type: 'stateChanged';
      readonly from: BfdState;
      readonly to: BfdState;
      readonly diagnostic: number;
      readonly reason: DiagnosticReason;
      /** The remote's Diag when the change was caused by its packet. */
      readonly remoteDiagnostic?: number;
    }
  | { readonly type: 'pollTerminated' }
  | { readonly type: 'dropped'; readonly reason: SessionDropReason };

export interface StepResult {
  readonly state: SessionState;
  readonly actions: readonly SessionAction[];
}
