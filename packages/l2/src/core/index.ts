// The pure core of @ironlb/l2: codecs, frame builders, the responder, the announce schedule,
// the announcer state machine and interface selection. No I/O.
export {
  type MacAddress,
  BROADCAST_MAC,
  ZERO_MAC,
  parseMac,
  isMac,
  macFromBytes,
  macToBytes,
  isMulticastMac,
  ipv6MulticastMac,
} from './mac.js';
export {
  EtherType,
  ETHERNET_MIN_FRAME,
  ETHERNET_HEADER,
  ethernetFrameCodec,
  padFrame,
  type EthernetFrame,
} from './ethernet.js';
export {
  ArpOperation,
  ARP_HARDWARE_ETHERNET,
  ARP_PACKET_LENGTH,
  arpPacketCodec,
  type ArpPacket,
} from './arp.js';
export { IPV6_HEADER, ipv6PacketCodec, type Ipv6Packet } from './ipv6.js';
export { icmpv6Checksum, icmpv6ChecksumValid, NEXT_HEADER_ICMPV6 } from './icmpv6-checksum.js';
export {
  NdpType,
  NdpOptionType,
  ndpOptionCodec,
  ndpMessageCodec,
  ndpPacketCodec,
  type NdpOption,
  type NdpMessage,
  type NdpPacket,
  type NeighborSolicitation,
  type NeighborAdvertisement,
} from './ndp.js';
export { decodeL2Frame, type L2Frame } from './frame.js';
export {
  ALL_NODES,
  ALL_NODES_MAC,
  solicitedNodeAddress,
  solicitedNodeMac,
  isSolicitedNodeAddress,
} from './addresses.js';
export {
  arpFrame,
  arpReplyFrame,
  gratuitousArpFrames,
  arpProbeFrame,
  ndpFrame,
  neighborAdvertisementFrame,
  unsolicitedAdvertisementFrame,
  dadProbeFrame,
  neighborSolicitationFrame,
  arpRequestFrame,
} from './frames.js';
export {
  respond,
  DropReason,
  ConflictEvidence,
  type OwnershipPhase,
  type ResponderContext,
  type ResponderResult,
} from './responder.js';
export {
  defaultAnnounceSchedule,
  resolveAnnounceSchedule,
  announceTime,
  probeTime,
  type AnnounceSchedule,
} from './announce-schedule.js';
export {
  applyClaims,
  advance,
  reannounce,
  reportConflict,
  phaseOf,
  nextWake,
  entryKey,
  emptyAnnouncerState,
  type AnnouncerState,
  type AnnouncerAction,
  type AnnouncerEvent,
  type Claim,
  type Entry,
  type EntryPhase,
  type Step,
} from './announcer-state.js';
export {
  selectInterfaces,
  InterfaceSkipReason,
  type InterfaceSelector,
  type InterfaceDecision,
  type LinkFacts,
} from './interface-selection.js';
