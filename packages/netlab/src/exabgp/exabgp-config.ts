/**
 * ExaBGP 4.2 configuration for a reference sender (network-lab.md section 4): one template,
 * static routes, one `neighbor` block per router. ExaBGP only connects (it does not listen by
 * default), which suits FRR's and BIRD's passive dynamic neighbours.
 */

export interface ExaBgpRoute {
  prefix: string;
  nextHop: string;
  /** `64512:100` style communities. */
  communities?: readonly string[];
  /** `64512:1:2` style large communities. */
  largeCommunities?: readonly string[];
  localPreference?: number;
  med?: number;
  /** AS path to send (ExaBGP prepends nothing for eBGP; include your own ASN first). */
  asPath?: readonly number[];
}

export interface ExaBgpConfig {
  routerId: string;
  localAddress: string;
  localAs: number;
  peerAs: number;
  /** Router addresses to connect to. */
  neighbors: readonly string[];
  /** Default 9 (keepalive 3). */
  holdTime?: number;
  /** Default: `ipv4 unicast`, plus `ipv6 unicast` when a route or the local address is IPv6. */
  families?: readonly ('ipv4 unicast' | 'ipv6 unicast')[];
  routes?: readonly ExaBgpRoute[];
  /**
   * Default true: many prefixes with the same attributes share one UPDATE. false sends one
   * prefix per UPDATE.
   */
  groupUpdates?: boolean;
  /** TCP MD5 signature password. */
  md5Password?: string;
  /** Announce graceful restart with this restart time. */
  gracefulRestart?: number;
}

export function renderExaBgpConfig(config: ExaBgpConfig): string {
  const v6 =
    config.localAddress.includes(':') || (config.routes ?? []).some((route) => route.prefix.includes(':'));
  const families = config.families ?? (v6 ? ['ipv6 unicast'] : ['ipv4 unicast']);
  const out = [
    'template {',
    '  neighbor routers {',
    `    router-id ${config.routerId};`,
    `    local-address ${config.localAddress};`,
    `    local-as ${config.localAs};`,
    `    peer-as ${config.peerAs};`,
    `    hold-time ${config.holdTime ?? 9};`,
  ];
  if (config.groupUpdates === false) out.push('    group-updates false;');
  if (config.md5Password !== undefined) out.push(`    md5-password "${config.md5Password}";`);
  out.push(`    family { ${families.map((family) => `${family};`).join(' ')} }`);
  if (config.gracefulRestart !== undefined)
    out.push(`    capability { graceful-restart ${config.gracefulRestart}; }`);
  if ((config.routes ?? []).length > 0) {
    out.push('    static {');
    for (const route of config.routes ?? []) out.push(`      ${renderRoute(route)}`);
    out.push('    }');
  }
  out.push('  }', '}');
  for (const neighbor of config.neighbors) out.push(`neighbor ${neighbor} { inherit routers; }`);
  return `${out.join('\n')}\n`;
}

function renderRoute(route: ExaBgpRoute): string {
  const parts = [`route ${route.prefix} next-hop ${route.nextHop}`];
  if (route.communities?.length) parts.push(`community [ ${route.communities.join(' ')} ]`);
  if (route.largeCommunities?.length) parts.push(`large-community [ ${route.largeCommunities.join(' ')} ]`);
  if (route.localPreference !== undefined) parts.push(`local-preference ${route.localPreference}`);
  if (route.med !== undefined) parts.push(`med ${route.med}`);
  if (route.asPath?.length) parts.push(`as-path [ ${route.asPath.join(' ')} ]`);
  return `${parts.join(' ')};`;
}

/**
 * `count` distinct IPv4 /32 host routes counting up from `start` (default 198.18.0.0, the
 * benchmarking range of RFC 2544), all with `nextHop`.
 */
export function hostRoutes(count: number, options: { nextHop: string; start?: string }): ExaBgpRoute[] {
  const base = ipv4ToNumber(options.start ?? '198.18.0.0');
  const routes: ExaBgpRoute[] = [];
  for (let i = 0; i < count; i++)
    routes.push({ prefix: `${numberToIpv4(base + i)}/32`, nextHop: options.nextHop });
  return routes;
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
