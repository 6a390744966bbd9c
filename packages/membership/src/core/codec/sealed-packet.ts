import type { Codec, Reader, Writer } from '@ironlb/wire';
import { DecodeError, DecodeFailure } from '@ironlb/wire';
import { MAGIC, MIN_PACKET_BYTES, PROTOCOL_VERSION, TAG_BYTES } from './constants.js';

/**
 * A datagram as it arrives, split into the authenticated bytes and the tag, before anything
 * else is trusted. Only the magic, the version and the key id (bytes 0..7, see `packet.ts`) are
 * read here: the receiver needs the key id to pick the key, and it parses nothing more until
 * the tag checks out.
 *
 * ```
 * +--------------------------------------------+---------------------------+
 * | authenticated bytes (packet.ts), >= 39     | HMAC-SHA256 tag, 32 bytes |
 * +--------------------------------------------+---------------------------+
 * ```
 * The sealed packet fills the whole datagram: UDP gives us its length.
 */
export interface SealedPacket {
  keyId: number;
  /** The authenticated bytes: magic through the last gossip entry. */
  signed: Uint8Array;
  tag: Uint8Array;
}

export const sealedPacketCodec: Codec<SealedPacket> = {
  encode(packet: SealedPacket, writer: Writer): void {
    if (packet.tag.length !== TAG_BYTES) throw new RangeError(`tag must be ${TAG_BYTES} bytes`);
    if (packet.signed.length + TAG_BYTES < MIN_PACKET_BYTES) throw new RangeError('signed bytes too short');
    writer.bytes(packet.signed).bytes(packet.tag);
  },

  decode(reader: Reader): SealedPacket {
    const start = reader.offset;
    if (reader.remaining < MIN_PACKET_BYTES) {
      throw new DecodeError(
        DecodeFailure.truncated,
        `datagram of ${reader.remaining} bytes is shorter than the ${MIN_PACKET_BYTES}-byte minimum`,
        { offset: start },
      );
    }
    const all = reader.rest();
    const magic = (all[0]! << 8) | all[1]!;
    if (magic !== MAGIC)
      throw new DecodeError(DecodeFailure.malformed, `bad magic 0x${magic.toString(16)}`, { offset: start });
    if (all[2] !== PROTOCOL_VERSION) {
      throw new DecodeError(DecodeFailure.unsupported, `protocol version ${all[2]} is not supported`, {
        offset: start + 2,
      });
    }
    const keyId = ((all[4]! << 24) | (all[5]! << 16) | (all[6]! << 8) | all[7]!) >>> 0;
    return {
      keyId,
      signed: all.subarray(0, all.length - TAG_BYTES),
      tag: all.subarray(all.length - TAG_BYTES),
    };
  },
};
