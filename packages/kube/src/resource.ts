// Resource types and their URL paths. The runtime is generic: callers describe the resource
// (built-in or custom) and the runtime builds `/api/v1/...` or `/apis/<group>/<version>/...`.

/** The metadata every object has; enough for caches, keys, status writes and events. */
export interface KubeObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
}

export interface ResourceType {
  /** `''` for the core group. */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural used in URLs: `services`, `ipaddresspools`. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export interface PathOptions {
  namespace?: string;
  name?: string;
  subresource?: 'status' | 'scale';
}

/** `/api/v1/namespaces/ns/services/name/status` and the like. */
export function resourcePath(type: ResourceType, opts: PathOptions = {}): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const ns = type.namespaced && opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : '';
  let path = `${base}${ns}/${type.plural}`;
  if (opts.name !== undefined) path += `/${encodeURIComponent(opts.name)}`;
  if (opts.subresource) path += `/${opts.subresource}`;
  return path;
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** Splits a key made by `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Built-in resource types the controller and speakers use. */
export const coreResources = {
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  namespaces: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  nodes: { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  configMaps: { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  events: { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  endpointSlices: {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true },
} as const satisfies Record<string, ResourceType>;

/** A custom resource type, e.g. `customResource('ironlb.io', 'v1beta1', 'ipaddresspools', 'IPAddressPool')`. */
export function customResource(
  group: string,
  version: string,
  plural: string,
  kind: string,
  opts: { namespaced?: boolean } = {},
): ResourceType {
  return { group, version, plural, kind, namespaced: opts.namespaced ?? false };
}
