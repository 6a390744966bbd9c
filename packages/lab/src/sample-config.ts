// What the lab puts in its cluster besides IronLB itself: the configuration a newcomer would
// write (two layer-2 pools, IPv4 and IPv6; a BGP pool; the advertisements; the lab router as
// BGP peer), the Node objects of the node namespaces, and two sample Services with endpoints
// on every node. Created only when missing, so that a user's edits survive `up` after a crash.
import type { BGPAdvertisement, BGPPeer, IPAddressPool, L2Advertisement } from '@ironlb/config';
import { labAddressing, type LabHostAddresses } from '@ironlb/netlab';

export const SAMPLE_NAMESPACE = 'demo';

export const samplePools = {
  ipv4: 'lab-ipv4',
  ipv6: 'lab-ipv6',
  bgp: 'lab-bgp',
} as const;

/** The sample Services and how each is announced. */
export const sampleServices = [
  { name: 'web-l2', mode: 'layer2', pool: samplePools.ipv4 },
  { name: 'web-bgp', mode: 'bgp', pool: samplePools.bgp },
] as const;

export type ConfigObject = IPAddressPool | L2Advertisement | BGPPeer | BGPAdvertisement;

/** The IronLB configuration: the lab's VIP ranges (documentation prefixes) as pools. */
export function sampleConfiguration(): ConfigObject[] {
  const meta = (name: string) => ({ name, labels: { 'ironlb.io/lab': 'sample' } });
  return [
    {
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: meta(samplePools.ipv4),
      spec: { addresses: ['198.51.100.10-198.51.100.99'] },
    },
    {
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: meta(samplePools.ipv6),
      spec: { addresses: ['2001:db8:100::10-2001:db8:100::99'] },
    },
    {
      // Only for Services that ask for it (annotation ironlb.io/address-pool: lab-bgp).
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: meta(samplePools.bgp),
      spec: { addresses: ['203.0.113.10-203.0.113.99'], autoAssign: false },
    },
    {
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: meta('lab-l2'),
      spec: { ipAddressPools: [samplePools.ipv4, samplePools.ipv6] },
    },
    {
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'BGPPeer',
      metadata: meta('lab-router'),
      spec: {
        myASN: labAddressing.nodeAsn,
        peerASN: labAddressing.routerAsn,
        peerAddress: '192.0.2.1',
        holdTime: '9s',
        keepaliveTime: '3s',
        connectTime: '2s',
        enableGracefulRestart: true,
      },
    },
    {
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'BGPAdvertisement',
      metadata: meta('lab-bgp'),
      spec: { ipAddressPools: [samplePools.bgp], peers: ['lab-router'] },
    },
  ];
}

/** A Node object for a node namespace (the emulator has no kubelet: the lab writes them). */
export function nodeObject(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'ironlb.io/lab': 'node',
      },
    },
    spec: {},
  };
}

/** The Node's status: Ready, with its lab addresses. */
export function nodeStatus(name: string, addresses: LabHostAddresses, now: string): Record<string, unknown> {
  return {
    addresses: [
      { type: 'InternalIP', address: addresses.ipv4 },
      { type: 'InternalIP', address: addresses.ipv6 },
      { type: 'Hostname', address: name },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'ironlb lab node',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
      {
        type: 'NetworkUnavailable',
        status: 'False',
        reason: 'LabNetwork',
        message: 'lab switch',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
  };
}

/** A sample Service (`type: LoadBalancer`, port 80). */
export function sampleService(entry: (typeof sampleServices)[number]): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: entry.name,
      namespace: SAMPLE_NAMESPACE,
      labels: { app: entry.name, 'ironlb.io/lab': 'sample' },
      ...(entry.mode === 'bgp' ? { annotations: { 'ironlb.io/address-pool': entry.pool } } : {}),
    },
    spec: {
      type: 'LoadBalancer',
      selector: { app: entry.name },
      ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }],
    },
  };
}

/**
 * The Service's endpoints: one ready endpoint per node (the kube-proxy stand-in on each node
 * answers), as the EndpointSlice controller would write them.
 */
export function sampleEndpointSlice(
  entry: (typeof sampleServices)[number],
  nodes: readonly { name: string }[],
): Record<string, unknown> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${entry.name}-lab`,
      namespace: SAMPLE_NAMESPACE,
      labels: {
        'kubernetes.io/service-name': entry.name,
        'endpointslice.kubernetes.io/managed-by': 'lab.ironlb.io',
      },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    endpoints: nodes.map((node, i) => ({
      addresses: [`10.244.${i + 1}.10`],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: node.name,
    })),
  };
}
