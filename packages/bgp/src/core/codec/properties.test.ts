import { describe, expect } from 'vitest';
import { it as fcIt, fc } from '@fast-check/vitest';
import { Writer } from '@ironlb/wire';
import { firstDifference } from '@ironlb/wire/testing';
import { BgpDecodeError } from '../errors.js';
import type { PathAttribute } from './attribute-types.js';
import type { Capability } from './capabilities.js';
import { createFramer } from './framer.js';
import { decodeMessage, encodeMessage, type BgpMessage, type MessageContext } from './message.js';
import type { OpenMessage } from './open.js';
import { prefixFromAddress, type BgpPrefix } from './prefix.js';

// Layer 4 of the codec tests (STYLE.md 2.7): arbitrary bytes never throw anything but a
// BgpDecodeError, and decode(encode(x)) deep-equals x for arbitrary messages.

const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.nat({ max: 0xffff });
const u8 = fc.nat({ max: 0xff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

const prefix4 = fc
  .tuple(bytes(4, 4), fc.nat({ max: 32 }))
  .map(([a, l]): BgpPrefix => prefixFromAddress(a, l));
const prefix6 = fc
  .tuple(bytes(16, 16), fc.nat({ max: 128 }))
  .map(([a, l]): BgpPrefix => prefixFromAddress(a, l));

const segments = (asn: fc.Arbitrary<number>) =>
  fc.array(
    fc.record({ type: fc.integer({ min: 1, max: 4 }), asns: fc.array(asn, { minLength: 1, maxLength: 8 }) }),
    {
      minLength: 0,
      maxLength: 3,
    },
  );

function attributeArb(fourOctetAs: boolean): fc.Arbitrary<PathAttribute> {
  const asn = fourOctetAs ? u32 : u16;
  return fc.oneof(
    fc.record({ type: fc.constant('ORIGIN' as const), origin: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ type: fc.constant('AS_PATH' as const), segments: segments(asn) }),
    fc.record({ type: fc.constant('NEXT_HOP' as const), nextHop: bytes(4, 4) }),
    fc.record({ type: fc.constant('MULTI_EXIT_DISC' as const), med: u32 }),
    fc.record({ type: fc.constant('LOCAL_PREF' as const), localPref: u32 }),
    fc.constant({ type: 'ATOMIC_AGGREGATE' as const }),
    fc.record({ type: fc.constant('AGGREGATOR' as const), asn, address: bytes(4, 4) }),
    fc.record({
      type: fc.constant('COMMUNITIES' as const),
      communities: fc.array(u32, { minLength: 1, maxLength: 10 }),
    }),
    fc.record({ type: fc.constant('ORIGINATOR_ID' as const), originatorId: u32 }),
    fc.record({
      type: fc.constant('CLUSTER_LIST' as const),
      clusterIds: fc.array(u32, { minLength: 1, maxLength: 5 }),
    }),
    fc.record({
      type: fc.constant('MP_REACH_NLRI' as const),
      afi: fc.constant(2),
      safi: fc.constant(1),
      nextHop: fc.oneof(bytes(16, 16), bytes(32, 32)),
      nlri: fc.array(prefix6, { maxLength: 20 }),
    }),
    fc.record({
      type: fc.constant('MP_UNREACH_NLRI' as const),
      afi: fc.constant(1),
      safi: fc.constant(1),
      withdrawn: fc.array(prefix4, { maxLength: 20 }),
    }),
    fc.record({
      type: fc.constant('EXTENDED_COMMUNITIES' as const),
      communities: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ type: fc.constant('AS4_PATH' as const), segments: segments(u32) }),
    fc.record({ type: fc.constant('AS4_AGGREGATOR' as const), asn: u32, address: bytes(4, 4) }),
    fc.record({
      type: fc.constant('LARGE_COMMUNITY' as const),
      communities: fc.array(fc.record({ globalAdministrator: u32, localData1: u32, localData2: u32 }), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
    fc.record({
      type: fc.constant('UNKNOWN' as const),
      code: fc.integer({ min: 100, max: 255 }),
      flags: fc.constantFrom(0x80, 0xc0, 0xe0),
      value: bytes(0, 40),
    }),
  );
}

function updateArb(fourOctetAs: boolean): fc.Arbitrary<BgpMessage> {
  return fc
    .record({
      withdrawnRoutes: fc.array(prefix4, { maxLength: 30 }),
      pathAttributes: fc.uniqueArray(attributeArb(fourOctetAs), {
        maxLength: 8,
        selector: (a) => (a.type === 'UNKNOWN' ? a.code : a.type),
      }),
      nlri: fc.array(prefix4, { maxLength: 30 }),
    })
    .map((u) => ({ type: 'update' as const, ...u }));
}

const capabilityArb: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ kind: fc.constant('multiprotocol' as const), afi: u16, safi: u8 }),
  fc.constant({ kind: 'routeRefresh' as const }),
  fc.constant({ kind: 'extendedMessage' as const }),
  fc.constant({ kind: 'enhancedRouteRefresh' as const }),
  fc.record({ kind: fc.constant('fourOctetAs' as const), asn: u32 }),
  fc.record({
    kind: fc.constant('gracefulRestart' as const),
    restartState: fc.boolean(),
    notification: fc.boolean(),
    restartTime: fc.nat({ max: 4095 }),
    families: fc.array(fc.record({ afi: u16, safi: u8, forwardingState: fc.boolean() }), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    code: fc.integer({ min: 128, max: 255 }),
    value: bytes(0, 20),
  }),
);

const openArb: fc.Arbitrary<OpenMessage> = fc.record({
  type: fc.constant('open' as const),
  version: u8,
  myAutonomousSystem: u16,
  holdTime: u16,
  bgpIdentifier: u32,
  optionalParameters: fc.array(
    fc.oneof(
      fc.record({
        type: fc.constant('capabilities' as const),
        capabilities: fc.array(capabilityArb, { maxLength: 5 }),
      }),
      fc.record({
        type: fc.constant('unknown' as const),
        parameterType: fc.integer({ min: 3, max: 254 }),
        value: bytes(0, 10),
      }),
    ),
    { maxLength: 4 },
  ),
});

const messageArb = (fourOctetAs: boolean): fc.Arbitrary<BgpMessage> =>
  fc.oneof(
    openArb,
    updateArb(fourOctetAs),
    fc.constant({ type: 'keepalive' as const }),
    fc.record({ type: fc.constant('notification' as const), code: u8, subcode: u8, data: bytes(0, 30) }),
    fc.record({ type: fc.constant('routeRefresh' as const), afi: u16, subtype: u8, safi: u8 }),
  );

function expectOnlyDecodeErrors(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof BgpDecodeError)) throw err;
  }
}

function withHeader(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(19 + body.length).fill(0xff);
  out[16] = out.length >> 8;
  out[17] = out.length & 0xff;
  out[18] = type;
  out.set(body, 19);
  return out;
}

describe('codec properties', () => {
  for (const fourOctetAs of [true, false]) {
    const ctx: MessageContext = { fourOctetAs, extendedMessage: true };
    fcIt.prop([messageArb(fourOctetAs)], { numRuns: 400 })(
      `decode(encode(x)) equals x (fourOctetAs=${fourOctetAs})`,
      (m) => {
        const encoded = encodeMessage(m, ctx);
        const decoded = decodeMessage(encoded, ctx);
        expect(firstDifference(decoded, m)).toBeUndefined();
      },
    );
  }

  fcIt.prop([bytes(0, 200)], { numRuns: 500 })('arbitrary bytes throw only BgpDecodeError', (b) => {
    expectOnlyDecodeErrors(() => decodeMessage(b));
  });

  fcIt.prop([fc.integer({ min: 1, max: 5 }), bytes(0, 300), fc.boolean()], { numRuns: 2000 })(
    'arbitrary bodies behind a valid header throw only BgpDecodeError',
    (type, body, fourOctetAs) => {
      expectOnlyDecodeErrors(() =>
        decodeMessage(withHeader(type, body), { fourOctetAs, extendedMessage: false }),
      );
    },
  );

  fcIt.prop([updateArb(true), fc.nat(), fc.nat({ max: 255 })], { numRuns: 1000 })(
    'an UPDATE with one corrupted byte throws only BgpDecodeError',
    (m, at, value) => {
      const ctx = { fourOctetAs: true, extendedMessage: true };
      const b = encodeMessage(m, ctx).slice();
      const i = 19 + (at % Math.max(1, b.length - 19));
      if (i < b.length) b[i] = value;
      expectOnlyDecodeErrors(() => decodeMessage(b, ctx));
    },
  );

  fcIt.prop([
    fc.array(messageArb(true), { minLength: 1, maxLength: 6 }),
    fc.array(fc.nat({ max: 64 }), { minLength: 1 }),
  ])('the framer yields the same messages however the stream is cut', (messages, cuts) => {
    const ctx = { fourOctetAs: true, extendedMessage: true };
    const w = new Writer();
    for (const m of messages) w.bytes(encodeMessage(m, ctx));
    const stream = w.finish();
    const framer = createFramer({ maxLength: 65535 });
    const out: BgpMessage[] = [];
    let at = 0;
    let i = 0;
    while (at < stream.length) {
      const n = Math.max(1, cuts[i++ % cuts.length]!);
      framer.push(stream.subarray(at, at + n));
      at += n;
      for (let f = framer.next(); f; f = framer.next()) out.push(decodeMessage(f, ctx));
    }
    expect(framer.buffered).toBe(0);
    expect(firstDifference(out, messages)).toBeUndefined();
  });

  fcIt.prop([fc.array(bytes(0, 100), { maxLength: 10 })], { numRuns: 500 })(
    'the framer throws only BgpDecodeError on arbitrary streams',
    (chunks) => {
      const framer = createFramer();
      expectOnlyDecodeErrors(() => {
        for (const c of chunks) {
          framer.push(c);
          for (let f = framer.next(); f; f = framer.next()) decodeMessage(f);
        }
      });
    },
  );
});
