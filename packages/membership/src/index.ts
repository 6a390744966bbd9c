// Public surface of @ironlb/membership: authenticated SWIM-style failure detection among
// speakers. `core/` is pure (codec, detector, replay window); `node/` runs it over UDP.
export { MessageType, GossipKind, PROTOCOL_VERSION, TAG_BYTES } from './core/codec/constants.js';
export { type GossipEntry, gossipEntryCodec } from './core/codec/gossip-entry.js';
export {
  type Packet,
  type PacketHeader,
  type Message,
  packetCodec,
  datagramLength,
  baseDatagramLength,
} from './core/codec/packet.js';
export { type SealedPacket, sealedPacketCodec } from './core/codec/sealed-packet.js';
export { isValidMemberName } from './core/codec/fields.js';
export {
  type DetectorSettings,
  defaultDetectorSettings,
  resolveDetectorSettings,
  validateDetectorSettings,
  detectionBoundMs,
  suspicionBounds,
  MembershipSettingsError,
} from './core/settings.js';
export { Detector, type DetectorAction, type DetectorOptions } from './core/detector.js';
export { type DetectorCounters } from './core/counters.js';
export { suspicionTimeoutMs } from './core/suspicion.js';
export {
  ChangeReason,
  type MemberChange,
  type MemberStatus,
  type MemberView,
  type MembershipView,
  type Quorum,
  isUp,
} from './core/view.js';
export { ReplayGuard, type ReplayGuardOptions, type ReplayVerdict } from './core/replay-guard.js';
export { type QuorumConfirmation, type QuorumRoundResult } from './core/quorum-rounds.js';
export type { Random } from './core/random.js';

// Node layer: UDP, HMAC, timers, stats.
export {
  MembershipAgent,
  type MembershipAgentOptions,
  type MemberAddress,
  type MembershipEvent,
  DEFAULT_MEMBERSHIP_PORT,
} from './node/membership-agent.js';
export { Keyring, type MembershipKeys, MembershipKeyError, keyIdOf, MIN_KEY_BYTES } from './node/keyring.js';
export { seal, open, EnvelopeDrop, type OpenResult } from './node/envelope.js';
export { type Clock, type TimerHandle, systemClock } from './node/clock.js';
export {
  type MembershipSocket,
  type UdpEndpoint,
  openUdpSocket,
  MembershipSocketError,
} from './node/udp-socket.js';
export { MembershipStats, type MetricFamily, type DropReason, dropReasons } from './node/stats.js';
