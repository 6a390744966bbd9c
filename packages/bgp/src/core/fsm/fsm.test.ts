import { describe, expect, it } from 'vitest';
import { ipv4Number } from '../../testing/prefixes.js';
import type { OpenMessage } from '../codec/open.js';
import { BgpDecodeError } from '../errors.js';
import { connectionToKeep } from './collision.js';
import { idleHoldTime } from './damping.js';
import { initialState, step } from './fsm.js';
import { buildOpen, checkOpen } from './open-check.js';
import type { BgpState, FsmAction, FsmConfig, FsmEvent, FsmState, Negotiated } from './types.js';

// Transition table of RFC 4271 §8.2.2 as implemented: one row per (state, event) pair we
// handle, with the next state and the actions in order. No sockets, no timers, a manual `now`.

const config: FsmConfig = {
  localAs: 64513,
  peerAs: 64512,
  bgpIdentifier: ipv4Number('192.0.2.11'),
  holdTime: 90,
  connectRetryTime: 30,
  passive: false,
  capabilities: [
    { kind: 'multiprotocol', afi: 1, safi: 1 },
    { kind: 'multiprotocol', afi: 2, safi: 1 },
    { kind: 'routeRefresh' },
    { kind: 'fourOctetAs', asn: 64513 },
    { kind: 'extendedMessage' },
  ],
  damping: { initialIdleHoldTime: 1, maxIdleHoldTime: 120, stableTime: 60 },
};

const peerOpen: OpenMessage = {
  type: 'open',
  version: 4,
  myAutonomousSystem: 64512,
  holdTime: 9,
  bgpIdentifier: ipv4Number('192.0.2.1'),
  optionalParameters: [
    {
      type: 'capabilities',
      capabilities: [
        { kind: 'multiprotocol', afi: 1, safi: 1 },
        { kind: 'routeRefresh' },
        { kind: 'fourOctetAs', asn: 64512 },
      ],
    },
  ],
};

const negotiated = (checkOpen(peerOpen, config) as { negotiated: Negotiated }).negotiated;
const now = 1_000_000;
const ctx = { config, now };

function at(state: BgpState, extra: Partial<FsmState> = {}): FsmState {
  const base: FsmState = { state, connectRetryCounter: 0, stopped: state === 'Idle', restarting: false };
  const withNeg = state === 'OpenConfirm' || state === 'Established' ? { negotiated } : {};
  const est = state === 'Established' ? { establishedAt: now - 1000 } : {};
  return { ...base, ...withNeg, ...est, ...extra };
}

/** Compact action spelling for the table: `send:open`, `start:HoldTimer:240`, `down:holdTimerExpired`. */
function spell(a: FsmAction): string {
  switch (a.type) {
    case 'send':
      return a.message.type === 'notification'
        ? `send:notification:${a.message.code}/${a.message.subcode}`
        : `send:${a.message.type}`;
    case 'startTimer':
      return `start:${a.timer}:${a.seconds}`;
    case 'stopTimer':
      return `stop:${a.timer}`;
    case 'down':
      return `down:${a.reason}`;
    default:
      return a.type;
  }
}

const headerErr = new BgpDecodeError('bad marker', { code: 1, subcode: 1, offset: 0 });
const openErr = new BgpDecodeError('bad capability', { code: 2, subcode: 0, offset: 0 });
const updateErr = new BgpDecodeError('dup MP', { code: 3, subcode: 1, offset: 0 });
const cease = { type: 'notification' as const, code: 6, subcode: 2, data: new Uint8Array(0) };
const update = { type: 'update' as const, withdrawnRoutes: [], pathAttributes: [], nlri: [] };

const stopTimers = ['stop:ConnectRetryTimer', 'stop:HoldTimer', 'stop:KeepaliveTimer', 'disconnect'];
const idleAfter = (n: number) => [`start:IdleHoldTimer:${n}`];

type Row = [from: FsmState, event: FsmEvent, to: BgpState, actions: string[]];

const rows: Row[] = [
  // Idle
  [
    at('Idle'),
    { type: 'ManualStart' },
    'Connect',
    ['stop:IdleHoldTimer', 'start:ConnectRetryTimer:30', 'connect'],
  ],
  [
    at('Idle', { stopped: false }),
    { type: 'AutomaticStart' },
    'Connect',
    ['stop:IdleHoldTimer', 'start:ConnectRetryTimer:30', 'connect'],
  ],
  [
    at('Idle', { stopped: false }),
    { type: 'IdleHoldTimer_Expires' },
    'Connect',
    ['stop:IdleHoldTimer', 'start:ConnectRetryTimer:30', 'connect'],
  ],
  [at('Idle'), { type: 'IdleHoldTimer_Expires' }, 'Idle', []],
  [at('Idle', { stopped: false }), { type: 'ManualStop' }, 'Idle', ['stop:IdleHoldTimer']],
  [at('Idle'), { type: 'TcpConnectionConfirmed' }, 'Idle', []],
  [at('Idle'), { type: 'BGPOpen', open: peerOpen }, 'Idle', []],
  // Connect
  [
    at('Connect'),
    { type: 'Tcp_CR_Acked' },
    'OpenSent',
    ['stop:ConnectRetryTimer', 'send:open', 'start:HoldTimer:240'],
  ],
  [
    at('Connect'),
    { type: 'TcpConnectionConfirmed' },
    'OpenSent',
    ['stop:ConnectRetryTimer', 'send:open', 'start:HoldTimer:240'],
  ],
  [
    at('Connect'),
    { type: 'ConnectRetryTimer_Expires' },
    'Connect',
    ['disconnect', 'start:ConnectRetryTimer:30', 'connect'],
  ],
  [
    at('Connect'),
    { type: 'TcpConnectionFails' },
    'Idle',
    [...stopTimers, 'down:connectionFailed', ...idleAfter(1)],
  ],
  [at('Connect'), { type: 'ManualStop' }, 'Idle', [...stopTimers, 'down:manualStop']],
  [
    at('Connect'),
    { type: 'AutomaticStop', subcode: 2 },
    'Idle',
    [...stopTimers, 'down:automaticStop', ...idleAfter(1)],
  ],
  [at('Connect'), { type: 'ManualStart' }, 'Connect', []],
  [at('Connect'), { type: 'HoldTimer_Expires' }, 'Idle', [...stopTimers, 'down:fsmError', ...idleAfter(1)]],
  // Active
  [at('Active'), { type: 'ConnectRetryTimer_Expires' }, 'Connect', ['start:ConnectRetryTimer:30', 'connect']],
  [
    at('Active'),
    { type: 'TcpConnectionConfirmed' },
    'OpenSent',
    ['stop:ConnectRetryTimer', 'send:open', 'start:HoldTimer:240'],
  ],
  [
    at('Active'),
    { type: 'TcpConnectionFails' },
    'Idle',
    [...stopTimers, 'down:connectionFailed', ...idleAfter(1)],
  ],
  // OpenSent
  [
    at('OpenSent'),
    { type: 'BGPOpen', open: peerOpen },
    'OpenConfirm',
    ['send:keepalive', 'start:KeepaliveTimer:3', 'start:HoldTimer:9'],
  ],
  [
    at('OpenSent'),
    { type: 'BGPOpen', open: { ...peerOpen, holdTime: 0 } },
    'OpenConfirm',
    ['send:keepalive', 'stop:HoldTimer'],
  ],
  [
    at('OpenSent'),
    { type: 'BGPOpen', open: { ...peerOpen, version: 3 } },
    'Idle',
    ['send:notification:2/1', ...stopTimers, 'down:openRejected', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'BGPOpen', open: { ...peerOpen, myAutonomousSystem: 64999, optionalParameters: [] } },
    'Idle',
    ['send:notification:2/2', ...stopTimers, 'down:openRejected', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'BGPOpen', open: { ...peerOpen, holdTime: 2 } },
    'Idle',
    ['send:notification:2/6', ...stopTimers, 'down:openRejected', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'BGPOpen', open: { ...peerOpen, bgpIdentifier: 0 } },
    'Idle',
    ['send:notification:2/3', ...stopTimers, 'down:openRejected', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    {
      type: 'BGPOpen',
      open: {
        ...peerOpen,
        optionalParameters: [{ type: 'unknown', parameterType: 1, value: new Uint8Array(0) }],
      },
    },
    'Idle',
    ['send:notification:2/4', ...stopTimers, 'down:openRejected', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'BGPHeaderErr', error: headerErr },
    'Idle',
    ['send:notification:1/1', ...stopTimers, 'down:protocolError', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'BGPOpenMsgErr', error: openErr },
    'Idle',
    ['send:notification:2/0', ...stopTimers, 'down:protocolError', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'HoldTimer_Expires' },
    'Idle',
    ['send:notification:4/0', ...stopTimers, 'down:holdTimerExpired', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'TcpConnectionFails' },
    'Idle',
    [...stopTimers, 'down:connectionFailed', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'NotifMsg', notification: cease },
    'Idle',
    [...stopTimers, 'down:notificationReceived', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'OpenCollisionDump' },
    'Idle',
    ['send:notification:6/7', ...stopTimers, 'down:collision', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'KeepAliveMsg' },
    'Idle',
    ['send:notification:5/1', ...stopTimers, 'down:fsmError', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'UpdateMsg', update },
    'Idle',
    ['send:notification:5/1', ...stopTimers, 'down:fsmError', ...idleAfter(1)],
  ],
  [
    at('OpenSent'),
    { type: 'ManualStop', text: 'bye' },
    'Idle',
    ['send:notification:6/2', ...stopTimers, 'down:manualStop'],
  ],
  [
    at('OpenSent'),
    { type: 'AutomaticStop', subcode: 10 },
    'Idle',
    ['send:notification:6/10', ...stopTimers, 'down:automaticStop', ...idleAfter(1)],
  ],
  // OpenConfirm
  [at('OpenConfirm'), { type: 'KeepAliveMsg' }, 'Established', ['start:HoldTimer:9', 'established']],
  [
    at('OpenConfirm'),
    { type: 'KeepaliveTimer_Expires' },
    'OpenConfirm',
    ['send:keepalive', 'start:KeepaliveTimer:3'],
  ],
  [
    at('OpenConfirm'),
    { type: 'HoldTimer_Expires' },
    'Idle',
    ['send:notification:4/0', ...stopTimers, 'down:holdTimerExpired', ...idleAfter(1)],
  ],
  [
    at('OpenConfirm'),
    { type: 'NotifMsg', notification: cease },
    'Idle',
    [...stopTimers, 'down:notificationReceived', ...idleAfter(1)],
  ],
  [
    at('OpenConfirm'),
    { type: 'OpenCollisionDump' },
    'Idle',
    ['send:notification:6/7', ...stopTimers, 'down:collision', ...idleAfter(1)],
  ],
  [
    at('OpenConfirm'),
    { type: 'BGPOpen', open: peerOpen },
    'Idle',
    ['send:notification:5/2', ...stopTimers, 'down:fsmError', ...idleAfter(1)],
  ],
  [
    at('OpenConfirm'),
    { type: 'UpdateMsg', update },
    'Idle',
    ['send:notification:5/2', ...stopTimers, 'down:fsmError', ...idleAfter(1)],
  ],
  [
    at('OpenConfirm'),
    { type: 'TcpConnectionFails' },
    'Idle',
    [...stopTimers, 'down:connectionFailed', ...idleAfter(1)],
  ],
  // Established
  [at('Established'), { type: 'KeepAliveMsg' }, 'Established', ['start:HoldTimer:9']],
  [at('Established'), { type: 'UpdateMsg', update }, 'Established', ['start:HoldTimer:9']],
  [
    at('Established'),
    { type: 'RouteRefreshMsg', message: { type: 'routeRefresh', afi: 1, subtype: 0, safi: 1 } },
    'Established',
    ['start:HoldTimer:9'],
  ],
  [
    at('Established'),
    { type: 'KeepaliveTimer_Expires' },
    'Established',
    ['send:keepalive', 'start:KeepaliveTimer:3'],
  ],
  [
    at('Established'),
    { type: 'HoldTimer_Expires' },
    'Idle',
    ['send:notification:4/0', ...stopTimers, 'down:holdTimerExpired', ...idleAfter(1)],
  ],
  [
    at('Established'),
    { type: 'UpdateMsgErr', error: updateErr },
    'Idle',
    ['send:notification:3/1', ...stopTimers, 'down:protocolError', ...idleAfter(1)],
  ],
  [
    at('Established'),
    { type: 'BGPHeaderErr', error: headerErr },
    'Idle',
    ['send:notification:1/1', ...stopTimers, 'down:protocolError', ...idleAfter(1)],
  ],
  [
    at('Established'),
    { type: 'BGPOpen', open: peerOpen },
    'Idle',
    ['send:notification:5/3', ...stopTimers, 'down:fsmError', ...idleAfter(1)],
  ],
  [
    at('Established'),
    { type: 'NotifMsg', notification: cease },
    'Idle',
    [...stopTimers, 'down:notificationReceived', ...idleAfter(1)],
  ],
  [
    at('Established'),
    { type: 'TcpConnectionFails' },
    'Idle',
    [...stopTimers, 'down:connectionFailed', ...idleAfter(1)],
  ],
  [
    at('Established'),
    { type: 'ManualStop' },
    'Idle',
    ['send:notification:6/2', ...stopTimers, 'down:manualStop'],
  ],
  [
    at('Established'),
    { type: 'AutomaticStop', subcode: 10 },
    'Idle',
    ['send:notification:6/10', ...stopTimers, 'down:automaticStop', ...idleAfter(1)],
  ],
  [at('Established'), { type: 'ConnectRetryTimer_Expires' }, 'Established', []],
  [at('Established'), { type: 'TcpConnectionConfirmed' }, 'Established', []],
];

describe('FSM transition table (RFC 4271 §8.2.2)', () => {
  it.each(
    rows.map(([from, event, to, actions]) => ({
      from,
      event,
      to,
      actions,
      name: `${from.state} + ${event.type}`,
    })),
  )('$name -> $to', ({ from, event, to, actions }) => {
    const r = step(from, event, ctx);
    expect(r.state.state).toBe(to);
    expect(r.actions.map(spell)).toEqual(actions);
  });
});

describe('FSM details', () => {
  it('starts passive peers in Active and never dials', () => {
    const passive = { config: { ...config, passive: true }, now };
    const r = step(initialState(), { type: 'ManualStart' }, passive);
    expect(r.state.state).toBe('Active');
    expect(r.actions.map(spell)).toEqual(['stop:IdleHoldTimer', 'start:ConnectRetryTimer:30']);
    const again = step(r.state, { type: 'ConnectRetryTimer_Expires' }, passive);
    expect(again.state.state).toBe('Active');
    expect(again.actions.map(spell)).toEqual(['start:ConnectRetryTimer:30']);
  });

  it('doubles the idle hold with each consecutive failure, up to the cap', () => {
    let s: FsmState = { ...initialState(), stopped: false };
    const holds: number[] = [];
    for (let i = 0; i < 9; i++) {
      s = step(s, { type: 'AutomaticStart' }, ctx).state;
      const r = step(s, { type: 'TcpConnectionFails' }, ctx);
      const hold = r.actions.find((a) => a.type === 'startTimer' && a.timer === 'IdleHoldTimer');
      holds.push(hold && hold.type === 'startTimer' ? hold.seconds : -1);
      s = r.state;
    }
    expect(holds).toEqual([1, 2, 4, 8, 16, 32, 64, 120, 120]);
  });

  it('resets the failure count after a session that stayed up for the stable time', () => {
    const flapping = at('Established', { connectRetryCounter: 5, establishedAt: now - 10_000 });
    const stable = at('Established', { connectRetryCounter: 5, establishedAt: now - 61_000 });
    expect(step(flapping, { type: 'NotifMsg', notification: cease }, ctx).state.connectRetryCounter).toBe(6);
    expect(step(stable, { type: 'NotifMsg', notification: cease }, ctx).state.connectRetryCounter).toBe(1);
  });

  it('does not restart after ManualStop, and ManualStart clears the failure count', () => {
    const r = step(at('Established', { connectRetryCounter: 3 }), { type: 'ManualStop' }, ctx);
    expect(r.state).toMatchObject({ state: 'Idle', stopped: true, connectRetryCounter: 0 });
    expect(step(r.state, { type: 'IdleHoldTimer_Expires' }, ctx).state.state).toBe('Idle');
    expect(step(r.state, { type: 'ManualStart' }, ctx).state.state).toBe('Connect');
  });

  it('puts the R bit in the OPEN only until the first Established session (RFC 4724)', () => {
    const gr = {
      config: { ...config, gracefulRestart: { restartTime: 120, families: [4, 6] as const } },
      now,
    };
    let s: FsmState = { ...initialState({ restarting: true }), state: 'Connect', stopped: false };
    const r = step(s, { type: 'Tcp_CR_Acked' }, gr);
    const open = r.actions.find((a) => a.type === 'send');
    expect(open && open.type === 'send' && open.message).toMatchObject({
      optionalParameters: [
        {
          capabilities: expect.arrayContaining([
            expect.objectContaining({ kind: 'gracefulRestart', restartState: true }),
          ]),
        },
      ],
    });
    s = step(
      step(r.state, { type: 'BGPOpen', open: peerOpen }, gr).state,
      { type: 'KeepAliveMsg' },
      gr,
    ).state;
    expect(s.state).toBe('Established');
    expect(s.restarting).toBe(false);
  });
});

describe('OPEN negotiation (RFC 4271 §4.2, RFC 6793, RFC 4760, RFC 8654)', () => {
  it('takes the smaller hold time and a third of it as keepalive', () => {
    expect(negotiated).toMatchObject({ holdTime: 9, keepaliveTime: 3, peerAs: 64512, internal: false });
  });

  it('negotiates families, 4-octet AS, route refresh and extended message', () => {
    expect(negotiated).toMatchObject({
      families: [4],
      fourOctetAs: true,
      routeRefresh: true,
      extendedMessage: false,
    });
  });

  it('implies IPv4 unicast for a peer without multiprotocol capabilities', () => {
    const r = checkOpen({ ...peerOpen, optionalParameters: [] }, config);
    expect(r.ok && r.negotiated).toMatchObject({ families: [4], fourOctetAs: false });
  });

  it('uses the 4-octet AS capability over AS_TRANS, and writes AS_TRANS for a large local ASN', () => {
    const open: OpenMessage = {
      ...peerOpen,
      myAutonomousSystem: 23456,
      optionalParameters: [
        { type: 'capabilities', capabilities: [{ kind: 'fourOctetAs', asn: 4200000001 }] },
      ],
    };
    expect(checkOpen(open, { ...config, peerAs: 4200000001 }).ok).toBe(true);
    expect(buildOpen({ ...config, localAs: 4200000002 }, false).myAutonomousSystem).toBe(23456);
  });

  it('accepts any external ASN with peerAs "external", and rejects our own', () => {
    expect(checkOpen(peerOpen, { ...config, peerAs: 'external' }).ok).toBe(true);
    expect(checkOpen(peerOpen, { ...config, localAs: 64512, peerAs: 'external' }).ok).toBe(false);
  });

  it('rejects an iBGP peer that uses our BGP identifier (RFC 6286)', () => {
    const r = checkOpen({ ...peerOpen, bgpIdentifier: config.bgpIdentifier }, { ...config, localAs: 64512 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.notification.subcode).toBe(3);
  });
});

describe('collision resolution (RFC 4271 §6.8, RFC 6286 §2.3)', () => {
  it('keeps the connection of the speaker with the higher BGP identifier', () => {
    expect(connectionToKeep({ id: 2, asn: 1 }, { id: 1, asn: 1 })).toBe('outgoing');
    expect(connectionToKeep({ id: 1, asn: 1 }, { id: 2, asn: 1 })).toBe('incoming');
    expect(connectionToKeep({ id: 0xc0000201, asn: 1 }, { id: 0x0a000001, asn: 1 })).toBe('outgoing');
  });
  it('falls back to the larger AS number on equal identifiers', () => {
    expect(connectionToKeep({ id: 7, asn: 64513 }, { id: 7, asn: 64512 })).toBe('outgoing');
    expect(connectionToKeep({ id: 7, asn: 64512 }, { id: 7, asn: 64513 })).toBe('incoming');
  });
});

describe('idleHoldTime', () => {
  it('is 0 before any failure', () => {
    expect(idleHoldTime(0, config.damping)).toBe(0);
  });
});
