import { diagnosticReason, stateName } from '../core/constants.js';
import type { SessionState } from '../core/session/session-types.js';
import { detectionTime, transmitInterval } from '../core/session/timers.js';
import type { BfdSessionInfo } from './session-types.js';

/** The negotiated timers of a session, in milliseconds. */
export function timersOf(s: SessionState): {
  transmitIntervalMs: number | undefined;
  detectionTimeMs: number | undefined;
} {
  const tx = transmitInterval(s);
  const dt = detectionTime(s);
  return {
    transmitIntervalMs: tx === undefined ? undefined : tx / 1000,
    detectionTimeMs: dt === undefined ? undefined : dt / 1000,
  };
}

/** The snapshot of a session that events, `sessions()` and logs carry. */
export function sessionInfo(
  m: { key: string; peer: string; local: string; sourcePort: number },
  s: SessionState,
): BfdSessionInfo {
  return {
    key: m.key,
    peerAddress: m.peer,
    localAddress: m.local,
    sourcePort: m.sourcePort,
    state: stateName(s.sessionState) as BfdSessionInfo['state'],
    remoteState: stateName(s.remoteSessionState) as BfdSessionInfo['state'],
    localDiscriminator: s.localDiscr,
    remoteDiscriminator: s.remoteDiscr,
    localDiagnostic: diagnosticReason(s.localDiag),
    ...timersOf(s),
    remoteMinRxIntervalMs: s.remoteMinRxInterval / 1000,
    remoteDesiredMinTxIntervalMs: s.remoteDesiredMinTxInterval / 1000,
    remoteDetectMult: s.remoteDetectMult,
  };
}
