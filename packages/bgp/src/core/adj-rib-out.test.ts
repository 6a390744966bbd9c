import { describe, expect, it } from 'vitest';
import { it as fcIt, fc } from '@fast-check/vitest';
import { AdvertisementTable, toPrefixKey, type Advertisement } from './advertisement.js';
import { countByFamily, diffRib } from './adj-rib-out.js';
import { prefixFromKey, prefixKey } from './codec/prefix.js';
import { prefixText } from '../testing/prefixes.js';

const rib = (ads: Advertisement[]) => AdvertisementTable.from(ads).rib;
const buildRib = (ads: Advertisement[]) => AdvertisementTable.from(ads);

describe('diffRib', () => {
  it('announces everything to a peer that has nothing, grouped by family and attributes', () => {
    const d = diffRib(
      rib([
        { prefix: '198.51.100.10/32' },
        { prefix: '198.51.100.11/32' },
        { prefix: '198.51.100.12/32', communities: ['64512:1'] },
        { prefix: '2001:db8::10/128' },
      ]),
      new Map(),
    );
    expect(d.withdraw).toEqual([]);
    expect(d.announce.map((g) => [g.family, g.prefixes.length])).toEqual([
      [4, 2],
      [4, 1],
      [6, 1],
    ]);
  });

  it('sends nothing when desired equals advertised', () => {
    const a = rib([{ prefix: '198.51.100.10/32', communities: ['64512:1', '64512:2'] }]);
    const b = rib([{ prefix: '198.51.100.10/32', communities: ['64512:2', '64512:1', '64512:1'] }]);
    expect(diffRib(a, b)).toEqual({ announce: [], withdraw: [] });
  });

  it('re-announces a prefix whose attributes changed and withdraws removed ones', () => {
    const before = rib([{ prefix: '198.51.100.10/32' }, { prefix: '198.51.100.11/32' }]);
    const after = rib([{ prefix: '198.51.100.10/32', localPref: 200 }]);
    const d = diffRib(after, before);
    expect(d.announce.flatMap((g) => g.prefixes)).toEqual(['4/32/c633640a']);
    expect(d.withdraw).toEqual(['4/32/c633640b']);
  });

  fcIt.prop([fc.uniqueArray(fc.nat({ max: 255 })), fc.uniqueArray(fc.nat({ max: 255 }))])(
    'applying the diff to the advertised table gives the desired table',
    (a, b) => {
      const ads = (xs: number[]) => xs.map((x) => ({ prefix: `198.51.100.${x}/32`, med: x % 3 }));
      const advertised = rib(ads(a));
      const desired = rib(ads(b));
      const d = diffRib(desired, advertised);
      const result = new Map(advertised);
      for (const k of d.withdraw) result.delete(k);
      for (const g of d.announce) for (const k of g.prefixes) result.set(k, g.attributes);
      expect([...result.keys()].sort()).toEqual([...desired.keys()].sort());
      for (const [k, a] of result) expect(a.key).toBe(desired.get(k)!.key);
    },
  );
});

describe('AdvertisementTable / normalizeAdvertisement', () => {
  it('reports invalid and duplicate advertisements with reasons', () => {
    const { rib: r, rejected } = buildRib([
      { prefix: '198.51.100.10/32' },
      { prefix: '198.51.100.10/32' },
      { prefix: '198.51.100.1/24' },
      { prefix: '300.0.0.0/8' },
      { prefix: '2001:db8::/32', nextHop: '192.0.2.11' },
      { prefix: '198.51.100.20/32', communities: ['65536:1'] },
      { prefix: '198.51.100.21/32', largeCommunities: ['1:2'] },
      { prefix: '198.51.100.22/32', localPref: -1 },
      { prefix: '198.51.100.23/32', med: 2 ** 32 },
      { prefix: '198.51.100.24/32', nextHop: 'nope' },
      { prefix: '198.51.100.25/32', communities: Array.from({ length: 901 }, (_, i) => i) },
    ]);
    expect(r.size).toBe(1);
    expect(rejected.map((x) => x.reason)).toEqual([
      'duplicatePrefix',
      'invalidPrefix',
      'invalidPrefix',
      'nextHopFamilyMismatch',
      'invalidCommunity',
      'invalidLargeCommunity',
      'invalidLocalPref',
      'invalidMed',
      'invalidNextHop',
      'tooManyCommunities',
    ]);
  });

  it('parses community spellings and shares equal attribute sets', () => {
    const { rib: r } = buildRib([
      { prefix: '198.51.100.10/32', communities: ['64512:100', 'no-export', 0xffffff02, 'NO_ADVERTISE'] },
      { prefix: '198.51.100.11/32', communities: ['no-export', '64512:100', 'no-advertise'] },
    ]);
    const [a, b] = [...r.values()];
    expect(a!.communities).toEqual([64512 * 65536 + 100, 0xffffff01, 0xffffff02]);
    expect(a).toBe(b);
  });

  it('accepts netaddr values and IPv6 text', async () => {
    const { Prefix, IPAddress } = await import('@ironlb/netaddr');
    const { rib: r, rejected } = buildRib([
      { prefix: Prefix.parse('2001:db8:100::/48'), nextHop: IPAddress.parse('2001:db8::11') },
      {
        prefix: '2001:db8::10/128',
        largeCommunities: ['64512:1:2', { globalAdministrator: 1, localData1: 2, localData2: 3 }],
      },
    ]);
    expect(rejected).toEqual([]);
    expect([...r.keys()]).toEqual(['6/48/20010db80100', '6/128/20010db8000000000000000000000010']);
  });
});

describe('prefix keys', () => {
  it('parse strict IPv4 text without objects, and agree with the generic path', () => {
    for (const t of ['0.0.0.0/0', '10.0.0.0/8', '198.51.100.10/32', '255.255.255.255/32', '192.0.2.128/25']) {
      const k = toPrefixKey(t)!;
      expect(prefixText(prefixFromKey(k))).toBe(t);
      expect(prefixKey(prefixFromKey(k))).toBe(k);
    }
    for (const bad of [
      '010.0.0.0/8',
      '1.2.3/24',
      '1.2.3.4/33',
      '1.2.3.4/24',
      '1.2.3.4/',
      '1.2.3.4/08',
      '256.0.0.0/8',
      '1.2.3.4.5/32',
      ' 1.2.3.4/32',
    ]) {
      expect(toPrefixKey(bad), bad).toBeUndefined();
    }
  });

  fcIt.prop([fc.nat({ max: 0xffffffff }), fc.nat({ max: 32 })])(
    'IPv4 fast path equals the netaddr path',
    (v, len) => {
      const masked = len === 0 ? 0 : (v & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
      const text = `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${len}`;
      expect(toPrefixKey(text)).toBe(prefixKey(prefixFromKey(toPrefixKey(text)!)));
      expect(prefixText(prefixFromKey(toPrefixKey(text)!))).toBe(text);
    },
  );

  it('counts per family', () => {
    expect(countByFamily(rib([{ prefix: '198.51.100.1/32' }, { prefix: '2001:db8::/32' }]))).toEqual({
      ipv4: 1,
      ipv6: 1,
    });
  });
});
