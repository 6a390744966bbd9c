// Public surface of @ironlb/bfd: BFD (RFC 5880) over single-hop UDP (RFC 5881).

// Pure core: constants, codec, authentication, session state machine, profiles.
export {
  BfdState,
  type BfdStateName,
  stateName,
  Diagnostic,
  type DiagnosticReason,
  diagnosticReason,
  AuthType,
  authTypeName,
  authTypeFromName,
  BfdConstants,
} from './core/constants.js';
export {
  type ControlPacket,
  controlPacketCodec,
  encodeControlPacket,
  decodeControlPacket,
} from './core/codec/control-packet.js';
export {
  type AuthenticationSection,
  type SimplePasswordAuth,
  type DigestAuth,
  authSectionCodec,
  BFD_DECODE_ERROR,
} from './core/codec/auth-section.js';
export { type AuthConfig, type AuthDropReason, type AuthSequenceState } from './core/auth/authenticate.js';
export { checkControlPacket, type HeaderDropReason } from './core/receive-checks.js';
export {
  type SessionConfig,
  type SessionState,
  type SessionEvent,
  type SessionAction,
  type SessionDropReason,
  type SendReason,
  type StepResult,
  type TimerName,
} from './core/session/session-types.js';
export { initSession, step } from './core/session/step.js';
export { transmitInterval, detectionTime } from './core/session/timers.js';
export {
  type BfdProfile,
  type ResolvedProfile,
  type ProfileProblem,
  ProfileDefaults,
  validateProfile,
  resolveProfile,
} from './core/profile.js';

// Node side: the session manager over UDP, its clock, scheduler and socket seams.
export { BfdManager, sessionKey, type BfdManagerOptions, type AddSessionResult } from './node/bfd-manager.js';
export {
  type BfdSessionSpec,
  type BfdSessionInfo,
  type BfdEvent,
  type ReceiveDropReason,
} from './node/session-types.js';
export {
  type BfdSocket,
  type BfdSocketFactory,
  type BfdSocketOptions,
  type CreateUdpSocket,
  dgramSocketFactory,
} from './node/sockets.js';
export { type Clock, monotonicClock } from './node/clock.js';
export { type TimerScheduler, createTimerScheduler } from './node/scheduler.js';
export { type BfdStats } from './node/stats.js';
export { type BfdController, type UpdateProfileResult } from './node/bfd-controller.js';
export { BfdWorker, type BfdWorkerOptions } from './node/bfd-worker.js';
