// Public surface of @ironlb/l2: layer-2 announcement (gratuitous ARP / unsolicited NA, an
// ARP/NDP responder, probing and conflict detection). The pure core is re-exported whole.
export * from './core/index.js';
export {
  Announcer,
  type AnnouncerOptions,
  type OwnedAddresses,
  type InterfaceStatus,
  type OwnedStatus,
} from './node/announcer.js';
export type { L2Counters, ByProtocol } from './node/counters.js';
export {
  openNativePacketSocket,
  neighborDiscoveryFilter,
  type PacketSocket,
  type PacketSocketFactory,
  type PacketProtocol,
  type NativePacketSocketOptions,
} from './node/packet-socket.js';
export { MemorySegment, MemoryPacketSocket, type SegmentFrame } from './node/memory-socket.js';
export { netlinkLinkSource, type Link, type LinkSource } from './node/links.js';
export { systemClock, type Clock } from './node/clock.js';
