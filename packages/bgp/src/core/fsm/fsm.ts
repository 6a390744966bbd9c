import type { NotificationMessage } from '../codec/notification.js';
import { ceaseNotification } from '../codec/notification.js';
import { CeaseSubcode, FsmErrorSubcode, NotificationCode } from '../constants.js';
import type { BgpDecodeError } from '../errors.js';
import { idleHoldTime } from './damping.js';
import { buildOpen, checkOpen } from './open-check.js';
import type {
  BgpState,
  DownReason,
  FsmAction,
  FsmEvent,
  FsmState,
  StepContext,
  StepResult,
} from './types.js';

/**
 * The BGP finite state machine of one TCP connection, RFC 4271 §8.2.2, as a pure function:
 * `step(state, event, { config, now }) -> { state, actions }`. It never touches a socket or
 * a timer; `node/session.ts` carries out the actions and feeds back the events.
 *
 * Choices among the RFC's optional session attributes (§8.1.1): DelayOpen off,
 * SendNOTIFICATIONwithoutOPEN off, CollisionDetectEstablishedState off, DampPeerOscillations
 * on (the IdleHoldTimer doubles with consecutive failures), AllowAutomaticStart on (every
 * failure schedules an AutomaticStart after the idle hold), PassiveTcpEstablishment from the
 * configuration. Deviations, all towards fewer reconnect storms: a TCP failure in OpenSent
 * goes to Idle with damping instead of Active; timer events that cannot belong to the
 * current state (a stopped timer firing late) are ignored instead of being FSM errors.
 */
export function step(s: FsmState, event: FsmEvent, ctx: StepContext): StepResult {
  switch (s.state) {
    case 'Idle':
      return idle(s, event, ctx);
    case 'Connect':
    case 'Active':
      return connecting(s, event, ctx);
    case 'OpenSent':
      return openSent(s, event, ctx);
    case 'OpenConfirm':
    case 'Established':
      return synchronized(s, event, ctx);
  }
}

/** The state of a new peer: Idle, not started. */
export function initialState(options: { restarting?: boolean } = {}): FsmState {
  return { state: 'Idle', connectRetryCounter: 0, stopped: true, restarting: options.restarting ?? false };
}

const keep = (s: FsmState): StepResult => ({ state: s, actions: [] });

function notification(
  code: number,
  subcode: number,
  data: Uint8Array = new Uint8Array(0),
): NotificationMessage {
  return { type: 'notification', code, subcode, data };
}

function fromError(error: BgpDecodeError): NotificationMessage {
  return notification(error.notification.code, error.notification.subcode, error.notification.data);
}

function start(s: FsmState, ctx: StepContext, manual: boolean): StepResult {
  const base: FsmState = { ...s, stopped: false, connectRetryCounter: manual ? 0 : s.connectRetryCounter };
  const timer: FsmAction = {
    type: 'startTimer',
    timer: 'ConnectRetryTimer',
    seconds: ctx.config.connectRetryTime,
  };
  const stopIdle: FsmAction = { type: 'stopTimer', timer: 'IdleHoldTimer' };
  if (ctx.config.passive) return { state: { ...base, state: 'Active' }, actions: [stopIdle, timer] };
  return { state: { ...base, state: 'Connect' }, actions: [stopIdle, timer, { type: 'connect' }] };
}

function idle(s: FsmState, e: FsmEvent, ctx: StepContext): StepResult {
  switch (e.type) {
    case 'ManualStart':
      return start(s, ctx, true);
    case 'AutomaticStart':
    case 'IdleHoldTimer_Expires':
      return s.stopped ? keep(s) : start(s, ctx, false);
    case 'ManualStop':
      return {
        state: { ...s, stopped: true, connectRetryCounter: 0 },
        actions: [{ type: 'stopTimer', timer: 'IdleHoldTimer' }],
      };
    default:
      // RFC 4271 §8.2.2 Idle: every other event is ignored (incoming connections are refused
      // by the interpreter).
      return keep(s);
  }
}

/**
 * Back to Idle: stop the timers, send the NOTIFICATION if there is one, drop the connection,
 * count the failure and schedule the automatic restart after the damped idle hold.
 */
function toIdle(
  s: FsmState,
  ctx: StepContext,
  reason: DownReason,
  options: { send?: NotificationMessage; received?: NotificationMessage; manual?: boolean } = {},
): StepResult {
  const actions: FsmAction[] = [];
  if (options.send) actions.push({ type: 'send', message: options.send });
  actions.push(
    { type: 'stopTimer', timer: 'ConnectRetryTimer' },
    { type: 'stopTimer', timer: 'HoldTimer' },
    { type: 'stopTimer', timer: 'KeepaliveTimer' },
    { type: 'disconnect' },
  );
  const note = options.send
    ? { direction: 'sent' as const, message: options.send }
    : options.received
      ? { direction: 'received' as const, message: options.received }
      : undefined;
  actions.push(
    note
      ? { type: 'down', from: s.state, reason, notification: note }
      : { type: 'down', from: s.state, reason },
  );
  let counter = 0;
  if (!options.manual) {
    const stable =
      s.establishedAt !== undefined && ctx.now - s.establishedAt >= ctx.config.damping.stableTime * 1000;
    counter = (stable ? 0 : s.connectRetryCounter) + 1;
  }
  const stopped = s.stopped || options.manual === true;
  if (!stopped) {
    actions.push({
      type: 'startTimer',
      timer: 'IdleHoldTimer',
      seconds: idleHoldTime(counter, ctx.config.damping),
    });
  }
  const next: FsmState = { state: 'Idle', connectRetryCounter: counter, stopped, restarting: s.restarting };
  return { state: next, actions };
}

function stopEvent(
  s: FsmState,
  e: FsmEvent & { type: 'ManualStop' | 'AutomaticStop' },
  ctx: StepContext,
): StepResult {
  const withConnection = s.state !== 'Connect' && s.state !== 'Active';
  if (e.type === 'ManualStop') {
    const send =
      withConnection && !e.withoutNotification
        ? ceaseNotification(CeaseSubcode.AdministrativeShutdown, e.text)
        : undefined;
    return toIdle(s, ctx, 'manualStop', { send, manual: true });
  }
  const send = withConnection ? ceaseNotification(e.subcode, e.text) : undefined;
  return toIdle(s, ctx, 'automaticStop', { send });
}

function connecting(s: FsmState, e: FsmEvent, ctx: StepContext): StepResult {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'IdleHoldTimer_Expires':
    case 'KeepaliveTimer_Expires':
      return keep(s);
    case 'ManualStop':
    case 'AutomaticStop':
      return stopEvent(s, e, ctx);
    case 'ConnectRetryTimer_Expires': {
      const timer: FsmAction = {
        type: 'startTimer',
        timer: 'ConnectRetryTimer',
        seconds: ctx.config.connectRetryTime,
      };
      if (ctx.config.passive) return { state: { ...s, state: 'Active' }, actions: [timer] };
      const actions: FsmAction[] = s.state === 'Connect' ? [{ type: 'disconnect' }, timer] : [timer];
      actions.push({ type: 'connect' });
      return { state: { ...s, state: 'Connect' }, actions };
    }
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      // RFC 4271 §8.2.2 Connect/Active, events 16-17 without DelayOpen: send OPEN, hold
      // timer to a large value (4 minutes suggested), go to OpenSent.
      return {
        state: { ...s, state: 'OpenSent' },
        actions: [
          { type: 'stopTimer', timer: 'ConnectRetryTimer' },
          { type: 'send', message: buildOpen(ctx.config, s.restarting) },
          { type: 'startTimer', timer: 'HoldTimer', seconds: 240 },
        ],
      };
    case 'TcpConnectionFails':
      return toIdle(s, ctx, 'connectionFailed');
    default:
      return toIdle(s, ctx, 'fsmError');
  }
}

function fsmError(s: FsmState, ctx: StepContext, state: BgpState): StepResult {
  const subcode =
    state === 'OpenSent'
      ? FsmErrorSubcode.ReceiveUnexpectedMessageInOpenSent
      : state === 'OpenConfirm'
        ? FsmErrorSubcode.ReceiveUnexpectedMessageInOpenConfirm
        : FsmErrorSubcode.ReceiveUnexpectedMessageInEstablished;
  return toIdle(s, ctx, 'fsmError', {
    send: notification(NotificationCode.FiniteStateMachineError, subcode),
  });
}

/** Events handled alike in OpenSent, OpenConfirm and Established; undefined if not one. */
function common(s: FsmState, e: FsmEvent, ctx: StepContext): StepResult | undefined {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'IdleHoldTimer_Expires':
    case 'ConnectRetryTimer_Expires':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return keep(s);
    case 'ManualStop':
    case 'AutomaticStop':
      return stopEvent(s, e, ctx);
    case 'HoldTimer_Expires':
      return toIdle(s, ctx, 'holdTimerExpired', { send: notification(NotificationCode.HoldTimerExpired, 0) });
    case 'TcpConnectionFails':
      return toIdle(s, ctx, 'connectionFailed');
    case 'NotifMsg':
    case 'NotifMsgVerErr':
      return toIdle(s, ctx, 'notificationReceived', { received: e.notification });
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(s, ctx, 'protocolError', { send: fromError(e.error) });
    case 'OpenCollisionDump':
      return toIdle(s, ctx, 'collision', {
        send: ceaseNotification(CeaseSubcode.ConnectionCollisionResolution),
      });
    default:
      return undefined;
  }
}

function openSent(s: FsmState, e: FsmEvent, ctx: StepContext): StepResult {
  const c = common(s, e, ctx);
  if (c) return c;
  switch (e.type) {
    case 'KeepaliveTimer_Expires':
      return keep(s);
    case 'BGPOpen': {
      const verdict = checkOpen(e.open, ctx.config);
      if (!verdict.ok) return toIdle(s, ctx, 'openRejected', { send: verdict.notification });
      const n = verdict.negotiated;
      const actions: FsmAction[] = [{ type: 'send', message: { type: 'keepalive' } }];
      if (n.holdTime > 0) {
        actions.push(
          { type: 'startTimer', timer: 'KeepaliveTimer', seconds: n.keepaliveTime },
          { type: 'startTimer', timer: 'HoldTimer', seconds: n.holdTime },
        );
      } else {
        actions.push({ type: 'stopTimer', timer: 'HoldTimer' });
      }
      return { state: { ...s, state: 'OpenConfirm', negotiated: n }, actions };
    }
    default:
      return fsmError(s, ctx, 'OpenSent');
  }
}

function synchronized(s: FsmState, e: FsmEvent, ctx: StepContext): StepResult {
  const c = common(s, e, ctx);
  if (c) return c;
  const n = s.negotiated!;
  const restartHold: FsmAction[] =
    n.holdTime > 0 ? [{ type: 'startTimer', timer: 'HoldTimer', seconds: n.holdTime }] : [];
  switch (e.type) {
    case 'KeepaliveTimer_Expires':
      return {
        state: s,
        actions: [
          { type: 'send', message: { type: 'keepalive' } },
          { type: 'startTimer', timer: 'KeepaliveTimer', seconds: n.keepaliveTime },
        ],
      };
    case 'KeepAliveMsg':
      if (s.state === 'OpenConfirm') {
        return {
          state: { ...s, state: 'Established', establishedAt: ctx.now, restarting: false },
          actions: [...restartHold, { type: 'established', negotiated: n }],
        };
      }
      return { state: s, actions: restartHold };
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
      return s.state === 'Established' ? { state: s, actions: restartHold } : fsmError(s, ctx, s.state);
    case 'UpdateMsgErr':
      return s.state === 'Established'
        ? toIdle(s, ctx, 'protocolError', { send: fromError(e.error) })
        : fsmError(s, ctx, s.state);
    default:
      // A second OPEN on a synchronized connection.
      return fsmError(s, ctx, s.state);
  }
}
