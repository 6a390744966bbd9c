// Service allocation and update rules through the API layer (§6.11 of the design brief).
import { describe, expect, it } from 'vitest';
import { ObjectApi } from '../api/object-api.js';
import { patchObject } from '../api/patch-op.js';
import { StatusError } from '../errors.js';
import type { KObject } from '../kobject.js';
import { seededRandom } from '../kobject.js';
import { Store } from '../store/store.js';
import { namespaceType } from './core-types.js';
import { ServiceAllocator } from './ip-port-allocator.js';
import { serviceType } from './service.js';

const opts = { fieldValidation: 'Strict' as const, dryRun: false };

function setup(cidrs = ['10.96.0.0/24', 'fd00:10:96::/120']): ObjectApi {
  const api = new ObjectApi({
    store: new Store(),
    alloc: new ServiceAllocator({ serviceCidrs: cidrs, nodePortRange: [30000, 30002] }),
    now: () => 0,
    random: seededRandom(1),
    namespaceType,
  });
  api.create(namespaceType, undefined, { metadata: { name: 'ns' } }, opts);
  return api;
}

const svc = (name: string, spec: Record<string, unknown>) => ({
  metadata: { name },
  spec: { ports: [{ port: 80 }], ...spec },
});
const create = (api: ObjectApi, name: string, spec: Record<string, unknown>) =>
  api.create(serviceType, 'ns', svc(name, spec), opts).object;
const spec = (o: KObject) => o.spec as Record<string, unknown> & { ports: { nodePort?: number }[] };

function status(f: () => unknown): { code: number; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return { code: e.status.code, message: e.status.message };
    throw e;
  }
  return { code: 200, message: '' };
}

describe('Service allocation', () => {
  it('allocates one family for SingleStack and both for PreferDualStack', () => {
    const api = setup();
    expect(spec(create(api, 'single', {}))).toMatchObject({
      clusterIP: '10.96.0.2',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    const dual = spec(create(api, 'dual', { ipFamilyPolicy: 'PreferDualStack' }));
    expect(dual.ipFamilies).toEqual(['IPv4', 'IPv6']);
    expect(dual.clusterIPs).toEqual(['10.96.0.3', 'fd00:10:96::2']);
    expect(spec(create(api, 'six', { ipFamilies: ['IPv6'] })).clusterIP).toBe('fd00:10:96::3');
  });

  it('refuses RequireDualStack on a single-stack cluster and a taken or foreign cluster IP', () => {
    const api = setup(['10.96.0.0/24']);
    expect(status(() => create(api, 'a', { ipFamilyPolicy: 'RequireDualStack' })).code).toBe(422);
    create(api, 'b', { clusterIP: '10.96.0.50' });
    const taken = status(() => create(api, 'c', { clusterIP: '10.96.0.50' }));
    expect(taken.code).toBe(422);
    expect(taken.message).toContain('provided IP is already allocated');
    expect(status(() => create(api, 'd', { clusterIP: '192.0.2.1' })).message).toContain(
      'not in the valid range',
    );
  });

  it('allocates node ports for LoadBalancer, refuses a taken one, and frees them on type change and delete', () => {
    const api = setup();
    const lb = create(api, 'lb', { type: 'LoadBalancer' });
    expect(spec(lb).ports[0]!.nodePort).toBe(30000);
    expect(
      status(() => create(api, 'dup', { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] })).message,
    ).toContain('provided port is already allocated');
    const cur = api.get(serviceType, 'ns', 'lb');
    const toClusterIp = { ...cur, spec: { ...spec(cur), type: 'ClusterIP' } };
    const updated = api.update(
      serviceType,
      'ns',
      'lb',
      JSON.parse(JSON.stringify(toClusterIp)),
      '',
      opts,
    ).object;
    expect(spec(updated).ports[0]!.nodePort).toBeUndefined();
    expect(spec(create(api, 'np', { type: 'NodePort' })).ports[0]!.nodePort).toBe(30001);
    expect(
      spec(create(api, 'np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] })).ports[0]!
        .nodePort,
    ).toBe(30000);
    api.delete(serviceType, 'ns', 'np2', { dryRun: false });
    expect(
      spec(create(api, 'np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] })).ports[0]!
        .nodePort,
    ).toBe(30000);
  });

  it('keeps allocated values when a re-apply omits them, and refuses a changed clusterIP or loadBalancerClass', () => {
    const api = setup();
    const lb = create(api, 'lb', { type: 'LoadBalancer', loadBalancerClass: 'ironlb.io/lb' });
    const again = api.update(
      serviceType,
      'ns',
      'lb',
      svc('lb', {
        type: 'LoadBalancer',
        loadBalancerClass: 'ironlb.io/lb',
        ports: [{ port: 80, targetPort: 81 }],
      }),
      '',
      opts,
    ).object;
    expect(spec(again).clusterIP).toBe(spec(lb).clusterIP);
    expect(spec(again).ports[0]!.nodePort).toBe(spec(lb).ports[0]!.nodePort);
    const ip = status(() =>
      patchObject(
        api,
        serviceType,
        { ns: 'ns', name: 'lb', sub: '' },
        'application/merge-patch+json',
        '{"spec":{"clusterIP":"10.96.0.99"}}',
        opts,
      ),
    );
    expect(ip.code).toBe(422);
    const cls = status(() =>
      patchObject(
        api,
        serviceType,
        { ns: 'ns', name: 'lb', sub: '' },
        'application/merge-patch+json',
        '{"spec":{"loadBalancerClass":"other"}}',
        opts,
      ),
    );
    expect(cls.message).toContain('spec.loadBalancerClass: Invalid value: "other": may not change once set');
  });

  it('validates status ingress on /status writes and defaults ipMode', () => {
    const api = setup();
    create(api, 'lb', { type: 'LoadBalancer' });
    const bad = status(() =>
      patchObject(
        api,
        serviceType,
        { ns: 'ns', name: 'lb', sub: 'status' },
        'application/merge-patch+json',
        '{"status":{"loadBalancer":{"ingress":[{"ip":"not-an-ip"}]}}}',
        opts,
      ),
    );
    expect(bad.message).toBe(
      'Service "lb" is invalid: status.loadBalancer.ingress[0].ip: Invalid value: "not-an-ip": must be a valid IP address',
    );
    const ok = patchObject(
      api,
      serviceType,
      { ns: 'ns', name: 'lb', sub: 'status' },
      'application/merge-patch+json',
      '{"status":{"loadBalancer":{"ingress":[{"ip":"2001:db8::1"}]}}}',
      opts,
    );
    expect(ok.object.status).toEqual({ loadBalancer: { ingress: [{ ip: '2001:db8::1', ipMode: 'VIP' }] } });
  });

  it('requires ports (unless headless) and names when there are several', () => {
    const api = setup();
    expect(
      status(() => api.create(serviceType, 'ns', { metadata: { name: 'x' }, spec: {} }, opts)).message,
    ).toContain('spec.ports: Required value');
    expect(
      spec(
        api.create(serviceType, 'ns', { metadata: { name: 'h' }, spec: { clusterIP: 'None' } }, opts).object,
      ).clusterIPs,
    ).toEqual(['None']);
    const two = status(() => create(api, 'two', { ports: [{ port: 80 }, { port: 81 }] }));
    expect(two.message).toContain('spec.ports[0].name: Required value');
  });
});
