/**
 * Typed descriptions of an FRR router, rendered to zebra/bgpd/bfdd configuration text. Only
 * what IronLB's tests and lab need; `extraLines` and raw text cover the rest. The defaults are
 * the lines that matter in network-lab.md section 3a: `no bgp ebgp-requires-policy` (else FRR
 * 8.x silently ignores eBGP routes, P5) and `bgp bestpath as-path multipath-relax`.
 */

export type AddressFamily = 'ipv4' | 'ipv6';

/** `external`: any ASN but ours; `internal`: ours (iBGP); a number: exactly that ASN. */
export type RemoteAs = number | 'external' | 'internal';

/** Settings shared by peer-groups and neighbours. */
export interface FrrPeerSettings {
  remoteAs?: RemoteAs;
  /** Keepalive and hold time in seconds (`neighbor X timers 3 9`). */
  timers?: { keepalive: number; hold: number };
  /** Seconds between connection attempts (`timers connect`). */
  connectRetry?: number;
  /** TCP MD5 signature password (RFC 2385). */
  password?: string;
  /** BFD on the session; with a profile name, `neighbor X bfd profile NAME`. Needs bfdd. */
  bfd?: boolean | { profile: string };
  /** Address families the peer is active in. Default `['ipv4']`. */
  families?: readonly AddressFamily[];
  /** Apply `route-map DENY out`: FRR advertises nothing to the peer (it re-advertises otherwise). */
  denyOut?: boolean;
  ebgpMultihop?: number;
  /** TTL security: `neighbor X ttl-security hops N` (GTSM, RFC 5082). */
  ttlSecurityHops?: number;
  updateSource?: string;
  /** Remote TCP port (FRR connects to it). */
  port?: number;
  /** Never open the connection (wait for the peer). */
  passive?: boolean;
  description?: string;
  /** Graceful restart mode for this peer (`neighbor X graceful-restart[-helper|-disable]`). */
  gracefulRestart?: 'restart' | 'helper' | 'disable';
  /** Accept more prefixes than the default unlimited? FRR's `maximum-prefix N` per family. */
  maximumPrefix?: number;
  /** Extra `neighbor <name> ...` lines (without the `neighbor <name>` part). */
  extraLines?: readonly string[];
}

export interface FrrPeerGroup extends FrrPeerSettings {
  name: string;
  /** Dynamic neighbours (`bgp listen range P peer-group NAME`): FRR is passive for them. */
  listenRanges?: readonly string[];
}

export interface FrrNeighbor extends FrrPeerSettings {
  address: string;
  peerGroup?: string;
}

export interface FrrAddressFamilyConfig {
  /** eBGP ECMP (`maximum-paths N`). */
  maximumPaths?: number;
  /** iBGP ECMP (`maximum-paths ibgp N`). */
  maximumPathsIbgp?: number;
  /** Prefixes to originate (`network P`). */
  networks?: readonly string[];
  redistribute?: readonly ('connected' | 'static' | 'kernel')[];
  extraLines?: readonly string[];
}

export interface FrrBfdProfile {
  name: string;
  /** Milliseconds. */
  receiveInterval?: number;
  transmitInterval?: number;
  detectMultiplier?: number;
  passive?: boolean;
}

export interface FrrBgpConfig {
  asn: number;
  routerId: string;
  /** Default false: `no bgp ebgp-requires-policy`. */
  ebgpRequiresPolicy?: boolean;
  /** Default true: `bgp bestpath as-path multipath-relax` (ECMP across different ASNs). */
  multipathRelax?: boolean;
  /** `bgp listen limit N` (default 100 when any listen range exists). */
  listenLimit?: number;
  /** Graceful restart (RFC 4724) for the whole router; FRR is a helper by default anyway. */
  gracefulRestart?:
    boolean | { restartTime?: number; stalePathTime?: number; preserveForwardingState?: boolean };
  peerGroups?: readonly FrrPeerGroup[];
  neighbors?: readonly FrrNeighbor[];
  /** Per-family settings; ipv4 defaults to `maximum-paths 8`, ipv6 too. */
  ipv4?: FrrAddressFamilyConfig;
  ipv6?: FrrAddressFamilyConfig;
  /** BFD profiles, rendered into bfdd's configuration. */
  bfdProfiles?: readonly FrrBfdProfile[];
  /** Extra lines inside `router bgp`, before the address families. */
  extraLines?: readonly string[];
}

/** zebra.conf: hostname and log file. */
export function renderZebraConfig(options: { hostname: string; logFile: string; logLevel?: string }): string {
  return `hostname ${options.hostname}\nlog file ${options.logFile} ${options.logLevel ?? 'informational'}\n!\n`;
}

/** bfdd.conf: log file and profiles. */
export function renderBfddConfig(options: {
  hostname: string;
  logFile: string;
  profiles?: readonly FrrBfdProfile[];
  logLevel?: string;
}): string {
  const lines = [
    `hostname ${options.hostname}`,
    `log file ${options.logFile} ${options.logLevel ?? 'informational'}`,
    '!',
  ];
  if (options.profiles?.length) {
    lines.push('bfd');
    for (const profile of options.profiles) {
      lines.push(` profile ${profile.name}`);
      if (profile.detectMultiplier !== undefined)
        lines.push(`  detect-multiplier ${profile.detectMultiplier}`);
      if (profile.receiveInterval !== undefined) lines.push(`  receive-interval ${profile.receiveInterval}`);
      if (profile.transmitInterval !== undefined)
        lines.push(`  transmit-interval ${profile.transmitInterval}`);
      if (profile.passive) lines.push('  passive-mode');
      lines.push(' exit');
    }
    lines.push('exit', '!');
  }
  return `${lines.join('\n')}\n`;
}

/** bgpd.conf for `config`. */
export function renderBgpdConfig(
  config: FrrBgpConfig,
  options: { hostname: string; logFile: string; logLevel?: string },
): string {
  const out: string[] = [
    `hostname ${options.hostname}`,
    `log file ${options.logFile} ${options.logLevel ?? 'informational'}`,
    '!',
  ];
  const peers = [...(config.peerGroups ?? []), ...(config.neighbors ?? [])];
  if (peers.some((peer) => peer.denyOut)) out.push('route-map DENY deny 10', '!');
  out.push(`router bgp ${config.asn}`, ` bgp router-id ${config.routerId}`);
  if (!config.ebgpRequiresPolicy) out.push(' no bgp ebgp-requires-policy');
  if (config.multipathRelax ?? true) out.push(' bgp bestpath as-path multipath-relax');
  const gr = config.gracefulRestart;
  if (gr) {
    out.push(' bgp graceful-restart');
    if (typeof gr === 'object') {
      if (gr.restartTime !== undefined) out.push(` bgp graceful-restart restart-time ${gr.restartTime}`);
      if (gr.stalePathTime !== undefined)
        out.push(` bgp graceful-restart stalepath-time ${gr.stalePathTime}`);
      if (gr.preserveForwardingState) out.push(' bgp graceful-restart preserve-fw-state');
    }
  }
  for (const group of config.peerGroups ?? []) {
    out.push(` neighbor ${group.name} peer-group`);
    out.push(...peerLines(group.name, group));
    for (const range of group.listenRanges ?? [])
      out.push(` bgp listen range ${range} peer-group ${group.name}`);
  }
  const hasRanges = (config.peerGroups ?? []).some((group) => (group.listenRanges ?? []).length > 0);
  if (config.listenLimit !== undefined || hasRanges)
    out.push(` bgp listen limit ${config.listenLimit ?? 100}`);
  for (const neighbor of config.neighbors ?? []) {
    if (neighbor.peerGroup) out.push(` neighbor ${neighbor.address} peer-group ${neighbor.peerGroup}`);
    out.push(...peerLines(neighbor.address, neighbor));
  }
  for (const line of config.extraLines ?? []) out.push(` ${line}`);
  for (const family of ['ipv4', 'ipv6'] as const) {
    out.push(' !', ` address-family ${family} unicast`);
    const af = config[family] ?? {};
    out.push(`  maximum-paths ${af.maximumPaths ?? 8}`);
    if (af.maximumPathsIbgp !== undefined) out.push(`  maximum-paths ibgp ${af.maximumPathsIbgp}`);
    for (const network of af.networks ?? []) out.push(`  network ${network}`);
    for (const source of af.redistribute ?? []) out.push(`  redistribute ${source}`);
    for (const group of config.peerGroups ?? []) out.push(...familyLines(group.name, group, family));
    for (const neighbor of config.neighbors ?? []) {
      // A neighbour in a peer-group inherits the group's activation unless it says otherwise.
      if (
        neighbor.peerGroup &&
        neighbor.families === undefined &&
        !neighbor.denyOut &&
        neighbor.maximumPrefix === undefined
      ) {
        continue;
      }
      out.push(...familyLines(neighbor.address, neighbor, family));
    }
    for (const line of af.extraLines ?? []) out.push(`  ${line}`);
    out.push(' exit-address-family');
  }
  out.push('!');
  return `${out.join('\n')}\n`;
}

function peerLines(name: string, peer: FrrPeerSettings): string[] {
  const out: string[] = [];
  const n = ` neighbor ${name}`;
  if (peer.remoteAs !== undefined) out.push(`${n} remote-as ${peer.remoteAs}`);
  if (peer.description) out.push(`${n} description ${peer.description}`);
  if (peer.timers) out.push(`${n} timers ${peer.timers.keepalive} ${peer.timers.hold}`);
  if (peer.connectRetry !== undefined) out.push(`${n} timers connect ${peer.connectRetry}`);
  if (peer.password !== undefined) out.push(`${n} password ${peer.password}`);
  if (peer.ebgpMultihop !== undefined) out.push(`${n} ebgp-multihop ${peer.ebgpMultihop}`);
  if (peer.ttlSecurityHops !== undefined) out.push(`${n} ttl-security hops ${peer.ttlSecurityHops}`);
  if (peer.updateSource) out.push(`${n} update-source ${peer.updateSource}`);
  if (peer.port !== undefined) out.push(`${n} port ${peer.port}`);
  if (peer.passive) out.push(`${n} passive`);
  if (peer.bfd) {
    out.push(`${n} bfd`);
    if (typeof peer.bfd === 'object') out.push(`${n} bfd profile ${peer.bfd.profile}`);
  }
  if (peer.gracefulRestart === 'restart') out.push(`${n} graceful-restart`);
  if (peer.gracefulRestart === 'helper') out.push(`${n} graceful-restart-helper`);
  if (peer.gracefulRestart === 'disable') out.push(`${n} graceful-restart-disable`);
  for (const line of peer.extraLines ?? []) out.push(`${n} ${line}`);
  return out;
}

function familyLines(name: string, peer: FrrPeerSettings, family: AddressFamily): string[] {
  const families = peer.families ?? ['ipv4'];
  const n = `  neighbor ${name}`;
  if (!families.includes(family)) {
    // FRR activates IPv4 unicast by default (`bgp default ipv4-unicast`).
    return family === 'ipv4' ? [`  no neighbor ${name} activate`] : [];
  }
  const out = [`${n} activate`];
  if (peer.denyOut) out.push(`${n} route-map DENY out`);
  if (peer.maximumPrefix !== undefined) out.push(`${n} maximum-prefix ${peer.maximumPrefix}`);
  return out;
}
