// What the Service cache keeps of each Service: the fields the controller reads and writes
// (service-types.ts), nothing else. Applied by the informer to every Service as it arrives, so
// cluster IPs, node ports, session affinity, managedFields (often most of the object) and
// other controllers' annotations are never held. Status is kept whole: conditions of other
// controllers are written back with ours. Pure.
import { ALLOCATED_FROM_POOL, InputAnnotation, annotationAliases } from './api-names.js';
import type { Service, ServicePortSpec } from './service-types.js';

/** Every annotation the controller reads or writes. */
const annotationNames: ReadonlySet<string> = new Set([
  ALLOCATED_FROM_POOL,
  ...Object.values(InputAnnotation),
  ...Object.values(annotationAliases).flat(),
]);

/**
 * One copy of the short strings most Services repeat (JSON.parse makes a new string for every
 * value): types, policies, families, protocols.
 */
const common = new Map<string, string>(
  [
    'LoadBalancer',
    'ClusterIP',
    'NodePort',
    'SingleStack',
    'PreferDualStack',
    'RequireDualStack',
    'IPv4',
    'IPv6',
    'TCP',
    'UDP',
    'SCTP',
    'Cluster',
    'Local',
  ].map((s) => [s, s]),
);

function intern<T>(value: T): T {
  return typeof value === 'string' ? ((common.get(value) as T | undefined) ?? value) : value;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Copies the fields of `from` named in `keys` that are present. */
function pick(from: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = intern(from[k]);
  return out;
}

const metadataKeys = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
];
const specKeys = [
  'type',
  'loadBalancerClass',
  'loadBalancerIP',
  'ipFamilyPolicy',
  'externalTrafficPolicy',
  'selector',
];

/** The parts of a Service (as the API server sends it) that the controller uses. */
export function projectService(obj: object): Service {
  const o = obj as Json;
  const meta = isObject(o.metadata) ? o.metadata : {};
  const metadata = pick(meta, metadataKeys);
  if (isObject(meta.labels)) metadata.labels = meta.labels;
  if (isObject(meta.annotations)) {
    // Present (maybe empty) when the Service has annotations at all, as the writer compares.
    const annotations: Record<string, unknown> = {};
    for (const k in meta.annotations) if (annotationNames.has(k)) annotations[k] = meta.annotations[k];
    metadata.annotations = annotations;
  }
  const out: Json = { metadata };
  if (o.apiVersion !== undefined) out.apiVersion = o.apiVersion;
  if (o.kind !== undefined) out.kind = o.kind;
  if (isObject(o.spec)) {
    const spec = pick(o.spec, specKeys);
    if (Array.isArray(o.spec.ipFamilies)) spec.ipFamilies = o.spec.ipFamilies.map(intern);
    if (Array.isArray(o.spec.ports))
      spec.ports = o.spec.ports.map((p: unknown) =>
        isObject(p) ? (pick(p, ['name', 'protocol', 'port']) as unknown as ServicePortSpec) : p,
      );
    out.spec = spec;
  }
  if (o.status !== undefined) out.status = o.status;
  return out as unknown as Service;
}
