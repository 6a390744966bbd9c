// The custom resource kinds of IronLB, group `ironlb.io`, version `v1beta1`, all cluster-scoped.
import { bfdProfile } from './kinds/bfd-profile.js';
import { bgpAdvertisement } from './kinds/bgp-advertisement.js';
import { bgpPeer } from './kinds/bgp-peer.js';
import { ipAddressPool } from './kinds/ip-address-pool.js';
import { l2Advertisement } from './kinds/l2-advertisement.js';
import { speakerStatus } from './kinds/speaker-status.js';
import type { KindDefinition } from './schema-dsl.js';

export const GROUP = 'ironlb.io';
export const VERSION = 'v1beta1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/** Every kind, in the order of the docs. */
export const kindDefinitions = [
  ipAddressPool,
  l2Advertisement,
  bgpPeer,
  bgpAdvertisement,
  bfdProfile,
  speakerStatus,
] as const satisfies readonly KindDefinition[];

/** The kinds as a type; a test checks that it lists exactly `kindDefinitions`. */
export type KindName =
  'IPAddressPool' | 'L2Advertisement' | 'BGPPeer' | 'BGPAdvertisement' | 'BFDProfile' | 'SpeakerStatus';

export function kindDefinition(kind: string): KindDefinition | undefined {
  return kindDefinitions.find((k) => k.kind === kind);
}
