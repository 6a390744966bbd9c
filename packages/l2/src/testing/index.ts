// Test support for @ironlb/l2 and its users: fakes (in-memory segment, links, clock),
// fast-check arbitraries, the golden frames and the PacketSocket contract suite.
export * from './arbitraries.js';
export { goldenFrame, goldenFrames } from './golden-frames.js';
export { ManualClock } from './manual-clock.js';
export { StaticLinkSource } from './static-link-source.js';
export { MemorySegment, MemoryPacketSocket } from '../node/memory-socket.js';
export { describePacketSocketContract, type PacketSocketPair } from './packet-socket-contract.js';
