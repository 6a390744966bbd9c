import { IPAddress } from '@ironlb/netaddr';
import { ipv6MulticastMac, type MacAddress } from './mac.js';

/** ff02::1, all nodes on the link (RFC 4291 section 2.7.1). */
export const ALL_NODES = IPAddress.parse('ff02::1');
export const ALL_NODES_MAC: MacAddress = '33:33:00:00:00:01';
export const IPV4_UNSPECIFIED = IPAddress.parse('0.0.0.0');
export const IPV6_UNSPECIFIED = IPAddress.parse('::');

const SOLICITED_NODE_PREFIX = IPAddress.parse('ff02::1:ff00:0').value;

/** The solicited-node multicast group of an IPv6 address: ff02::1:ff00:0/104 + its low 24 bits (RFC 4291 section 2.7.1). */
export function solicitedNodeAddress(ip: IPAddress): IPAddress {
  if (ip.family !== 6) throw new RangeError('solicited-node groups exist for IPv6 only');
  return IPAddress.fromBigInt(6, SOLICITED_NODE_PREFIX | (ip.value & 0xffffffn));
}

/** The Ethernet group a host joins to hear Neighbor Solicitations for `ip` (33:33:ff:xx:xx:xx). */
export function solicitedNodeMac(ip: IPAddress): MacAddress {
  return ipv6MulticastMac(solicitedNodeAddress(ip).toBytes());
}

export function isSolicitedNodeAddress(ip: IPAddress): boolean {
  return ip.family === 6 && ip.value >> 24n === SOLICITED_NODE_PREFIX >> 24n;
}
