import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex } from '@ironlb/wire';
import { expectRoundTrip } from '@ironlb/wire/testing';
import { ipBytes, ipv4Number, prefix } from '../../testing/prefixes.js';
import { Afi, CeaseSubcode, Safi } from '../constants.js';
import { ceaseNotification, describeNotification, shutdownCommunication } from './notification.js';
import { decodeMessage, encodeMessage, messageCodec, type BgpMessage } from './message.js';
import { capabilitiesOf, type OpenMessage } from './open.js';
import type { UpdateMessage } from './update.js';

// Golden vectors built field by field from the RFC figures (mdlayher-style segments), and
// checked both ways through the wire round-trip harness.
const marker = 'ff'.repeat(16);
const four = { fourOctetAs: true, extendedMessage: false };
const two = { fourOctetAs: false, extendedMessage: false };

function hdr(length: number, type: number): string {
  return marker + length.toString(16).padStart(4, '0') + type.toString(16).padStart(2, '0');
}

describe('KEEPALIVE (RFC 4271 §4.4)', () => {
  it('is the 19-octet header alone', () => {
    expectRoundTrip(messageCodec(), { type: 'keepalive' }, hdr(19, 4));
  });
});

describe('OPEN (RFC 4271 §4.2, RFC 5492, RFC 4760, RFC 6793, RFC 4724, RFC 2918)', () => {
  const open: OpenMessage = {
    type: 'open',
    version: 4,
    myAutonomousSystem: 64513,
    holdTime: 90,
    bgpIdentifier: ipv4Number('192.0.2.11'),
    optionalParameters: [
      {
        type: 'capabilities',
        capabilities: [
          { kind: 'multiprotocol', afi: Afi.IPv4, safi: Safi.Unicast },
          { kind: 'multiprotocol', afi: Afi.IPv6, safi: Safi.Unicast },
          { kind: 'routeRefresh' },
          { kind: 'fourOctetAs', asn: 64513 },
          {
            kind: 'gracefulRestart',
            restartState: true,
            notification: false,
            restartTime: 120,
            families: [
              { afi: 1, safi: 1, forwardingState: true },
              { afi: 2, safi: 1, forwardingState: true },
            ],
          },
        ],
      },
    ],
  };
  const segments = [
    '04', // version
    'fc01', // my AS 64513
    '005a', // hold time 90
    'c000020b', // BGP identifier 192.0.2.11
    '22', // opt parm len 34
    '02 20', // parameter type 2 (capabilities), length 32
    '01 04 0001 00 01', // MP IPv4 unicast
    '01 04 0002 00 01', // MP IPv6 unicast
    '02 00', // route refresh
    '41 04 0000fc01', // 4-octet AS 64513
    '40 0a 8078 0001 01 80 0002 01 80', // GR: R bit, 120 s; IPv4 and IPv6 with F bit
  ].join(' ');

  it('encodes every capability as the RFC lays it out', () => {
    expectRoundTrip(messageCodec(), open, hdr(29 + 34, 1) + segments);
  });

  it('keeps one-capability-per-parameter layouts (FRR) distinct from all-in-one (BIRD)', () => {
    const split: OpenMessage = {
      ...open,
      optionalParameters: [
        { type: 'capabilities', capabilities: [{ kind: 'routeRefresh' }] },
        { type: 'capabilities', capabilities: [{ kind: 'fourOctetAs', asn: 4200000001 }] },
      ],
    };
    const bytes = expectRoundTrip(
      messageCodec(),
      split,
      hdr(29 + 12, 1) + '04 fc01 005a c000020b 0c 0202 0200 0206 4104 fa56ea01',
    );
    const decoded = decodeMessage(bytes) as OpenMessage;
    expect(capabilitiesOf(decoded)).toEqual([
      { kind: 'routeRefresh' },
      { kind: 'fourOctetAs', asn: 4200000001 },
    ]);
  });

  it('keeps unknown capabilities and parameters as bytes', () => {
    const m: OpenMessage = {
      ...open,
      optionalParameters: [
        {
          type: 'capabilities',
          capabilities: [{ kind: 'unknown', code: 73, value: fromHex('0472747231 00') }],
        },
        { type: 'unknown', parameterType: 9, value: fromHex('abcd') },
      ],
    };
    expectRoundTrip(messageCodec(), m);
  });

  it('uses the RFC 9072 extended parameter length when capabilities exceed 255 octets', () => {
    const big: OpenMessage = {
      ...open,
      optionalParameters: [
        { type: 'capabilities', capabilities: [{ kind: 'unknown', code: 200, value: new Uint8Array(250) }] },
        { type: 'capabilities', capabilities: [{ kind: 'unknown', code: 201, value: new Uint8Array(10) }] },
      ],
    };
    const bytes = expectRoundTrip(messageCodec(), big);
    expect(bytes.subarray(28, 32)).toEqual(Uint8Array.of(255, 255, 0x01, 0x0e));
  });
});

describe('UPDATE (RFC 4271 §4.3, RFC 4760, RFC 1997, RFC 8092)', () => {
  it('IPv4 route with ORIGIN, AS_PATH (4-octet), NEXT_HOP, MED, COMMUNITIES, LARGE_COMMUNITY', () => {
    const m: UpdateMessage = {
      type: 'update',
      withdrawnRoutes: [],
      pathAttributes: [
        { type: 'ORIGIN', origin: 0 },
        { type: 'AS_PATH', segments: [{ type: 2, asns: [64513] }] },
        { type: 'NEXT_HOP', nextHop: ipBytes('192.0.2.11') },
        { type: 'MULTI_EXIT_DISC', med: 10 },
        { type: 'COMMUNITIES', communities: [64513 * 65536 + 100, 0xffffff01] },
        {
          type: 'LARGE_COMMUNITY',
          communities: [{ globalAdministrator: 64513, localData1: 1, localData2: 2 }],
        },
      ],
      nlri: [prefix('198.51.100.10/32'), prefix('203.0.113.0/24')],
    };
    const attrs = [
      '40 01 01 00', // ORIGIN IGP
      '40 02 06 02 01 0000fc01', // AS_PATH: AS_SEQUENCE of 1, AS 64513
      '40 03 04 c000020b', // NEXT_HOP 192.0.2.11
      '80 04 04 0000000a', // MED 10
      'c0 08 08 fc010064 ffffff01', // COMMUNITIES 64513:100, NO_EXPORT
      'c0 20 0c 0000fc01 00000001 00000002', // LARGE_COMMUNITY 64513:1:2
    ].join('');
    const body = '0000' + '0035' + attrs + '20 c633640a' + '18 cb0071';
    expectRoundTrip(messageCodec(four), m, hdr(19 + 4 + 53 + 9, 2) + body);
  });

  it('2-octet AS_PATH when 4-octet AS was not negotiated, with AS4_PATH', () => {
    const m: UpdateMessage = {
      type: 'update',
      withdrawnRoutes: [],
      pathAttributes: [
        { type: 'ORIGIN', origin: 0 },
        { type: 'AS_PATH', segments: [{ type: 2, asns: [23456] }] },
        { type: 'NEXT_HOP', nextHop: ipBytes('192.0.2.11') },
        { type: 'AS4_PATH', segments: [{ type: 2, asns: [4200000001] }] },
      ],
      nlri: [prefix('198.51.100.10/32')],
    };
    expectRoundTrip(
      messageCodec(two),
      m,
      hdr(19 + 4 + 27 + 5, 2) +
        '0000 001b 40010100 4002040201 5ba0 4003 04 c000020b c0 11 06 0201 fa56ea01 20c633640a',
    );
  });

  it('IPv6 route in MP_REACH_NLRI with global and link-local next hops (RFC 2545)', () => {
    const nh = concatBytes(ipBytes('2001:db8::11'), ipBytes('fe80::ff:fe00:2'));
    const m: UpdateMessage = {
      type: 'update',
      withdrawnRoutes: [],
      pathAttributes: [
        { type: 'MP_REACH_NLRI', afi: 2, safi: 1, nextHop: nh, nlri: [prefix('2001:db8:100::10/128')] },
        { type: 'ORIGIN', origin: 0 },
        { type: 'AS_PATH', segments: [{ type: 2, asns: [64513] }] },
        { type: 'LOCAL_PREF', localPref: 200 },
      ],
      nlri: [],
    };
    const mp =
      '90 0e 0036 0002 01 20 20010db8000000000000000000000011 fe80000000000000000000fffe000002 00 80 20010db8010000000000000000000010';
    const bytes = expectRoundTrip(messageCodec(four), m);
    expect(bytes.subarray(23, 23 + 58)).toEqual(fromHex(mp));
  });

  it('withdrawals: IPv4 in Withdrawn Routes, IPv6 in MP_UNREACH_NLRI', () => {
    const v4: UpdateMessage = {
      type: 'update',
      withdrawnRoutes: [prefix('198.51.100.10/32'), prefix('10.0.0.0/8')],
      pathAttributes: [],
      nlri: [],
    };
    expectRoundTrip(messageCodec(four), v4, hdr(23 + 7, 2) + '0007 20c633640a 080a 0000');
    const v6: UpdateMessage = {
      type: 'update',
      withdrawnRoutes: [],
      pathAttributes: [{ type: 'MP_UNREACH_NLRI', afi: 2, safi: 1, withdrawn: [prefix('2001:db8::/32')] }],
      nlri: [],
    };
    expectRoundTrip(messageCodec(four), v6, hdr(23 + 12, 2) + '0000 000c 900f 0008 0002 01 20 20010db8');
  });

  it('End-of-RIB markers (RFC 4724 §2)', () => {
    const eor4: UpdateMessage = { type: 'update', withdrawnRoutes: [], pathAttributes: [], nlri: [] };
    expectRoundTrip(messageCodec(four), eor4, hdr(23, 2) + '0000 0000');
    const eor6: UpdateMessage = {
      type: 'update',
      withdrawnRoutes: [],
      pathAttributes: [{ type: 'MP_UNREACH_NLRI', afi: 2, safi: 1, withdrawn: [], flags: 0x80 }],
      nlri: [],
    };
    // FRR and BIRD write the IPv6 End-of-RIB with a 1-octet attribute length.
    expectRoundTrip(messageCodec(four), eor6, hdr(29, 2) + '0000 0006 800f03 000201');
  });

  it('keeps unknown optional transitive attributes and non-canonical flags', () => {
    const m: UpdateMessage = {
      type: 'update',
      withdrawnRoutes: [],
      pathAttributes: [
        { type: 'ORIGIN', origin: 2, flags: 0x50 },
        { type: 'UNKNOWN', code: 99, flags: 0xe0, value: fromHex('010203') },
        { type: 'EXTENDED_COMMUNITIES', communities: [0x0002fde800000064n] },
        { type: 'ATOMIC_AGGREGATE' },
        { type: 'AGGREGATOR', asn: 64513, address: ipBytes('192.0.2.11') },
        { type: 'ORIGINATOR_ID', originatorId: 1 },
        { type: 'CLUSTER_LIST', clusterIds: [1, 2] },
        { type: 'AS4_AGGREGATOR', asn: 4200000001, address: ipBytes('192.0.2.11') },
      ],
      nlri: [],
    };
    const bytes = expectRoundTrip(messageCodec(four), m);
    expect(bytes.subarray(23, 28)).toEqual(fromHex('50 01 0001 02'));
  });
});

describe('NOTIFICATION (RFC 4271 §4.5, RFC 9003)', () => {
  it('Cease / Administrative Shutdown with a shutdown communication', () => {
    const m = ceaseNotification(CeaseSubcode.AdministrativeShutdown, 'bye');
    expectRoundTrip(messageCodec(), m, hdr(25, 3) + '06 02 03 627965');
    expect(shutdownCommunication(m)).toBe('bye');
    expect(describeNotification(m)).toBe('Cease/AdministrativeShutdown: bye');
  });

  it('truncates a long communication to 255 octets on a UTF-8 boundary', () => {
    const m = ceaseNotification(CeaseSubcode.AdministrativeReset, 'é'.repeat(200));
    expect(m.data[0]).toBe(254);
    expect(shutdownCommunication(m)).toBe('é'.repeat(127));
  });

  it('Hold Timer Expired has no data', () => {
    const m: BgpMessage = { type: 'notification', code: 4, subcode: 0, data: new Uint8Array(0) };
    expectRoundTrip(messageCodec(), m, hdr(21, 3) + '0400');
  });
});

describe('ROUTE-REFRESH (RFC 2918, RFC 7313)', () => {
  it('AFI, subtype, SAFI', () => {
    expectRoundTrip(
      messageCodec(),
      { type: 'routeRefresh', afi: 2, subtype: 0, safi: 1 },
      hdr(23, 5) + '0002 00 01',
    );
  });
});

describe('encodeMessage limits', () => {
  it('refuses an UPDATE over 4096 octets unless Extended Message was negotiated (RFC 8654)', () => {
    const nlri = Array.from({ length: 1100 }, (_, i) => prefix(`10.${i >> 8}.${i & 255}.0/24`));
    const m: UpdateMessage = { type: 'update', withdrawnRoutes: [], pathAttributes: [], nlri };
    expect(() => encodeMessage(m, four)).toThrow(expect.objectContaining({ code: 'ERR_IRONLB_BGP_ENCODE' }));
    expect(encodeMessage(m, { fourOctetAs: true, extendedMessage: true }).length).toBe(4423);
  });
});
