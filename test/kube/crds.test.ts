// IronLB's CRDs on a real-enough API server, driven by the real kubectl: they install, valid
// objects apply, malformed ones are rejected at `kubectl apply` with a message naming the
// field, and `kubectl get` shows the printer columns, including status written through the
// status subresource.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { API_VERSION, kindDefinitions } from '@ironlb/config';
import { ApiStatusWriter, customResource } from '@ironlb/kube';
import { Kubectl, startCluster } from './helpers.js';
import type { Cluster } from './helpers.js';

const repo = join(import.meta.dirname, '..', '..');
let cluster: Cluster;
let kubectl: Kubectl;
let bad = 0;

beforeAll(async () => {
  cluster = await startCluster({ crds: false });
  kubectl = new Kubectl(cluster.emu);
});
afterAll(async () => {
  kubectl.cleanup();
  await cluster.close();
});

function manifest(kind: string, name: string, spec: unknown): string {
  return stringify({ apiVersion: API_VERSION, kind, metadata: { name }, spec });
}

describe('IronLB CRDs with kubectl', () => {
  it('install from crds/ and become established', async () => {
    const r = await kubectl.run(['apply', '-f', join(repo, 'crds')]);
    expect(r.stderr).toBe('');
    for (const k of kindDefinitions)
      expect(r.stdout).toContain(
        `customresourcedefinition.apiextensions.k8s.io/${k.plural}.ironlb.io created`,
      );
    const wait = await kubectl.run([
      'wait',
      '--for=condition=Established',
      '--timeout=20s',
      'crd',
      '-l',
      'app.kubernetes.io/part-of=ironlb',
    ]);
    expect(wait.code).toBe(0);
  });

  it('accept the documented example of every kind', async () => {
    const docs = kindDefinitions
      .map((k) => manifest(k.kind, k.example.metadata.name, k.example.spec))
      .join('---\n');
    const r = await kubectl.run(['apply', '-f', kubectl.file('examples.yaml', docs)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('fill in schema defaults', async () => {
    const r = await kubectl.run([
      'get',
      'bgppeer',
      'tor-a',
      '-o',
      'jsonpath={.spec.peerPort} {.spec.ebgpMultiHop}',
    ]);
    expect(r.stdout).toBe('179 false');
    const b = await kubectl.run([
      'get',
      'bfdp',
      'fast',
      '-o',
      'jsonpath={.spec.echoInterval} {.spec.minimumTtl}',
    ]);
    expect(b.stdout).toBe('50 254');
  });

  it.each([
    ['IPAddressPool', { addresses: ['192.0.2.0/24, 198.51.100.0/24'] }, 'spec.addresses[0]'],
    ['IPAddressPool', { addresses: [] }, 'spec.addresses'],
    ['IPAddressPool', { addresses: ['192.0.2.0/24'], autoAssign: 'always' }, 'spec.autoAssign'],
    ['BGPPeer', { myASN: 0, peerASN: 64512, peerAddress: '192.0.2.1' }, 'spec.myASN'],
    ['BGPPeer', { myASN: 64512, peerASN: 4294967296, peerAddress: '192.0.2.1' }, 'spec.peerASN'],
    ['BGPPeer', { myASN: 64512, peerASN: 64513 }, 'spec.peerAddress'],
    [
      'BGPPeer',
      { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', holdTime: 'soon' },
      'spec.holdTime',
    ],
    ['BGPAdvertisement', { aggregationLength: 33 }, 'spec.aggregationLength'],
    ['BGPAdvertisement', { communities: ['no-exprot'] }, 'spec.communities[0]'],
    ['BFDProfile', { detectMultiplier: 1 }, 'spec.detectMultiplier'],
    ['L2Advertisement', { interfaces: ['eth0/1'] }, 'spec.interfaces[0]'],
    [
      'L2Advertisement',
      { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Is' }] }] },
      'operator',
    ],
  ])('reject a malformed %s (%j) naming %s', async (kind, spec, field) => {
    const r = await kubectl.run(['apply', '-f', '-'], manifest(kind, `bad-${++bad}`, spec));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(field);
    expect(r.stderr).toMatch(/[Ii]nvalid/);
  });

  it('reject unknown fields (kubectl validates strictly)', async () => {
    const r = await kubectl.run(
      ['apply', '-f', '-'],
      manifest('IPAddressPool', 'typo', { addresses: ['192.0.2.0/28'], autoAsign: false }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('autoAsign');
  });

  it('show useful printer columns, with status written through /status', async () => {
    const pools = customResource('ironlb.io', 'v1beta1', 'ipaddresspools', 'IPAddressPool');
    const writer = new ApiStatusWriter({ api: cluster.api });
    const result = await writer.writeStatus(
      { resource: pools, name: 'blue' },
      {
        assignedIPv4: 3,
        availableIPv4: 73,
        assignedIPv6: 1,
        availableIPv6: 255,
        conditions: [
          {
            type: 'Valid',
            status: 'True',
            reason: 'valid',
            message: 'in use',
            lastTransitionTime: '2025-01-01T00:00:00Z',
          },
        ],
      },
    );
    expect(result.outcome).toBe('written');
    const r = await kubectl.run(['get', 'ipp']);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      'NAME',
      'ADDRESSES',
      'AUTO ASSIGN',
      'ASSIGNED IPV4',
      'AVAILABLE IPV4',
      'ASSIGNED IPV6',
      'AVAILABLE IPV6',
      'VALID',
      'AGE',
    ]);
    expect(row).toMatch(
      /^blue\s+\["192\.0\.2\.0\/26","198\.51\.100\.10-198\.51\.100\.20","2001:db8:1::\/120"\]\s+true\s+3\s+73\s+1\s+255\s+True\s+\S+$/,
    );
    const peers = await kubectl.run(['get', 'bgppeers', '-o', 'wide']);
    expect(peers.stdout.split('\n')[0]).toMatch(
      /^NAME\s+ADDRESS\s+ASN\s+PEER ASN\s+PORT\s+BFD PROFILE\s+MULTI HOP\s+VALID\s+AGE/,
    );
    const all = await kubectl.run(['get', 'ironlb']);
    expect(all.stdout).toContain('ipaddresspool.ironlb.io/blue');
    expect(all.stdout).toContain('speakerstatus.ironlb.io/node-1');
  });
});
