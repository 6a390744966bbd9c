// Everything `status` and `explain` look at, read once: Services, Namespaces, Nodes,
// EndpointSlices, IronLB's configuration and SpeakerStatus objects, and the controller's Lease.
import type {
  BFDProfile,
  BGPAdvertisement,
  BGPPeer,
  IPAddressPool,
  L2Advertisement,
  SpeakerStatus,
} from '@ironlb/config';
import type { KubeApi } from '@ironlb/kube';
import type { Service } from '@ironlb/controller';
import type { EndpointSliceObject, NodeObject } from '@ironlb/speaker';

export interface NamespaceObject {
  metadata: { name: string; labels?: Record<string, string> };
}

export interface LeaseObject {
  spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

export interface ClusterSnapshot {
  readonly services: Service[];
  readonly namespaces: NamespaceObject[];
  readonly nodes: NodeObject[];
  readonly endpointSlices: EndpointSliceObject[];
  readonly pools: IPAddressPool[];
  readonly l2Advertisements: L2Advertisement[];
  readonly bgpAdvertisements: BGPAdvertisement[];
  readonly bgpPeers: BGPPeer[];
  readonly bfdProfiles: BFDProfile[];
  readonly speakers: SpeakerStatus[];
  /** The controller's Lease (ironlb-system/ironlb-controller), when readable. */
  readonly controllerLease?: LeaseObject;
  /** When the snapshot was taken (ms since the epoch). */
  readonly takenAt: number;
}

async function list<T>(api: KubeApi, path: string): Promise<T[]> {
  const answer = await api.request<{ items?: T[] }>({ method: 'GET', path });
  return answer.items ?? [];
}

const ironlb = (plural: string) => `/apis/ironlb.io/v1beta1/${plural}`;

export async function readClusterSnapshot(
  api: KubeApi,
  options: { namespace?: string; now?: () => number } = {},
): Promise<ClusterSnapshot> {
  const ns = options.namespace ? `/namespaces/${encodeURIComponent(options.namespace)}` : '';
  // The configuration first: a cluster without IronLB answers 404 here, with a clear message.
  const pools = await list<IPAddressPool>(api, ironlb('ipaddresspools'));
  const [l2Advertisements, bgpAdvertisements, bgpPeers, bfdProfiles, speakers] = await Promise.all([
    list<L2Advertisement>(api, ironlb('l2advertisements')),
    list<BGPAdvertisement>(api, ironlb('bgpadvertisements')),
    list<BGPPeer>(api, ironlb('bgppeers')),
    list<BFDProfile>(api, ironlb('bfdprofiles')),
    list<SpeakerStatus>(api, ironlb('speakerstatuses')),
  ]);
  const [services, namespaces, nodes, endpointSlices] = await Promise.all([
    list<Service>(api, `/api/v1${ns}/services`),
    list<NamespaceObject>(api, '/api/v1/namespaces'),
    list<NodeObject>(api, '/api/v1/nodes'),
    list<EndpointSliceObject>(api, `/apis/discovery.k8s.io/v1${ns}/endpointslices`),
  ]);
  const controllerLease = await api
    .request<LeaseObject>({
      method: 'GET',
      path: '/apis/coordination.k8s.io/v1/namespaces/ironlb-system/leases/ironlb-controller',
    })
    .catch(() => undefined);
  return {
    services,
    namespaces,
    nodes,
    endpointSlices,
    pools,
    l2Advertisements,
    bgpAdvertisements,
    bgpPeers,
    bfdProfiles,
    speakers,
    ...(controllerLease ? { controllerLease } : {}),
    takenAt: (options.now ?? Date.now)(),
  };
}
