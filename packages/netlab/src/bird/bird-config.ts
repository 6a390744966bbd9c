/**
 * Typed description of a BIRD 2 router, rendered to bird.conf (network-lab.md section 6).
 * eBGP in BIRD 2 needs explicit filters, so every BGP channel says `import all; export none;`
 * unless told otherwise; ECMP reaches the kernel through `merge paths` on the kernel protocol.
 */
import type { AddressFamily, RemoteAs } from '../frr/frr-config.js';

export interface BirdBgpProtocol {
  /**
   * Protocol name (`nodes`, `uplink`); dynamic instances get `dynamicName` + a number. Must not
   * be a BIRD keyword (`router`, `bgp`, `table`, ... are rejected by `bird -p`).
   */
  name: string;
  localAddress: string;
  localAs: number;
  /** One static neighbour, or a range of dynamic ones (BIRD is passive for those). */
  neighbor: { address: string; port?: number } | { range: string };
  remoteAs: RemoteAs;
  /** Families carried; IPv4 over an IPv6 session and vice versa need extended next hops. Default ['ipv4']. */
  families?: readonly AddressFamily[];
  holdTime?: number;
  keepaliveTime?: number;
  connectRetryTime?: number;
  /**
   * Seconds from protocol start to the first connection attempt. BIRD's default is 5 s, which
   * dominates any "sender start to first UPDATE" figure: set 1 (or 0) for BIRD as a sender.
   */
  connectDelayTime?: number;
  /** TCP MD5 signature password. */
  password?: string;
  /** Prefix of dynamic instance names. Default `<name>_`. */
  dynamicName?: string;
  passive?: boolean;
  gracefulRestart?: boolean;
  /** Default `all`. */
  importFilter?: 'all' | 'none';
  /** Default `none`. */
  exportFilter?: 'all' | 'none';
  multihop?: number;
  extraLines?: readonly string[];
}

export interface BirdConfig {
  routerId: string;
  /** Absolute path; the router sets it to its private directory. */
  logFile?: string;
  /** Export BGP routes to the kernel tables, merging equal paths into ECMP routes. Default 8. */
  mergePaths?: number;
  /** Kernel protocols to run. Default both families. */
  kernelFamilies?: readonly AddressFamily[];
  bgp?: readonly BirdBgpProtocol[];
  /**
   * Routes to originate (BIRD as a sender, for benchmarks): one `protocol static` per family
   * with `route P blackhole;` lines; export them with `exportFilter: 'all'` on a BGP protocol
   * (eBGP then sets the next hop to the session's local address).
   */
  staticRoutes?: { ipv4?: readonly string[]; ipv6?: readonly string[] };
  /** Appended verbatim. */
  extra?: string;
}

export function renderBirdConfig(config: BirdConfig): string {
  const out: string[] = [`router id ${config.routerId};`];
  if (config.logFile) out.push(`log "${config.logFile}" all;`);
  out.push('protocol device { scan time 10; }');
  const merge = config.mergePaths ?? 8;
  for (const family of config.kernelFamilies ?? ['ipv4', 'ipv6']) {
    out.push(
      `protocol kernel kernel_${family} {`,
      `  ${family} { import none; export all; };`,
      merge > 1 ? `  merge paths yes limit ${merge};` : '  merge paths no;',
      '}',
    );
  }
  for (const family of ['ipv4', 'ipv6'] as const) {
    const routes = config.staticRoutes?.[family] ?? [];
    if (routes.length === 0) continue;
    out.push(`protocol static static_${family} {`, `  ${family};`);
    for (const prefix of routes) out.push(`  route ${prefix} blackhole;`);
    out.push('}');
  }
  for (const bgp of config.bgp ?? []) out.push(...renderBgp(bgp));
  if (config.extra) out.push(config.extra);
  return `${out.join('\n')}\n`;
}

function renderBgp(bgp: BirdBgpProtocol): string[] {
  const body: string[] = [`  local ${bgp.localAddress} as ${bgp.localAs};`];
  const remote = typeof bgp.remoteAs === 'number' ? `as ${bgp.remoteAs}` : bgp.remoteAs;
  if ('range' in bgp.neighbor) {
    body.push(`  neighbor range ${bgp.neighbor.range} ${remote};`);
    body.push(`  dynamic name "${bgp.dynamicName ?? `${bgp.name}_`}";`);
  } else {
    const port = bgp.neighbor.port !== undefined ? ` port ${bgp.neighbor.port}` : '';
    body.push(`  neighbor ${bgp.neighbor.address}${port} ${remote};`);
  }
  if (bgp.holdTime !== undefined) body.push(`  hold time ${bgp.holdTime};`);
  if (bgp.keepaliveTime !== undefined) body.push(`  keepalive time ${bgp.keepaliveTime};`);
  if (bgp.connectRetryTime !== undefined) body.push(`  connect retry time ${bgp.connectRetryTime};`);
  if (bgp.connectDelayTime !== undefined) body.push(`  connect delay time ${bgp.connectDelayTime};`);
  if (bgp.password !== undefined) body.push(`  password "${bgp.password}";`);
  if (bgp.passive) body.push('  passive on;');
  if (bgp.gracefulRestart !== undefined)
    body.push(`  graceful restart ${bgp.gracefulRestart ? 'on' : 'off'};`);
  if (bgp.multihop !== undefined) body.push(`  multihop ${bgp.multihop};`);
  for (const family of bgp.families ?? ['ipv4']) {
    body.push(`  ${family} { import ${bgp.importFilter ?? 'all'}; export ${bgp.exportFilter ?? 'none'}; };`);
  }
  for (const line of bgp.extraLines ?? []) body.push(`  ${line}`);
  if ('range' in bgp.neighbor) {
    // Dynamic neighbours hang off a template; `{ }` is required (P6).
    return [`template bgp ${bgp.name}_t {`, ...body, '}', `protocol bgp ${bgp.name} from ${bgp.name}_t { }`];
  }
  return [`protocol bgp ${bgp.name} {`, ...body, '}'];
}
