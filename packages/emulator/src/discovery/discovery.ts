// Discovery documents (§5.2 of the design brief): legacy `/api`, `/apis`, per group-version
// `APIResourceList`, and aggregated discovery v2 (`APIGroupDiscoveryList`), chosen by exact
// Accept parameters so that clients which only know v2beta1 get the legacy shape.
import type { Registry } from '../kinds/registry.js';
import type { ResourceType } from '../kinds/resource-type.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when an Accept entry asks exactly for aggregated discovery v2. */
export function wantsAggregatedV2(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const entry of accept.split(',')) {
    const [type, ...params] = entry.split(';').map((s) => s.trim());
    if (type !== 'application/json') continue;
    const p = new Map(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    if (
      p.get('g') === 'apidiscovery.k8s.io' &&
      p.get('v') === 'v2' &&
      p.get('as') === 'APIGroupDiscoveryList'
    )
      return true;
  }
  return false;
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(reg: Registry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: reg
      .groupVersions()
      .filter((g) => g.group !== '')
      .map((g) => {
        const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
        return { name: g.group, versions, preferredVersion: versions[0] };
      }),
  };
}

export function apiGroup(reg: Registry, group: string): object | undefined {
  const g = reg.groupVersions().find((x) => x.group === group);
  if (!g || group === '') return undefined;
  const versions = g.versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

function singularOf(rt: ResourceType): string {
  return rt.singular;
}

export function apiResourceList(reg: Registry, group: string, version: string): object | undefined {
  const types = reg.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const resources: object[] = [];
  for (const rt of types) {
    const r: Record<string, unknown> = {
      name: rt.plural,
      singularName: singularOf(rt),
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
    };
    if (rt.shortNames.length) r.shortNames = rt.shortNames;
    if (rt.categories.length) r.categories = rt.categories;
    resources.push(r);
    if (rt.statusSubresource)
      resources.push({
        name: `${rt.plural}/status`,
        singularName: '',
        namespaced: rt.namespaced,
        kind: rt.kind,
        verbs: ['get', 'patch', 'update'],
      });
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function discoveryResource(rt: ResourceType): object {
  const responseKind = { group: rt.group, version: rt.version, kind: rt.kind };
  const r: Record<string, unknown> = {
    resource: rt.plural,
    responseKind,
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length) r.shortNames = rt.shortNames;
  if (rt.categories.length) r.categories = rt.categories;
  if (rt.statusSubresource)
    r.subresources = [{ subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] }];
  return r;
}

/** `/api` (core only) or `/apis` (named groups) as an aggregated v2 document. */
export function aggregatedDiscovery(reg: Registry, core: boolean): object {
  const items = reg
    .groupVersions()
    .filter((g) => (core ? g.group === '' : g.group !== ''))
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: reg.inGroupVersion(g.group, v).map(discoveryResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
