import { describe, expect, it } from 'vitest';
import {
  endpointCanServe,
  toNodeView,
  toServiceView,
  toSliceView,
  type ServiceFilter,
  type ServiceObject,
} from './kube-objects.js';
import { EndpointIndex } from './endpoint-index.js';

const filter = { lbClass: 'ironlb.io/ironlb', unclassed: true };
const lb = (extra: Partial<ServiceObject> = {}): ServiceObject => ({
  metadata: { name: 'web', namespace: 'shop', uid: 'u1', labels: { app: 'web' } },
  spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
  status: {
    loadBalancer: { ingress: [{ ip: '2001:DB8:100:0::10' }, { ip: '198.51.100.10' }, { hostname: 'x' }] },
  },
  ...extra,
});

describe('toServiceView', () => {
  it('keeps LoadBalancer Services of our class with assigned addresses, in canonical form', () => {
    expect(toServiceView(lb(), filter)).toEqual({
      key: 'shop/web',
      namespace: 'shop',
      name: 'web',
      uid: 'u1',
      ips: ['2001:db8:100::10', '198.51.100.10'],
      labels: { app: 'web' },
      externalTrafficPolicy: 'Local',
    });
    expect(
      toServiceView(lb({ spec: { type: 'LoadBalancer', loadBalancerClass: 'ironlb.io/ironlb' } }), filter),
    ).toBeDefined();
  });

  it.each<[string, ServiceObject, ServiceFilter?]>([
    ['ClusterIP', lb({ spec: { type: 'ClusterIP' } })],
    ['another class', lb({ spec: { type: 'LoadBalancer', loadBalancerClass: 'other.io/lb' } })],
    ['no class when unclassed Services are not ours', lb(), { lbClass: 'other.io/lb', unclassed: false }],
    ['no address yet', lb({ status: {} })],
    ['only hostnames', lb({ status: { loadBalancer: { ingress: [{ hostname: 'a.example' }] } } })],
    [
      'being deleted',
      lb({ metadata: { name: 'web', namespace: 'shop', deletionTimestamp: '2026-01-01T00:00:00Z' } }),
    ],
  ])('ignores %s', (_, svc, f = filter) => {
    expect(toServiceView(svc, f)).toBeUndefined();
  });
});

describe('toNodeView', () => {
  it('reads conditions, the exclusion label and internal addresses', () => {
    expect(
      toNodeView({
        metadata: { name: 'n1', labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } },
        status: {
          conditions: [
            { type: 'Ready', status: 'True' },
            { type: 'NetworkUnavailable', status: 'False' },
          ],
          addresses: [
            { type: 'ExternalIP', address: '203.0.113.1' },
            { type: 'InternalIP', address: '192.0.2.11' },
            { type: 'InternalIP', address: '2001:db8::11' },
            { type: 'Hostname', address: 'n1' },
          ],
        },
      }),
    ).toMatchObject({
      name: 'n1',
      ready: true,
      networkUnavailable: false,
      excluded: true,
      addresses: { ipv4: '192.0.2.11', ipv6: '2001:db8::11' },
    });
    expect(toNodeView({ metadata: { name: 'n2' } })).toMatchObject({ ready: false, excluded: false });
  });
});

describe('endpoints', () => {
  it('serve when ready is unset or true, or serving is true (terminating but draining)', () => {
    expect(endpointCanServe(undefined)).toBe(true);
    expect(endpointCanServe({ ready: null })).toBe(true);
    expect(endpointCanServe({ ready: true })).toBe(true);
    expect(endpointCanServe({ ready: false, serving: true })).toBe(true);
    expect(endpointCanServe({ ready: false, serving: false })).toBe(false);
    expect(endpointCanServe({ ready: false })).toBe(false);
  });

  it('are gathered per Service over its slices, slice by slice', () => {
    const slice = (name: string, eps: { node?: string; ready?: boolean }[], service = 'web') =>
      toSliceView({
        metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': service } },
        endpoints: eps.map((e) => ({
          addresses: ['10.0.0.1'],
          conditions: { ready: e.ready ?? true },
          ...(e.node ? { nodeName: e.node } : {}),
        })),
      })!;
    const index = new EndpointIndex();
    expect(index.upsert(slice('a', [{ node: 'n1' }, { node: 'n2', ready: false }]))).toEqual(['shop/web']);
    expect(index.upsert(slice('b', [{ node: 'n3' }, {}]))).toEqual(['shop/web']);
    expect([...index.get('shop/web').servingNodes].sort()).toEqual(['n1', 'n3']);
    // The same content again changes nothing.
    expect(index.upsert(slice('b', [{ node: 'n3' }, {}]))).toEqual([]);
    expect(index.delete('shop/a')).toEqual(['shop/web']);
    expect([...index.get('shop/web').servingNodes]).toEqual(['n3']);
    // A slice moved to another Service changes both.
    expect(index.upsert(slice('b', [{ node: 'n3' }], 'api')).sort()).toEqual(['shop/api', 'shop/web']);
    expect(index.get('shop/web')).toEqual({ anyServing: false, servingNodes: new Set() });
    expect(index.delete('shop/nope')).toEqual([]);
  });
});
