/**
 * The parts of FRR 8.4's vtysh JSON output that tests read (network-lab.md section 3c). Every
 * interface keeps an index signature: FRR adds fields between versions, and tests may read
 * fields not listed here.
 */

/** `show bgp summary json` -> `ipv4Unicast.peers[address]`. */
export interface BgpSummaryPeer {
  /** `Established`, `Active`, `Connect`, `OpenSent`, `OpenConfirm`, `Idle`. */
  state: string;
  remoteAs?: number;
  pfxRcd?: number;
  pfxSnt?: number;
  dynamicPeer?: boolean;
  peerUptimeMsec?: number;
  msgRcvd?: number;
  msgSent?: number;
  [field: string]: unknown;
}

export interface BgpSummaryFamily {
  routerId?: string;
  as?: number;
  peerCount?: number;
  peers?: Record<string, BgpSummaryPeer>;
  [field: string]: unknown;
}

/** `show bgp summary json`: `{}` when there are no peers at all (P5), so every key is optional. */
export interface BgpSummary {
  ipv4Unicast?: BgpSummaryFamily;
  ipv6Unicast?: BgpSummaryFamily;
  [field: string]: unknown;
}

export interface BgpNextHop {
  ip?: string;
  afi?: string;
  scope?: string;
  used?: boolean;
  [field: string]: unknown;
}

/** One path in `show bgp ipv4 unicast json` -> `routes[prefix][]`. */
export interface BgpPath {
  valid?: boolean;
  bestpath?: boolean;
  multipath?: boolean;
  stale?: boolean;
  peerId?: string;
  /** AS path as text: `"64513"`, `"64512 64513"`. */
  path?: string;
  origin?: string;
  metric?: number;
  locPrf?: number;
  weight?: number;
  nexthops?: BgpNextHop[];
  [field: string]: unknown;
}

/** `show bgp ipv4 unicast json`. */
export interface BgpTable {
  routerId?: string;
  localAS?: number;
  routes?: Record<string, BgpPath[]>;
  [field: string]: unknown;
}

/** One path of `show bgp ipv4 unicast <prefix> json` -> `paths[]`. */
export interface BgpPathDetail {
  aspath?: { string?: string; segments?: unknown[]; length?: number };
  community?: { string?: string; list?: string[] };
  largeCommunity?: { string?: string; list?: string[] };
  localpref?: number;
  med?: number;
  valid?: boolean;
  stale?: boolean;
  multipath?: boolean;
  bestpath?: { overall?: boolean; selectionReason?: string };
  peer?: { peerId?: string; routerId?: string; type?: string; [field: string]: unknown };
  nexthops?: BgpNextHop[];
  [field: string]: unknown;
}

/** `show bgp ipv4 unicast <prefix> json`. */
export interface BgpPrefixDetail {
  prefix?: string;
  paths?: BgpPathDetail[];
  [field: string]: unknown;
}

/** One next hop of `show ip route json`. */
export interface ZebraNextHop {
  ip?: string;
  afi?: string;
  interfaceName?: string;
  fib?: boolean;
  active?: boolean;
  directlyConnected?: boolean;
  [field: string]: unknown;
}

/** One entry of `show ip route json` -> `[prefix][]`. */
export interface ZebraRoute {
  prefix: string;
  protocol: string;
  selected?: boolean;
  installed?: boolean;
  table?: number;
  distance?: number;
  metric?: number;
  internalNextHopNum?: number;
  nexthops?: ZebraNextHop[];
  [field: string]: unknown;
}

/** `show ip route json`: prefix -> entries. */
export type ZebraRouteTable = Record<string, ZebraRoute[]>;

/** `show bgp neighbors <addr> json` -> `[address]`. */
export interface BgpNeighbor {
  bgpState?: string;
  remoteAs?: number;
  localAs?: number;
  bgpTimerHoldTimeMsecs?: number;
  bgpTimerKeepAliveIntervalMsecs?: number;
  lastResetDueTo?: string;
  messageStats?: {
    updatesRecv?: number;
    updatesSent?: number;
    keepalivesRecv?: number;
    keepalivesSent?: number;
    notificationsRecv?: number;
    notificationsSent?: number;
    opensRecv?: number;
    totalRecv?: number;
    [field: string]: unknown;
  };
  gracefulRestartInfo?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One entry of `show bfd peers json`. */
export interface BfdPeer {
  peer: string;
  local?: string;
  interface?: string;
  /** `up`, `down`, `init`, `shutdown`. */
  status: string;
  uptime?: number;
  downtime?: number;
  diagnostic?: string;
  'remote-diagnostic'?: string;
  'receive-interval'?: number;
  'transmit-interval'?: number;
  'detect-multiplier'?: number;
  'remote-receive-interval'?: number;
  'remote-transmit-interval'?: number;
  'remote-detect-multiplier'?: number;
  [field: string]: unknown;
}
