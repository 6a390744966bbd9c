import { startBird, type BirdRouter } from './bird/bird-router.js';
import type { BirdBgpProtocol } from './bird/bird-config.js';
import type { FrrBfdProfile, FrrBgpConfig, FrrPeerGroup } from './frr/frr-config.js';
import { startFrr, type FrrRouter } from './frr/frr-router.js';
import { createLab, type Lab, type LabOptions } from './lab.js';
import type { Netns } from './netns.js';
import type { Switch } from './switch.js';

/**
 * The documented lab addressing (network-lab.md section 2), shared by the lab, the speaker
 * end-to-end tests and benchmarks:
 *
 *   segment      192.0.2.0/24 and 2001:db8::/64 on one bridge
 *   router       192.0.2.1    2001:db8::1     FRR, AS 64512
 *   birdrtr      192.0.2.2    2001:db8::2     BIRD, AS 64512 (optional)
 *   nodeN        192.0.2.(10+N) 2001:db8::(10+N)  (node1 = .11), AS 64513 for speakers
 *   client       192.0.2.100  2001:db8::100
 *   VIPs         198.51.100.0/24, 203.0.113.0/24, 2001:db8:100::/64
 *
 * MACs embed the IPv4 address: 02:00:c0:00:02:<last octet in hex> (node1 = 02:00:c0:00:02:0b),
 * so a MAC in a capture or a neighbour table names its host.
 */
export const labAddressing = {
  segmentV4: '192.0.2.0/24',
  segmentV6: '2001:db8::/64',
  routerAsn: 64512,
  nodeAsn: 64513,
  /** VIP ranges: the layer-2 pool, the BGP pool, the IPv6 pool. */
  vipPools: { l2: '198.51.100.0/24', bgp: '203.0.113.0/24', ipv6: '2001:db8:100::/64' },
} as const;

/** A lab host's addresses. */
export interface LabHostAddresses {
  ipv4: string;
  ipv6: string;
  mac: string;
}

/** The addresses of host number `octet` on the segment (`.1` router, `.11` node1, ...). */
export function labHostAddresses(octet: number): LabHostAddresses {
  return {
    ipv4: `192.0.2.${octet}`,
    // Same digits as the IPv4 octet, as the reference lab writes them (2001:db8::11 for .11).
    ipv6: `2001:db8::${octet}`,
    mac: `02:00:c0:00:02:${octet.toString(16).padStart(2, '0')}`,
  };
}

export interface LabTopologyOptions {
  /** Lab options (tag defaults to `lab`). Ignored when `lab` is given. */
  labOptions?: Partial<LabOptions>;
  /** Build inside an existing lab instead of creating one. */
  lab?: Lab;
  /** Node names, in order; node i gets 192.0.2.(10+i). Default `['node1', 'node2', 'node3']`. */
  nodes?: readonly string[] | number;
  /**
   * The FRR router. Default: started, peer-groups NODES (192.0.2.0/24) and NODES6
   * (2001:db8::/64), `remote-as external`, timers 3/9, `denyOut`, maximum-paths 8. `false`
   * creates the router namespace without FRR (start it yourself with `startFrr`).
   */
  frr?:
    | false
    | {
        /** Start bfdd and put `bfd` (with this profile, if given) on both peer-groups. */
        bfd?: boolean | FrrBfdProfile;
        /** Changes to the peer-groups' settings (password, timers, gracefulRestart, ...). */
        peerSettings?: Partial<Omit<FrrPeerGroup, 'name' | 'listenRanges'>>;
        /** Replace the generated BGP configuration entirely. */
        bgp?: FrrBgpConfig;
        logLevel?: 'debugging' | 'informational';
      };
  /** Add the BIRD router `birdrtr` (192.0.2.2), with dynamic neighbours for both families. */
  bird?:
    boolean | { protocolSettings?: Partial<Omit<BirdBgpProtocol, 'name' | 'neighbor' | 'localAddress'>> };
  /** Add the client namespace (default true). */
  client?: boolean;
  /**
   * Client routes to VIP ranges. `onLink`: the client ARPs/NDPs for VIPs itself (layer-2
   * mode); `viaRouter`: through 192.0.2.1 / 2001:db8::1 (BGP mode). Default: the layer-2 and
   * IPv6 pools on-link, the BGP pool via the router.
   */
  clientRoutes?: { onLink?: readonly string[]; viaRouter?: readonly string[] };
}

/** One node of the lab topology. */
export interface LabNode extends LabHostAddresses {
  name: string;
  netns: Netns;
}

export interface LabTopology {
  lab: Lab;
  switch: Switch;
  router: Netns & { addresses: LabHostAddresses };
  frr: FrrRouter | undefined;
  birdRouter: (Netns & { addresses: LabHostAddresses }) | undefined;
  bird: BirdRouter | undefined;
  nodes: LabNode[];
  client: (Netns & { addresses: LabHostAddresses }) | undefined;
  /** The node by name; throws if there is none. */
  node(name: string): LabNode;
  /** Cuts (`down`) or restores (`up`) a node's link at the switch. */
  setNodeLink(name: string, state: 'up' | 'down'): Promise<void>;
  /** Destroys the lab (when this call created it). */
  destroy(): Promise<void>;
}

/**
 * Builds the whole lab network: switch, FRR router, optional BIRD router, N nodes with the
 * node sysctls, and a client with routes to the VIP ranges. Namespaces are created in parallel
 * where they do not depend on each other; the routers are started last, together.
 */
export async function buildLabTopology(options: LabTopologyOptions = {}): Promise<LabTopology> {
  const ownLab = options.lab === undefined;
  const lab = options.lab ?? (await createLab({ tag: 'lab', ...options.labOptions }));
  try {
    return await build(lab, options, ownLab);
  } catch (err) {
    if (ownLab) await lab.destroy();
    throw err;
  }
}

async function build(lab: Lab, options: LabTopologyOptions, ownLab: boolean): Promise<LabTopology> {
  const nodeNames =
    typeof options.nodes === 'number'
      ? Array.from({ length: options.nodes }, (_, i) => `node${i + 1}`)
      : (options.nodes ?? ['node1', 'node2', 'node3']);
  if (nodeNames.length > 80) throw new RangeError('buildLabTopology: at most 80 nodes (192.0.2.11-90)');
  const sw = await lab.addSwitch('sw');
  const host = async (short: string, octet: number, role: 'router' | 'node' | 'client') => {
    const addresses = labHostAddresses(octet);
    const ns = await lab.addHost(short, {
      switch: sw,
      link: { mac: addresses.mac },
      addresses: [`${addresses.ipv4}/24`, `${addresses.ipv6}/64`],
      role,
    });
    return Object.assign(ns, { addresses });
  };
  const [router, birdRouter, client, ...nodeNs] = await Promise.all([
    host('router', 1, 'router'),
    options.bird ? host('birdrtr', 2, 'router') : Promise.resolve(undefined),
    (options.client ?? true) ? host('client', 100, 'client') : Promise.resolve(undefined),
    ...nodeNames.map((name, i) => host(name, 11 + i, 'node')),
  ]);
  const nodes: LabNode[] = nodeNames.map((name, i) => {
    const netns = nodeNs[i] as Netns & { addresses: LabHostAddresses };
    return { name, netns, ...netns.addresses };
  });
  if (client) {
    const onLink = options.clientRoutes?.onLink ?? [labAddressing.vipPools.l2, labAddressing.vipPools.ipv6];
    const viaRouter = options.clientRoutes?.viaRouter ?? [labAddressing.vipPools.bgp];
    for (const dst of onLink) await client.addRoute({ dst, dev: 'eth0' });
    for (const dst of viaRouter) {
      await client.addRoute({ dst, via: dst.includes(':') ? router.addresses.ipv6 : router.addresses.ipv4 });
    }
  }
  const [frr, bird] = await Promise.all([
    options.frr === false ? Promise.resolve(undefined) : startFrr(router, frrOptions(options.frr ?? {})),
    birdRouter ? startBird(birdRouter, { config: birdConfig(options.bird) }) : Promise.resolve(undefined),
  ]);
  const node = (name: string): LabNode => {
    const found = nodes.find((candidate) => candidate.name === name);
    if (!found) throw new RangeError(`no node ${name} in the lab topology`);
    return found;
  };
  return {
    lab,
    switch: sw,
    router,
    frr,
    birdRouter,
    bird,
    nodes,
    client,
    node,
    async setNodeLink(name, state) {
      await sw.setPortState(node(name).netns, state);
    },
    async destroy() {
      if (ownLab) await lab.destroy();
    },
  };
}

function frrOptions(
  options: Exclude<LabTopologyOptions['frr'], false | undefined>,
): Parameters<typeof startFrr>[1] {
  const bfdProfile = typeof options.bfd === 'object' ? options.bfd : undefined;
  const group = (name: string, range: string, families: ('ipv4' | 'ipv6')[]): FrrPeerGroup => ({
    name,
    remoteAs: 'external',
    timers: { keepalive: 3, hold: 9 },
    denyOut: true,
    ...(options.bfd ? { bfd: bfdProfile ? { profile: bfdProfile.name } : true } : {}),
    ...options.peerSettings,
    listenRanges: [range],
    families,
  });
  const bgp: FrrBgpConfig = options.bgp ?? {
    asn: labAddressing.routerAsn,
    routerId: '192.0.2.1',
    peerGroups: [
      group('NODES', labAddressing.segmentV4, ['ipv4']),
      group('NODES6', labAddressing.segmentV6, ['ipv6']),
    ],
    ...(bfdProfile ? { bfdProfiles: [bfdProfile] } : {}),
  };
  return { bgp, bfd: Boolean(options.bfd), ...(options.logLevel ? { logLevel: options.logLevel } : {}) };
}

function birdConfig(options: LabTopologyOptions['bird']): Parameters<typeof startBird>[1]['config'] {
  const settings = typeof options === 'object' ? options.protocolSettings : undefined;
  const protocol = (
    name: string,
    local: string,
    range: string,
    family: 'ipv4' | 'ipv6',
  ): BirdBgpProtocol => ({
    localAs: labAddressing.routerAsn,
    remoteAs: 'external',
    holdTime: 9,
    families: [family],
    ...settings,
    name,
    localAddress: local,
    neighbor: { range },
    dynamicName: name === 'nodes' ? 'node' : 'node6_',
  });
  return {
    routerId: '192.0.2.2',
    bgp: [
      protocol('nodes', '192.0.2.2', labAddressing.segmentV4, 'ipv4'),
      protocol('nodes6', '2001:db8::2', labAddressing.segmentV6, 'ipv6'),
    ],
  };
}
