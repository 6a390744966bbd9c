// `ironlb import-metallb`: MetalLB configuration objects (metallb.io v1beta1/v1beta2:
// IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer, BFDProfile, Community and the
// deprecated AddressPool) -> IronLB objects (ironlb.io/v1beta1), with a report of everything
// that could not be converted. No I/O: documents in, objects and findings out. The result is
// then checked by IronLB's own validation (@ironlb/config buildConfig), so a converted
// configuration that IronLB would reject is reported too.
import {
  buildConfig,
  type BFDProfile,
  type BGPAdvertisement,
  type BGPPeer,
  type IPAddressPool,
  type L2Advertisement,
} from '@ironlb/config';
import {
  collectCommunityAliases,
  convertBGPAdvertisement,
  convertL2Advertisement,
  resolveCommunities,
} from './convert-advertisements.js';
import { convertBFDProfile, convertBGPPeer } from './convert-peers.js';
import { convertIPAddressPool, convertLegacyAddressPool } from './convert-pools.js';
import { Findings, type ImportFinding } from './import-finding.js';
import { collectMetalLBObjects, type MetalLBObject } from './metallb-documents.js';

export type IronLBObject = IPAddressPool | L2Advertisement | BGPAdvertisement | BGPPeer | BFDProfile;

export interface ImportResult {
  /** The converted objects, in apply order (profiles and pools before what refers to them). */
  readonly objects: IronLBObject[];
  readonly findings: ImportFinding[];
  /** MetalLB objects found, by kind. */
  readonly counts: Record<string, number>;
}

/** The MetalLB kinds this importer knows, with the API versions MetalLB served them in. */
export const metallbKinds = {
  IPAddressPool: ['v1beta1'],
  AddressPool: ['v1alpha1', 'v1beta1'],
  L2Advertisement: ['v1beta1'],
  BGPAdvertisement: ['v1beta1'],
  BGPPeer: ['v1beta1', 'v1beta2'],
  BFDProfile: ['v1beta1'],
  Community: ['v1beta1'],
} as const satisfies Record<string, readonly string[]>;

/** MetalLB objects that are state written by MetalLB, not configuration. */
const statusKinds = new Set(['ServiceL2Status', 'ServiceBGPStatus', 'ConfigurationState']);

const applyOrder: IronLBObject['kind'][] = [
  'BFDProfile',
  'IPAddressPool',
  'BGPPeer',
  'BGPAdvertisement',
  'L2Advertisement',
];

export function importMetalLB(documents: readonly unknown[]): ImportResult {
  const findings = new Findings();
  const objects = collectMetalLBObjects(documents, findings);
  const counts: Record<string, number> = {};
  for (const obj of objects) counts[obj.kind] = (counts[obj.kind] ?? 0) + 1;

  const aliases = collectCommunityAliases(
    objects.filter((o) => o.kind === 'Community'),
    findings,
  );
  const converted: { object: IronLBObject; from: MetalLBObject }[] = [];
  for (const obj of objects) {
    const known = (metallbKinds as Record<string, readonly string[]>)[obj.kind];
    if (statusKinds.has(obj.kind)) {
      findings.add(
        'info',
        obj.source,
        `${obj.kind} is status written by MetalLB, not configuration; skipped`,
      );
      continue;
    }
    if (!known) {
      findings.add('unconvertible', obj.source, `IronLB has no equivalent of MetalLB's ${obj.kind}; skipped`);
      continue;
    }
    if (!known.includes(obj.version))
      findings.add(
        'info',
        obj.source,
        `metallb.io/${obj.version} is not a version MetalLB served ${obj.kind} in (${known.join(', ')}); converted as ${known.at(-1)}`,
      );
    if (obj.namespace && obj.namespace !== 'metallb-system')
      findings.add(
        'info',
        obj.source,
        `MetalLB only reads objects in its own namespace (usually metallb-system); this one in ${obj.namespace} was converted anyway (IronLB objects are cluster-scoped)`,
      );
    const add = (object: IronLBObject | undefined) => object && converted.push({ object, from: obj });
    switch (obj.kind) {
      case 'IPAddressPool':
        add(convertIPAddressPool(obj, findings));
        break;
      case 'AddressPool':
        for (const object of convertLegacyAddressPool(obj, findings)) add(object);
        break;
      case 'L2Advertisement':
        add(convertL2Advertisement(obj, findings));
        break;
      case 'BGPAdvertisement':
        add(convertBGPAdvertisement(obj, findings));
        break;
      case 'BGPPeer':
        add(convertBGPPeer(obj, findings));
        break;
      case 'BFDProfile':
        add(convertBFDProfile(obj, findings));
        break;
      case 'Community':
        break;
    }
  }

  // IronLB objects are cluster-scoped: one name per kind.
  const seen = new Map<string, MetalLBObject>();
  const unique: { object: IronLBObject; from: MetalLBObject }[] = [];
  for (const entry of converted) {
    const key = `${entry.object.kind}/${entry.object.metadata.name}`;
    const first = seen.get(key);
    if (first) {
      findings.add(
        'unconvertible',
        entry.from.source,
        `IronLB objects are cluster-scoped and ${first.source} already becomes ${entry.object.kind} ${entry.object.metadata.name}; rename one of them`,
      );
      continue;
    }
    seen.set(key, entry.from);
    unique.push(entry);
  }
  for (const { object, from } of unique)
    if (object.kind === 'BGPAdvertisement') resolveCommunities(object, from.source, aliases, findings);

  unique.sort((a, b) => applyOrder.indexOf(a.object.kind) - applyOrder.indexOf(b.object.kind));
  const result = unique.map((entry) => entry.object);
  validateConverted(result, findings);
  return { objects: result, findings: findings.list, counts };
}

/** Runs IronLB's whole-configuration validation over the converted objects. */
function validateConverted(objects: readonly IronLBObject[], findings: Findings): void {
  const of = <K extends IronLBObject['kind']>(kind: K) =>
    objects.filter((o): o is Extract<IronLBObject, { kind: K }> => o.kind === kind);
  const { problems } = buildConfig(undefined, {
    ipAddressPools: of('IPAddressPool'),
    l2Advertisements: of('L2Advertisement'),
    bgpPeers: of('BGPPeer'),
    bgpAdvertisements: of('BGPAdvertisement'),
    bfdProfiles: of('BFDProfile'),
  });
  for (const p of problems) {
    const source = `IronLB ${p.kind} ${p.name}`;
    if (p.severity === 'error')
      findings.add('unconvertible', source, `IronLB would not use it (${p.reason}): ${p.message}`, p.field);
    else findings.add('info', source, `IronLB warns (${p.reason}): ${p.message}`, p.field);
  }
}
