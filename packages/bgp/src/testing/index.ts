// Test helpers of @ironlb/bgp: builders, fakes and the manual clock, for this package's tests
// and for other packages (the speaker) that drive sessions without sockets.
export { prefix, prefixText, ipBytes, ipv4Number } from './prefixes.js';
export { ManualClock } from './manual-clock.js';
export { MemoryNetwork, MemorySocket, memorySocketPair } from './memory-network.js';
export { FakePeer, flush } from './fake-peer.js';
