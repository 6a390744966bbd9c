// What the end-to-end cluster holds before any Service: IronLB's CRDs, the namespace, RBAC for
// the controller and the speakers (the manifests in config/rbac, enforced by the emulator),
// three Nodes and the layer-2 and BGP configuration of the lab. The failure detector's key
// (Secret ironlb-membership) is created by the controller, as in a real installation.
import { API_VERSION, crdManifests } from '@ironlb/config';
import { PatchType, type KubeApi } from '@ironlb/kube';
import { labAddressing, labHostAddresses } from '@ironlb/netlab';
import { rbacCollectionPath, readRbacObjects } from '../../support/rbac.js';

export const SYSTEM_NS = 'ironlb-system';
export const MEMBERSHIP_SECRET = 'ironlb-membership';

export interface LabConfigOptions {
  /** BGP peers: the FRR router always, BIRD when present. */
  bird?: boolean;
  /** A BFDProfile for the FRR peer (ms). */
  bfd?: { receiveInterval: number; transmitInterval: number; detectMultiplier: number };
  /** BGP hold time of the peers (seconds). */
  holdTime?: number;
}

/** Creates everything but the Services. */
export async function setUpCluster(
  api: KubeApi,
  nodes: readonly string[],
  o: LabConfigOptions = {},
): Promise<void> {
  for (const crd of crdManifests())
    await api.request({
      method: 'POST',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      body: crd,
    });
  await api.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: SYSTEM_NS } } });
  await api.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: 'shop' } } });
  for (const obj of readRbacObjects('controller.yaml', 'speaker.yaml'))
    await api.request({ method: 'POST', path: rbacCollectionPath(obj), body: obj });
  for (const [i, name] of nodes.entries()) {
    const a = labHostAddresses(11 + i);
    await api.request({
      method: 'POST',
      path: '/api/v1/nodes',
      body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } } },
    });
    await setNodeStatus(api, name, { ready: true, addresses: [a.ipv4, a.ipv6] });
  }
  const cr = (plural: string, kind: string, name: string, spec: unknown) =>
    api.request({
      method: 'POST',
      path: `/apis/ironlb.io/v1beta1/${plural}`,
      body: { apiVersion: API_VERSION, kind, metadata: { name }, spec },
    });
  await cr('ipaddresspools', 'IPAddressPool', 'l2', {
    addresses: [labAddressing.vipPools.l2, labAddressing.vipPools.ipv6],
  });
  await cr('ipaddresspools', 'IPAddressPool', 'bgp', { addresses: [labAddressing.vipPools.bgp] });
  await cr('l2advertisements', 'L2Advertisement', 'l2', { ipAddressPools: ['l2'] });
  if (o.bfd) await cr('bfdprofiles', 'BFDProfile', 'fast', o.bfd);
  const timers = {
    holdTime: `${o.holdTime ?? 9}s`,
    keepaliveTime: `${Math.max(1, Math.floor((o.holdTime ?? 9) / 3))}s`,
  };
  await cr('bgppeers', 'BGPPeer', 'frr', {
    myASN: labAddressing.nodeAsn,
    peerASN: labAddressing.routerAsn,
    peerAddress: '192.0.2.1',
    connectTime: '1s',
    ...timers,
    ...(o.bfd ? { bfdProfile: 'fast' } : {}),
  });
  if (o.bird)
    await cr('bgppeers', 'BGPPeer', 'bird', {
      myASN: labAddressing.nodeAsn,
      peerASN: labAddressing.routerAsn,
      peerAddress: '192.0.2.2',
      connectTime: '1s',
      ...timers,
    });
  await cr('bgpadvertisements', 'BGPAdvertisement', 'bgp', { ipAddressPools: ['bgp'] });
}

export async function setNodeStatus(
  api: KubeApi,
  name: string,
  s: { ready: boolean; addresses?: readonly string[] },
): Promise<void> {
  await api.request({
    method: 'PATCH',
    path: `/api/v1/nodes/${name}/status`,
    contentType: PatchType.merge,
    body: {
      status: {
        conditions: [
          { type: 'Ready', status: s.ready ? 'True' : 'False', reason: 'KubeletReady', message: '' },
        ],
        ...(s.addresses
          ? { addresses: s.addresses.map((address) => ({ type: 'InternalIP', address })) }
          : {}),
      },
    },
  });
}

/** A kubeconfig for a bearer token (plain HTTP). */
export function tokenKubeconfig(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: emulator',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: user',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: ctx',
    '  context:',
    '    cluster: emulator',
    '    user: user',
    'current-context: ctx',
    '',
  ].join('\n');
}
