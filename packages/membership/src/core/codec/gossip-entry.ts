import type { Codec, Reader, Writer } from '@ironlb/wire';
import { GossipKind, gossipKindName } from './constants.js';
import { nameLength, readName, readSafeU64, writeName, writeSafeU64 } from './fields.js';

/**
 * One piece of membership news, piggybacked on probe traffic (SWIM section 4.1 "infection-style
 * dissemination"). `alive` and `left` are claims a member makes about itself (or that others
 * repeat); `suspect` and `dead` name the member that raised them in `from`, which is how
 * independent suspicions are counted (Lifeguard section IV.B).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Kind      |                                               |
 * +-+-+-+-+-+-+-+-+        Incarnation (64 bits)                  +
 * |                                                               |
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |  Member Len   |  Member name (1..253 bytes)  ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   From Len    |  From name (suspect, dead: 1..253 bytes; alive, left: absent, Len = 0) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Kind: 1 alive, 2 suspect, 3 dead, 4 left.
 * ```
 */
export type GossipEntry =
  | { kind: 'alive' | 'left'; member: string; incarnation: number }
  | { kind: 'suspect' | 'dead'; member: string; incarnation: number; from: string };

export const gossipEntryCodec: Codec<GossipEntry> = {
  encode(entry: GossipEntry, writer: Writer): void {
    writer.u8(GossipKind[entry.kind]);
    writeSafeU64(writer, entry.incarnation, 'incarnation');
    writeName(writer, entry.member, 'member');
    if (entry.kind === 'suspect' || entry.kind === 'dead') writeName(writer, entry.from, 'from');
    else writer.u8(0);
  },

  decode(reader: Reader): GossipEntry {
    const at = reader.offset;
    const code = reader.u8('gossip kind');
    const kind = gossipKindName(code);
    if (kind === undefined) throw reader.malformed(`unknown gossip kind ${code}`, at);
    const incarnation = readSafeU64(reader, 'incarnation');
    const member = readName(reader, 'member');
    if (kind === 'suspect' || kind === 'dead') {
      return { kind, member, incarnation, from: readName(reader, 'from') };
    }
    const fromAt = reader.offset;
    const fromLen = reader.u8('from length');
    if (fromLen !== 0) throw reader.malformed(`${kind} entry must not carry a from name`, fromAt);
    return { kind, member, incarnation };
  },
};

/** Encoded size of one entry, for piggyback budgets. */
export function gossipEntryLength(entry: GossipEntry): number {
  const from = entry.kind === 'suspect' || entry.kind === 'dead' ? nameLength(entry.from) : 1;
  return 1 + 8 + nameLength(entry.member) + from;
}
