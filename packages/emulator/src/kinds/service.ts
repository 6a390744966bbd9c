// Services: what kube-apiserver does to them (`pkg/apis/core/v1/defaults.go`
// SetDefaults_Service, `pkg/registry/core/service/storage/alloc.go`, `strategy.go`,
// `pkg/apis/core/validation` ValidateService). Cluster IPs and node ports are allocated on
// create, kept on update when the client omits them, and released on delete; `ipMode: VIP`
// is defaulted on every write that sets an ingress `ip`.
import type { FieldError } from '../errors.js';
import { invalid } from '../errors.js';
import type { JsonObject } from '../json-value.js';
import { isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { listOf, mapOf, typeFields } from '../schema/known-fields.js';
import { familyOf } from './ip-range.js';
import type { ResourceType, StrategyContext } from './resource-type.js';
import { baseStrategy, defineType } from './resource-type.js';
import {
  allocateIps,
  allocatePorts,
  decideFamilies,
  isHeadless,
  release,
  specOf,
  usesNodePorts,
} from './service-allocation.js';
import type { Spec } from './service-allocation.js';

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

/** SetDefaults_Service, plus the ipMode default on status. */
function setDefaults(obj: KObject): void {
  const s = specOf(obj);
  s.type ??= 'ClusterIP';
  if (s.type !== 'ExternalName') {
    s.sessionAffinity ??= 'None';
    s.internalTrafficPolicy ??= 'Cluster';
  }
  for (const p of s.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (s.type === 'NodePort' || s.type === 'LoadBalancer') s.externalTrafficPolicy ??= 'Cluster';
  if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
  const status = obj.status;
  if (isObject(status) && isObject(status.loadBalancer) && Array.isArray(status.loadBalancer.ingress)) {
    for (const ing of status.loadBalancer.ingress as JsonObject[])
      if (isObject(ing) && ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
  }
}

function validate(obj: KObject): FieldError[] {
  const s = specOf(obj);
  const errs: FieldError[] = [];
  if (!TYPES.includes(s.type ?? ''))
    errs.push({ type: 'NotSupported', field: 'spec.type', value: s.type, supported: TYPES });
  const ports = s.ports ?? [];
  if (ports.length === 0 && !isHeadless(s) && s.type !== 'ExternalName')
    errs.push({ type: 'Required', field: 'spec.ports', detail: '' });
  const seen = new Set<string>();
  for (const [i, p] of ports.entries()) {
    if (ports.length > 1 && !p.name) errs.push({ type: 'Required', field: `spec.ports[${i}].name` });
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535)
      errs.push({
        type: 'Invalid',
        field: `spec.ports[${i}].port`,
        value: p.port ?? 0,
        detail: 'must be between 1 and 65535, inclusive',
      });
    if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol ?? ''))
      errs.push({
        type: 'NotSupported',
        field: `spec.ports[${i}].protocol`,
        value: p.protocol,
        supported: ['SCTP', 'TCP', 'UDP'],
      });
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) errs.push({ type: 'Duplicate', field: `spec.ports[${i}]`, value: p });
    seen.add(key);
    if (p.nodePort && !usesNodePorts(s))
      errs.push({
        type: 'Forbidden',
        field: `spec.ports[${i}].nodePort`,
        detail: `may not be used when \`type\` is '${s.type}'`,
      });
  }
  if (s.loadBalancerClass !== undefined && s.type !== 'LoadBalancer')
    errs.push({
      type: 'Forbidden',
      field: 'spec.loadBalancerClass',
      detail: "may only be used when `type` is 'LoadBalancer'",
    });
  const ingress =
    isObject(obj.status) && isObject(obj.status.loadBalancer) ? obj.status.loadBalancer.ingress : undefined;
  if (Array.isArray(ingress)) {
    for (const [i, ing] of (ingress as JsonObject[]).entries()) {
      const f = `status.loadBalancer.ingress[${i}]`;
      if (ing.ip !== undefined && (typeof ing.ip !== 'string' || !familyOf(ing.ip)))
        errs.push({ type: 'Invalid', field: `${f}.ip`, value: ing.ip, detail: 'must be a valid IP address' });
      if (ing.ipMode !== undefined && !['VIP', 'Proxy'].includes(ing.ipMode as string))
        errs.push({
          type: 'NotSupported',
          field: `${f}.ipMode`,
          value: ing.ipMode,
          supported: ['Proxy', 'VIP'],
        });
      if (ing.ipMode !== undefined && ing.ip === undefined)
        errs.push({
          type: 'Forbidden',
          field: `${f}.ipMode`,
          detail: 'may not be specified when `ip` is not',
        });
    }
  }
  return errs;
}

function fail(obj: KObject, errs: FieldError[]): never {
  throw invalid('Service', '', obj.metadata.name ?? '', errs);
}

function prepareForCreate(obj: KObject, ctx: StrategyContext): void {
  setDefaults(obj);
  obj.status = { loadBalancer: {} };
  const s = specOf(obj);
  const errs = validate(obj);
  if (errs.length) fail(obj, errs);
  decideFamilies(s, ctx.alloc, errs);
  if (errs.length) fail(obj, errs);
  allocateIps(s, ctx.alloc, errs);
  if (errs.length === 0) allocatePorts(s, ctx.alloc, errs, new Set());
  if (errs.length) {
    release(obj, ctx.alloc);
    fail(obj, errs);
  }
}

/** patchAllocatedValues + immutability checks + type-change allocation. */
function prepareForUpdate(obj: KObject, old: KObject, ctx: StrategyContext, sub: string): void {
  setDefaults(obj);
  if (sub === 'status') return;
  const s = specOf(obj);
  const o = old.spec as Spec;
  const errs: FieldError[] = [];
  const wasExternal = o.type === 'ExternalName';
  const isExternal = s.type === 'ExternalName';
  if (!isExternal && !wasExternal) {
    if (s.clusterIP === undefined || s.clusterIP === '') {
      s.clusterIP = o.clusterIP;
      s.clusterIPs ??= o.clusterIPs;
    } else if (s.clusterIP !== o.clusterIP) {
      errs.push({
        type: 'Invalid',
        field: 'spec.clusterIPs[0]',
        value: s.clusterIP,
        detail: 'may not change once set',
      });
    }
    s.clusterIPs ??= o.clusterIPs;
    s.ipFamilies ??= o.ipFamilies;
    s.ipFamilyPolicy ??= o.ipFamilyPolicy;
  }
  if (
    o.loadBalancerClass !== undefined &&
    s.loadBalancerClass !== o.loadBalancerClass &&
    o.type === 'LoadBalancer' &&
    s.type === 'LoadBalancer'
  )
    errs.push({
      type: 'Invalid',
      field: 'spec.loadBalancerClass',
      value: s.loadBalancerClass ?? null,
      detail: 'may not change once set',
    });
  const oldPorts = usesNodePorts(o) ? (o.ports ?? []) : [];
  const keep = new Set<number>();
  if (usesNodePorts(s)) {
    for (const p of s.ports ?? []) {
      const match =
        oldPorts.find((q) => q.port === p.port && q.protocol === p.protocol) ??
        oldPorts.find((q) => q.port === p.port);
      if (!p.nodePort && match?.nodePort) p.nodePort = match.nodePort;
      if (p.nodePort && oldPorts.some((q) => q.nodePort === p.nodePort)) keep.add(p.nodePort);
    }
    if (
      s.type === 'LoadBalancer' &&
      s.externalTrafficPolicy === 'Local' &&
      !s.healthCheckNodePort &&
      o.healthCheckNodePort
    ) {
      s.healthCheckNodePort = o.healthCheckNodePort;
      keep.add(o.healthCheckNodePort);
    }
  }
  if (!usesNodePorts(s)) {
    // dropTypeDependentFields: node ports the old type had go away with it.
    for (const p of s.ports ?? [])
      if (p.nodePort && oldPorts.some((q) => q.nodePort === p.nodePort)) delete p.nodePort;
    if (s.healthCheckNodePort === o.healthCheckNodePort) delete s.healthCheckNodePort;
  }
  errs.push(...validate(obj));
  if (errs.length) fail(obj, errs);
  if (wasExternal && !isExternal) {
    decideFamilies(s, ctx.alloc, errs);
    allocateIps(s, ctx.alloc, errs);
  }
  if (!wasExternal && isExternal) {
    for (const ip of o.clusterIPs ?? []) if (ip !== 'None') ctx.alloc.releaseIp(ip);
    delete s.clusterIP;
    delete s.clusterIPs;
    delete s.ipFamilies;
    delete s.ipFamilyPolicy;
  }
  allocatePorts(s, ctx.alloc, errs, keep);
  if (errs.length) fail(obj, errs);
  const stillUsed = new Set(usesNodePorts(s) ? (s.ports ?? []).map((p) => p.nodePort) : []);
  for (const q of oldPorts) if (q.nodePort && !stillUsed.has(q.nodePort)) ctx.alloc.releasePort(q.nodePort);
  if (o.healthCheckNodePort && s.healthCheckNodePort !== o.healthCheckNodePort)
    ctx.alloc.releasePort(o.healthCheckNodePort);
}

const portFields = {
  name: true,
  protocol: true,
  appProtocol: true,
  port: true,
  targetPort: true,
  nodePort: true,
} as const;

export const serviceType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  statusSubresource: true,
  strategy: baseStrategy({
    allowCreateOnUpdate: true,
    returnDeletedObject: true,
    nameRule: 'dns1035Label',
    prepareForCreate,
    prepareForUpdate,
    validate: (obj) => validate(obj),
    afterDelete: (obj, ctx) => release(obj, ctx.alloc),
    fields: {
      'spec.clusterIP': (o) => (o.spec as Spec | undefined)?.clusterIP,
      'spec.type': (o) => (o.spec as Spec | undefined)?.type,
    },
    smp: {
      fields: {
        spec: { fields: { ports: { mergeKey: 'port' } } },
        status: { fields: { conditions: { mergeKey: 'type' } } },
      },
    },
    known: typeFields({
      spec: {
        ports: listOf(portFields),
        selector: mapOf(true),
        ...Object.fromEntries(
          [
            'clusterIP',
            'clusterIPs',
            'type',
            'externalIPs',
            'sessionAffinity',
            'loadBalancerIP',
            'loadBalancerSourceRanges',
            'externalName',
            'externalTrafficPolicy',
            'healthCheckNodePort',
            'publishNotReadyAddresses',
            'sessionAffinityConfig',
            'ipFamilies',
            'ipFamilyPolicy',
            'allocateLoadBalancerNodePorts',
            'loadBalancerClass',
            'internalTrafficPolicy',
            'trafficDistribution',
          ].map((k) => [k, true]),
        ),
      },
      status: {
        loadBalancer: { ingress: listOf({ ip: true, hostname: true, ipMode: true, ports: true }) },
        conditions: true,
      },
    }),
  }),
});
