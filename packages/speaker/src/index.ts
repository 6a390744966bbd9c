// Public surface of @ironlb/speaker: the per-node speaker. Pure planning (eligibility,
// election, BGP routes) and the speaker that applies the plan through narrow ports.
export { EXCLUDE_LABEL, SERVICE_NAME_LABEL } from './model.js';
export type { NodeView, ServiceEndpoints, ServiceView } from './model.js';
export { ElectionOutcome, IneligibleReason } from './reasons.js';
export type { BgpReason, L2Reason } from './reasons.js';
export {
  canonicalIp,
  endpointCanServe,
  nodeViewsDiffer,
  toNodeView,
  toServiceView,
  toSliceView,
} from './kube-objects.js';
export type {
  EndpointSliceObject,
  NodeObject,
  ServiceFilter,
  ServiceObject,
  SliceView,
} from './kube-objects.js';
export { EndpointIndex } from './endpoint-index.js';
export { compareRanked, electOwner, electionHash, electionKey, rankNodes } from './election.js';
export type { RankedNode } from './election.js';
export { Planner } from './planner.js';
export type { AddressDecision, Announced, AnnouncementChange, PlanDelta, PlannerOptions } from './planner.js';
export { planAnnouncements } from './plan.js';
export type { Plan, PlanInput } from './plan.js';
export type { BgpRoute } from './bgp-rib.js';
