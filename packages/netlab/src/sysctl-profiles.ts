/**
 * The sysctls each kind of lab host gets (network-lab.md sections 2 and 7, pitfalls P8, P11,
 * P12). Keys are sysctl names; `{if}` is replaced by the host's interface name.
 */
export type SysctlMap = Readonly<Record<string, string | number>>;

/** Set in every namespace before any veth exists, so IPv6 addresses are never tentative (P12). */
export const namespaceSysctls: SysctlMap = {
  'net.ipv6.conf.all.accept_dad': 0,
  'net.ipv6.conf.default.accept_dad': 0,
};

/**
 * Kubernetes nodes: kube-proxy's strictARP (`arp_ignore=1`: never answer ARP for an address
 * that is not on the receiving interface, such as a VIP on `lo`), `arp_announce=2` (ARP requests
 * name the interface address, not a VIP), and non-local bind so `arping -U VIP` works (P8).
 */
export const nodeSysctls: SysctlMap = {
  'net.ipv4.conf.all.arp_ignore': 1,
  'net.ipv4.conf.all.arp_announce': 2,
  'net.ipv4.ip_nonlocal_bind': 1,
  'net.ipv6.ip_nonlocal_bind': 1,
};

/**
 * Routers: forwarding, ECMP hashed on L4 ports, and no ICMP redirects, which would make clients
 * on the segment bypass ECMP (P11).
 */
export const routerSysctls: SysctlMap = {
  'net.ipv4.ip_forward': 1,
  'net.ipv6.conf.all.forwarding': 1,
  'net.ipv4.fib_multipath_hash_policy': 1,
  'net.ipv6.fib_multipath_hash_policy': 1,
  'net.ipv4.conf.all.send_redirects': 0,
  'net.ipv4.conf.default.send_redirects': 0,
};

/** Set on a router once its interface exists. */
export const routerInterfaceSysctls: SysctlMap = {
  'net.ipv4.conf.{if}.send_redirects': 0,
};

/** Clients keep the kernel defaults (arp_accept=0): a GARP only updates an existing entry. */
export const clientSysctls: SysctlMap = {};

export type HostRole = 'node' | 'router' | 'client' | 'plain';

export function roleSysctls(role: HostRole): SysctlMap {
  switch (role) {
    case 'node':
      return nodeSysctls;
    case 'router':
      return routerSysctls;
    case 'client':
      return clientSysctls;
    case 'plain':
      return {};
  }
}

export function roleInterfaceSysctls(role: HostRole, ifname: string): SysctlMap {
  if (role !== 'router') return {};
  return Object.fromEntries(
    Object.entries(routerInterfaceSysctls).map(([key, value]) => [key.replace('{if}', ifname), value]),
  );
}
