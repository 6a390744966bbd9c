import type { Capability } from '../codec/capabilities.js';
import type { BgpMessage } from '../codec/message.js';
import type { NotificationMessage } from '../codec/notification.js';
import type { OpenMessage } from '../codec/open.js';
import type { Family } from '../codec/prefix.js';
import type { RouteRefreshMessage } from '../codec/route-refresh.js';
import type { UpdateMessage } from '../codec/update.js';
import type { BgpDecodeError } from '../errors.js';

/** RFC 4271 §8.2.2 session states. */
export type BgpState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** RFC 4271 §8.1.1 / §10 timers used here (DelayOpen is not implemented). */
export type TimerName = 'ConnectRetryTimer' | 'HoldTimer' | 'KeepaliveTimer' | 'IdleHoldTimer';

/**
 * RFC 4271 §8.1 events, spelled as the RFC spells them (numbers in comments). `RouteRefreshMsg`
 * is RFC 2918's addition.
 */
export type FsmEvent =
  | { readonly type: 'ManualStart' } // 1 (4 when the configuration is passive)
  | {
      readonly type: 'ManualStop';
      readonly text?: string;
      /** Close without a NOTIFICATION, so that a graceful-restart peer keeps our routes (RFC 4724 §4). */
      readonly withoutNotification?: boolean;
    } // 2
  | { readonly type: 'AutomaticStart' } // 3 (5 when passive)
  | { readonly type: 'AutomaticStop'; readonly subcode: number; readonly text?: string } // 8
  | { readonly type: 'ConnectRetryTimer_Expires' } // 9
  | { readonly type: 'HoldTimer_Expires' } // 10
  | { readonly type: 'KeepaliveTimer_Expires' } // 11
  | { readonly type: 'IdleHoldTimer_Expires' } // 13
  | { readonly type: 'Tcp_CR_Acked' } // 16: our outgoing connection is up
  | { readonly type: 'TcpConnectionConfirmed' } // 17: an incoming connection was accepted
  | { readonly type: 'TcpConnectionFails' } // 18
  | { readonly type: 'BGPOpen'; readonly open: OpenMessage } // 19
  | { readonly type: 'BGPHeaderErr'; readonly error: BgpDecodeError } // 21
  | { readonly type: 'BGPOpenMsgErr'; readonly error: BgpDecodeError } // 22
  | { readonly type: 'OpenCollisionDump' } // 23
  | { readonly type: 'NotifMsgVerErr'; readonly notification: NotificationMessage } // 24
  | { readonly type: 'NotifMsg'; readonly notification: NotificationMessage } // 25
  | { readonly type: 'KeepAliveMsg' } // 26
  | { readonly type: 'UpdateMsg'; readonly update: UpdateMessage } // 27
  | { readonly type: 'UpdateMsgErr'; readonly error: BgpDecodeError } // 28
  | { readonly type: 'RouteRefreshMsg'; readonly message: RouteRefreshMessage };

export type FsmEventType = FsmEvent['type'];

/** Why a connection went back to Idle: stable strings for logs, metrics and events. */
export type DownReason =
  | 'manualStop'
  | 'automaticStop'
  | 'holdTimerExpired'
  | 'notificationReceived'
  | 'protocolError'
  | 'openRejected'
  | 'connectionFailed'
  | 'connectRetryExpired'
  | 'collision'
  | 'fsmError';

/** What the interpreter (node/session.ts) must do. */
export type FsmAction =
  | { readonly type: 'connect' }
  | { readonly type: 'disconnect' }
  | { readonly type: 'send'; readonly message: BgpMessage }
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly seconds: number }
  | { readonly type: 'stopTimer'; readonly timer: TimerName }
  | { readonly type: 'established'; readonly negotiated: Negotiated }
  | {
      readonly type: 'down';
      readonly from: BgpState;
      readonly reason: DownReason;
      /** The NOTIFICATION we sent or received, if any. */
      readonly notification?: {
        readonly direction: 'sent' | 'received';
        readonly message: NotificationMessage;
      };
    };

/** Peer oscillation damping (RFC 4271 §8.1.1 DampPeerOscillations, IdleHoldTimer). */
export interface DampingConfig {
  /** Idle hold after the first failure, seconds. */
  readonly initialIdleHoldTime: number;
  /** Cap of the doubling idle hold, seconds. */
  readonly maxIdleHoldTime: number;
  /** A session Established at least this long resets the failure count, seconds. */
  readonly stableTime: number;
}

/** Per-peer configuration the FSM decides with. Times are seconds. */
export interface FsmConfig {
  readonly localAs: number;
  /** The peer's AS, or 'internal'/'external' to accept any ASN equal to / other than ours. */
  readonly peerAs: number | 'internal' | 'external';
  readonly bgpIdentifier: number;
  /** Proposed hold time: 0, or 3..65535 (RFC 4271 §4.2). */
  readonly holdTime: number;
  /** Keepalive interval; defaults to a third of the negotiated hold time. */
  readonly keepaliveTime?: number;
  readonly connectRetryTime: number;
  /** Never dial; wait for the peer (RFC 4271 PassiveTcpEstablishment). */
  readonly passive: boolean;
  /** Capabilities we advertise, except graceful restart, which `gracefulRestart` builds. */
  readonly capabilities: readonly Capability[];
  /** Graceful restart (RFC 4724) as the restarting speaker, when set. */
  readonly gracefulRestart?: { readonly restartTime: number; readonly families: readonly Family[] };
  readonly damping: DampingConfig;
}

/** What the OPEN exchange settled (RFC 4271 §4.2, RFC 5492, RFC 4760, RFC 6793, RFC 8654). */
export interface Negotiated {
  readonly holdTime: number;
  readonly keepaliveTime: number;
  readonly peerAs: number;
  readonly peerBgpIdentifier: number;
  readonly internal: boolean;
  readonly fourOctetAs: boolean;
  readonly extendedMessage: boolean;
  readonly routeRefresh: boolean;
  /** Families both sides advertised (IPv4 unicast is implied by a peer without MP capabilities). */
  readonly families: readonly Family[];
  /** Both sides advertised graceful restart. */
  readonly gracefulRestart: boolean;
  readonly peerCapabilities: readonly Capability[];
}

export interface FsmState {
  readonly state: BgpState;
  /** RFC 4271 ConnectRetryCounter: failures since the last ManualStop or stable session. */
  readonly connectRetryCounter: number;
  /** Set once the peer's OPEN was accepted. */
  readonly negotiated?: Negotiated;
  /** When the session became Established, from the clock the interpreter passes in (ms). */
  readonly establishedAt?: number;
  /** Stopped by ManualStop: no automatic restart until ManualStart. */
  readonly stopped: boolean;
  /** R bit of our next OPEN (RFC 4724): we restarted and this is our first session since. */
  readonly restarting: boolean;
}

/** Inputs of a step besides the event: configuration and the time (ms, monotonic). */
export interface StepContext {
  readonly config: FsmConfig;
  readonly now: number;
}

export interface StepResult {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
}
