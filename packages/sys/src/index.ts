// Public surface of @ironlb/sys: the small native addon for what Node's net and dgram cannot do.
export { SystemError, type SystemErrorContext } from './system-error.js';
export { addressBytes, v4Mapped, type SocketAddressBytes } from './address-bytes.js';
export { FdWatcher, PollEvent } from './fd-watcher.js';
export {
  interfaceInfo,
  interfaceNames,
  InterfaceFlag,
  ARPHRD_ETHER,
  type InterfaceInfo,
} from './interface-info.js';
export {
  AfPacketSocket,
  EtherType,
  PacketType,
  type AfPacketOptions,
  type AfPacketStatistics,
  type FrameHandler,
  type FrameInfo,
} from './af-packet.js';
export { Bpf, bpfProgram, bpfLoad, bpfJump, bpfRet, minTtlFilter, type BpfInstruction } from './bpf.js';
export {
  connectTcp,
  listenTcp,
  setTcpMd5Key,
  type ConnectTcpOptions,
  type ListenTcpOptions,
  type Md5Key,
} from './tcp.js';
export { setTtl, setMinTtl, getSocketOption, fdOf, type SocketLike, type FamilyLike } from './ttl.js';
export { createUdpSocket, type UdpSocketOptions } from './udp.js';
export { runInNetns } from './netns.js';
export { LinkLister, LinkMonitor, type LinkInfo } from './links.js';
export { sysConstants } from './constants.js';
