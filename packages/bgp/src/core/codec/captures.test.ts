import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex } from '@ironlb/wire';
import { firstDifference } from '@ironlb/wire/testing';
import { ipBytes, ipv4Number, prefix, prefixText } from '../../testing/prefixes.js';
import { BgpDecodeError } from '../errors.js';
import { checkOpen } from '../fsm/open-check.js';
import type { FsmConfig } from '../fsm/types.js';
import { createFramer } from './framer.js';
import { decodeMessage, encodeMessage, type BgpMessage } from './message.js';
import { capabilitiesOf, type OpenMessage } from './open.js';
import { checkUpdate } from './update-check.js';
import type { UpdateMessage } from './update.js';

// Layers 1 and 5 of the codec tests: real captures from FRR 8.4 and BIRD 2.0.12 (see
// test/fixtures/PROVENANCE.md) decode to the expected values and re-encode to the same bytes;
// the hostile-input corpus in test/crashers never throws anything but a BgpDecodeError.

const root = join(import.meta.dirname, '..', '..', '..', 'test');
const fixtures = readdirSync(join(root, 'fixtures')).filter((f) => f.endsWith('.hex'));
const crashers = readdirSync(join(root, 'crashers')).filter((f) => f.endsWith('.hex'));
const read = (dir: string, f: string) => fromHex(readFileSync(join(root, dir, f), 'utf8'));
const ctx = { fourOctetAs: true, extendedMessage: false };

function capture(name: string): BgpMessage {
  return decodeMessage(read('fixtures', name), ctx);
}

const ours: FsmConfig = {
  localAs: 64513,
  peerAs: 64512,
  bgpIdentifier: ipv4Number('192.0.2.11'),
  holdTime: 90,
  connectRetryTime: 30,
  passive: false,
  capabilities: [
    { kind: 'multiprotocol', afi: 1, safi: 1 },
    { kind: 'multiprotocol', afi: 2, safi: 1 },
    { kind: 'routeRefresh' },
    { kind: 'fourOctetAs', asn: 64513 },
    { kind: 'extendedMessage' },
  ],
  gracefulRestart: { restartTime: 120, families: [4, 6] },
  damping: { initialIdleHoldTime: 1, maxIdleHoldTime: 120, stableTime: 60 },
};

describe('captured messages', () => {
  it('the fixture globs match files', () => {
    expect(fixtures.length).toBeGreaterThan(10);
    expect(crashers.length).toBeGreaterThan(10);
  });

  it.each(fixtures)('%s decodes and re-encodes to the same bytes', (f) => {
    const bytes = read('fixtures', f);
    const m = decodeMessage(bytes, ctx);
    expect(m.type === 'update' ? m.errors : undefined).toBeUndefined();
    expect(encodeMessage(m, ctx)).toEqual(bytes);
  });

  it('FRR OPEN: one capability per parameter, negotiated against ours', () => {
    const open = capture('frr-8.4-open.hex') as OpenMessage;
    expect(open).toMatchObject({
      version: 4,
      myAutonomousSystem: 64512,
      holdTime: 180,
      bgpIdentifier: ipv4Number('192.0.2.1'),
    });
    const caps = capabilitiesOf(open);
    expect(open.optionalParameters).toHaveLength(caps.length);
    expect(caps.map((c) => (c.kind === 'unknown' ? c.code : c.kind))).toEqual([
      'multiprotocol',
      'multiprotocol',
      128,
      'routeRefresh',
      'enhancedRouteRefresh',
      'fourOctetAs',
      'extendedMessage',
      69,
      73,
      'gracefulRestart',
      71,
    ]);
    const v = checkOpen(open, ours);
    expect(v.ok && v.negotiated).toMatchObject({
      holdTime: 90,
      families: [4, 6],
      fourOctetAs: true,
      extendedMessage: true,
      gracefulRestart: true,
      routeRefresh: true,
    });
  });

  it('BIRD OPEN: all capabilities in one parameter', () => {
    const open = capture('bird-2.0.12-open.hex') as OpenMessage;
    expect(open.optionalParameters).toHaveLength(1);
    expect(open.holdTime).toBe(240);
    const gr = capabilitiesOf(open).find((c) => c.kind === 'gracefulRestart');
    expect(gr).toMatchObject({
      restartTime: 120,
      families: [
        { afi: 1, safi: 1 },
        { afi: 2, safi: 1 },
      ],
    });
    expect(checkOpen(open, ours).ok).toBe(true);
  });

  it('FRR IPv4 UPDATE: attributes as configured, AS_PATH with a needless Extended Length bit kept', () => {
    const u = capture('frr-8.4-update-ipv4.hex') as UpdateMessage;
    expect(u.nlri.map(prefixText)).toEqual(['203.0.113.0/24']);
    expect(u.pathAttributes).toEqual([
      { type: 'ORIGIN', origin: 0 },
      { type: 'AS_PATH', segments: [{ type: 2, asns: [64512] }], flags: 0x50 },
      { type: 'NEXT_HOP', nextHop: ipBytes('192.0.2.1') },
      { type: 'MULTI_EXIT_DISC', med: 20 },
      { type: 'COMMUNITIES', communities: [64512 * 65536 + 100, 0xffffff01] },
      {
        type: 'LARGE_COMMUNITY',
        communities: [{ globalAdministrator: 64512, localData1: 1, localData2: 2 }],
      },
    ]);
    expect(checkUpdate(u, { external: true, peerAs: 64512, fourOctetAs: true }).handling).toBeUndefined();
  });

  it('FRR IPv6 UPDATE: MP_REACH_NLRI with global and link-local next hops', () => {
    const u = capture('frr-8.4-update-ipv6.hex') as UpdateMessage;
    const mp = u.pathAttributes[0]!;
    expect(mp.type === 'MP_REACH_NLRI' && mp.nextHop.subarray(0, 16)).toEqual(ipBytes('2001:db8::1'));
    expect(mp.type === 'MP_REACH_NLRI' && mp.nextHop.length).toBe(32);
    expect(mp.type === 'MP_REACH_NLRI' && mp.nlri).toEqual([prefix('2001:db8:100::/48')]);
    expect(checkUpdate(u, { external: true, peerAs: 64512, fourOctetAs: true }).announced).toBe(1);
  });

  it('BIRD UPDATEs: communities and large communities, IPv6 next hop', () => {
    const v4 = capture('bird-2.0.12-update-ipv4.hex') as UpdateMessage;
    expect(v4.nlri.map(prefixText)).toEqual(['198.51.100.0/24']);
    expect(v4.pathAttributes.map((a) => a.type)).toEqual([
      'ORIGIN',
      'AS_PATH',
      'NEXT_HOP',
      'COMMUNITIES',
      'LARGE_COMMUNITY',
    ]);
    const v6 = capture('bird-2.0.12-update-ipv6.hex') as UpdateMessage;
    const mp = v6.pathAttributes.find((a) => a.type === 'MP_REACH_NLRI');
    expect(mp?.type === 'MP_REACH_NLRI' && mp.nlri.map(prefixText)).toEqual(['2001:db8:200::/48']);
  });

  it.each([
    ['frr-8.4-update-ipv4-eor.hex', 4],
    ['frr-8.4-update-ipv6-eor.hex', 6],
    ['bird-2.0.12-update-ipv4-eor.hex', 4],
    ['bird-2.0.12-update-ipv6-eor.hex', 6],
  ] as const)('%s is an End-of-RIB for IPv%i', (f, family) => {
    const u = capture(f) as UpdateMessage;
    expect(checkUpdate(u, { external: true, peerAs: 64512, fourOctetAs: true }).endOfRib).toBe(family);
  });

  it('both routers answer a broken marker with Connection Not Synchronized', () => {
    for (const f of ['frr-8.4-notification-1-1.hex', 'bird-2.0.12-notification-1-1.hex']) {
      expect(capture(f)).toEqual({ type: 'notification', code: 1, subcode: 1, data: new Uint8Array(0) });
    }
  });

  it('the framer splits a stream of all captures, cut at every 7 octets', () => {
    const all = fixtures.map((f) => read('fixtures', f));
    const stream = new Uint8Array(all.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of all) {
      stream.set(b, at);
      at += b.length;
    }
    const framer = createFramer();
    const out: BgpMessage[] = [];
    for (let i = 0; i < stream.length; i += 7) {
      framer.push(stream.subarray(i, i + 7));
      for (let f = framer.next(); f; f = framer.next()) out.push(decodeMessage(f, ctx));
    }
    expect(
      firstDifference(
        out,
        all.map((b) => decodeMessage(b, ctx)),
      ),
    ).toBeUndefined();
  });
});

describe('hostile-input corpus', () => {
  it.each(crashers)('%s throws only BgpDecodeError', (f) => {
    const bytes = read('crashers', f);
    for (const c of [ctx, { fourOctetAs: false, extendedMessage: true }]) {
      try {
        const framer = createFramer({ maxLength: 65535 });
        framer.push(bytes);
        const frame = framer.next() ?? bytes;
        const m = decodeMessage(frame, c);
        if (m.type === 'update')
          checkUpdate(m, { external: true, peerAs: 64512, fourOctetAs: c.fourOctetAs });
      } catch (err) {
        expect(err).toBeInstanceOf(BgpDecodeError);
      }
    }
  });
});
