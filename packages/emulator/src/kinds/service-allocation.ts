// Service address allocation (`pkg/registry/core/service/storage/alloc.go`): IP families from
// `ipFamilyPolicy`/`ipFamilies`, cluster IPs, node ports and the health check node port,
// and their release. Problems are appended as field errors for the caller's 422.
import type { FieldError } from '../errors.js';
import type { JsonObject } from '../json-value.js';
import { isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { Family } from './ip-range.js';
import { familyOf } from './ip-range.js';
import type { ServiceAllocator } from './ip-port-allocator.js';

export type Port = {
  port?: number;
  protocol?: string;
  targetPort?: unknown;
  nodePort?: number;
  name?: string;
};
export type Spec = JsonObject & {
  type?: string;
  ports?: Port[];
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: Family[];
  ipFamilyPolicy?: string;
  externalTrafficPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  healthCheckNodePort?: number;
  loadBalancerClass?: string;
};

export function specOf(obj: KObject): Spec {
  if (!isObject(obj.spec)) obj.spec = {};
  return obj.spec as Spec;
}

export function usesNodePorts(s: Spec): boolean {
  return s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
}

export function isHeadless(s: Spec): boolean {
  return s.clusterIP === 'None';
}

export function decideFamilies(s: Spec, alloc: ServiceAllocator, errs: FieldError[]): void {
  if (s.type === 'ExternalName') return;
  const clusterFams = alloc.families();
  const requested = s.ipFamilies ?? [];
  if (!s.ipFamilyPolicy) {
    if (requested.length === 2)
      errs.push({
        type: 'Invalid',
        field: 'spec.ipFamilyPolicy',
        value: null,
        detail: 'must be RequireDualStack or PreferDualStack when multiple IP families are specified',
      });
    s.ipFamilyPolicy = 'SingleStack';
  }
  const ips = (s.clusterIPs ?? (s.clusterIP && !isHeadless(s) ? [s.clusterIP] : [])).filter(
    (ip) => ip !== 'None',
  );
  let fams: Family[] = requested.length > 0 ? [...requested] : ips.map((ip) => familyOf(ip) ?? 'IPv4');
  for (const [i, f] of fams.entries())
    if (!alloc.hasFamily(f))
      errs.push({
        type: 'Invalid',
        field: `spec.ipFamilies[${i}]`,
        value: f,
        detail: 'not configured on this cluster',
      });
  if (fams.length === 0) fams = [clusterFams[0]!];
  const dual = s.ipFamilyPolicy !== 'SingleStack';
  if (dual && fams.length === 1) {
    const other = clusterFams.find((f) => f !== fams[0]);
    if (other) fams.push(other);
    else if (s.ipFamilyPolicy === 'RequireDualStack')
      errs.push({
        type: 'Invalid',
        field: 'spec.ipFamilyPolicy',
        value: 'RequireDualStack',
        detail: 'this cluster is not configured for dual-stack services',
      });
  }
  if (!dual) fams = fams.slice(0, 1);
  s.ipFamilies = fams;
}

export function allocateIps(s: Spec, alloc: ServiceAllocator, errs: FieldError[]): void {
  if (s.type === 'ExternalName') {
    delete s.clusterIP;
    delete s.clusterIPs;
    return;
  }
  if (isHeadless(s)) {
    s.clusterIPs = ['None'];
    return;
  }
  const given = s.clusterIPs ?? (s.clusterIP ? [s.clusterIP] : []);
  const out: string[] = [];
  for (const [i, f] of (s.ipFamilies ?? []).entries()) {
    const want = given[i];
    if (want) {
      const problem = alloc.reserveIp(want);
      if (problem)
        errs.push({ type: 'Invalid', field: `spec.clusterIPs[${i}]`, value: want, detail: problem });
      out.push(want);
    } else {
      const ip = alloc.allocateIp(f);
      if (!ip)
        errs.push({
          type: 'Invalid',
          field: 'spec.clusterIPs',
          value: null,
          detail: `range for ${f} is full`,
        });
      else out.push(ip);
    }
  }
  s.clusterIPs = out;
  s.clusterIP = out[0];
}

export function allocatePorts(s: Spec, alloc: ServiceAllocator, errs: FieldError[], keep: Set<number>): void {
  if (!usesNodePorts(s)) return;
  for (const [i, p] of (s.ports ?? []).entries()) {
    if (p.nodePort) {
      if (keep.has(p.nodePort)) continue;
      const problem = alloc.reservePort(p.nodePort);
      if (problem)
        errs.push({
          type: 'Invalid',
          field: `spec.ports[${i}].nodePort`,
          value: p.nodePort,
          detail: problem,
        });
    } else {
      const np = alloc.allocatePort();
      if (np === undefined)
        errs.push({ type: 'Invalid', field: `spec.ports[${i}].nodePort`, value: 0, detail: 'range is full' });
      else p.nodePort = np;
    }
  }
  if (s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local' && !s.healthCheckNodePort) {
    s.healthCheckNodePort = alloc.allocatePort();
  }
}

export function release(obj: KObject, alloc: ServiceAllocator): void {
  const s = (obj.spec ?? {}) as Spec;
  for (const ip of s.clusterIPs ?? []) if (ip !== 'None') alloc.releaseIp(ip);
  if (usesNodePorts(s)) for (const p of s.ports ?? []) if (p.nodePort) alloc.releasePort(p.nodePort);
  if (s.healthCheckNodePort) alloc.releasePort(s.healthCheckNodePort);
}

/** Marks a persisted Service's IPs and ports as taken (restart with a data directory). */
export function reserveServiceAllocations(obj: KObject, alloc: ServiceAllocator): void {
  const s = (obj.spec ?? {}) as Spec;
  for (const ip of s.clusterIPs ?? []) if (ip !== 'None') alloc.reserveIp(ip);
  if (usesNodePorts(s)) for (const p of s.ports ?? []) if (p.nodePort) alloc.reservePort(p.nodePort);
  if (s.healthCheckNodePort) alloc.reservePort(s.healthCheckNodePort);
}
