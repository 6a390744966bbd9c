import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IPAddress } from '@ironlb/netaddr';
import { fromHex, toHex } from '@ironlb/wire';
import { goldenFrame } from '../testing/golden-frames.js';
import {
  arpFrame,
  arpProbeFrame,
  arpRequestFrame,
  dadProbeFrame,
  gratuitousArpFrames,
  neighborAdvertisementFrame,
  neighborSolicitationFrame,
  ndpFrame,
} from './frames.js';
import { decodeL2Frame } from './frame.js';
import { respond, type OwnershipPhase, type ResponderResult } from './responder.js';

const ip = (s: string) => IPAddress.parse(s);
const US = '02:00:00:00:00:02';
const CLIENT = '02:00:00:00:00:04';
const OTHER = '02:00:00:00:00:03';
const VIP4 = ip('192.0.2.11'); // the address the captured client asked for
const VIP6 = ip('2001:db8::11');
const PROBING4 = ip('192.0.2.50');
const PROBING6 = ip('2001:db8::50');

const owned = new Map<string, OwnershipPhase>([
  [VIP4.toString(), 'answer'],
  [VIP6.toString(), 'answer'],
  [PROBING4.toString(), 'probing'],
  [PROBING6.toString(), 'probing'],
]);
const ctx = { mac: US, phaseOf: (a: IPAddress) => owned.get(a.toString()) };
const run = (frame: Uint8Array) => respond(frame, ctx);
const dropOf = (r: ResponderResult) => (r.kind === 'drop' ? r.reason : r.kind);

describe('responder: ARP', () => {
  it('answers a captured arping request with what the Linux kernel answered', () => {
    const r = run(goldenFrame('arp-request-arping'));
    expect(r.kind).toBe('reply');
    if (r.kind !== 'reply') return;
    // The kernel's reply, padded; the request's tha was broadcast and the reply's tha is the requester.
    const kernel = new Uint8Array(60);
    kernel.set(goldenFrame('arp-reply-linux'));
    expect(toHex(r.frame)).toBe(toHex(kernel));
    expect(r.ip.equals(VIP4)).toBe(true);
  });

  it('answers unicast requests (NUD re-probes) and probes from 0.0.0.0', () => {
    expect(
      run(arpRequestFrame({ senderIp: ip('192.0.2.100'), senderMac: CLIENT, target: VIP4, unicastTo: US }))
        .kind,
    ).toBe('reply');
    const probe = run(arpProbeFrame(VIP4, CLIENT));
    expect(probe.kind).toBe('reply');
    if (probe.kind === 'reply') {
      const f = decodeL2Frame(probe.frame);
      expect(f.kind === 'arp' && f.arp.targetProtocolAddress.toString()).toBe('0.0.0.0');
      expect(f.ethernet.destination).toBe(CLIENT);
    }
  });

  it.each([
    [
      'request for an address we do not own',
      arpRequestFrame({ senderIp: ip('192.0.2.100'), senderMac: CLIENT, target: ip('192.0.2.99') }),
      'notOwned',
    ],
    [
      'request unicast to another host',
      arpRequestFrame({ senderIp: ip('192.0.2.100'), senderMac: CLIENT, target: VIP4, unicastTo: OTHER }),
      'notForThisHost',
    ],
    [
      'our own frame',
      arpRequestFrame({ senderIp: ip('192.0.2.100'), senderMac: US, target: VIP4 }),
      'ownFrame',
    ],
    [
      'request for an address being probed',
      arpRequestFrame({ senderIp: ip('192.0.2.100'), senderMac: CLIENT, target: PROBING4 }),
      'probing',
    ],
    ['a gratuitous ARP for another address', gratuitousArpFrames(ip('192.0.2.99'), OTHER)[0], 'notRequest'],
    [
      'an ARP reply between others',
      goldenFrame('arp-gratuitous-reply-arping').map((b, i) => (i >= 6 && i < 12 ? 0x0f : b)),
      'notRequest',
    ],
    ['a truncated frame', goldenFrame('arp-request-arping').subarray(0, 30), 'truncated'],
    ['bad ARP lengths', goldenFrame('arp-request-arping').map((b, i) => (i === 18 ? 8 : b)), 'malformed'],
    ['RARP', goldenFrame('arp-request-arping').map((b, i) => (i === 21 ? 3 : b)), 'unsupported'],
    ['IPv4 EtherType', goldenFrame('arp-request-arping').map((b, i) => (i === 13 ? 0 : b)), 'unsupported'],
  ])('drops %s', (_name, frame, reason) => {
    expect(dropOf(run(frame))).toBe(reason);
  });

  it('reports another MAC speaking from an owned address as a conflict, in every ARP form', () => {
    for (const frame of [
      ...gratuitousArpFrames(VIP4, OTHER),
      arpRequestFrame({ senderIp: VIP4, senderMac: OTHER, target: ip('192.0.2.1') }),
      arpFrame(CLIENT, OTHER, {
        operation: 2,
        senderHardwareAddress: OTHER,
        senderProtocolAddress: VIP4,
        targetHardwareAddress: CLIENT,
        targetProtocolAddress: ip('192.0.2.100'),
      }),
    ]) {
      expect(run(frame)).toMatchObject({
        kind: 'conflict',
        protocol: 'arp',
        mac: OTHER,
        evidence: 'arpSender',
        phase: 'answer',
      });
    }
  });

  it('while probing, another host’s reply or probe for the address is a conflict (RFC 5227 section 2.1.1)', () => {
    expect(run(gratuitousArpFrames(PROBING4, OTHER)[1])).toMatchObject({
      kind: 'conflict',
      evidence: 'arpSender',
      phase: 'probing',
    });
    expect(run(arpProbeFrame(PROBING4, OTHER))).toMatchObject({
      kind: 'conflict',
      evidence: 'arpProbe',
      phase: 'probing',
    });
  });
});

describe('responder: NDP', () => {
  it('answers a captured Linux NS with a solicited NA like the kernel’s', () => {
    const r = run(goldenFrame('ns-linux'));
    expect(r.kind).toBe('reply');
    if (r.kind !== 'reply') return;
    const ours = decodeL2Frame(r.frame);
    const kernel = decodeL2Frame(goldenFrame('na-linux-solicited'));
    expect(ours.ethernet).toMatchObject({ destination: CLIENT, source: US });
    if (ours.kind !== 'ndp' || kernel.kind !== 'ndp') throw new Error('not NDP');
    expect(ours.ndp).toEqual(kernel.ndp);
  });

  it('answers a unicast NS (NUD) and a DAD probe (to all nodes, S clear)', () => {
    const nud = run(
      neighborSolicitationFrame({
        source: ip('2001:db8::100'),
        sourceMac: CLIENT,
        target: VIP6,
        unicastTo: US,
      }),
    );
    expect(nud.kind).toBe('reply');
    const dad = run(dadProbeFrame(VIP6, OTHER));
    expect(dad.kind).toBe('reply');
    if (dad.kind !== 'reply') return;
    const f = decodeL2Frame(dad.frame);
    expect(f.ethernet.destination).toBe('33:33:00:00:00:01');
    expect(f.kind === 'ndp' && f.ndp.message).toMatchObject({ solicited: false, override: true });
  });

  const ns = (
    over: Partial<{
      hop: number;
      code: number;
      target: IPAddress;
      source: IPAddress;
      sll: boolean;
      dst: IPAddress;
    }> = {},
  ) => {
    const target = over.target ?? VIP6;
    return ndpFrame('33:33:ff:00:00:11', CLIENT, {
      source: over.source ?? ip('2001:db8::100'),
      destination: over.dst ?? ip('ff02::1:ff00:11'),
      message: {
        type: 'neighborSolicitation',
        code: over.code ?? 0,
        targetAddress: target,
        options: over.sll === false ? [] : [{ type: 'sourceLinkLayerAddress', address: CLIENT }],
      },
    });
  };
  const withHop = (frame: Uint8Array, hop: number) => {
    // hop limit is not covered by the ICMPv6 checksum
    const f = frame.slice();
    f[21] = hop;
    return f;
  };
  it.each([
    ['NS for an address we do not own', ns({ target: ip('2001:db8::99') }), 'notOwned'],
    ['NS for an address being probed', ns({ target: PROBING6 }), 'probing'],
    ['hop limit 64 (RFC 4861 section 7.1.1)', withHop(ns(), 64), 'badHopLimit'],
    ['ICMPv6 code 1', ns({ code: 1 }), 'badCode'],
    ['multicast target', ns({ target: ip('ff02::1') }), 'invalidNdp'],
    ['DAD from :: with a source link-layer option', ns({ source: ip('::') }), 'invalidNdp'],
    ['DAD from :: to all nodes', ns({ source: ip('::'), sll: false, dst: ip('ff02::1') }), 'invalidNdp'],
    [
      'an NA for another address',
      neighborAdvertisementFrame({
        target: ip('2001:db8::99'),
        mac: OTHER,
        destination: ip('ff02::1'),
        destinationMac: '33:33:00:00:00:01',
        solicited: false,
      }),
      'notRequest',
    ],
    [
      'an NA to all nodes with S set',
      neighborAdvertisementFrame({
        target: VIP6,
        mac: OTHER,
        destination: ip('ff02::1'),
        destinationMac: '33:33:00:00:00:01',
        solicited: true,
      }),
      'invalidNdp',
    ],
    ['a Router Solicitation', goldenFrame('rs-linux'), 'unsupported'],
    ['a bad checksum', goldenFrame('ns-linux').map((b, i) => (i === 57 ? b ^ 1 : b)), 'malformed'],
    ['a truncated NS', goldenFrame('ns-linux').subarray(0, 70), 'truncated'],
  ])('drops %s', (_name, frame, reason) => {
    expect(dropOf(run(frame))).toBe(reason);
  });

  it('reports conflicts: NA for an owned address with another MAC, NS from an owned address, DAD while probing', () => {
    expect(
      run(
        neighborAdvertisementFrame({
          target: VIP6,
          mac: OTHER,
          destination: ip('ff02::1'),
          destinationMac: '33:33:00:00:00:01',
          solicited: false,
        }),
      ),
    ).toMatchObject({
      kind: 'conflict',
      protocol: 'ndp',
      mac: OTHER,
      evidence: 'neighborAdvertisement',
      phase: 'answer',
    });
    expect(
      run(neighborSolicitationFrame({ source: VIP6, sourceMac: OTHER, target: ip('2001:db8::1') })),
    ).toMatchObject({
      kind: 'conflict',
      evidence: 'neighborSolicitationSource',
    });
    expect(run(dadProbeFrame(PROBING6, OTHER))).toMatchObject({
      kind: 'conflict',
      evidence: 'dadProbe',
      phase: 'probing',
    });
    // Our own NA coming back is not a conflict.
    expect(
      dropOf(
        run(
          neighborAdvertisementFrame({
            target: VIP6,
            mac: US,
            destination: ip('ff02::1'),
            destinationMac: '33:33:00:00:00:01',
            solicited: false,
          }).map((b, i) => (i >= 6 && i < 12 ? 0x0e : b)),
        ),
      ),
    ).toBe('notRequest');
  });
});

describe('responder: any input', () => {
  test.prop([fc.uint8Array({ maxLength: 128 })])('never throws, whatever the bytes', (bytes) => {
    expect(['reply', 'drop', 'conflict']).toContain(run(bytes).kind);
  });
  test.prop([
    fc.nat(),
    fc.integer({ min: 1, max: 255 }),
    fc.constantFrom('arp-request-arping', 'ns-linux', 'ns-dad-linux', 'na-linux-solicited'),
  ])('never throws on a corrupted real frame', (at, xor, name) => {
    const f = goldenFrame(name).slice();
    f[at % f.length] ^= xor;
    expect(['reply', 'drop', 'conflict']).toContain(run(f).kind);
  });
  it('fromHex sanity', () => expect(fromHex('00').length).toBe(1));
});
