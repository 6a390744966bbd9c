/**
 * The typed view of the native module (`native/*.c`, built by node-gyp into
 * `build/Release/ironlb_sys.node`). Every function returns a negative errno (number) or an
 * object with `errno` and `syscall` on failure; none throws for a system failure. Only the
 * wrappers in this package call these.
 */
import { createRequire } from 'node:module';
import { IronLbError } from '@ironlb/wire';

export interface Failure {
  readonly errno: number;
  readonly syscall: string;
}
export interface IfInfoResult {
  readonly errno: 0;
  readonly ifindex: number;
  readonly flags: number;
  readonly mtu: number;
  readonly hwtype: number;
  readonly mac: Uint8Array;
}
/** An opaque uv_poll handle. */
export type PollHandle = { readonly __pollHandle: unique symbol };

export interface NativeBinding {
  ifInfo(name: string): IfInfoResult | Failure;
  ifList(): { name: string; ifindex: number }[] | Failure;
  packetOpen(
    ifindex: number,
    ethertype: number,
    filter: Uint8Array | null,
    ignoreOutgoing: boolean,
  ): { errno: 0; fd: number } | Failure;
  packetSend(fd: number, ifindex: number, frame: Uint8Array): number;
  packetRecv(fd: number, buf: Uint8Array, meta: Int32Array): number;
  packetMembership(fd: number, ifindex: number, mac: Uint8Array, add: boolean): number;
  packetStats(fd: number): { errno: 0; packets: number; drops: number } | Failure;
  attachFilter(fd: number, program: Uint8Array | null): number;
  socketOpen(family: number, type: number): number;
  bindAddr(fd: number, family: number, addr: Uint8Array, port: number, scopeId: number): number;
  connectAddr(fd: number, family: number, addr: Uint8Array, port: number, scopeId: number): number;
  listenFd(fd: number, backlog: number): number;
  socketError(fd: number): number;
  socketFamily(fd: number): number;
  tcpMd5(fd: number, family: number, addr: Uint8Array, prefixLength: number, key: Uint8Array | null): number;
  setsockoptInt(fd: number, level: number, name: number, value: number): number;
  getsockoptInt(fd: number, level: number, name: number): { errno: 0; value: number } | Failure;
  closeFd(fd: number): number;
  netlinkOpen(groups: number): number;
  netlinkSend(fd: number, bytes: Uint8Array): number;
  recvBytes(fd: number, buf: Uint8Array): number;
  netnsOpen(path: string): number;
  netnsSet(fd: number): number;
  pollStart(
    fd: number,
    events: number,
    callback: (status: number, events: number) => void,
  ): PollHandle | number;
  pollStop(handle: PollHandle): number;
  pollUpdate(handle: PollHandle, events: number): number;
  pollRef(handle: PollHandle, ref: boolean): number;
  readonly constants: NativeConstants;
}

export type NativeConstants = Readonly<Record<ConstantName, number>>;
type ConstantName =
  | 'AF_INET'
  | 'AF_INET6'
  | 'AF_PACKET'
  | 'AF_NETLINK'
  | 'SOCK_STREAM'
  | 'SOCK_DGRAM'
  | 'SOCK_RAW'
  | 'SOL_SOCKET'
  | 'SO_TYPE'
  | 'SO_RCVBUF'
  | 'SO_SNDBUF'
  | 'SO_REUSEADDR'
  | 'SO_REUSEPORT'
  | 'IPPROTO_IP'
  | 'IPPROTO_IPV6'
  | 'IPPROTO_TCP'
  | 'IP_TTL'
  | 'IP_MINTTL'
  | 'IP_MULTICAST_TTL'
  | 'IPV6_UNICAST_HOPS'
  | 'IPV6_MULTICAST_HOPS'
  | 'IPV6_MINHOPCOUNT'
  | 'IPV6_V6ONLY'
  | 'TCP_MD5SIG'
  | 'TCP_MD5SIG_MAXKEYLEN'
  | 'TCP_NODELAY'
  | 'ETH_P_ARP'
  | 'ETH_P_IPV6'
  | 'ETH_P_IP'
  | 'ETH_P_ALL'
  | 'PACKET_HOST'
  | 'PACKET_BROADCAST'
  | 'PACKET_MULTICAST'
  | 'PACKET_OTHERHOST'
  | 'PACKET_OUTGOING'
  | 'IFF_UP'
  | 'IFF_BROADCAST'
  | 'IFF_LOOPBACK'
  | 'IFF_RUNNING'
  | 'IFF_NOARP'
  | 'IFF_PROMISC'
  | 'IFF_MASTER'
  | 'IFF_SLAVE'
  | 'IFF_MULTICAST'
  | 'RTMGRP_LINK'
  | 'RTMGRP_IPV4_IFADDR'
  | 'RTMGRP_IPV6_IFADDR'
  | 'UV_READABLE'
  | 'UV_WRITABLE'
  | 'EAGAIN'
  | 'EWOULDBLOCK'
  | 'EINPROGRESS'
  | 'EINTR'
  | 'ETIMEDOUT'
  | 'RTM_GETLINK'
  | 'RTM_NEWLINK'
  | 'RTM_DELLINK'
  | 'NLM_F_REQUEST'
  | 'NLM_F_DUMP'
  | 'NLMSG_DONE'
  | 'NLMSG_ERROR'
  | 'IFLA_ADDRESS'
  | 'IFLA_IFNAME'
  | 'IFLA_MTU'
  | 'IFLA_MASTER'
  | 'IFLA_LINKINFO'
  | 'IFLA_INFO_KIND';

let loaded: NativeBinding | undefined;

/**
 * The native module, loaded on first use. `src/` and `dist/` both sit one level below the
 * package root, next to `build/`.
 */
export function native(): NativeBinding {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    loaded = require('../build/Release/ironlb_sys.node') as NativeBinding;
  } catch (cause) {
    throw new IronLbError(
      'ERR_IRONLB_SYS_NOT_BUILT',
      '@ironlb/sys: the native addon is not built (run `npm ci`, or `node scripts/build.mjs` in packages/sys)',
      { cause },
    );
  }
  return loaded;
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'errno' in value && (value as Failure).errno !== 0;
}
