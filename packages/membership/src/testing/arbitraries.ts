// fast-check arbitraries for the membership codecs (used by the codec tests; not exported).
import { fc } from '@fast-check/vitest';
import type { GossipEntry } from '../core/codec/gossip-entry.js';
import type { Message, Packet, PacketHeader } from '../core/codec/packet.js';

const nameChar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
export const arbName = fc.oneof(
  fc.string({ unit: nameChar, minLength: 1, maxLength: 20 }),
  fc.string({ unit: nameChar, minLength: 1, maxLength: 253 }),
);
const safeU64 = fc.oneof(
  fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER),
  fc.nat({ max: Number.MAX_SAFE_INTEGER }),
);
const u32 = fc.nat({ max: 0xffffffff });

export const arbGossipEntry: fc.Arbitrary<GossipEntry> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('alive' as const, 'left' as const),
    member: arbName,
    incarnation: safeU64,
  }),
  fc.record({
    kind: fc.constantFrom('suspect' as const, 'dead' as const),
    member: arbName,
    incarnation: safeU64,
    from: arbName,
  }),
);

export const arbHeader: fc.Arbitrary<PacketHeader> = fc.record({
  keyId: u32,
  epoch: safeU64,
  seq: u32,
  timestamp: safeU64,
});

const common = { sender: arbName, incarnation: safeU64, gossip: fc.array(arbGossipEntry, { maxLength: 6 }) };
export const arbMessage: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), probeId: u32, target: arbName, ...common }),
  fc.record({ type: fc.constant('pingReq' as const), probeId: u32, target: arbName, ...common }),
  fc.record({ type: fc.constant('ack' as const), probeId: u32, ...common }),
  fc.record({ type: fc.constant('nack' as const), probeId: u32, ...common }),
  fc.record({ type: fc.constant('gossip' as const), ...common }),
  fc.record({ type: fc.constant('leave' as const), ...common }),
);

export const arbPacket: fc.Arbitrary<Packet> = fc.record({ header: arbHeader, message: arbMessage });
