// `ironlb import-metallb` on MetalLB manifests in the shapes MetalLB ships (fixtures/metallb,
// see PROVENANCE.md): every kind and both BGPPeer versions convert, what cannot be converted
// is reported, the output is accepted by IronLB's CRDs (kubectl apply --dry-run=server against
// the emulator), and the command works as a kubectl plugin.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  importMetalLB,
  parseYamlStream,
  renderImportYaml,
  type ImportResult,
  type IronLBObject,
} from '@ironlb/cli';
import { crdManifests } from '@ironlb/config';
import { startEmulator, type Emulator } from '@ironlb/emulator';
import { ironlb, repoRoot, Workspace } from './helpers.js';

const fixtures = join(repoRoot, 'test/cli/fixtures/metallb');
const fixture = (name: string) => join(fixtures, name);

function convert(name: string): ImportResult {
  return importMetalLB(parseYamlStream(readFileSync(fixture(name), 'utf8'), name));
}

function find<K extends IronLBObject['kind']>(
  r: ImportResult,
  kind: K,
  name: string,
): Extract<IronLBObject, { kind: K }> {
  const o = r.objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(
      `no ${kind} ${name} in ${r.objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`,
    );
  return o as Extract<IronLBObject, { kind: K }>;
}

const serious = (r: ImportResult) => r.findings.filter((f) => f.severity !== 'info');

let emu: Emulator;
let ws: Workspace;
beforeAll(async () => {
  emu = await startEmulator();
  ws = new Workspace(emu);
  const crds = ws.file(
    'crds.yaml',
    crdManifests()
      .map((c) => `---\n${JSON.stringify(c)}\n`)
      .join(''),
  );
  const r = await ws.kubectl(['apply', '-f', crds]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  ws?.cleanup();
  await emu?.close();
});

describe('import-metallb conversions', () => {
  it('has a fixture for every MetalLB kind and both BGPPeer versions', () => {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const f of files)
      for (const doc of parseAllDocuments(readFileSync(join(fixtures, f), 'utf8'))) {
        const o = doc.toJS() as {
          apiVersion?: string;
          kind?: string;
          items?: { apiVersion: string; kind: string }[];
        };
        for (const x of o?.items ?? [o])
          if (x?.apiVersion?.startsWith('metallb.io/')) seen.add(`${x.kind}@${x.apiVersion}`);
      }
    for (const k of [
      'IPAddressPool@metallb.io/v1beta1',
      'L2Advertisement@metallb.io/v1beta1',
      'BGPAdvertisement@metallb.io/v1beta1',
      'BGPPeer@metallb.io/v1beta1',
      'BGPPeer@metallb.io/v1beta2',
      'BFDProfile@metallb.io/v1beta1',
      'Community@metallb.io/v1beta1',
      'AddressPool@metallb.io/v1beta1',
    ])
      expect(seen).toContain(k);
  });

  it('layer 2: pool and advertisement, names kept, namespace dropped', () => {
    const r = convert('layer2-basic.yaml');
    expect(serious(r)).toEqual([]);
    expect(r.objects).toEqual([
      {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'first-pool' },
        spec: { addresses: ['198.51.100.10-198.51.100.40'] },
      },
      {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: 'example' },
        spec: { ipAddressPools: ['first-pool'] },
      },
    ]);
  });

  it('pool scope: serviceAllocation, avoidBuggyIPs, autoAssign and labels carry over', () => {
    const r = convert('pool-service-allocation.yaml');
    expect(serious(r)).toEqual([]);
    const pool = find(r, 'IPAddressPool', 'ippool-ns-service-alloc-sample');
    expect(pool.metadata.labels).toEqual({ zone: 'east' });
    expect(pool.spec).toEqual({
      addresses: ['203.0.113.0/24'],
      autoAssign: false,
      avoidBuggyIPs: true,
      serviceAllocation: {
        priority: 50,
        namespaces: ['namespace-a', 'namespace-b'],
        namespaceSelectors: [{ matchLabels: { foo: 'bar' } }],
        serviceSelectors: [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['bar'] }] }],
      },
    });
  });

  it('L2Advertisement: pool lists and selectors, node selectors, interfaces, preferred nodes', () => {
    const r = convert('l2-advanced.yaml');
    expect(serious(r)).toEqual([]);
    expect(find(r, 'L2Advertisement', 'l2adv-by-list').spec).toEqual({
      ipAddressPools: ['first-pool', 'second-pool'],
      interfaces: ['eth0', 'eth1'],
    });
    expect(find(r, 'L2Advertisement', 'l2adv-by-selector').spec).toEqual({
      ipAddressPoolSelectors: [{ matchLabels: { l2: 'yes' } }],
      nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': 'kind-control-plane' } }],
      preferredNodeSelectors: [{ weight: 50, preference: { matchLabels: { rack: 'a' } } }],
    });
  });

  it('BGP dual-stack sample: an advertisement without spec, IPv4 and IPv6 peers; other kinds skipped', () => {
    const r = convert('bgp-dual-stack.yaml');
    expect(serious(r)).toEqual([]);
    expect(find(r, 'BGPAdvertisement', 'empty').spec).toEqual({});
    expect(find(r, 'BGPPeer', 'peerv6').spec).toEqual({
      myASN: 64512,
      peerASN: 64512,
      peerAddress: '2001:db8::1',
    });
    expect(r.findings.filter((f) => f.severity === 'info').map((f) => f.source)).toEqual([
      'Deployment nginx',
      'Service nginx',
    ]);
  });

  it('BGP: BFD profile, session options, secret, community aliases resolved, large communities split', () => {
    const r = convert('bgp-advanced.yaml');
    expect(r.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'BFDProfile/testbfdprofile',
      'IPAddressPool/bgp-with-advertisement',
      'BGPPeer/peer-with-secret',
      'BGPPeer/ebgp-peer',
      'BGPAdvertisement/advertisement',
      'BGPAdvertisement/aggregated',
    ]);
    expect(find(r, 'BFDProfile', 'testbfdprofile').spec).toEqual({
      receiveInterval: 380,
      transmitInterval: 270,
      detectMultiplier: 5,
      echoInterval: 62,
      minimumTtl: 254,
      echoMode: true,
      passiveMode: true,
    });
    expect(find(r, 'BGPPeer', 'peer-with-secret').spec).toEqual({
      myASN: 64512,
      peerASN: 64512,
      peerAddress: '192.0.2.3',
      sourceAddress: '192.0.2.11',
      holdTime: '9m0s',
      keepaliveTime: '0s',
      connectTime: '120s',
      routerID: '192.0.2.200',
      passwordSecret: { name: 'secretname' },
      bfdProfile: 'testbfdprofile',
      enableGracefulRestart: true,
    });
    expect(find(r, 'BGPPeer', 'ebgp-peer').spec).toMatchObject({ ebgpMultiHop: true, password: 's3cret' });
    expect(find(r, 'BGPAdvertisement', 'advertisement').spec).toEqual({
      localPref: 150,
      communities: ['65535:65282', '64512:7'],
      largeCommunities: ['64512:100:200', '64512:1:2'],
      ipAddressPools: ['bgp-with-advertisement'],
      peers: ['peer-with-secret'],
    });
    // Default aggregation lengths are dropped, others kept.
    expect(find(r, 'BGPAdvertisement', 'aggregated').spec).toMatchObject({ aggregationLength: 24 });
    expect(find(r, 'BGPAdvertisement', 'aggregated').spec.aggregationLengthV6).toBeUndefined();
    // The Secret must be copied, and the clear-text password is flagged.
    expect(serious(r)).toEqual([
      expect.objectContaining({
        severity: 'action',
        source: 'BGPPeer metallb-system/peer-with-secret',
        field: 'spec.passwordSecret',
      }),
      expect.objectContaining({
        severity: 'action',
        source: 'BGPPeer metallb-system/ebgp-peer',
        field: 'spec.password',
      }),
    ]);
    expect(r.findings).toContainEqual(
      expect.objectContaining({ severity: 'info', source: 'Community metallb-system/community1' }),
    );
  });

  it('BGPPeer v1beta1: NodeSelector form, peerPort 0 means the default', () => {
    const r = convert('bgppeer-v1beta1.yaml');
    expect(find(r, 'BGPPeer', 'legacy-peer').spec).toEqual({
      myASN: 64513,
      peerASN: 64512,
      peerAddress: '192.0.2.1',
      holdTime: '1m30s',
      keepaliveTime: '30s',
      routerID: '192.0.2.11',
      password: 's3cret',
      nodeSelectors: [
        {
          matchLabels: { rack: 'a' },
          matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }],
        },
      ],
    });
  });

  it('deprecated AddressPool: a pool plus its advertisements', () => {
    const r = convert('legacy-addresspool.yaml');
    expect(r.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'IPAddressPool/legacy-l2',
      'IPAddressPool/legacy-bgp',
      'BGPAdvertisement/legacy-bgp-1',
      'BGPAdvertisement/legacy-bgp-2',
      'L2Advertisement/legacy-l2',
    ]);
    expect(find(r, 'IPAddressPool', 'legacy-bgp').spec).toEqual({
      addresses: ['203.0.113.0/26'],
      autoAssign: false,
    });
    expect(find(r, 'BGPAdvertisement', 'legacy-bgp-1').spec).toEqual({
      ipAddressPools: ['legacy-bgp'],
      localPref: 100,
      communities: ['64512:1'],
    });
    expect(find(r, 'BGPAdvertisement', 'legacy-bgp-2').spec).toEqual({
      ipAddressPools: ['legacy-bgp'],
      aggregationLength: 26,
    });
  });

  it('kubectl get -o yaml Lists: server metadata, status and last-applied annotation dropped', () => {
    const r = convert('kubectl-get-list.yaml');
    expect(serious(r)).toEqual([]);
    expect(find(r, 'IPAddressPool', 'default')).toEqual({
      apiVersion: 'ironlb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'default', annotations: { team: 'network' } },
      spec: { addresses: ['198.51.100.64/26'], autoAssign: true },
    });
  });

  it('reports what it cannot convert: VRF, dynamic ASN, unnumbered, unknown fields, legacy ConfigMap', () => {
    const r = convert('unconvertible.yaml');
    const bad = r.findings.filter((f) => f.severity === 'unconvertible');
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'BGPPeer metallb-system/peer', field: 'spec.vrf' }),
        expect.objectContaining({ source: 'BGPPeer metallb-system/dynamic', field: 'spec.dynamicASN' }),
        expect.objectContaining({ source: 'BGPPeer metallb-system/unnumbered', field: 'spec.interface' }),
        expect.objectContaining({ source: 'BGPPeer metallb-system/future', field: 'spec.someFutureField' }),
        expect.objectContaining({ source: 'ConfigMap metallb-system/config' }),
      ]),
    );
    // The peers that have an address and an AS are converted without the unsupported parts.
    expect(r.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['BGPPeer/peer', 'BGPPeer/future']);
    expect(find(r, 'BGPPeer', 'peer').spec).toEqual({
      myASN: 64512,
      peerASN: 64512,
      peerAddress: '192.0.2.3',
    });
    expect(r.findings).toContainEqual(
      expect.objectContaining({ severity: 'info', source: 'ServiceL2Status metallb-system/l2-abcde' }),
    );
  });

  it("reports converted objects that IronLB's validation would not use, and name clashes", () => {
    const r = importMetalLB([
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'a', namespace: 'x' },
        spec: { addresses: ['198.51.100.0/24'] },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'a', namespace: 'y' },
        spec: { addresses: ['203.0.113.0/24'] },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'b' },
        spec: { addresses: ['198.51.100.128/25'] },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: 'l2' },
        spec: { ipAddressPools: ['nope'] },
      },
    ]);
    const bad = r.findings.filter((f) => f.severity === 'unconvertible').map((f) => f.message);
    expect(bad.some((m) => m.includes('cluster-scoped'))).toBe(true);
    expect(bad.some((m) => m.includes('overlappingAddresses'))).toBe(true);
    expect(bad.some((m) => m.includes('missingPool'))).toBe(true);
  });
});

describe('ironlb import-metallb (the command)', () => {
  it('prints YAML that the IronLB CRDs accept (every fixture), and the report on stderr', async () => {
    const all = readdirSync(fixtures).filter(
      (f) => f.endsWith('.yaml') && f !== 'unconvertible.yaml' && f !== 'bgp-dual-stack.yaml',
    );
    expect(all.length).toBeGreaterThan(5);
    // The conversion in-process for each fixture (fast), the API server as the judge of the YAML.
    for (const name of all) {
      const out = ws.file('converted.yaml', renderImportYaml(convert(name)));
      const applied = await ws.kubectl(['apply', '--dry-run=server', '-f', out]);
      expect(applied.code, `${name}: ${applied.stderr}`).toBe(0);
    }
    // And once through the command itself.
    const r = await ironlb(['import-metallb', '-f', fixture('bgp-advanced.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(renderImportYaml(convert('bgp-advanced.yaml')));
    expect(r.stderr).toMatch(/^import-metallb: 7 MetalLB objects \(.*\) -> 6 IronLB objects\n/);
  });

  it('reads standard input, prints a JSON List with -o json, and --strict fails on unconvertible input', async () => {
    const input = readFileSync(fixture('unconvertible.yaml'), 'utf8');
    const r = await ironlb(['import-metallb', '-f', '-', '-o', 'json', '--strict'], { stdin: input });
    expect(r.code).toBe(3);
    const list = JSON.parse(r.stdout) as { kind: string; items: IronLBObject[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((o) => o.metadata.name)).toEqual(['peer', 'future']);
    expect(r.stderr).toContain('not converted: BGPPeer metallb-system/peer: spec.vrf');
    // The YAML output repeats what was not converted as comments.
    const y = await ironlb(['import-metallb', '-f', fixture('unconvertible.yaml')]);
    expect(y.code).toBe(0);
    expect(y.stdout).toContain('#   NOT CONVERTED: BGPPeer metallb-system/peer: spec.vrf');
    expect(parse(y.stdout.split('---\n')[1] ?? '')).toMatchObject({ kind: 'BGPPeer' });
  });

  it('user mistakes are one line, no stack trace', async () => {
    const missing = await ironlb(['import-metallb', '-f', '/nonexistent/metallb.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('ironlb: /nonexistent/metallb.yaml: no such file or directory\n');
    const bad = await ironlb(['import-metallb', '-f', '-'], { stdin: 'apiVersion: [\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^ironlb: stdin:\d+:\d+: invalid YAML/);
    const noFlag = await ironlb(['import-metallb']);
    expect(noFlag.code).not.toBe(0);
    expect(noFlag.stderr).toContain("required option '-f, --filename <file...>' not specified");
  });

  it('works as a kubectl plugin: kubectl ironlb import-metallb', async () => {
    const r = await ws.plugin(['import-metallb', '-f', fixture('layer2-basic.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('kind: L2Advertisement');
    const help = await ws.plugin(['--help']);
    expect(help.stdout).toContain('Usage: kubectl ironlb');
  });
});
