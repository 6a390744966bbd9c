import { describe, expect, it } from 'vitest';
import { selectInterfaces, type LinkFacts } from './interface-selection.js';

const link = (name: string, over: Partial<LinkFacts> = {}): LinkFacts => ({
  name,
  up: true,
  loopback: false,
  noarp: false,
  enslaved: false,
  hwtype: 1,
  ...over,
});

const links = [
  link('lo', { loopback: true, hwtype: 772 }),
  link('eth0'),
  link('eth1', { up: false }),
  link('ens3'),
  link('br0'),
  link('veth9', { enslaved: true }),
  link('tun0', { noarp: true, hwtype: 65534 }),
  link('gre1', { noarp: true }),
];

describe('selectInterfaces', () => {
  it('with no selector: every Ethernet link that is up, not loopback, NOARP or enslaved', () => {
    expect(selectInterfaces(links)).toEqual([
      { name: 'lo', eligible: false, reason: 'loopback' },
      { name: 'eth0', eligible: true },
      { name: 'eth1', eligible: false, reason: 'down' },
      { name: 'ens3', eligible: true },
      { name: 'br0', eligible: true },
      { name: 'veth9', eligible: false, reason: 'enslaved' },
      { name: 'tun0', eligible: false, reason: 'notEthernet' },
      { name: 'gre1', eligible: false, reason: 'noarp' },
    ]);
  });

  it('by name list and by pattern (either matches)', () => {
    const eligible = (sel: Parameters<typeof selectInterfaces>[1]) =>
      selectInterfaces(links, sel)
        .filter((d) => d.eligible)
        .map((d) => d.name);
    expect(eligible({ names: ['eth0', 'eth1', 'nosuch'] })).toEqual(['eth0']);
    expect(eligible({ pattern: '^e' })).toEqual(['eth0', 'ens3']);
    expect(eligible({ names: ['br0'], pattern: '^ens' })).toEqual(['ens3', 'br0']);
    expect(selectInterfaces(links, { names: ['eth0'] })[3]).toEqual({
      name: 'ens3',
      eligible: false,
      reason: 'notSelected',
    });
    expect(selectInterfaces(links, { names: ['veth9'] })[5]).toEqual({
      name: 'veth9',
      eligible: false,
      reason: 'enslaved',
    });
  });
});
