// rtnetlink link listing and change notification from @ironlb/sys, in a namespace the test creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkLister, LinkMonitor, runInNetns } from '@ironlb/sys';
import { NamespaceSet, requireRoot } from './namespaces.js';

const nss = new NamespaceSet();
let ns = '';
let peer = '';

beforeAll(() => {
  requireRoot('test/sys/links');
  ns = nss.add('a');
  peer = nss.add('b');
  nss.link({ ns, ifname: 'eth0', mac: '02:00:00:00:0a:01' }, { ns: peer, ifname: 'eth0' });
  nss.link({ ns, ifname: 'port1' }, { ns: peer, ifname: 'eth1' });
  nss.run(ns, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
  nss.run(ns, ['ip', 'link', 'set', 'port1', 'master', 'br0']);
});
afterAll(() => nss.destroy());

describe('LinkLister / LinkMonitor', () => {
  it('lists the namespace’s links with flags, MAC, kind and master', async () => {
    const lister = runInNetns(ns, () => new LinkLister());
    try {
      const links = await lister.list();
      const byName = new Map(links.map((l) => [l.name, l]));
      expect([...byName.keys()].sort()).toEqual(['br0', 'eth0', 'lo', 'port1']);
      const eth0 = byName.get('eth0')!;
      expect(eth0).toMatchObject({ hwtype: 1, kind: 'veth', master: undefined, mtu: 1500 });
      expect(Buffer.from(eth0.mac!).toString('hex')).toBe('02000000' + '0a01');
      expect(eth0.flags & 1).toBe(1); // IFF_UP
      expect(byName.get('port1')!.master).toBe(byName.get('br0')!.ifindex);
      expect(byName.get('br0')!.kind).toBe('bridge');
      expect(byName.get('lo')!.hwtype).toBe(772);
    } finally {
      lister.close();
    }
  });

  it('notifies when a link changes', async () => {
    let changes = 0;
    const monitor = runInNetns(ns, () => new LinkMonitor(() => changes++));
    try {
      nss.run(ns, ['ip', 'link', 'set', 'eth0', 'down']);
      const deadline = Date.now() + 3000;
      while (changes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(changes).toBeGreaterThan(0);
    } finally {
      monitor.close();
      nss.run(ns, ['ip', 'link', 'set', 'eth0', 'up']);
    }
  });
});
