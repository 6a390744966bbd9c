import { verifyAuthentication } from '../auth/authenticate.js';
import type { ControlPacket } from '../codec/control-packet.js';
import { BfdConstants, BfdState, Diagnostic, diagnosticReason } from '../constants.js';
import type {
  SendReason,
  SessionAction,
  SessionConfig,
  SessionEvent,
  SessionState,
  StepResult,
} from './session-types.js';
import { detectionTime, jitter, transmitInterval } from './timers.js';
import { buildSend } from './transmit.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<SessionState>;

/** The slow rate a session advertises while not Up (RFC 5880 section 6.8.3). */
function advertisedTx(configured: number, state: BfdState): number {
  return state === BfdState.Up ? configured : Math.max(configured, BfdConstants.SlowTxIntervalUs);
}

/**
 * Creates a session in Down (RFC 5880 section 6.8.1 initial values) and arms its transmit
 * timer: at once for the Active role, so that the first packet leaves without waiting.
 */
export function initSession(config: SessionConfig, now: number): StepResult {
  const desired = advertisedTx(config.desiredMinTxInterval, BfdState.Down);
  const state: SessionState = {
    config,
    sessionState: BfdState.Down,
    remoteSessionState: BfdState.Down,
    localDiscr: config.localDiscriminator,
    remoteDiscr: 0,
    localDiag: Diagnostic.NoDiagnostic,
    desiredMinTxInterval: desired,
    requiredMinRxInterval: config.requiredMinRxInterval,
    remoteMinRxInterval: 1,
    remoteDesiredMinTxInterval: 0,
    remoteDetectMult: 0,
    remoteDemandMode: false,
    detectMult: config.detectMult,
    authSequence: { rcvAuthSeq: 0, xmitAuthSeq: (config.initialXmitAuthSeq ?? 0) >>> 0, authSeqKnown: false },
    lastSentContent: '',
    pollActive: false,
    pollQueued: false,
    txDesiredInEffect: desired,
    rxRequiredInEffect: config.requiredMinRxInterval,
    lastRxAt: undefined,
    txAt: now,
    detectAt: undefined,
    rng: config.jitterSeed >>> 0,
  };
  return { state, actions: [{ type: 'setTimer', timer: 'tx', at: now }] };
}

/** The session state machine: `step(state, event) -> { state, actions }` (RFC 5880 section 6.8). */
export function step(state: SessionState, event: SessionEvent): StepResult {
  const s: Draft = { ...state };
  const actions: SessionAction[] = [];
  switch (event.type) {
    case 'PacketReceived':
      receive(s, actions, event.packet, event.bytes, event.now);
      break;
    case 'TxTimerExpired':
      onTxTimer(s, actions, event.now);
      break;
    case 'DetectionTimerExpired':
      onDetectionTimer(s, actions, event.now);
      break;
    case 'AdminDown':
      // Section 6.8.16: AdminDown with a diagnostic; packets keep going out so that the
      // remote learns of it. Detection stops: received packets are discarded in AdminDown.
      if (s.sessionState !== BfdState.AdminDown) {
        stopDetect(s, actions);
        transition(
          s,
          actions,
          BfdState.AdminDown,
          event.diagnostic ?? Diagnostic.AdministrativelyDown,
          event.now,
        );
      }
      break;
    case 'AdminUp':
      if (s.sessionState === BfdState.AdminDown)
        transition(s, actions, BfdState.Down, Diagnostic.NoDiagnostic, event.now);
      break;
    case 'ParametersChanged':
      changeParameters(s, actions, event);
      break;
  }
  return { state: s, actions };
}

/**
 * Reception of a Control packet already demultiplexed to this session and checked against
 * the header rules (`checkControlPacket`): RFC 5880 section 6.8.6 from the authentication
 * step on.
 */
function receive(s: Draft, actions: SessionAction[], p: ControlPacket, bytes: Uint8Array, now: number): void {
  // bfd.AuthSeqKnown "MUST be set to zero" after 2 x Detection Time without packets
  // (section 6.8.1); doing it lazily on the next packet has the same effect.
  const dt = detectionTime(s);
  let sequence = s.authSequence;
  if (sequence.authSeqKnown && s.lastRxAt !== undefined && dt !== undefined && now - s.lastRxAt >= 2 * dt)
    sequence = { ...sequence, authSeqKnown: false };
  const verdict = verifyAuthentication(
    { auth: p.authentication, bytes, detectMult: p.detectMult },
    { config: s.config.auth, sequence },
  );
  if (!verdict.ok) {
    actions.push({ type: 'dropped', reason: verdict.reason });
    return;
  }
  s.authSequence = verdict.sequence;
  s.remoteDiscr = p.myDiscriminator;
  s.remoteSessionState = p.state;
  s.remoteDemandMode = p.demand;
  s.remoteMinRxInterval = p.requiredMinRxInterval;
  s.remoteDesiredMinTxInterval = p.desiredMinTxInterval;
  s.remoteDetectMult = p.detectMult;
  s.lastRxAt = now;
  // Echo is not implemented: a zero Required Min Echo RX Interval needs nothing from us.

  if (s.pollActive && p.final) terminatePoll(s, actions, now);

  // Section 6.8.2: the transmit interval may have shrunk; do not keep waiting out a longer one.
  const interval = transmitInterval(s);
  if (interval !== undefined && s.txAt !== undefined && s.txAt - now > interval)
    armTx(s, actions, now, interval);

  if (s.sessionState === BfdState.AdminDown) {
    actions.push({ type: 'dropped', reason: 'adminDown' });
    return;
  }
  armDetect(s, actions, now);

  // The state machine of section 6.2 as written out in section 6.8.6.
  if (p.state === BfdState.AdminDown) {
    if (s.sessionState !== BfdState.Down)
      transition(s, actions, BfdState.Down, Diagnostic.NeighborSignaledSessionDown, now, p.diagnostic);
  } else if (s.sessionState === BfdState.Down) {
    if (p.state === BfdState.Down) transition(s, actions, BfdState.Init, Diagnostic.NoDiagnostic, now);
    else if (p.state === BfdState.Init) transition(s, actions, BfdState.Up, Diagnostic.NoDiagnostic, now);
  } else if (s.sessionState === BfdState.Init) {
    if (p.state === BfdState.Init || p.state === BfdState.Up)
      transition(s, actions, BfdState.Up, Diagnostic.NoDiagnostic, now);
  } else if (p.state === BfdState.Down) {
    transition(s, actions, BfdState.Down, Diagnostic.NeighborSignaledSessionDown, now, p.diagnostic);
  }

  // "If the Poll (P) bit is set, send a BFD Control packet to the remote system with the Poll
  // (P) bit clear, and the Final (F) bit set" as soon as practicable, whatever the timer.
  if (p.poll) send(s, actions, 'final');
}

function onTxTimer(s: Draft, actions: SessionAction[], now: number): void {
  if (s.txAt === undefined || now < s.txAt) return; // stale or early: the timer was re-armed
  if (mayTransmitPeriodic(s)) send(s, actions, 'periodic');
  armTx(s, actions, now, transmitInterval(s) ?? s.txDesiredInEffect);
}

/**
 * Section 6.8.7: no periodic packets in the Passive role before the remote discriminator is
 * known, none when the remote asked for none (Required Min RX zero), and none while the remote
 * runs Demand mode with both sides Up.
 */
function mayTransmitPeriodic(s: Draft): boolean {
  if (s.config.passive && s.remoteDiscr === 0) return false;
  if (s.remoteMinRxInterval === 0) return false;
  if (s.remoteDemandMode && s.sessionState === BfdState.Up && s.remoteSessionState === BfdState.Up)
    return false;
  return true;
}

function onDetectionTimer(s: Draft, actions: SessionAction[], now: number): void {
  if (s.detectAt === undefined || now < s.detectAt) return;
  s.detectAt = undefined;
  actions.push({ type: 'clearTimer', timer: 'detect' });
  // Section 6.8.1: bfd.RemoteDiscr is reset when a Detection Time passes without packets.
  s.remoteDiscr = 0;
  s.remoteSessionState = BfdState.Down;
  // Section 6.8.4: the session goes Down with diagnostic 1 if it was Init or Up.
  if (s.sessionState === BfdState.Init || s.sessionState === BfdState.Up)
    transition(s, actions, BfdState.Down, Diagnostic.ControlDetectionTimeExpired, now);
}

/**
 * A change of bfd.SessionState. Leaving or reaching Up changes the advertised Desired Min TX
 * (slow rate while not Up, section 6.8.3), which starts a Poll Sequence. A packet goes out at
 * once so the remote learns of the change without waiting for the next period (as BIRD and
 * FRR do).
 */
function transition(
  s: Draft,
  actions: SessionAction[],
  to: BfdState,
  diagnostic: number,
  now: number,
  remoteDiagnostic?: number,
): void {
  const from = s.sessionState;
  if (from === to) return;
  s.sessionState = to;
  s.localDiag = diagnostic;
  actions.push({
    type: 'stateChanged',
    from,
    to,
    diagnostic,
    reason: diagnosticReason(diagnostic),
    ...(remoteDiagnostic !== undefined ? { remoteDiagnostic } : {}),
  });
  setAdvertised(s, actions, { desiredMinTxInterval: advertisedTx(s.config.desiredMinTxInterval, to) }, now);
  if (!(s.config.passive && s.remoteDiscr === 0)) send(s, actions, 'stateChange');
}

function changeParameters(
  s: Draft,
  actions: SessionAction[],
  e: SessionEvent & { type: 'ParametersChanged' },
): void {
  const config: Mutable<SessionConfig> = { ...s.config };
  if (e.desiredMinTxInterval !== undefined) config.desiredMinTxInterval = e.desiredMinTxInterval;
  if (e.requiredMinRxInterval !== undefined) config.requiredMinRxInterval = e.requiredMinRxInterval;
  if (e.detectMult !== undefined) {
    config.detectMult = e.detectMult;
    s.detectMult = e.detectMult;
  }
  s.config = config;
  const changed = setAdvertised(
    s,
    actions,
    {
      desiredMinTxInterval: advertisedTx(config.desiredMinTxInterval, s.sessionState),
      requiredMinRxInterval: config.requiredMinRxInterval,
    },
    e.now,
  );
  if (changed && !(s.config.passive && s.remoteDiscr === 0)) send(s, actions, 'parameterChange');
}

/**
 * Changes the advertised intervals (section 6.8.3): a change starts a Poll Sequence (or queues
 * one behind the sequence in progress). While Up, a larger Desired Min TX and a smaller
 * Required Min RX take effect only when the Poll Sequence terminates; the other directions
 * apply at once. Returns whether anything changed.
 */
function setAdvertised(
  s: Draft,
  actions: SessionAction[],
  next: { desiredMinTxInterval?: number; requiredMinRxInterval?: number },
  now: number,
): boolean {
  const tx = next.desiredMinTxInterval ?? s.desiredMinTxInterval;
  const rx = next.requiredMinRxInterval ?? s.requiredMinRxInterval;
  if (tx === s.desiredMinTxInterval && rx === s.requiredMinRxInterval) return false;
  const up = s.sessionState === BfdState.Up;
  s.desiredMinTxInterval = tx;
  s.requiredMinRxInterval = rx;
  if (!up || tx < s.txDesiredInEffect) s.txDesiredInEffect = tx;
  if (!up || rx > s.rxRequiredInEffect) {
    s.rxRequiredInEffect = rx;
    if (s.detectAt !== undefined) armDetect(s, actions, now);
  }
  if (s.pollActive) s.pollQueued = true;
  else s.pollActive = true;
  const interval = transmitInterval(s);
  if (interval !== undefined && s.txAt !== undefined && s.txAt - now > interval)
    armTx(s, actions, now, interval);
  return true;
}

/** A Final answered our Poll: deferred interval changes now apply (section 6.8.3). */
function terminatePoll(s: Draft, actions: SessionAction[], now: number): void {
  s.pollActive = s.pollQueued;
  s.pollQueued = false;
  s.txDesiredInEffect = s.desiredMinTxInterval;
  const rxChanged = s.rxRequiredInEffect !== s.requiredMinRxInterval;
  s.rxRequiredInEffect = s.requiredMinRxInterval;
  if (rxChanged && s.detectAt !== undefined) armDetect(s, actions, now);
  actions.push({ type: 'pollTerminated' });
}

function send(s: Draft, actions: SessionAction[], reason: SendReason): void {
  const built = buildSend(s, reason);
  Object.assign(s, built.state);
  actions.push(built.action);
}

function armTx(s: Draft, actions: SessionAction[], now: number, interval: number): void {
  const j = jitter(interval, s.detectMult, s.rng);
  s.rng = j.rng;
  s.txAt = now + j.interval;
  actions.push({ type: 'setTimer', timer: 'tx', at: s.txAt });
}

function armDetect(s: Draft, actions: SessionAction[], now: number): void {
  const dt = detectionTime(s);
  if (dt === undefined || s.lastRxAt === undefined) return;
  // The Detection Time runs from the last packet received, also when it is re-computed.
  s.detectAt = Math.max(now, s.lastRxAt + dt);
  actions.push({ type: 'setTimer', timer: 'detect', at: s.detectAt });
}

function stopDetect(s: Draft, actions: SessionAction[]): void {
  if (s.detectAt === undefined) return;
  s.detectAt = undefined;
  actions.push({ type: 'clearTimer', timer: 'detect' });
}
