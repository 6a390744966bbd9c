// Builders of configuration objects for tests (here and in other packages).
import { API_VERSION } from '../crd/definitions.js';
import type {
  BFDProfile,
  BFDProfileSpec,
  BGPAdvertisement,
  BGPAdvertisementSpec,
  BGPPeer,
  BGPPeerSpec,
  IPAddressPool,
  IPAddressPoolSpec,
  L2Advertisement,
  L2AdvertisementSpec,
} from '../crd/generated-types.js';
import type { ObjectMeta } from '../object-meta.js';

type Meta = Partial<ObjectMeta>;

function meta(name: string, m: Meta): ObjectMeta {
  return { name, ...m };
}

export function pool(name: string, spec: IPAddressPoolSpec, m: Meta = {}): IPAddressPool {
  return { apiVersion: API_VERSION, kind: 'IPAddressPool', metadata: meta(name, m), spec };
}

export function bgpPeer(name: string, spec: BGPPeerSpec, m: Meta = {}): BGPPeer {
  return { apiVersion: API_VERSION, kind: 'BGPPeer', metadata: meta(name, m), spec };
}

export function bgpAdvertisement(
  name: string,
  spec: BGPAdvertisementSpec = {},
  m: Meta = {},
): BGPAdvertisement {
  return { apiVersion: API_VERSION, kind: 'BGPAdvertisement', metadata: meta(name, m), spec };
}

export function l2Advertisement(name: string, spec: L2AdvertisementSpec = {}, m: Meta = {}): L2Advertisement {
  return { apiVersion: API_VERSION, kind: 'L2Advertisement', metadata: meta(name, m), spec };
}

export function bfdProfile(name: string, spec: BFDProfileSpec = {}, m: Meta = {}): BFDProfile {
  return { apiVersion: API_VERSION, kind: 'BFDProfile', metadata: meta(name, m), spec };
}
