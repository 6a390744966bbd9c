import { describe, expect, it } from 'vitest';
import { BfdState, Diagnostic } from '../constants.js';
import {
  changes,
  config,
  fresh,
  inState,
  LOCAL,
  MS,
  REMOTE,
  run,
  rx,
  sends,
} from '../../testing/session-builders.js';
import type { SessionEvent } from './session-types.js';
import { initSession, step } from './step.js';
import { detectionTime, transmitInterval } from './timers.js';

const { AdminDown, Down, Init, Up } = BfdState;
const NOW = 10_000 * MS;

/**
 * RFC 5880 section 6.2 (the state diagram) as spelled out in section 6.8.6: one row per
 * (state, event). `to` undefined means the state does not change.
 */
const transitions: {
  from: BfdState;
  event: string;
  ev: (now: number) => SessionEvent;
  to?: BfdState;
  diag?: number;
}[] = [
  {
    from: Down,
    event: 'rx Down',
    ev: (n) => rx(n, { state: Down, yourDiscriminator: 0 }),
    to: Init,
    diag: 0,
  },
  { from: Down, event: 'rx Init', ev: (n) => rx(n, { state: Init }), to: Up, diag: 0 },
  { from: Down, event: 'rx Up', ev: (n) => rx(n, { state: Up }) },
  { from: Down, event: 'rx AdminDown', ev: (n) => rx(n, { state: AdminDown }) },
  {
    from: Down,
    event: 'detection timer',
    ev: (n) => ({ type: 'DetectionTimerExpired', now: n + 10_000 * MS }),
  },
  { from: Init, event: 'rx Down', ev: (n) => rx(n, { state: Down }) },
  { from: Init, event: 'rx Init', ev: (n) => rx(n, { state: Init }), to: Up, diag: 0 },
  { from: Init, event: 'rx Up', ev: (n) => rx(n, { state: Up }), to: Up, diag: 0 },
  {
    from: Init,
    event: 'rx AdminDown',
    ev: (n) => rx(n, { state: AdminDown }),
    to: Down,
    diag: Diagnostic.NeighborSignaledSessionDown,
  },
  {
    from: Init,
    event: 'detection timer',
    ev: (n) => ({ type: 'DetectionTimerExpired', now: n + 10_000 * MS }),
    to: Down,
    diag: Diagnostic.ControlDetectionTimeExpired,
  },
  {
    from: Up,
    event: 'rx Down',
    ev: (n) => rx(n, { state: Down }),
    to: Down,
    diag: Diagnostic.NeighborSignaledSessionDown,
  },
  { from: Up, event: 'rx Init', ev: (n) => rx(n, { state: Init }) },
  { from: Up, event: 'rx Up', ev: (n) => rx(n, { state: Up }) },
  {
    from: Up,
    event: 'rx AdminDown',
    ev: (n) => rx(n, { state: AdminDown }),
    to: Down,
    diag: Diagnostic.NeighborSignaledSessionDown,
  },
  {
    from: Up,
    event: 'detection timer',
    ev: (n) => ({ type: 'DetectionTimerExpired', now: n + 10_000 * MS }),
    to: Down,
    diag: Diagnostic.ControlDetectionTimeExpired,
  },
  { from: AdminDown, event: 'rx Down', ev: (n) => rx(n, { state: Down }) },
  { from: AdminDown, event: 'rx Init', ev: (n) => rx(n, { state: Init }) },
  { from: AdminDown, event: 'rx Up', ev: (n) => rx(n, { state: Up }) },
  { from: AdminDown, event: 'AdminUp', ev: (n) => ({ type: 'AdminUp', now: n }), to: Down, diag: 0 },
  {
    from: Down,
    event: 'AdminDown',
    ev: (n) => ({ type: 'AdminDown', now: n }),
    to: AdminDown,
    diag: Diagnostic.AdministrativelyDown,
  },
  {
    from: Init,
    event: 'AdminDown',
    ev: (n) => ({ type: 'AdminDown', now: n }),
    to: AdminDown,
    diag: Diagnostic.AdministrativelyDown,
  },
  {
    from: Up,
    event: 'AdminDown',
    ev: (n) => ({ type: 'AdminDown', now: n }),
    to: AdminDown,
    diag: Diagnostic.AdministrativelyDown,
  },
  {
    from: Up,
    event: 'AdminDown (path down)',
    ev: (n) => ({ type: 'AdminDown', now: n, diagnostic: Diagnostic.PathDown }),
    to: AdminDown,
    diag: Diagnostic.PathDown,
  },
];

describe('state transitions (RFC 5880 sections 6.2, 6.8.6)', () => {
  it.each(transitions)('$from + $event', ({ from, ev, to, diag }) => {
    const s = inState(from, {}, NOW);
    const r = step(s, ev(NOW + 50 * MS));
    const changed = changes(r.actions);
    if (to === undefined) {
      expect(r.state.sessionState).toBe(from);
      expect(changed).toEqual([]);
    } else {
      expect(r.state.sessionState).toBe(to);
      expect(changed).toEqual([expect.objectContaining({ from, to, diagnostic: diag })]);
      expect(r.state.localDiag).toBe(diag);
      // The new state goes out at once.
      expect(sends(r.actions).some((a) => a.reason === 'stateChange' && a.packet.state === to)).toBe(true);
    }
  });

  it('drops packets in AdminDown without answering a Poll', () => {
    const r = step(inState(AdminDown, {}, NOW), rx(NOW, { state: Up, poll: true }));
    expect(r.actions).toContainEqual({ type: 'dropped', reason: 'adminDown' });
    expect(sends(r.actions)).toEqual([]);
  });

  it('reports the remote diagnostic when the neighbour signals Down', () => {
    const r = step(
      inState(Up, {}, NOW),
      rx(NOW, { state: Down, diagnostic: Diagnostic.ControlDetectionTimeExpired }),
    );
    expect(changes(r.actions)[0]).toMatchObject({
      reason: 'neighborSignaledSessionDown',
      remoteDiagnostic: 1,
    });
  });

  it('reports a detection timeout with its reason and forgets the remote discriminator', () => {
    const s = inState(Up, {}, NOW);
    expect(s.detectAt).toBe(NOW + 300 * MS);
    const early = step(s, { type: 'DetectionTimerExpired', now: NOW + 299 * MS });
    expect(early.actions).toEqual([]);
    const r = step(s, { type: 'DetectionTimerExpired', now: NOW + 300 * MS });
    expect(changes(r.actions)[0]).toMatchObject({
      from: Up,
      to: Down,
      reason: 'controlDetectionTimeExpired',
    });
    expect(r.state.remoteDiscr).toBe(0);
    expect(sends(r.actions)[0]!.packet).toMatchObject({ state: Down, diagnostic: 1, yourDiscriminator: 0 });
  });
});

describe('transmitted packets (RFC 5880 section 6.8.7)', () => {
  it('sends the state variables in the right fields', () => {
    const { state, actions } = initSession(
      config({ desiredMinTxInterval: 50 * MS, requiredMinRxInterval: 70 * MS, detectMult: 4 }),
      0,
    );
    const r = step(state, { type: 'TxTimerExpired', now: 0 });
    expect(actions).toEqual([{ type: 'setTimer', timer: 'tx', at: 0 }]);
    expect(sends(r.actions)[0]!.packet).toEqual({
      diagnostic: 0,
      state: Down,
      poll: false,
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      multipoint: false,
      detectMult: 4,
      myDiscriminator: LOCAL,
      yourDiscriminator: 0,
      desiredMinTxInterval: 1_000_000, // not Up: at least one second (section 6.8.3)
      requiredMinRxInterval: 70 * MS,
      requiredMinEchoRxInterval: 0,
    });
  });

  it('goes fast on Up with a Poll Sequence, and applies the new interval when the Final arrives', () => {
    const init = inState(Init, {}, NOW);
    expect(init.desiredMinTxInterval).toBe(1_000_000);
    const up = step(init, rx(NOW + 10 * MS, { state: Up }));
    expect(up.state.sessionState).toBe(Up);
    expect(up.state.desiredMinTxInterval).toBe(100 * MS);
    expect(up.state.pollActive).toBe(true);
    const first = sends(up.actions)[0]!.packet;
    expect(first).toMatchObject({ state: Up, poll: true, final: false, desiredMinTxInterval: 100 * MS });
    // A decrease applies at once (only increases wait for the Final).
    expect(transmitInterval(up.state)).toBe(100 * MS);
    const fin = step(up.state, rx(NOW + 20 * MS, { state: Up, final: true }));
    expect(fin.actions).toContainEqual({ type: 'pollTerminated' });
    expect(fin.state.pollActive).toBe(false);
    const next = step(fin.state, { type: 'TxTimerExpired', now: fin.state.txAt! });
    expect(sends(next.actions)[0]!.packet.poll).toBe(false);
  });

  it('answers a Poll at once with Final and without Poll, even while polling itself', () => {
    const up = step(inState(Init, {}, NOW), rx(NOW, { state: Up })).state;
    expect(up.pollActive).toBe(true);
    const r = step(up, rx(NOW + 1 * MS, { state: Up, poll: true }));
    const finals = sends(r.actions).filter((a) => a.reason === 'final');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.packet).toMatchObject({ poll: false, final: true });
    expect(r.state.txAt).toBe(up.txAt); // the periodic timer is not disturbed
  });

  it('goes back to the slow rate when the session leaves Up', () => {
    const r = step(inState(Up, {}, NOW), rx(NOW + 10 * MS, { state: Down }));
    expect(r.state.desiredMinTxInterval).toBe(1_000_000);
    expect(r.state.txDesiredInEffect).toBe(1_000_000);
    expect(sends(r.actions)[0]!.packet).toMatchObject({
      state: Down,
      poll: true,
      desiredMinTxInterval: 1_000_000,
    });
  });

  it('jitters periodic packets to 75-100% of the interval', () => {
    let s = inState(Up, {}, NOW);
    s = step(s, rx(NOW, { state: Up, final: true })).state;
    const gaps: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const at = s.txAt!;
      s = step(s, { type: 'TxTimerExpired', now: at }).state;
      gaps.push(s.txAt! - at);
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(75 * MS);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(100 * MS);
    expect(Math.min(...gaps)).toBeLessThan(77 * MS);
    expect(Math.max(...gaps)).toBeGreaterThan(98 * MS);
  });

  it('jitters to 75-90% when bfd.DetectMult is 1', () => {
    let s = inState(Up, { detectMult: 1 }, NOW);
    const gaps: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const at = s.txAt!;
      s = step(s, { type: 'TxTimerExpired', now: at }).state;
      gaps.push(s.txAt! - at);
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(75 * MS);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(90 * MS);
  });

  it('uses the larger of our Desired Min TX and the remote Required Min RX', () => {
    let s = inState(Up, {}, NOW);
    s = step(s, rx(NOW, { state: Up, final: true, requiredMinRxInterval: 400 * MS })).state;
    expect(transmitInterval(s)).toBe(400 * MS);
  });

  it('pulls the next packet forward when the remote lowers its Required Min RX', () => {
    const s = fresh({}, NOW);
    const slow = step(s, { type: 'TxTimerExpired', now: NOW }).state;
    expect(slow.txAt! - NOW).toBeGreaterThan(700 * MS);
    const up = run(slow, rx(NOW + 5 * MS, { state: Init, requiredMinRxInterval: 100 * MS })).state;
    expect(up.txAt! - (NOW + 5 * MS)).toBeLessThanOrEqual(100 * MS);
  });

  it('sends no periodic packets when the remote asks for none (Required Min RX 0)', () => {
    const s = step(inState(Up, {}, NOW), rx(NOW, { state: Up, requiredMinRxInterval: 0 })).state;
    const r = step(s, { type: 'TxTimerExpired', now: s.txAt! });
    expect(sends(r.actions)).toEqual([]);
  });

  it('stops periodic packets while the remote runs Demand mode with both Up', () => {
    const s = step(inState(Up, {}, NOW), rx(NOW, { state: Up, demand: true })).state;
    expect(sends(step(s, { type: 'TxTimerExpired', now: s.txAt! }).actions)).toEqual([]);
    // A Poll is still answered (section 6.8.6).
    expect(
      sends(step(s, rx(NOW + 1, { state: Up, demand: true, poll: true })).actions)[0]!.packet.final,
    ).toBe(true);
  });

  it('ignores a stale transmit timer', () => {
    const s = inState(Up, {}, NOW);
    expect(step(s, { type: 'TxTimerExpired', now: s.txAt! - 1 }).actions).toEqual([]);
  });
});

describe('passive role (RFC 5880 section 6.1)', () => {
  it('sends nothing until the remote discriminator is known', () => {
    const s = fresh({ passive: true }, NOW);
    const r = step(s, { type: 'TxTimerExpired', now: NOW });
    expect(sends(r.actions)).toEqual([]);
    expect(r.state.txAt).toBeGreaterThan(NOW);
    const heard = step(r.state, rx(NOW + 5 * MS, { state: Down, yourDiscriminator: 0 }));
    expect(heard.state.sessionState).toBe(Init);
    expect(sends(heard.actions)[0]!.packet).toMatchObject({ state: Init, yourDiscriminator: REMOTE });
  });

  it('falls silent again when the remote discriminator times out', () => {
    const s = inState(Up, { passive: true }, NOW);
    const r = step(s, { type: 'DetectionTimerExpired', now: s.detectAt! });
    expect(r.state.sessionState).toBe(Down);
    expect(sends(r.actions)).toEqual([]);
  });
});

describe('detection time (RFC 5880 section 6.8.4)', () => {
  it('is the remote Detect Mult times the larger of our Required Min RX and its Desired Min TX', () => {
    let s = inState(Up, { requiredMinRxInterval: 50 * MS }, NOW);
    s = step(s, rx(NOW + 1 * MS, { state: Up, detectMult: 5, desiredMinTxInterval: 80 * MS })).state;
    expect(detectionTime(s)).toBe(400 * MS);
    expect(s.detectAt).toBe(NOW + 1 * MS + 400 * MS);
    s = step(s, rx(NOW + 2 * MS, { state: Up, detectMult: 2, desiredMinTxInterval: 20 * MS })).state;
    expect(detectionTime(s)).toBe(100 * MS);
  });

  it('is measured from the last packet', () => {
    let s = inState(Up, {}, NOW);
    s = step(s, rx(NOW + 90 * MS, { state: Up })).state;
    expect(s.detectAt).toBe(NOW + 390 * MS);
    const r = step(s, { type: 'DetectionTimerExpired', now: NOW + 300 * MS });
    expect(r.state.sessionState).toBe(Up);
  });
});

describe('timer changes while Up (RFC 5880 section 6.8.3)', () => {
  const settled = () => step(inState(Up, {}, NOW), rx(NOW, { state: Up, final: true })).state;

  it('keeps the old transmit interval after an increase until the Final', () => {
    const r = step(settled(), {
      type: 'ParametersChanged',
      now: NOW + 1 * MS,
      desiredMinTxInterval: 500 * MS,
    });
    expect(r.state.pollActive).toBe(true);
    expect(sends(r.actions)[0]!.packet).toMatchObject({ poll: true, desiredMinTxInterval: 500 * MS });
    expect(transmitInterval(r.state)).toBe(100 * MS);
    const fin = step(r.state, rx(NOW + 2 * MS, { state: Up, final: true }));
    expect(transmitInterval(fin.state)).toBe(500 * MS);
  });

  it('keeps the old Required Min RX for detection after a reduction until the Final', () => {
    const s = step(settled(), rx(NOW, { state: Up, desiredMinTxInterval: 10 * MS })).state;
    expect(detectionTime(s)).toBe(300 * MS);
    const r = step(s, { type: 'ParametersChanged', now: NOW + 1 * MS, requiredMinRxInterval: 20 * MS });
    expect(r.state.requiredMinRxInterval).toBe(20 * MS);
    expect(detectionTime(r.state)).toBe(300 * MS);
    const fin = step(r.state, rx(NOW + 2 * MS, { state: Up, final: true, desiredMinTxInterval: 10 * MS }));
    expect(detectionTime(fin.state)).toBe(60 * MS);
    expect(fin.state.detectAt).toBe(NOW + 2 * MS + 60 * MS);
  });

  it('applies a larger Required Min RX to detection at once', () => {
    const r = step(settled(), {
      type: 'ParametersChanged',
      now: NOW + 1 * MS,
      requiredMinRxInterval: 1000 * MS,
    });
    expect(detectionTime(r.state)).toBe(3000 * MS);
    expect(r.state.detectAt).toBe(NOW + 3000 * MS);
  });

  it('queues a second Poll Sequence behind the one in progress', () => {
    const a = step(settled(), { type: 'ParametersChanged', now: NOW, desiredMinTxInterval: 200 * MS }).state;
    const b = step(a, { type: 'ParametersChanged', now: NOW, desiredMinTxInterval: 300 * MS }).state;
    expect(b.pollQueued).toBe(true);
    const fin = step(b, rx(NOW + 1 * MS, { state: Up, final: true })).state;
    expect(fin.pollActive).toBe(true);
    expect(fin.pollQueued).toBe(false);
    const fin2 = step(fin, rx(NOW + 2 * MS, { state: Up, final: true })).state;
    expect(fin2.pollActive).toBe(false);
    expect(transmitInterval(fin2)).toBe(300 * MS);
  });

  it('does nothing when the parameters did not change', () => {
    const r = step(settled(), { type: 'ParametersChanged', now: NOW, desiredMinTxInterval: 100 * MS });
    expect(r.actions).toEqual([]);
    expect(r.state.pollActive).toBe(false);
  });

  it('changes the Detect Mult it sends', () => {
    const r = step(settled(), { type: 'ParametersChanged', now: NOW, detectMult: 5 });
    const t = step(r.state, { type: 'TxTimerExpired', now: r.state.txAt! });
    expect(sends(t.actions)[0]!.packet.detectMult).toBe(5);
  });
});
