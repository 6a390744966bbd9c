// fast-check arbitraries for the l2 wire structures (property tests here and in other packages).
import fc from 'fast-check';
import { IPAddress } from '@ironlb/netaddr';
import type { ArpPacket } from '../core/arp.js';
import type { EthernetFrame } from '../core/ethernet.js';
import { macFromBytes, type MacAddress } from '../core/mac.js';
import type { NdpMessage, NdpOption, NdpPacket } from '../core/ndp.js';

export const macArb: fc.Arbitrary<MacAddress> = fc
  .uint8Array({ minLength: 6, maxLength: 6 })
  .map((b) => macFromBytes(b));

export const ipv4Arb: fc.Arbitrary<IPAddress> = fc
  .uint8Array({ minLength: 4, maxLength: 4 })
  .map((b) => IPAddress.fromBytes(b));

export const ipv6Arb: fc.Arbitrary<IPAddress> = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => IPAddress.fromBytes(b));

export const arpPacketArb: fc.Arbitrary<ArpPacket> = fc.record({
  operation: fc.constantFrom(1 as const, 2 as const),
  senderHardwareAddress: macArb,
  senderProtocolAddress: ipv4Arb,
  targetHardwareAddress: macArb,
  targetProtocolAddress: ipv4Arb,
});

export const ndpOptionArb: fc.Arbitrary<NdpOption> = fc.oneof(
  fc.record({ type: fc.constant('sourceLinkLayerAddress' as const), address: macArb }),
  fc.record({ type: fc.constant('targetLinkLayerAddress' as const), address: macArb }),
  fc.record({
    type: fc.constant('other' as const),
    optionType: fc.integer({ min: 3, max: 255 }),
    body: fc
      .integer({ min: 1, max: 4 })
      .chain((units) => fc.uint8Array({ minLength: units * 8 - 2, maxLength: units * 8 - 2 })),
  }),
);

export const ndpMessageArb: fc.Arbitrary<NdpMessage> = fc.oneof(
  fc.record({
    type: fc.constant('neighborSolicitation' as const),
    code: fc.integer({ min: 0, max: 255 }),
    targetAddress: ipv6Arb,
    options: fc.array(ndpOptionArb, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('neighborAdvertisement' as const),
    code: fc.integer({ min: 0, max: 255 }),
    router: fc.boolean(),
    solicited: fc.boolean(),
    override: fc.boolean(),
    targetAddress: ipv6Arb,
    options: fc.array(ndpOptionArb, { maxLength: 4 }),
  }),
);

export const ndpPacketArb: fc.Arbitrary<NdpPacket> = fc.record({
  source: ipv6Arb,
  destination: ipv6Arb,
  hopLimit: fc.integer({ min: 0, max: 255 }),
  trafficClass: fc.integer({ min: 0, max: 255 }),
  flowLabel: fc.integer({ min: 0, max: 0xfffff }),
  message: ndpMessageArb,
});

export const ethernetFrameArb: fc.Arbitrary<EthernetFrame> = fc.record({
  destination: macArb,
  source: macArb,
  etherType: fc.integer({ min: 0x0600, max: 0xffff }),
  payload: fc.uint8Array({ maxLength: 100 }),
});
