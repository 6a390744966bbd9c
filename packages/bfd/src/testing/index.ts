// Test helpers for @ironlb/bfd and its consumers: builders, fast-check arbitraries, a pcap reader.
export { controlPacketArb, authSectionArb } from './arbitraries.js';
export { readPcapUdp, type CapturedDatagram } from './pcap.js';
export * as sessionBuilders from './session-builders.js';
