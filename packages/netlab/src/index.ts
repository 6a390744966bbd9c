// Public surface of @ironlb/netlab: small networks of namespaces on one Linux machine, with
// real routers (FRR, BIRD), a reference BGP sender (ExaBGP) and packet tools, for integration
// tests, benchmarks and the lab.
export { NetlabCommandError, NetlabError, NetlabErrorCode } from './errors.js';
export { checkPrivileges, missingTools, netlabTools, requireRoot, requireTools } from './privileges.js';
export type { NetlabTool, PrivilegeCheck } from './privileges.js';
export { defaultCommandTimeoutMs, runChecked, runCommand } from './command.js';
export type { CommandOptions, CommandResult } from './command.js';
export { abortWait, NetlabTimeoutError, sleep, waitFor, withTimeout } from './wait-for.js';
export type { WaitForOptions, WaitPredicate } from './wait-for.js';
export { netlabPrefix, uniqueLabName } from './naming.js';
export { isProcessAlive, parseProcStat, readProcStat } from './proc-stat.js';
export type { ProcStat } from './proc-stat.js';
export { LabProcess } from './lab-process.js';
export type { ExitStatus, ProcessRecord, SpawnOptions } from './lab-process.js';
export {
  defaultStateDir,
  destroyRecordedLab,
  isOwnerAlive,
  listLabStates,
  listNamespacesSync,
  readLabState,
  sweepStaleLabs,
} from './lab-state.js';
export type { LabStateRecord, SweepOptions, TeardownReport } from './lab-state.js';
export { attachLab, createLab, defaultBaseDir, Lab } from './lab.js';
export type { HostOptions, LabOptions } from './lab.js';
export { Netns } from './netns.js';
export type { InterfaceInfo, NeighborEntry, RouteSpec } from './netns.js';
export { Switch } from './switch.js';
export type { ConnectOptions } from './switch.js';
export type { NetlabLogger } from './logger.js';
export {
  clientSysctls,
  namespaceSysctls,
  nodeSysctls,
  roleSysctls,
  routerInterfaceSysctls,
  routerSysctls,
} from './sysctl-profiles.js';
export type { HostRole, SysctlMap } from './sysctl-profiles.js';
export { parseKernelRoutes, routeGateways, sameDestination } from './kernel-routes.js';
export type { KernelNextHop, KernelRoute } from './kernel-routes.js';
export { RouteMonitor, startRouteMonitor } from './route-monitor.js';
export type { RouteEvent } from './route-monitor.js';

export { renderBfddConfig, renderBgpdConfig, renderZebraConfig } from './frr/frr-config.js';
export type {
  AddressFamily,
  FrrAddressFamilyConfig,
  FrrBfdProfile,
  FrrBgpConfig,
  FrrNeighbor,
  FrrPeerGroup,
  FrrPeerSettings,
  RemoteAs,
} from './frr/frr-config.js';
export { checkFrrConfig, FrrRouter, startFrr } from './frr/frr-router.js';
export type { FrrOptions } from './frr/frr-router.js';
export type * from './frr/frr-json.js';

export { renderBirdConfig } from './bird/bird-config.js';
export type { BirdBgpProtocol, BirdConfig } from './bird/bird-config.js';
export {
  parseBirdProtocols,
  parseBirdRouteCount,
  parseBirdRoutes,
  stripBirdBanner,
} from './bird/birdc-parse.js';
export type { BirdProtocol, BirdRoute, BirdRouteCount } from './bird/birdc-parse.js';
export { BirdRouter, startBird } from './bird/bird-router.js';
export type { BirdOptions } from './bird/bird-router.js';

export { hostRoutes, renderExaBgpConfig } from './exabgp/exabgp-config.js';
export type { ExaBgpConfig, ExaBgpRoute } from './exabgp/exabgp-config.js';
export { ExaBgpSpeaker, startExaBgp } from './exabgp/exabgp-speaker.js';

export { buildPcap, parsePcap, PcapLinkType } from './capture/pcap-reader.js';
export type { PcapFile, PcapRecord } from './capture/pcap-reader.js';
export { EtherType, formatIpv6, formatMac, summarizeFrame } from './capture/frame-summary.js';
export type { FrameSummary } from './capture/frame-summary.js';
export { PacketCapture, startCapture } from './capture/tcpdump.js';
export type { CaptureOptions } from './capture/tcpdump.js';

export { parsePingOutput, ping } from './tools/ping.js';
export type { PingOptions, PingResult } from './tools/ping.js';
export { arping, parseArpingOutput } from './tools/arping.js';
export type { ArpingOptions, ArpingReply, ArpingResult } from './tools/arping.js';
export { curl, httpUrl } from './tools/curl.js';
export type { CurlOptions, CurlResult } from './tools/curl.js';
export { addDnat, deleteNftTable, dropUdpRandomly, nft, nftRuleset } from './tools/nftables.js';
export type { DnatOptions, Removable, UdpLossOptions } from './tools/nftables.js';

export { buildLabTopology, labAddressing, labHostAddresses } from './lab-topology.js';
export type { LabHostAddresses, LabNode, LabTopology, LabTopologyOptions } from './lab-topology.js';
export { ServiceStandIn, startServiceStandIn } from './service-stand-in.js';
export type { ServiceStandInOptions } from './service-stand-in.js';
export { HttpProber, epochNow, startHttpProber } from './tools/http-prober.js';
export type { HttpProberOptions, ProbeResult } from './tools/http-prober.js';
export { BgpMessageType, bgpMessagesFromPcap } from './capture/bgp-in-pcap.js';
export type { CapturedBgpMessage } from './capture/bgp-in-pcap.js';
