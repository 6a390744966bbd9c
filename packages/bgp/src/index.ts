// Public surface of @ironlb/bgp.
export * from './core/constants.js';
export * from './core/errors.js';
export * from './core/codec/prefix.js';
export * from './core/codec/attribute-types.js';
export { attributeCode, attributeSpec } from './core/codec/attributes.js';
export * from './core/codec/capabilities.js';
export * from './core/codec/open.js';
export * from './core/codec/update.js';
export * from './core/codec/notification.js';
export * from './core/codec/route-refresh.js';
export * from './core/codec/message.js';
export * from './core/codec/framer.js';
export { checkHeader, type MessageHeader } from './core/codec/header.js';
export * from './core/codec/update-check.js';
export * from './core/fsm/types.js';
export { step, initialState } from './core/fsm/fsm.js';
export { buildOpen, checkOpen, type OpenVerdict } from './core/fsm/open-check.js';
export { connectionToKeep } from './core/fsm/collision.js';
export { idleHoldTime } from './core/fsm/damping.js';
export * from './core/route.js';
export * from './core/advertisement.js';
export * from './core/adj-rib-out.js';
export * from './core/update-packer.js';
export {
  BgpSession,
  type BgpSessionEvents,
  type StateChange,
  type SessionDown,
  type ResetCause,
} from './node/session.js';
export type { BgpSessionOptions } from './node/session-options.js';
export type { BgpSessionStats, MessageCounts } from './node/session-stats.js';
export { BgpListener, type BgpListenerOptions } from './node/listener.js';
export {
  createTcpDialer,
  tcpDialer,
  type BgpSocket,
  type Dialer,
  type DialOptions,
  type TcpSocketOptions,
} from './node/transport.js';
export { systemClock, type Clock, type ClockTimer } from './node/clock.js';
export { silentLogger, type BgpLogger } from './node/logger.js';
