// MetalLB L2Advertisement and BGPAdvertisement -> IronLB, and Community aliases, which IronLB
// does not have as objects: each alias used in a BGPAdvertisement is replaced by its value.
import type { BGPAdvertisement, L2Advertisement, PreferredNodeSelector } from '@ironlb/config';
import { selectors } from './convert-pools.js';
import { FieldReader, type Findings, isRecord } from './import-finding.js';
import { convertedMetadata, type MetalLBObject } from './metallb-documents.js';

/** The fields both advertisement kinds share: which pools, nodes and Services they cover. */
type Selection = Pick<
  L2Advertisement['spec'] & BGPAdvertisement['spec'],
  'ipAddressPools' | 'ipAddressPoolSelectors' | 'nodeSelectors' | 'serviceSelectors'
>;

function copySelection(r: FieldReader, spec: Selection): void {
  const pools = r.strings('ipAddressPools');
  if (pools && pools.length > 0) spec.ipAddressPools = pools;
  const poolSelectors = selectors(r, 'ipAddressPoolSelectors');
  if (poolSelectors) spec.ipAddressPoolSelectors = poolSelectors;
  const nodeSelectors = selectors(r, 'nodeSelectors');
  if (nodeSelectors) spec.nodeSelectors = nodeSelectors;
  const serviceSelectors = selectors(r, 'serviceSelectors');
  if (serviceSelectors) spec.serviceSelectors = serviceSelectors;
}

export function convertL2Advertisement(obj: MetalLBObject, findings: Findings): L2Advertisement {
  const r = new FieldReader(obj.spec, { source: obj.source, path: 'spec', findings });
  const ad: L2Advertisement = {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: convertedMetadata(obj),
    spec: {},
  };
  copySelection(r, ad.spec);
  const interfaces = r.strings('interfaces');
  if (interfaces && interfaces.length > 0) ad.spec.interfaces = interfaces;
  const preferred = r.records('preferredNodeSelectors');
  if (preferred && preferred.length > 0) {
    const out: PreferredNodeSelector[] = [];
    preferred.forEach((entry, i) => {
      const pr = new FieldReader(entry, {
        source: obj.source,
        path: `spec.preferredNodeSelectors[${i}]`,
        findings,
      });
      const weight = pr.number('weight');
      const preference = pr.record('preference');
      pr.done();
      if (weight !== undefined && preference !== undefined) out.push({ weight, preference });
      else
        findings.add(
          'unconvertible',
          obj.source,
          `spec.preferredNodeSelectors[${i}] needs a weight and a preference; dropped`,
          `spec.preferredNodeSelectors[${i}]`,
        );
    });
    if (out.length > 0) ad.spec.preferredNodeSelectors = out;
  }
  r.done();
  return ad;
}

export function convertBGPAdvertisement(obj: MetalLBObject, findings: Findings): BGPAdvertisement {
  const r = new FieldReader(obj.spec, { source: obj.source, path: 'spec', findings });
  const ad: BGPAdvertisement = {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'BGPAdvertisement',
    metadata: convertedMetadata(obj),
    spec: {},
  };
  // MetalLB defaults are 32 and 128, IronLB's too: keep only other values.
  const aggregationLength = r.number('aggregationLength');
  if (aggregationLength !== undefined && aggregationLength !== 32)
    ad.spec.aggregationLength = aggregationLength;
  const aggregationLengthV6 = r.number('aggregationLengthV6');
  if (aggregationLengthV6 !== undefined && aggregationLengthV6 !== 128)
    ad.spec.aggregationLengthV6 = aggregationLengthV6;
  // MetalLB's localPref 0 means "not set".
  const localPref = r.number('localPref');
  if (localPref) ad.spec.localPref = localPref;
  const communities = r.strings('communities');
  if (communities && communities.length > 0) ad.spec.communities = communities;
  copySelection(r, ad.spec);
  const peers = r.strings('peers');
  if (peers && peers.length > 0) ad.spec.peers = peers;
  r.done();
  return ad;
}

/** Community aliases by name, from MetalLB `Community` objects. */
export type CommunityAliases = Map<string, { value: string; source: string }>;

export function collectCommunityAliases(
  objs: readonly MetalLBObject[],
  findings: Findings,
): CommunityAliases {
  const aliases: CommunityAliases = new Map();
  for (const obj of objs) {
    const r = new FieldReader(obj.spec, { source: obj.source, path: 'spec', findings });
    const entries = r.take('communities');
    r.done();
    if (!Array.isArray(entries)) {
      findings.add(
        'unconvertible',
        obj.source,
        'spec.communities is not a list; no alias taken',
        'spec.communities',
      );
      continue;
    }
    entries.forEach((entry, i) => {
      const name = isRecord(entry) && typeof entry['name'] === 'string' ? entry['name'] : undefined;
      const value = isRecord(entry) && typeof entry['value'] === 'string' ? entry['value'] : undefined;
      if (!name || !value) {
        findings.add(
          'unconvertible',
          obj.source,
          `spec.communities[${i}] needs a name and a value; ignored`,
          `spec.communities[${i}]`,
        );
        return;
      }
      const earlier = aliases.get(name);
      if (earlier && earlier.value !== value) {
        findings.add(
          'unconvertible',
          obj.source,
          `community alias ${name} is also defined by ${earlier.source} with another value (${earlier.value}); the first one is used`,
          `spec.communities[${i}]`,
        );
        return;
      }
      aliases.set(name, { value, source: obj.source });
    });
    findings.add(
      'info',
      obj.source,
      'IronLB has no Community objects: the aliases are replaced by their values in the BGPAdvertisements that use them',
    );
  }
  return aliases;
}

/**
 * Replaces aliases by their values and moves MetalLB's `large:A:B:C` communities to
 * `largeCommunities` (IronLB keeps RFC 1997 and RFC 8092 communities in separate fields).
 */
export function resolveCommunities(
  ad: BGPAdvertisement,
  source: string,
  aliases: CommunityAliases,
  findings: Findings,
): void {
  const input = ad.spec.communities;
  if (!input) return;
  const standard: string[] = [];
  const large: string[] = [...(ad.spec.largeCommunities ?? [])];
  for (const text of input) {
    const alias = aliases.get(text);
    const value = alias ? alias.value : text;
    if (!alias && !/^(large:)?[0-9:]+$/.test(text) && !/^[a-z-]+$/.test(text))
      findings.add(
        'unconvertible',
        source,
        `community "${text}" is neither a value nor a known alias (no Community object defines it); kept as is`,
        'spec.communities',
      );
    if (value.startsWith('large:')) large.push(value.slice('large:'.length));
    else standard.push(value);
  }
  if (standard.length > 0) ad.spec.communities = standard;
  else delete ad.spec.communities;
  if (large.length > 0) ad.spec.largeCommunities = large;
}
