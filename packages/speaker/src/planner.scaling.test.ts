// The work a change costs the planner, counted, not timed (unit tests never depend on the
// machine's speed): a node failure re-plans only the addresses it affects, however many
// Services the cluster has. The CPU time of the same operations with 10,000 Services is
// measured by `npm run bench:failover` (test/speaker/bench/planner-cost.ts), see
// docs/speaker.md.
import { describe, expect, it } from 'vitest';
import { l2Advertisement, pool } from '@ironlb/config/testing';
import { Planner } from './planner.js';
import { nodeView, serviceView, sliceView, speakerConfigOf } from './testing/builders.js';

function cluster(nodes: number, services: number): { planner: Planner; ips: string[] } {
  const names = Array.from({ length: nodes }, (_, i) => `node${i + 1}`);
  const planner = new Planner({ self: 'node1' });
  planner.setConfig(
    speakerConfigOf({
      ipAddressPools: [pool('big', { addresses: ['10.0.0.0/16'] })],
      l2Advertisements: [l2Advertisement('all', {})],
    }),
  );
  for (const n of names) {
    planner.upsertNode(nodeView(n));
    planner.setMemberUp(n, true);
  }
  const ips: string[] = [];
  for (let i = 0; i < services; i++) {
    const key = `ns${i % 50}/svc${i}`;
    const ip = `10.0.${i >> 8}.${i & 255}`;
    ips.push(ip);
    planner.upsertService(serviceView(key, [ip]));
    planner.upsertSlice(sliceView(key, names.slice(0, 3)));
  }
  const initial = planner.plan();
  expect(initial.evaluated).toBe(services);
  return { planner, ips };
}

const ownedBy = (c: { planner: Planner; ips: string[] }, node: string) =>
  c.ips.filter((ip) => c.planner.owner(ip) === node);

describe('planning work is proportional to what a change affects, not to the cluster size', () => {
  it.each([
    [3, 1000],
    [3, 4000],
    [20, 1000],
    [20, 4000],
  ])(
    'a speaker going down (%i nodes, %i Services): only its own addresses are elected again',
    (nodes, services) => {
      const c = cluster(nodes, services);
      const owned = ownedBy(c, 'node2');
      expect(owned.length).toBeGreaterThan(0);
      c.planner.setMemberUp('node2', false);
      const delta = c.planner.plan();
      expect(delta.evaluated).toBe(0);
      expect(delta.elected).toBe(owned.length);
      // This node (node1) gains the ones where it ranks next; nothing else changes.
      const gained = delta.changes.filter((ch) => ch.protocol === 'layer2' && ch.after && !ch.before);
      expect(delta.changes).toHaveLength(gained.length);
      expect(gained.every((ch) => owned.includes(ch.ip) && ch.from === 'node2')).toBe(true);
      expect(ownedBy(c, 'node2')).toEqual([]);
    },
  );

  it('its Node turning NotReady later elects nothing again (the addresses already moved)', () => {
    const c = cluster(3, 4000);
    c.planner.setMemberUp('node2', false);
    c.planner.plan();
    c.planner.upsertNode(nodeView('node2', { ready: false }));
    const delta = c.planner.plan();
    expect(delta).toMatchObject({ evaluated: 0, elected: 0, changes: [], l2Changed: false });
  });

  it('a Node turning NotReady while its speaker runs: only its addresses are elected again', () => {
    const c = cluster(3, 4000);
    const owned = ownedBy(c, 'node3');
    c.planner.upsertNode(nodeView('node3', { ready: false }));
    const delta = c.planner.plan();
    expect(delta.evaluated).toBe(0);
    expect(delta.elected).toBe(owned.length);
    expect(ownedBy(c, 'node3')).toEqual([]);
    // Back to Ready: the addresses where it ranks first, and only those, go back to it.
    c.planner.upsertNode(nodeView('node3'));
    const back = c.planner.plan();
    expect(back.evaluated).toBe(0);
    expect(back.elected).toBe(owned.length);
    expect(ownedBy(c, 'node3')).toEqual(owned);
  });

  it('one Service added evaluates its address only', () => {
    const c = cluster(20, 4000);
    c.planner.upsertService(serviceView('default/new', ['10.0.255.254']));
    c.planner.upsertSlice(sliceView('default/new', ['node1', 'node2', 'node3']));
    expect(c.planner.plan()).toMatchObject({ evaluated: 1, elected: 1 });
  });
});
