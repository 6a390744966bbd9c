// Public surface of @ironlb/speaker: the per-node speaker. Pure planning (eligibility,
// election, BGP routes) and the speaker that applies the plan through narrow ports.
export { EXCLUDE_LABEL, SERVICE_NAME_LABEL } from './model.js';
export type { NodeView, ServiceEndpoints, ServiceView } from './model.js';
export { ElectionOutcome, IneligibleReason } from './reasons.js';
export type { BgpReason, L2Reason } from './reasons.js';
export {
  DEFAULT_LB_CLASS,
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
export { Speaker } from './speaker.js';
export type { MemberState, SpeakerOptions, SpeakerRecord } from './speaker.js';
export type {
  BgpPort,
  L2Port,
  MemberSpec,
  MembershipPort,
  PeerSessionStatus,
  PeerSpec,
  StatusPort,
} from './ports.js';
export { ServiceEventReason, eventsForChange } from './announcement-events.js';
export type { ServiceEvent } from './announcement-events.js';
export { resolveConflict } from './conflict.js';
export type { ConflictContext, ConflictResolution } from './conflict.js';
export { MAX_LISTED_ANNOUNCEMENTS, StatusPublisher, buildSpeakerStatus } from './speaker-status.js';
export { createSpeakerMetrics, registerFamilies } from './metrics.js';
export type { ExternalFamily, SpeakerMetrics } from './metrics.js';
export { BgpPeers } from './node/bgp-peers.js';
export type { BgpPeersOptions } from './node/bgp-peers.js';
export { ApiSecretSource, StaticSecretSource } from './node/secrets.js';
export type { SecretData, SecretSource } from './node/secrets.js';
export { localAddressFor } from './node/local-address.js';
export {
  MEMBERSHIP_KEY,
  MEMBERSHIP_PREVIOUS_KEY,
  SpeakerDaemon,
  membershipKeys,
} from './node/speaker-daemon.js';
export type { SpeakerDaemonOptions } from './node/speaker-daemon.js';
