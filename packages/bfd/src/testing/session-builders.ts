import { encodeControlPacket, type ControlPacket } from '../core/codec/control-packet.js';
import { BfdState } from '../core/constants.js';
import type {
  SessionAction,
  SessionConfig,
  SessionEvent,
  SessionState,
} from '../core/session/session-types.js';
import { initSession, step } from '../core/session/step.js';

export const MS = 1000;
export const LOCAL = 0x11111111;
export const REMOTE = 0x22222222;

export function config(overrides: Partial<SessionConfig> = {}): SessionConfig {
  return {
    localDiscriminator: LOCAL,
    desiredMinTxInterval: 100 * MS,
    requiredMinRxInterval: 100 * MS,
    detectMult: 3,
    passive: false,
    jitterSeed: 12345,
    ...overrides,
  };
}

/** A packet from the remote, addressed to our session. */
export function remote(fields: Partial<ControlPacket> = {}): ControlPacket {
  return {
    diagnostic: 0,
    state: BfdState.Down,
    poll: false,
    final: false,
    controlPlaneIndependent: false,
    demand: false,
    multipoint: false,
    detectMult: 3,
    myDiscriminator: REMOTE,
    yourDiscriminator: LOCAL,
    desiredMinTxInterval: 100 * MS,
    requiredMinRxInterval: 100 * MS,
    requiredMinEchoRxInterval: 0,
    ...fields,
  };
}

export function rx(now: number, fields: Partial<ControlPacket> = {}): SessionEvent {
  const packet = remote(fields);
  return { type: 'PacketReceived', now, packet, bytes: encodeControlPacket(packet) };
}

/** Runs events in order; returns the final state and all actions. */
export function run(
  state: SessionState,
  ...events: SessionEvent[]
): { state: SessionState; actions: SessionAction[] } {
  const actions: SessionAction[] = [];
  let s = state;
  for (const e of events) {
    const r = step(s, e);
    s = r.state;
    actions.push(...r.actions);
  }
  return { state: s, actions };
}

export function fresh(overrides: Partial<SessionConfig> = {}, now = 0): SessionState {
  return initSession(config(overrides), now).state;
}

/** A session brought to `target` by the remote's packets at time `now`. */
export function inState(target: BfdState, overrides: Partial<SessionConfig> = {}, now = 0): SessionState {
  const s = fresh(overrides, now);
  switch (target) {
    case BfdState.Down:
      return s;
    case BfdState.Init:
      return run(s, rx(now, { state: BfdState.Down })).state;
    case BfdState.Up:
      return run(s, rx(now, { state: BfdState.Init })).state;
    case BfdState.AdminDown:
      return run(s, { type: 'AdminDown', now }).state;
  }
}

export function sends(actions: readonly SessionAction[]) {
  return actions.flatMap((a) => (a.type === 'send' ? [a] : []));
}

export function changes(actions: readonly SessionAction[]) {
  return actions.flatMap((a) => (a.type === 'stateChanged' ? [a] : []));
}
