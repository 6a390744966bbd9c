// Test helpers for @ironlb/bfd and its consumers: a manual clock/scheduler, an in-memory UDP
// network, session builders, fast-check arbitraries and a pcap reader.
export { ManualScheduler } from './manual-scheduler.js';
export { MemoryNetwork, type MemoryDatagram } from './memory-network.js';
export { controlPacketArb, authSectionArb } from './arbitraries.js';
export { readPcapUdp, type CapturedDatagram } from './pcap.js';
export * as sessionBuilders from './session-builders.js';
