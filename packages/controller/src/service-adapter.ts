// Service <-> allocator: what a Kubernetes Service asks for, as an ipam AllocationRequest (the
// role of MetalLB's k8salloc), and which addresses its status already shows. Pure.
//
// Inputs read: spec.type, spec.loadBalancerClass, spec.loadBalancerIP, spec.ipFamilies,
// spec.ipFamilyPolicy, spec.ports, spec.externalTrafficPolicy + spec.selector (backend key),
// metadata.labels, metadata.creationTimestamp, the ironlb.io/ annotations (metallb.io/ and
// metallb.universe.tf/ spellings as aliases) and status.loadBalancer.ingress[].ip.
import { AllocationReason } from '@ironlb/ipam';
import type { AllocationRequest, IPFamilyPolicy, ServicePort } from '@ironlb/ipam';
import { IPAddress } from '@ironlb/netaddr';
import {
  ADDRESS_ALLOCATED,
  ALLOCATED_FROM_POOL,
  DEFAULT_LB_CLASS,
  InputAnnotation,
  annotationAliases,
} from './api-names.js';
import type { Service } from './service-types.js';

export interface ClassFilter {
  /** Services whose `spec.loadBalancerClass` equals this are handled. */
  readonly lbClass: string;
  /** Whether Services without a class are handled too. */
  readonly unclassed: boolean;
}

export const defaultClassFilter: ClassFilter = { lbClass: DEFAULT_LB_CLASS, unclassed: true };

/** A Service the controller does not allocate for. */
export interface IgnoredService {
  readonly handled: false;
  readonly key: string;
  readonly why: 'notLoadBalancer' | 'otherClass';
  /** Whether it carries IronLB's marks (pool annotation or condition), i.e. it was ours. */
  readonly marked: boolean;
}

/** Where an alias annotation was used instead of the IronLB name. */
export interface AliasUse {
  readonly alias: string;
  readonly name: InputAnnotation;
}

/** A Service the controller allocates for. */
export interface HandledService {
  readonly handled: true;
  readonly key: string;
  /** The request; when `invalid` is set its requested IPs and pool are left out. */
  readonly request: AllocationRequest;
  /** The inputs cannot make a request (e.g. both loadBalancerIP and the annotation set). */
  readonly invalid?: { readonly reason: typeof AllocationReason.invalidRequest; readonly detail: string };
  /** Addresses in status.loadBalancer.ingress, canonical, in order (hostnames and junk skipped). */
  readonly statusIPs: readonly string[];
  /** The pool named by our annotation, when present. */
  readonly statusPool?: string;
  /** Whether it carries the controller's marks (its status was written by IronLB). */
  readonly marked: boolean;
  readonly aliases: readonly AliasUse[];
}

export type ServiceView = HandledService | IgnoredService;

export function serviceKey(svc: Pick<Service, 'metadata'>): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
}

/** Whether the controller allocates for this Service. */
export function isHandled(svc: Service, filter: ClassFilter): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === '' ? filter.unclassed : cls === filter.lbClass;
}

/** Whether the Service carries the controller's marks (so its status was written by us). */
export function isMarked(svc: Service): boolean {
  return (
    svc.metadata.annotations?.[ALLOCATED_FROM_POOL] !== undefined ||
    (svc.status?.conditions ?? []).some((c) => c.type === ADDRESS_ALLOCATED)
  );
}

/** Canonical addresses of status.loadBalancer.ingress. */
export function statusIPs(svc: Service): string[] {
  const out: string[] = [];
  for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
    if (typeof ingress.ip !== 'string') continue;
    const parsed = IPAddress.tryParse(ingress.ip);
    if (parsed.ok) out.push(parsed.value.toString());
  }
  return out;
}

function annotation(svc: Service, name: InputAnnotation, aliases: AliasUse[]): string | undefined {
  const annotations = svc.metadata.annotations ?? {};
  const own = annotations[name];
  if (own !== undefined) return own;
  for (const alias of annotationAliases[name]) {
    const value = annotations[alias];
    if (value !== undefined) {
      aliases.push({ alias, name });
      return value;
    }
  }
  return undefined;
}

const protocols = new Set(['TCP', 'UDP', 'SCTP']);

function ports(svc: Service): ServicePort[] {
  const out: ServicePort[] = [];
  for (const p of svc.spec?.ports ?? []) {
    const protocol = p.protocol ?? 'TCP';
    if (protocols.has(protocol) && Number.isInteger(p.port))
      out.push({ protocol: protocol as ServicePort['protocol'], port: p.port });
  }
  return out;
}

/**
 * Backend key for sharing (MetalLB): with externalTrafficPolicy Local, Services sharing an
 * address must select the same pods, so the key is the canonical selector; otherwise empty.
 */
function backendKey(svc: Service): string {
  if (svc.spec?.externalTrafficPolicy !== 'Local') return '';
  const selector = svc.spec.selector ?? {};
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');
}

function families(svc: Service): { primaryFamily: 4 | 6; ipFamilyPolicy: IPFamilyPolicy } {
  const list = svc.spec?.ipFamilies ?? [];
  const primaryFamily = list[0] === 'IPv6' ? 6 : 4;
  const policy = svc.spec?.ipFamilyPolicy;
  // A Service with one cluster IP family is routed in that family only (MetalLB does the same).
  const ipFamilyPolicy: IPFamilyPolicy =
    list.length >= 2 && (policy === 'PreferDualStack' || policy === 'RequireDualStack')
      ? policy
      : 'SingleStack';
  return { primaryFamily, ipFamilyPolicy };
}

function createdAt(svc: Service): number | undefined {
  const t = svc.metadata.creationTimestamp;
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What the Service asks for, and what its status already shows. */
export function readService(
  svc: Service,
  options: { filter: ClassFilter; namespaceLabels?: Readonly<Record<string, string>> },
): ServiceView {
  const key = serviceKey(svc);
  if (!isHandled(svc, options.filter)) {
    return {
      handled: false,
      key,
      why: svc.spec?.type === 'LoadBalancer' ? 'otherClass' : 'notLoadBalancer',
      marked: isMarked(svc),
    };
  }
  const aliases: AliasUse[] = [];
  const sharingKey = annotation(svc, InputAnnotation.allowSharedIP, aliases);
  const pool = annotation(svc, InputAnnotation.addressPool, aliases);
  const ipsText = annotation(svc, InputAnnotation.loadBalancerIPs, aliases);
  const base: AllocationRequest = {
    serviceKey: key,
    namespace: svc.metadata.namespace,
    ...(options.namespaceLabels ? { namespaceLabels: options.namespaceLabels } : {}),
    ...(svc.metadata.labels ? { serviceLabels: svc.metadata.labels } : {}),
    ports: ports(svc),
    ...(sharingKey !== undefined && sharingKey !== '' ? { sharingKey } : {}),
    backendKey: backendKey(svc),
    ...families(svc),
    ...(createdAt(svc) !== undefined ? { createdAt: createdAt(svc) } : {}),
  };
  const statusPool = svc.metadata.annotations?.[ALLOCATED_FROM_POOL];
  const view = {
    handled: true as const,
    key,
    statusIPs: statusIPs(svc),
    ...(statusPool !== undefined ? { statusPool } : {}),
    marked: isMarked(svc),
    aliases,
  };
  const specIP = svc.spec?.loadBalancerIP;
  if (specIP && ipsText !== undefined) {
    return {
      ...view,
      request: base,
      invalid: {
        reason: AllocationReason.invalidRequest,
        detail: `spec.loadBalancerIP and the ${InputAnnotation.loadBalancerIPs} annotation are both set; use only the annotation`,
      },
    };
  }
  const requestedIPs = specIP
    ? [specIP.trim()]
    : ipsText !== undefined
      ? ipsText
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [];
  for (const text of requestedIPs) {
    if (!IPAddress.tryParse(text).ok)
      return {
        ...view,
        request: base,
        invalid: {
          reason: AllocationReason.invalidRequest,
          detail: `requested address ${JSON.stringify(text)} is not an IP address`,
        },
      };
  }
  return {
    ...view,
    request: {
      ...base,
      ...(requestedIPs.length > 0 ? { requestedIPs } : {}),
      ...(pool !== undefined && pool !== '' ? { pool } : {}),
    },
  };
}
