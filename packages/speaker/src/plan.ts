// The whole plan in one call, for tests, tools and the status of one address: services +
// configuration + nodes + membership -> what this node announces. The speaker itself keeps a
// `Planner` and feeds it changes; both give the same answer for the same inputs (the planner
// tests check it).
import type { SpeakerConfig } from '@ironlb/config';
import type { SliceView } from './kube-objects.js';
import type { NodeView, ServiceView } from './model.js';
import { Planner, type Announced, type PlannerOptions } from './planner.js';

export interface PlanInput extends PlannerOptions {
  readonly config: SpeakerConfig;
  readonly services: Iterable<ServiceView>;
  readonly slices: Iterable<SliceView>;
  readonly nodes: Iterable<NodeView>;
  /** Other speakers that are up in the membership view (this node always is). */
  readonly membersUp: Iterable<string>;
  /** `noQuorum` or `settling`: no new layer-2 claims. */
  readonly claimGate?: 'noQuorum' | 'settling';
}

export interface Plan {
  /** Layer-2 addresses this node announces. */
  readonly l2: ReadonlyMap<string, Announced>;
  /** Peer -> the routes this node advertises to it. */
  readonly bgp: ReadonlyMap<string, ReturnType<Planner['bgpAdvertisements']>>;
  readonly planner: Planner;
}

export function planAnnouncements(input: PlanInput): Plan {
  const planner = new Planner(input);
  planner.setConfig(input.config);
  for (const n of input.nodes) planner.upsertNode(n);
  for (const s of input.services) planner.upsertService(s);
  for (const s of input.slices) planner.upsertSlice(s);
  for (const m of input.membersUp) planner.setMemberUp(m, true);
  planner.setClaimGate(input.claimGate);
  planner.plan();
  const bgp = new Map<string, ReturnType<Planner['bgpAdvertisements']>>();
  for (const peer of [...planner.activePeers()].sort()) {
    const ads = planner.bgpAdvertisements(peer);
    if (ads.length > 0) bgp.set(peer, ads);
  }
  return { l2: new Map(planner.l2Announced()), bgp, planner };
}
