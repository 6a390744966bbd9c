import { fc } from '@fast-check/vitest';
import { AuthType, type BfdState } from '../core/constants.js';
import type { AuthenticationSection } from '../core/codec/auth-section.js';
import type { ControlPacket } from '../core/codec/control-packet.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

export const authSectionArb: fc.Arbitrary<AuthenticationSection> = fc.oneof(
  fc.record({
    type: fc.constant(AuthType.SimplePassword),
    keyId: fc.integer({ min: 0, max: 255 }),
    password: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    type: fc.constantFrom(AuthType.KeyedMD5, AuthType.MeticulousKeyedMD5),
    keyId: fc.integer({ min: 0, max: 255 }),
    sequenceNumber: u32,
    digest: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  }),
  fc.record({
    type: fc.constantFrom(AuthType.KeyedSHA1, AuthType.MeticulousKeyedSHA1),
    keyId: fc.integer({ min: 0, max: 255 }),
    sequenceNumber: u32,
    digest: fc.uint8Array({ minLength: 20, maxLength: 20 }),
  }),
);

export const controlPacketArb: fc.Arbitrary<ControlPacket> = fc
  .record({
    diagnostic: fc.integer({ min: 0, max: 31 }),
    state: fc.integer({ min: 0, max: 3 }).map((n) => n as BfdState),
    poll: fc.boolean(),
    final: fc.boolean(),
    controlPlaneIndependent: fc.boolean(),
    demand: fc.boolean(),
    multipoint: fc.boolean(),
    detectMult: fc.integer({ min: 0, max: 255 }),
    myDiscriminator: u32,
    yourDiscriminator: u32,
    desiredMinTxInterval: u32,
    requiredMinRxInterval: u32,
    requiredMinEchoRxInterval: u32,
    authentication: fc.option(authSectionArb, { nil: undefined }),
  })
  .map(({ authentication, ...rest }) => (authentication ? { ...rest, authentication } : rest));
