// CPU cost of planning in a large cluster: 10,000 Services (one address each), N nodes;
// the initial plan, a speaker going down (membership), its Node turning NotReady later, and
// one Service added. Used by `npm run bench:failover` (and runnable alone).
import { l2Advertisement, pool } from '@ironlb/config/testing';
import { Planner } from '@ironlb/speaker';
import { nodeView, serviceView, sliceView, speakerConfigOf } from '@ironlb/speaker/testing';

export interface PlannerCost {
  services: number;
  nodes: number;
  initialPlanMs: number;
  memberDownMs: number;
  addressesMoved: number;
  nodeNotReadyMs: number;
  /** Addresses elected again when the Node turns NotReady (0: they moved with the speaker). */
  nodeNotReadyElected: number;
  serviceAddedMs: number;
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export function measurePlannerCost(services: number, nodes: number): PlannerCost {
  const names = Array.from({ length: nodes }, (_, i) => `node${i + 1}`);
  const planner = new Planner({ self: 'node1' });
  planner.setConfig(
    speakerConfigOf({
      ipAddressPools: [pool('big', { addresses: ['10.0.0.0/14'] })],
      l2Advertisements: [l2Advertisement('all', {})],
    }),
  );
  for (const n of names) {
    planner.upsertNode(nodeView(n));
    planner.setMemberUp(n, true);
  }
  const initialPlanMs = cpuMs(() => {
    for (let i = 0; i < services; i++) {
      const key = `ns${i % 50}/svc${i}`;
      planner.upsertService(serviceView(key, [`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`]));
      planner.upsertSlice(sliceView(key, names.slice(0, 3)));
    }
    planner.plan();
    planner.l2Owned();
  });
  let addressesMoved = 0;
  const memberDownMs = cpuMs(() => {
    planner.setMemberUp('node2', false);
    addressesMoved = planner.plan().elected;
    planner.l2Owned();
  });
  let nodeNotReadyElected = 0;
  const nodeNotReadyMs = cpuMs(() => {
    planner.upsertNode(nodeView('node2', { ready: false }));
    nodeNotReadyElected = planner.plan().elected;
  });
  const serviceAddedMs = cpuMs(() => {
    planner.upsertService(serviceView('default/new', ['10.3.255.254']));
    planner.upsertSlice(sliceView('default/new', names));
    planner.plan();
  });
  return {
    services,
    nodes,
    initialPlanMs,
    memberDownMs,
    addressesMoved,
    nodeNotReadyMs,
    nodeNotReadyElected,
    serviceAddedMs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const nodes of [3, 20, 100]) console.log(JSON.stringify(measurePlannerCost(10_000, nodes)));
}
