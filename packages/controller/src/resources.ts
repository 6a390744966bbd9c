// The resource types the controller watches and writes.
import { GROUP, VERSION, kindDefinition } from '@ironlb/config';
import { coreResources, customResource } from '@ironlb/kube';
import type { ResourceType } from '@ironlb/kube';

function ours(kind: string): ResourceType {
  const def = kindDefinition(kind);
  if (!def) throw new Error(`unknown kind ${kind}`);
  return customResource(GROUP, VERSION, def.plural, def.kind);
}

/** The configuration kinds, in the order buildConfig resolves them. */
export const configResources = {
  ipAddressPools: ours('IPAddressPool'),
  l2Advertisements: ours('L2Advertisement'),
  bgpPeers: ours('BGPPeer'),
  bgpAdvertisements: ours('BGPAdvertisement'),
  bfdProfiles: ours('BFDProfile'),
} as const;

export type ConfigListName = keyof typeof configResources;

export const services = coreResources.services;
export const namespaces = coreResources.namespaces;
