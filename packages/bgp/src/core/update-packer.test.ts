import { describe, expect, it } from 'vitest';
import { it as fcIt, fc } from '@fast-check/vitest';
import { Writer } from '@ironlb/wire';
import { ipBytes, prefixText } from '../testing/prefixes.js';
import { createFramer } from './codec/framer.js';
import { decodeMessage, type BgpMessage } from './codec/message.js';
import { prefixFromAddress, prefixKey, type BgpPrefix } from './codec/prefix.js';
import type { UpdateMessage } from './codec/update.js';
import { checkUpdate } from './codec/update-check.js';
import { routeAttributes } from './route.js';
import { groupTable } from './adj-rib-out.js';
import { packAnnouncements, packEndOfRib, packWithdrawals, type ExportContext } from './update-packer.js';

const ebgp: ExportContext = {
  localAs: 64513,
  internal: false,
  fourOctetAs: true,
  maxLength: 4096,
  nextHop4: ipBytes('192.0.2.11'),
  nextHop6: ipBytes('2001:db8::11'),
};

function hosts(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    prefixKey(prefixFromAddress(Uint8Array.of(198, 18, i >> 8, i & 255), 32)),
  );
}

const keys = (ps: BgpPrefix[]) => ps.map(prefixKey);

function frames(bytes: Uint8Array, maxLength: number): UpdateMessage[] {
  const f = createFramer({ maxLength });
  f.push(bytes);
  const out: BgpMessage[] = [];
  for (let m = f.next(); m; m = f.next()) {
    expect(m.length).toBeLessThanOrEqual(maxLength);
    out.push(decodeMessage(m, { fourOctetAs: true, extendedMessage: maxLength > 4096 }));
  }
  return out as UpdateMessage[];
}

describe('packAnnouncements', () => {
  it('packs 10,000 /32s into 13 UPDATEs of at most 4096 octets', () => {
    const w = new Writer();
    const n = packAnnouncements(w, 4, routeAttributes({}), hosts(10_000), ebgp);
    const updates = frames(w.finish(), 4096);
    expect(n).toBe(13);
    expect(updates).toHaveLength(13);
    expect(updates.reduce((s, u) => s + u.nlri.length, 0)).toBe(10_000);
    expect(updates[0]!.pathAttributes).toEqual([
      { type: 'ORIGIN', origin: 0 },
      { type: 'AS_PATH', segments: [{ type: 2, asns: [64513] }] },
      { type: 'NEXT_HOP', nextHop: ipBytes('192.0.2.11') },
    ]);
    for (const u of updates) {
      expect(checkUpdate(u, { external: true, peerAs: 64513, fourOctetAs: true }).handling).toBeUndefined();
    }
  });

  it('packs into one 50 KB UPDATE with Extended Message (RFC 8654)', () => {
    const w = new Writer();
    expect(packAnnouncements(w, 4, routeAttributes({}), hosts(10_000), { ...ebgp, maxLength: 65535 })).toBe(
      1,
    );
    expect(frames(w.finish(), 65535)[0]!.nlri).toHaveLength(10_000);
  });

  it('iBGP: empty AS_PATH, LOCAL_PREF, MED, communities and large communities', () => {
    const w = new Writer();
    const attrs = routeAttributes({
      communities: [64512 * 65536 + 7],
      largeCommunities: [{ globalAdministrator: 64512, localData1: 1, localData2: 2 }],
      localPref: 250,
      med: 5,
    });
    packAnnouncements(w, 4, attrs, hosts(1), { ...ebgp, internal: true, localAs: 64512 });
    expect(frames(w.finish(), 4096)[0]!.pathAttributes.map((a) => a.type)).toEqual([
      'ORIGIN',
      'AS_PATH',
      'NEXT_HOP',
      'MULTI_EXIT_DISC',
      'LOCAL_PREF',
      'COMMUNITIES',
      'LARGE_COMMUNITY',
    ]);
  });

  it('writes AS_TRANS and AS4_PATH to a 2-octet peer when our ASN needs 4 octets (RFC 6793)', () => {
    const w = new Writer();
    packAnnouncements(w, 4, routeAttributes({}), hosts(1), {
      ...ebgp,
      localAs: 4200000001,
      fourOctetAs: false,
    });
    const f = createFramer();
    f.push(w.finish());
    const u = decodeMessage(f.next()!, { fourOctetAs: false, extendedMessage: false }) as UpdateMessage;
    expect(u.pathAttributes).toContainEqual({ type: 'AS_PATH', segments: [{ type: 2, asns: [23456] }] });
    expect(u.pathAttributes).toContainEqual({
      type: 'AS4_PATH',
      segments: [{ type: 2, asns: [4200000001] }],
    });
  });

  it('IPv6 in MP_REACH_NLRI first, with global and link-local next hops', () => {
    const w = new Writer();
    const ctx = { ...ebgp, nextHop6LinkLocal: ipBytes('fe80::ff:fe00:2') };
    const v6 = Array.from({ length: 300 }, (_, i) =>
      prefixFromAddress(ipBytes(`2001:db8:100::${i.toString(16)}`), 128),
    );
    expect(packAnnouncements(w, 6, routeAttributes({}), keys(v6), ctx)).toBe(2);
    const us = frames(w.finish(), 4096);
    const mp = us[0]!.pathAttributes[0]!;
    expect(mp.type).toBe('MP_REACH_NLRI');
    expect(mp.type === 'MP_REACH_NLRI' && mp.nextHop.length).toBe(32);
    const all = us.flatMap((u) =>
      u.pathAttributes[0]!.type === 'MP_REACH_NLRI' ? u.pathAttributes[0]!.nlri : [],
    );
    expect(all.map(prefixText)).toEqual(v6.map(prefixText));
    expect(us[0]!.nlri).toEqual([]);
  });

  it('writes nothing without a next hop of the family', () => {
    const w = new Writer();
    expect(
      packAnnouncements(w, 6, routeAttributes({}), [prefixKey(prefixFromAddress(new Uint8Array(16), 0))], {
        ...ebgp,
        nextHop6: undefined,
      }),
    ).toBe(0);
    expect(w.length).toBe(0);
  });
});

describe('packWithdrawals and End-of-RIB', () => {
  it('withdraws IPv4 in Withdrawn Routes and IPv6 in MP_UNREACH_NLRI', () => {
    const w = new Writer();
    packWithdrawals(w, 4, hosts(2000), 4096);
    const v6 = [prefixFromAddress(ipBytes('2001:db8::10'), 128)];
    packWithdrawals(w, 6, keys(v6), 4096);
    const us = frames(w.finish(), 4096);
    expect(us.slice(0, -1).reduce((s, u) => s + u.withdrawnRoutes.length, 0)).toBe(2000);
    expect(us.at(-1)!.pathAttributes).toEqual([{ type: 'MP_UNREACH_NLRI', afi: 2, safi: 1, withdrawn: v6 }]);
  });

  it('End-of-RIB markers decode as such', () => {
    const w = new Writer();
    packEndOfRib(w, 4);
    packEndOfRib(w, 6);
    const us = frames(w.finish(), 4096);
    expect(us.map((u) => checkUpdate(u, { external: true, peerAs: 1, fourOctetAs: true }).endOfRib)).toEqual([
      4, 6,
    ]);
  });

  fcIt.prop([
    fc.array(fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat({ max: 128 })), {
      maxLength: 800,
    }),
    fc.constantFrom(4096, 65535),
  ])('every IPv6 prefix comes out exactly once, in messages within the limit', (raw, maxLength) => {
    const ps = raw.map(([a, l]) => prefixFromAddress(a, l));
    const w = new Writer();
    packAnnouncements(w, 6, routeAttributes({}), keys(ps), { ...ebgp, maxLength });
    packWithdrawals(w, 6, keys(ps), maxLength);
    const us = frames(w.finish(), maxLength);
    const announced = us.flatMap((u) =>
      u.pathAttributes.flatMap((a) => (a.type === 'MP_REACH_NLRI' ? a.nlri : [])),
    );
    const withdrawn = us.flatMap((u) =>
      u.pathAttributes.flatMap((a) => (a.type === 'MP_UNREACH_NLRI' ? a.withdrawn : [])),
    );
    expect(announced.map(prefixText)).toEqual(ps.map(prefixText));
    expect(withdrawn.map(prefixText)).toEqual(ps.map(prefixText));
  });

  it('refuses attributes that leave no room for NLRI instead of looping', () => {
    const w = new Writer();
    const attrs = routeAttributes({ communities: Array.from({ length: 1100 }, (_, i) => i) });
    expect(() => packAnnouncements(w, 4, attrs, hosts(1), ebgp)).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_BGP_ENCODE' }),
    );
  });

  fcIt.prop([
    fc.array(fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat({ max: 128 })), {
      maxLength: 600,
    }),
    fc.constantFrom(4096, 65535),
  ])('pre-encoded NLRI (groupTable) packs to the same bytes as prefix keys', (raw, maxLength) => {
    const attrs = routeAttributes({});
    const rib = new Map(raw.map(([a, l]) => [prefixKey(prefixFromAddress(a, l)), attrs] as const));
    const [g] = groupTable(rib);
    if (!g) return;
    const a = new Writer();
    const b = new Writer();
    const ctx = { ...ebgp, maxLength };
    expect(packAnnouncements(a, 6, attrs, g.prefixes, ctx)).toBe(packAnnouncements(b, 6, attrs, g.nlri, ctx));
    expect(a.finish()).toEqual(b.finish());
  });
});
