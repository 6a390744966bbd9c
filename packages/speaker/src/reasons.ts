// Why a node does or does not announce an address. These strings are API: they appear in
// Events, SpeakerStatus, metric labels and logs (ARCHITECTURE.md, "Decisions return reasons").

/** Why a node may not announce an address at all (the same for layer 2 and BGP). */
export const IneligibleReason = {
  /** The address lies in no IPAddressPool in effect. */
  noPool: 'noPool',
  /** No endpoint of the Service is ready or serving anywhere. */
  noServingEndpoints: 'noServingEndpoints',
  /** There is no Node object of that name. */
  nodeUnknown: 'nodeUnknown',
  /** The Node's `Ready` condition is not `True`. */
  nodeNotReady: 'nodeNotReady',
  /** The Node's `NetworkUnavailable` condition is `True`. */
  nodeNetworkUnavailable: 'nodeNetworkUnavailable',
  /** The Node carries `node.kubernetes.io/exclude-from-external-load-balancers`. */
  nodeExcluded: 'nodeExcluded',
  /** No L2Advertisement / BGPAdvertisement covers the address's pool and Service. */
  noAdvertisement: 'noAdvertisement',
  /** Advertisements cover the address, but none selects this node. */
  nodeNotSelected: 'nodeNotSelected',
  /** `externalTrafficPolicy: Local` and no ready or serving endpoint on this node. */
  noEndpointsOnNode: 'noEndpointsOnNode',
  /** BGP: the matching advertisements name no BGPPeer this node peers with. */
  noPeer: 'noPeer',
} as const;
export type IneligibleReason = (typeof IneligibleReason)[keyof typeof IneligibleReason];

/** Layer 2: the outcome for this node of an address it is eligible for. */
export const ElectionOutcome = {
  /** This node was elected and announces the address. */
  owner: 'owner',
  /** Another node, alive in the membership view, ranks first. */
  notOwner: 'notOwner',
  /** This node would take the address over but does not reach a majority of speakers. */
  noQuorum: 'noQuorum',
  /** Another speaker that ranks higher answered for the address: this node stands back for a while. */
  yielded: 'yielded',
  /** Speakers are still learning who is alive (the first moments after start). */
  settling: 'settling',
} as const;
export type ElectionOutcome = (typeof ElectionOutcome)[keyof typeof ElectionOutcome];

export type L2Reason = IneligibleReason | ElectionOutcome;
export type BgpReason = IneligibleReason | 'advertised';
