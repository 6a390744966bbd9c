// BGPAdvertisement, L2Advertisement and BFDProfile on their own. References to pools and
// peers are resolved later, against the objects in effect (build-config.ts).
import type {
  BFDProfile,
  BFDProfileSpec,
  BGPAdvertisement,
  BGPAdvertisementSpec,
  L2Advertisement,
  L2AdvertisementSpec,
} from '../crd/generated-types.js';
import type { BfdProfileConfig, LargeCommunity } from '../domain.js';
import { Findings, checkSelectors, checkStructure } from './common.js';
import { parseCommunity, parseLargeCommunity } from './communities.js';

export interface BgpAdvertisementCheck {
  readonly findings: Findings;
  readonly spec?: BGPAdvertisementSpec;
  readonly communities?: readonly number[];
  readonly largeCommunities?: readonly LargeCommunity[];
}

export function checkBgpAdvertisement(ad: BGPAdvertisement): BgpAdvertisementCheck {
  const findings = new Findings({ kind: 'BGPAdvertisement', name: ad.metadata?.name ?? '' });
  const spec = checkStructure<BGPAdvertisementSpec>('BGPAdvertisement', ad, findings);
  if (!spec) return { findings };
  const communities: number[] = [];
  const largeCommunities: LargeCommunity[] = [];
  (spec.communities ?? []).forEach((text, i) => {
    const c = parseCommunity(text);
    if (c.kind === 'invalid')
      findings.add(`spec.communities[${i}]`, 'schemaViolation', `spec.communities[${i}] "${text}": ${c.why}`);
    else if (c.kind === 'standard') communities.push(c.value);
    else largeCommunities.push(c.value);
  });
  (spec.largeCommunities ?? []).forEach((text, i) => {
    const c = parseLargeCommunity(text);
    if (c.kind === 'large') largeCommunities.push(c.value);
    else if (c.kind === 'invalid')
      findings.add(
        `spec.largeCommunities[${i}]`,
        'schemaViolation',
        `spec.largeCommunities[${i}] "${text}": ${c.why}`,
      );
  });
  const aggregated = (spec.aggregationLength ?? 32) !== 32 || (spec.aggregationLengthV6 ?? 128) !== 128;
  if (aggregated && (spec.serviceSelectors ?? []).length > 0)
    findings.add(
      'spec.serviceSelectors',
      'selectorsWithAggregation',
      'spec.serviceSelectors cannot be combined with an aggregation length other than 32 (IPv4) and 128 (IPv6)',
    );
  checkSelectors(spec.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', findings);
  checkSelectors(spec.nodeSelectors, 'spec.nodeSelectors', findings);
  checkSelectors(spec.serviceSelectors, 'spec.serviceSelectors', findings);
  return findings.hasErrors ? { findings } : { findings, spec, communities, largeCommunities };
}

export interface L2AdvertisementCheck {
  readonly findings: Findings;
  readonly spec?: L2AdvertisementSpec;
}

export function checkL2Advertisement(ad: L2Advertisement): L2AdvertisementCheck {
  const findings = new Findings({ kind: 'L2Advertisement', name: ad.metadata?.name ?? '' });
  const spec = checkStructure<L2AdvertisementSpec>('L2Advertisement', ad, findings);
  if (!spec) return { findings };
  checkSelectors(spec.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', findings);
  checkSelectors(spec.nodeSelectors, 'spec.nodeSelectors', findings);
  checkSelectors(spec.serviceSelectors, 'spec.serviceSelectors', findings);
  checkSelectors(
    (spec.preferredNodeSelectors ?? []).map((p) => p.preference),
    'spec.preferredNodeSelectors[].preference',
    findings,
  );
  return findings.hasErrors ? { findings } : { findings, spec };
}

export interface BfdProfileCheck {
  readonly findings: Findings;
  readonly config?: BfdProfileConfig;
}

export function checkBfdProfile(profile: BFDProfile): BfdProfileCheck {
  const findings = new Findings({ kind: 'BFDProfile', name: profile.metadata?.name ?? '' });
  const spec = checkStructure<BFDProfileSpec>('BFDProfile', profile, findings);
  if (!spec) return { findings };
  const auth = spec.authentication;
  const config: BfdProfileConfig = {
    name: profile.metadata.name,
    receiveIntervalMs: spec.receiveInterval ?? 300,
    transmitIntervalMs: spec.transmitInterval ?? 300,
    detectMultiplier: spec.detectMultiplier ?? 3,
    echoMode: spec.echoMode ?? false,
    echoIntervalMs: spec.echoInterval ?? 50,
    passiveMode: spec.passiveMode ?? false,
    minimumTtl: spec.minimumTtl ?? 254,
    ...(auth
      ? {
          authentication: {
            type: auth.type,
            keyID: auth.keyID ?? 1,
            secret: {
              name: auth.secret.name,
              ...(auth.secret.namespace ? { namespace: auth.secret.namespace } : {}),
              key: auth.secret.key ?? 'password',
            },
          },
        }
      : {}),
  };
  return { findings, config };
}
