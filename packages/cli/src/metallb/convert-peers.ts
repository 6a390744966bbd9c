// MetalLB BGPPeer (v1beta1 and v1beta2) and BFDProfile -> IronLB.
import type { BFDProfile, BFDProfileSpec, BGPPeer, BGPPeerSpec } from '@ironlb/config';
import { selectors } from './convert-pools.js';
import { FieldReader, type Findings } from './import-finding.js';
import { convertedMetadata, type MetalLBObject } from './metallb-documents.js';

/** The namespace IronLB is installed in (where it reads Secrets). */
export const IRONLB_NAMESPACE = 'ironlb-system';

/** BGPPeer fields IronLB has no equivalent for, and what each means in MetalLB. */
const unsupportedPeerFields: Record<string, string> = {
  dynamicASN: 'accepting any peer AS (dynamicASN) is not supported: set spec.peerASN',
  interface: 'unnumbered BGP over an interface is not supported: set spec.peerAddress',
  vrf: 'peering from a VRF is not supported',
  localASN: 'a per-peer local AS (local-as replace-as) is not supported',
};

export function convertBGPPeer(obj: MetalLBObject, findings: Findings): BGPPeer | undefined {
  const r = new FieldReader(obj.spec, { source: obj.source, path: 'spec', findings });
  const myASN = r.number('myASN');
  const peerASN = r.number('peerASN');
  const peerAddress = r.string('peerAddress');
  for (const [field, why] of Object.entries(unsupportedPeerFields)) {
    const value = r.take(field);
    if (value === undefined || value === null || value === '' || value === 0) continue;
    findings.add('unconvertible', obj.source, `spec.${field}: ${why}`, `spec.${field}`);
  }
  if (r.boolean('disableMP'))
    findings.add(
      'info',
      obj.source,
      'spec.disableMP is deprecated in MetalLB and has no IronLB equivalent (each session negotiates its own family; see dualStackAddressFamily)',
      'spec.disableMP',
    );
  if (myASN === undefined || peerASN === undefined || peerAddress === undefined) {
    r.done();
    findings.add(
      'unconvertible',
      obj.source,
      `IronLB needs spec.myASN, spec.peerASN and spec.peerAddress; missing: ${[
        myASN === undefined ? 'myASN' : '',
        peerASN === undefined ? 'peerASN' : '',
        peerAddress === undefined ? 'peerAddress' : '',
      ]
        .filter(Boolean)
        .join(', ')}. The peer was not converted`,
    );
    return undefined;
  }
  const spec: BGPPeerSpec = { myASN, peerASN, peerAddress };
  const sourceAddress = r.string('sourceAddress');
  if (sourceAddress) spec.sourceAddress = sourceAddress;
  // v1beta1 used 0 for "default".
  const peerPort = r.number('peerPort');
  if (peerPort !== undefined && peerPort !== 0 && peerPort !== 179) spec.peerPort = peerPort;
  for (const key of ['holdTime', 'keepaliveTime', 'connectTime'] as const) {
    const value = r.string(key);
    if (value) spec[key] = value;
  }
  const routerID = r.string('routerID');
  if (routerID) spec.routerID = routerID;
  const nodeSelectors = selectors(r, 'nodeSelectors');
  if (nodeSelectors) spec.nodeSelectors = nodeSelectors;
  const password = r.string('password');
  if (password) {
    spec.password = password;
    findings.add(
      'action',
      obj.source,
      'spec.password is a clear-text TCP MD5 key in the object; consider a Secret (spec.passwordSecret)',
      'spec.password',
    );
  }
  const secret = r.record('passwordSecret');
  const secretName = typeof secret?.['name'] === 'string' ? secret['name'] : '';
  if (secretName) {
    spec.passwordSecret = { name: secretName };
    const from =
      typeof secret?.['namespace'] === 'string' ? secret['namespace'] : (obj.namespace ?? 'metallb-system');
    findings.add(
      'action',
      obj.source,
      `copy Secret ${from}/${secretName} to namespace ${IRONLB_NAMESPACE} and add ${secretName} to the resourceNames ` +
        `of the Role ironlb-speaker-secrets (the speakers read Secrets by name only): ` +
        `kubectl create secret generic ${secretName} -n ${IRONLB_NAMESPACE} --type=kubernetes.io/basic-auth ` +
        `--from-literal=password="$(kubectl get secret -n ${from} ${secretName} -o jsonpath='{.data.password}' | base64 -d)"`,
      'spec.passwordSecret',
    );
  }
  const bfdProfile = r.string('bfdProfile');
  if (bfdProfile) spec.bfdProfile = bfdProfile;
  if (r.boolean('enableGracefulRestart')) spec.enableGracefulRestart = true;
  if (r.boolean('ebgpMultiHop')) spec.ebgpMultiHop = true;
  if (r.boolean('dualStackAddressFamily')) spec.dualStackAddressFamily = true;
  r.done();
  return { apiVersion: 'ironlb.io/v1beta1', kind: 'BGPPeer', metadata: convertedMetadata(obj), spec };
}

export function convertBFDProfile(obj: MetalLBObject, findings: Findings): BFDProfile {
  const r = new FieldReader(obj.spec, { source: obj.source, path: 'spec', findings });
  const spec: BFDProfileSpec = {};
  for (const key of [
    'receiveInterval',
    'transmitInterval',
    'detectMultiplier',
    'echoInterval',
    'minimumTtl',
  ] as const) {
    const value = r.number(key);
    if (value !== undefined) spec[key] = value;
  }
  for (const key of ['echoMode', 'passiveMode'] as const) {
    const value = r.boolean(key);
    if (value) spec[key] = true;
  }
  r.done();
  return {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'BFDProfile',
    metadata: convertedMetadata(obj),
    ...(Object.keys(spec).length > 0 ? { spec } : {}),
  };
}
