// Kubernetes objects (as the API sends them) for tests of the speaker and end-to-end tests.
import type { EndpointSliceObject, NodeObject, ServiceObject } from '../kube-objects.js';

export function serviceObject(
  key: string,
  ips: readonly string[],
  options: { local?: boolean; labels?: Record<string, string>; uid?: string; lbClass?: string } = {},
): ServiceObject {
  const [namespace, name] = key.includes('/') ? key.split('/') : ['default', key];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      uid: options.uid ?? `uid-${namespace}-${name}`,
      labels: options.labels ?? {},
    },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: options.local ? 'Local' : 'Cluster',
      ...(options.lbClass ? { loadBalancerClass: options.lbClass } : {}),
    },
    status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
  };
}

export function nodeObject(
  name: string,
  options: { ready?: boolean; labels?: Record<string, string>; ipv4?: string; ipv6?: string } = {},
): NodeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...options.labels } },
    status: {
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
      addresses: [
        ...(options.ipv4 ? [{ type: 'InternalIP', address: options.ipv4 }] : []),
        ...(options.ipv6 ? [{ type: 'InternalIP', address: options.ipv6 }] : []),
      ],
    },
  };
}

/** An EndpointSlice of the Service with one ready endpoint per node. */
export function sliceObject(
  service: string,
  nodes: readonly string[],
  options: { name?: string } = {},
): EndpointSliceObject {
  const [namespace, name] = service.includes('/') ? service.split('/') : ['default', service];
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: options.name ?? `${name}-slice`,
      namespace,
      labels: { 'kubernetes.io/service-name': name! },
    },
    addressType: 'IPv4',
    endpoints: nodes.map((node, i) => ({
      addresses: [`10.244.${i}.10`],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: node,
    })),
  };
}
