import { describe, expect, it } from 'vitest';
import { defaultClassFilter, readService } from './service-adapter.js';
import type { HandledService } from './service-adapter.js';
import { service } from './testing/services.js';

const read = (svc: ReturnType<typeof service>, filter = defaultClassFilter) =>
  readService(svc, { filter, namespaceLabels: { team: 'a' } });
const handled = (svc: ReturnType<typeof service>) => read(svc) as HandledService;

describe('readService', () => {
  it('maps a plain Service to a request', () => {
    const v = handled(service('web', { labels: { tier: 'front' } }));
    expect(v).toMatchObject({ handled: true, key: 'ns/web', statusIPs: [], marked: false, aliases: [] });
    expect(v.request).toEqual({
      serviceKey: 'ns/web',
      namespace: 'ns',
      namespaceLabels: { team: 'a' },
      serviceLabels: { tier: 'front' },
      ports: [{ protocol: 'TCP', port: 80 }],
      backendKey: '',
      primaryFamily: 4,
      ipFamilyPolicy: 'SingleStack',
      createdAt: Date.UTC(2025, 0, 1),
    });
  });

  it('filters by type and class', () => {
    expect(read(service('a', { spec: { type: 'ClusterIP' } }))).toMatchObject({
      handled: false,
      why: 'notLoadBalancer',
    });
    expect(read(service('a', { spec: { loadBalancerClass: 'x/y' } }))).toMatchObject({
      handled: false,
      why: 'otherClass',
    });
    expect(read(service('a', { spec: { loadBalancerClass: 'ironlb.io/ironlb' } })).handled).toBe(true);
    const other = { lbClass: 'x/y', unclassed: false };
    expect(read(service('a'), other).handled).toBe(false);
    expect(read(service('a', { spec: { loadBalancerClass: 'x/y' } }), other).handled).toBe(true);
    expect(read(service('a', { spec: { type: 'ClusterIP' }, ourCondition: true }))).toMatchObject({
      marked: true,
    });
  });

  it('reads the annotations, preferring ironlb.io names and noting metallb.io aliases', () => {
    const v = handled(
      service('web', {
        annotations: {
          'metallb.io/address-pool': 'old',
          'ironlb.io/address-pool': 'new',
          'metallb.io/allow-shared-ip': 'k',
          'metallb.universe.tf/loadBalancerIPs': ' 192.0.2.1 , 2001:db8::1 ',
        },
        spec: { ipFamilies: ['IPv6', 'IPv4'], ipFamilyPolicy: 'RequireDualStack' },
      }),
    );
    expect(v.request).toMatchObject({
      pool: 'new',
      sharingKey: 'k',
      requestedIPs: ['192.0.2.1', '2001:db8::1'],
      primaryFamily: 6,
      ipFamilyPolicy: 'RequireDualStack',
    });
    expect(v.aliases).toEqual([
      { alias: 'metallb.io/allow-shared-ip', name: 'ironlb.io/allow-shared-ip' },
      { alias: 'metallb.universe.tf/loadBalancerIPs', name: 'ironlb.io/loadBalancerIPs' },
    ]);
  });

  it('refuses loadBalancerIP together with the annotation, and text that is not an address', () => {
    const both = handled(
      service('a', {
        spec: { loadBalancerIP: '192.0.2.1' },
        annotations: { 'ironlb.io/loadBalancerIPs': '192.0.2.2' },
      }),
    );
    expect(both.invalid?.reason).toBe('invalidRequest');
    expect(both.request.requestedIPs).toBeUndefined();
    const junk = handled(service('a', { annotations: { 'ironlb.io/loadBalancerIPs': '192.0.2.300' } }));
    expect(junk.invalid?.detail).toContain('"192.0.2.300" is not an IP address');
  });

  it('uses the selector as backend key only with externalTrafficPolicy Local', () => {
    const local = handled(
      service('a', { spec: { externalTrafficPolicy: 'Local', selector: { b: '2', a: '1' } } }),
    );
    expect(local.request.backendKey).toBe('a=1,b=2');
    expect(handled(service('a', { spec: { selector: { a: '1' } } })).request.backendKey).toBe('');
  });

  it('treats a dual-stack policy with one cluster IP family as single-stack', () => {
    const v = handled(service('a', { spec: { ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' } }));
    expect(v.request.ipFamilyPolicy).toBe('SingleStack');
  });

  it('reads status addresses canonically and skips hostnames and junk', () => {
    const svc = service('a', { ingress: ['2001:DB8:0::5', 'nope'] });
    svc.status!.loadBalancer!.ingress!.push({ hostname: 'lb.example.com' });
    svc.metadata.annotations = { 'ironlb.io/ip-allocated-from-pool': 'blue' };
    expect(handled(svc)).toMatchObject({ statusIPs: ['2001:db8::5'], statusPool: 'blue', marked: true });
  });

  it('keeps protocols and skips ports it cannot use', () => {
    const v = handled(
      service('a', {
        spec: {
          ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }, { port: 1, protocol: 'ICMP' }],
        },
      }),
    );
    expect(v.request.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
  });
});
