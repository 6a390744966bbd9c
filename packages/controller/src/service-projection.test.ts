import { describe, expect, it } from 'vitest';
import { serviceWrite } from './service-status.js';
import { defaultClassFilter, readService } from './service-adapter.js';
import { projectService } from './service-projection.js';
import type { Service } from './service-types.js';

/** A Service as an API server sends it, with the fields the controller has no use for. */
const full = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u-1',
    resourceVersion: '42',
    creationTimestamp: '2025-01-01T00:00:00Z',
    labels: { tier: 'front' },
    annotations: {
      'metallb.io/address-pool': 'blue',
      'ironlb.io/allow-shared-ip': 'k',
      'ironlb.io/ip-allocated-from-pool': 'blue',
      'kubectl.kubernetes.io/last-applied-configuration': '{"a huge":"blob"}',
    },
    managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
  },
  spec: {
    type: 'LoadBalancer',
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 31000 }],
    selector: { app: 'web' },
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Local',
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    allocateLoadBalancerNodePorts: true,
  },
  status: {
    loadBalancer: { ingress: [{ ip: '192.0.2.1', ipMode: 'VIP' }] },
    conditions: [
      { type: 'other.io/Ready', status: 'True', reason: 'x', message: '', lastTransitionTime: 't' },
    ],
  },
};

describe('projectService', () => {
  it('keeps what the controller reads and writes, and drops the rest', () => {
    const p = projectService(full);
    expect(p).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web',
        namespace: 'shop',
        uid: 'u-1',
        resourceVersion: '42',
        creationTimestamp: '2025-01-01T00:00:00Z',
        labels: { tier: 'front' },
        annotations: {
          'metallb.io/address-pool': 'blue',
          'ironlb.io/allow-shared-ip': 'k',
          'ironlb.io/ip-allocated-from-pool': 'blue',
        },
      },
      spec: {
        type: 'LoadBalancer',
        ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
        selector: { app: 'web' },
        externalTrafficPolicy: 'Local',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
      status: full.status,
    });
  });

  it('reads and writes the same through the projection as through the whole object', () => {
    const opts = { filter: defaultClassFilter, namespaceLabels: { team: 'a' } };
    const p = projectService(full);
    const whole = full as unknown as Service;
    expect(readService(p, opts)).toEqual(readService(whole, opts));
    const outcome = {
      kind: 'allocated',
      ips: ['192.0.2.7'],
      pool: 'blue',
    } as const;
    expect(serviceWrite(p, outcome, { now: 0, usage: () => undefined })).toEqual(
      serviceWrite(whole, outcome, { now: 0, usage: () => undefined }),
    );
  });

  it('copes with missing and malformed parts', () => {
    expect(projectService({ metadata: { name: 'a', namespace: 'n' } })).toEqual({
      metadata: { name: 'a', namespace: 'n' },
    });
    expect(projectService({ metadata: { name: 'a', namespace: 'n' }, spec: { ports: [7] } })).toEqual({
      metadata: { name: 'a', namespace: 'n' },
      spec: { ports: [7] },
    });
  });
});
