/**
 * Wire constants of the IronLB membership protocol (version 1). The protocol is ours, not an
 * RFC: the layout is drawn in `packet.ts`, and docs/failure-detection.md explains it.
 */

/** First two bytes of every datagram: ASCII "IL". */
export const MAGIC = 0x494c;

/** Protocol version carried in byte 2. A receiver drops other versions as `unsupported`. */
export const PROTOCOL_VERSION = 1;

/** Message types (byte 3). Names follow SWIM (Das et al. 2002) and Lifeguard (nack). */
export const MessageType = {
  /** Direct probe: "are you alive?" (SWIM ping). */
  ping: 1,
  /** Answer to a ping, or an indirect answer relayed by an intermediary. */
  ack: 2,
  /** Indirect probe request: "please ping this member for me" (SWIM ping-req). */
  pingReq: 3,
  /** Lifeguard: the intermediary got no ack from the target in time. */
  nack: 4,
  /** Dissemination only: carries gossip entries and nothing else. */
  gossip: 5,
  /** The sender is shutting down cleanly; receivers mark it `left` at once. */
  leave: 6,
} as const;
export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeCode = (typeof MessageType)[MessageTypeName];

/** Kinds of gossip entry (SWIM alive/suspect/confirm, plus a distinct "left"). */
export const GossipKind = {
  alive: 1,
  suspect: 2,
  dead: 3,
  left: 4,
} as const;
export type GossipKindName = keyof typeof GossipKind;
export type GossipKindCode = (typeof GossipKind)[GossipKindName];

/** HMAC-SHA256 tag length, appended after the authenticated bytes. */
export const TAG_BYTES = 32;

/**
 * Bytes before the sender name: magic 2, version 1, type 1, key id 4, epoch 8, sequence 4,
 * timestamp 8, incarnation 8.
 */
export const FIXED_HEADER_BYTES = 36;

/** Smallest datagram that can be a packet: fixed header, a 1-byte name, count, tag. */
export const MIN_PACKET_BYTES = FIXED_HEADER_BYTES + 2 + 1 + TAG_BYTES;

/** Longest member name: a Kubernetes node name is a DNS subdomain, at most 253 bytes. */
export const MAX_NAME_BYTES = 253;

/** At most this many gossip entries in one message (the count is one byte). */
export const MAX_GOSSIP_ENTRIES = 255;

export function messageTypeName(code: number): MessageTypeName | undefined {
  for (const [name, value] of Object.entries(MessageType)) if (value === code) return name as MessageTypeName;
  return undefined;
}

export function gossipKindName(code: number): GossipKindName | undefined {
  for (const [name, value] of Object.entries(GossipKind)) if (value === code) return name as GossipKindName;
  return undefined;
}
