import { NetlabError, NetlabErrorCode } from './errors.js';

/** One next hop of a kernel route. */
export interface KernelNextHop {
  gateway?: string;
  dev?: string;
  weight?: number;
  flags?: string[];
}

/** One route from `ip -j route show` (iproute2's JSON field names). */
export interface KernelRoute {
  /** `default`, `198.51.100.10` (host routes have no /32), or `198.51.100.0/24`. */
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  metric?: number;
  table?: string;
  prefsrc?: string;
  nhid?: number;
  flags?: string[];
  /** Present on multipath (ECMP) routes. */
  nexthops?: KernelNextHop[];
}

/** Parses `ip -j route show` output (an empty output is no route). */
export function parseKernelRoutes(json: string): KernelRoute[] {
  if (!json.trim()) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) throw new Error('not an array');
    return parsed as KernelRoute[];
  } catch (err) {
    throw new NetlabError(NetlabErrorCode.ParseError, 'cannot parse `ip -j route` output', { cause: err });
  }
}

/** The gateways of a route, single-path or multipath, sorted. */
export function routeGateways(route: KernelRoute): string[] {
  const hops = route.nexthops ?? (route.gateway ? [{ gateway: route.gateway }] : []);
  return hops
    .map((hop) => hop.gateway)
    .filter((gw): gw is string => gw !== undefined)
    .sort();
}

/** `198.51.100.10/32` and `198.51.100.10` name the same kernel destination. */
export function sameDestination(routeDst: string, prefix: string): boolean {
  const strip = (text: string): string => text.replace(/\/(32|128)$/, '').toLowerCase();
  return strip(routeDst) === strip(prefix);
}
