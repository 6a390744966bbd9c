// MetalLB IPAddressPool (and the deprecated AddressPool) -> IronLB IPAddressPool. The pool
// spec is field for field the same, including serviceAllocation.
import type {
  BGPAdvertisement,
  IPAddressPool,
  IPAddressPoolSpec,
  L2Advertisement,
  LabelSelector,
  ServiceAllocation,
} from '@ironlb/config';
import { FieldReader, type Findings } from './import-finding.js';
import { convertedMetadata, type MetalLBObject } from './metallb-documents.js';

/** Label selectors are the Kubernetes shape on both sides; IronLB's validation checks them. */
export function selectors(reader: FieldReader, key: string): LabelSelector[] | undefined {
  const list = reader.records(key);
  return list && list.length > 0 ? (list as LabelSelector[]) : undefined;
}

function serviceAllocation(
  value: Record<string, unknown> | undefined,
  obj: MetalLBObject,
  findings: Findings,
): ServiceAllocation | undefined {
  if (value === undefined) return undefined;
  const r = new FieldReader(value, { source: obj.source, path: 'spec.serviceAllocation', findings });
  const out: ServiceAllocation = {};
  const priority = r.number('priority');
  if (priority !== undefined) out.priority = priority;
  const namespaces = r.strings('namespaces');
  if (namespaces && namespaces.length > 0) out.namespaces = namespaces;
  const namespaceSelectors = selectors(r, 'namespaceSelectors');
  if (namespaceSelectors) out.namespaceSelectors = namespaceSelectors;
  const serviceSelectors = selectors(r, 'serviceSelectors');
  if (serviceSelectors) out.serviceSelectors = serviceSelectors;
  r.done();
  return out;
}

function poolSpec(r: FieldReader, obj: MetalLBObject, findings: Findings): IPAddressPoolSpec {
  const spec: IPAddressPoolSpec = { addresses: r.strings('addresses') ?? [] };
  if (spec.addresses.length === 0)
    findings.add(
      'unconvertible',
      obj.source,
      'spec.addresses is empty: the pool has no addresses',
      'spec.addresses',
    );
  const autoAssign = r.boolean('autoAssign');
  if (autoAssign !== undefined) spec.autoAssign = autoAssign;
  const avoidBuggyIPs = r.boolean('avoidBuggyIPs');
  if (avoidBuggyIPs) spec.avoidBuggyIPs = true;
  return spec;
}

export function convertIPAddressPool(obj: MetalLBObject, findings: Findings): IPAddressPool {
  const r = new FieldReader(obj.spec, { source: obj.source, path: 'spec', findings });
  const spec = poolSpec(r, obj, findings);
  const allocation = serviceAllocation(r.record('serviceAllocation'), obj, findings);
  if (allocation) spec.serviceAllocation = allocation;
  r.done();
  return { apiVersion: 'ironlb.io/v1beta1', kind: 'IPAddressPool', metadata: convertedMetadata(obj), spec };
}

/**
 * The deprecated `AddressPool` (MetalLB v1alpha1/v1beta1): a pool and its protocol in one
 * object. It becomes an IPAddressPool plus an L2Advertisement (protocol layer2) or one
 * BGPAdvertisement per legacy `bgpAdvertisements` entry (protocol bgp), named after the pool.
 */
export function convertLegacyAddressPool(
  obj: MetalLBObject,
  findings: Findings,
): (IPAddressPool | L2Advertisement | BGPAdvertisement)[] {
  const r = new FieldReader(obj.spec, { source: obj.source, path: 'spec', findings });
  const spec = poolSpec(r, obj, findings);
  const protocol = r.string('protocol');
  const pool: IPAddressPool = {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: convertedMetadata(obj),
    spec,
  };
  const legacyAds = r.records('bgpAdvertisements') ?? [];
  r.done();
  findings.add(
    'info',
    obj.source,
    `AddressPool is deprecated in MetalLB; converted to IPAddressPool ${obj.name} and its ${protocol === 'bgp' ? 'BGPAdvertisement' : 'L2Advertisement'}`,
  );
  if (protocol === 'layer2') {
    if (legacyAds.length > 0)
      findings.add(
        'info',
        obj.source,
        'spec.bgpAdvertisements has no effect with protocol layer2; ignored',
        'spec.bgpAdvertisements',
      );
    return [
      pool,
      {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: obj.name },
        spec: { ipAddressPools: [obj.name] },
      },
    ];
  }
  if (protocol !== 'bgp') {
    findings.add(
      'unconvertible',
      obj.source,
      `spec.protocol "${protocol ?? ''}" is neither layer2 nor bgp: only the pool was converted`,
      'spec.protocol',
    );
    return [pool];
  }
  const ads = legacyAds.length > 0 ? legacyAds : [{}];
  return [
    pool,
    ...ads.map((legacy, i): BGPAdvertisement => {
      const ar = new FieldReader(legacy, {
        source: obj.source,
        path: `spec.bgpAdvertisements[${i}]`,
        findings,
      });
      const ad: BGPAdvertisement = {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'BGPAdvertisement',
        metadata: { name: ads.length === 1 ? obj.name : `${obj.name}-${i + 1}` },
        spec: { ipAddressPools: [obj.name] },
      };
      const aggregationLength = ar.number('aggregationLength');
      if (aggregationLength !== undefined && aggregationLength !== 32)
        ad.spec.aggregationLength = aggregationLength;
      const aggregationLengthV6 = ar.number('aggregationLengthV6');
      if (aggregationLengthV6 !== undefined && aggregationLengthV6 !== 128)
        ad.spec.aggregationLengthV6 = aggregationLengthV6;
      const localPref = ar.number('localPref');
      if (localPref) ad.spec.localPref = localPref;
      const communities = ar.strings('communities');
      if (communities && communities.length > 0) ad.spec.communities = communities;
      ar.done();
      return ad;
    }),
  ];
}
