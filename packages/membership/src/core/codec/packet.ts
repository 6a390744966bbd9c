import type { Codec, Reader, Writer } from '@ironlb/wire';
import { DecodeError, DecodeFailure } from '@ironlb/wire';
import {
  FIXED_HEADER_BYTES,
  MAGIC,
  MAX_GOSSIP_ENTRIES,
  MessageType,
  PROTOCOL_VERSION,
  TAG_BYTES,
  messageTypeName,
} from './constants.js';
import { nameLength, readName, readSafeU64, writeName, writeSafeU64 } from './fields.js';
import { type GossipEntry, gossipEntryCodec, gossipEntryLength } from './gossip-entry.js';

/**
 * The authenticated part of a membership datagram. The HMAC-SHA256 tag (32 bytes) follows it
 * on the wire; `sealed-packet.ts` splits the two, and the node layer verifies the tag before
 * this codec reads anything past the key id.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Magic 0x49 0x4c ("IL") |  Version (1)  |     Type      |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Key ID                             |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Epoch (ms since 1970 when the sender           |  8
 * +                started; replay protection)                    +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Sequence number (per epoch, from 1)             | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Timestamp (sender's clock, ms since 1970)      | 20
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Sender incarnation                             | 28
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Sender Len   |  Sender name (1..253 bytes of printable ASCII)  ...   36
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Body, by type:                                               |
 * |    ping, ping-req: Probe ID (32 bits), Target Len, Target name|
 * |    ack, nack:      Probe ID (32 bits)                         |
 * |    gossip, leave:  (empty)                                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Gossip count  |  Gossip entries (gossip-entry.ts), count times ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   (on the wire: HMAC-SHA256 tag, 32 bytes, over all of the above)
 * ```
 * All integers are big-endian. The target name in a ping lets the receiver drop a probe meant
 * for a member that used to have its address (`notForUs`).
 */
export interface PacketHeader {
  /** Which key signed the packet (`keyIdOf` in the node layer: first 4 bytes of a key hash). */
  keyId: number;
  /** When the sender process started (ms since 1970); the replay window restarts with it. */
  epoch: number;
  /** Per-epoch sequence number, from 1, for the replay window. */
  seq: number;
  /** Sender's wall clock at send (ms since 1970), checked against the receiver's clock. */
  timestamp: number;
}

interface MessageCommon {
  /** Name of the sending member (its Kubernetes node name). */
  sender: string;
  /** The sender's current incarnation: every message is also an `alive` claim. */
  incarnation: number;
  /** Piggybacked dissemination. */
  gossip: GossipEntry[];
}

export type PingMessage = MessageCommon & { type: 'ping'; probeId: number; target: string };
export type AckMessage = MessageCommon & { type: 'ack'; probeId: number };
export type PingReqMessage = MessageCommon & { type: 'pingReq'; probeId: number; target: string };
export type NackMessage = MessageCommon & { type: 'nack'; probeId: number };
export type GossipMessage = MessageCommon & { type: 'gossip' };
export type LeaveMessage = MessageCommon & { type: 'leave' };

export type Message = PingMessage | AckMessage | PingReqMessage | NackMessage | GossipMessage | LeaveMessage;

export interface Packet {
  header: PacketHeader;
  message: Message;
}

export const packetCodec: Codec<Packet> = {
  encode({ header, message }: Packet, writer: Writer): void {
    if (message.gossip.length > MAX_GOSSIP_ENTRIES)
      throw new RangeError(`too many gossip entries: ${message.gossip.length}`);
    writer.u16(MAGIC).u8(PROTOCOL_VERSION).u8(MessageType[message.type]).u32(header.keyId);
    writeSafeU64(writer, header.epoch, 'epoch');
    writer.u32(header.seq);
    writeSafeU64(writer, header.timestamp, 'timestamp');
    writeSafeU64(writer, message.incarnation, 'incarnation');
    writeName(writer, message.sender, 'sender');
    switch (message.type) {
      case 'ping':
      case 'pingReq':
        writer.u32(message.probeId);
        writeName(writer, message.target, 'target');
        break;
      case 'ack':
      case 'nack':
        writer.u32(message.probeId);
        break;
      case 'gossip':
      case 'leave':
        break;
    }
    writer.u8(message.gossip.length);
    for (const entry of message.gossip) gossipEntryCodec.encode(entry, writer);
  },

  decode(reader: Reader): Packet {
    const start = reader.offset;
    const magic = reader.u16('magic');
    if (magic !== MAGIC) throw reader.malformed(`bad magic 0x${magic.toString(16)}`, start);
    const version = reader.u8('version');
    if (version !== PROTOCOL_VERSION) {
      throw new DecodeError(DecodeFailure.unsupported, `protocol version ${version} is not supported`, {
        offset: start + 2,
      });
    }
    const typeCode = reader.u8('type');
    const type = messageTypeName(typeCode);
    if (type === undefined) throw reader.malformed(`unknown message type ${typeCode}`, start + 3);
    const keyId = reader.u32('key id');
    const epoch = readSafeU64(reader, 'epoch');
    const seq = reader.u32('sequence number');
    const timestamp = readSafeU64(reader, 'timestamp');
    const incarnation = readSafeU64(reader, 'incarnation');
    const sender = readName(reader, 'sender');
    const header: PacketHeader = { keyId, epoch, seq, timestamp };
    let message: Message;
    switch (type) {
      case 'ping':
      case 'pingReq': {
        const probeId = reader.u32('probe id');
        const target = readName(reader, 'target');
        message = { type, sender, incarnation, probeId, target, gossip: readGossip(reader) };
        break;
      }
      case 'ack':
      case 'nack': {
        const probeId = reader.u32('probe id');
        message = { type, sender, incarnation, probeId, gossip: readGossip(reader) };
        break;
      }
      case 'gossip':
      case 'leave':
        message = { type, sender, incarnation, gossip: readGossip(reader) };
        break;
    }
    return { header, message };
  },
};

function readGossip(reader: Reader): GossipEntry[] {
  const count = reader.u8('gossip count');
  const entries: GossipEntry[] = [];
  for (let i = 0; i < count; i++) entries.push(gossipEntryCodec.decode(reader));
  return entries;
}

/** Encoded size of a message's body (between the sender name and the gossip count). */
function bodyLength(message: Message): number {
  switch (message.type) {
    case 'ping':
    case 'pingReq':
      return 4 + nameLength(message.target);
    case 'ack':
    case 'nack':
      return 4;
    case 'gossip':
    case 'leave':
      return 0;
  }
}

/**
 * Size on the wire of a datagram carrying `message` with no gossip, tag included. The pure
 * core uses it to fit piggybacked entries under `maxPacketBytes`.
 */
export function baseDatagramLength(message: Message): number {
  return FIXED_HEADER_BYTES + nameLength(message.sender) + bodyLength(message) + 1 + TAG_BYTES;
}

/** Size on the wire of the whole datagram, tag included. */
export function datagramLength(message: Message): number {
  let n = baseDatagramLength(message);
  for (const e of message.gossip) n += gossipEntryLength(e);
  return n;
}
