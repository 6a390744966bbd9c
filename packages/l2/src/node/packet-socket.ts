import {
  AfPacketSocket,
  Bpf,
  bpfJump,
  bpfLoad,
  bpfProgram,
  bpfRet,
  EtherType as SysEtherType,
} from '@ironlb/sys';
import { macFromBytes, macToBytes, type MacAddress } from '../core/mac.js';

/** Which frames a packet socket carries: ARP, or IPv6 Neighbor Solicitations/Advertisements. */
export type PacketProtocol = 'arp' | 'ndp';

/**
 * The announcer's view of a link-layer socket on one interface (STYLE.md: the consumer owns
 * the interface). Implementations: `openNativePacketSocket` (AF_PACKET through @ironlb/sys)
 * and `MemorySegment.attach` (in memory, for tests).
 */
export interface PacketSocket {
  readonly ifname: string;
  /** The interface's MAC: source of everything sent, and the address replies carry. */
  readonly mac: MacAddress;
  readonly protocol: PacketProtocol;
  /**
   * Starts delivering received frames (never our own). The frame may be a view into a reused
   * buffer: consume it before returning.
   */
  start(onFrame: (frame: Uint8Array) => void): void;
  /** Sends one whole Ethernet frame. Throws on failure (a SystemError for the native socket). */
  send(frame: Uint8Array): void;
  /** Receives frames sent to this link-layer multicast group (solicited-node groups). */
  joinGroup(mac: MacAddress): void;
  leaveGroup(mac: MacAddress): void;
  /** Frames the kernel dropped for this socket because its buffer was full (flood). */
  kernelDrops(): number;
  close(): void;
}

export type PacketSocketFactory = (ifname: string, protocol: PacketProtocol) => PacketSocket;

export interface NativePacketSocketOptions {
  /** Frames read per event-loop iteration at most (bounded work per tick). Default 64. */
  readonly readBudget?: number;
  /** SO_RCVBUF in bytes; a flood beyond it is dropped and counted by the kernel. Default 1 MiB. */
  readonly receiveBufferBytes?: number;
}

/**
 * Classic BPF for the IPv6 socket: only ICMPv6 (next header 58 at offset 20) of type 135 (NS)
 * or 136 (NA) at offset 54. Other IPv6 traffic never reaches user space.
 */
export const neighborDiscoveryFilter: Uint8Array = bpfProgram([
  bpfLoad(Bpf.B, 20),
  bpfJump(Bpf.JEQ, 58, 0, 4),
  bpfLoad(Bpf.B, 54),
  bpfJump(Bpf.JEQ, 135, 1, 0),
  bpfJump(Bpf.JEQ, 136, 0, 1),
  bpfRet(0xffff),
  bpfRet(0),
]);

/** AF_PACKET socket on `ifname` for ARP or NS/NA frames, read on the event loop. Needs CAP_NET_RAW. */
export function openNativePacketSocket(
  ifname: string,
  protocol: PacketProtocol,
  options: NativePacketSocketOptions = {},
): PacketSocket {
  const sock = AfPacketSocket.open({
    ifname,
    ethertype: protocol === 'arp' ? SysEtherType.ARP : SysEtherType.IPv6,
    filter: protocol === 'ndp' ? neighborDiscoveryFilter : undefined,
    ignoreOutgoing: true,
    readBudget: options.readBudget ?? 64,
    receiveBufferBytes: options.receiveBufferBytes ?? 1 << 20,
    maxFrameBytes: 2048,
  });
  const mac = macFromBytes(sock.mac);
  return {
    ifname,
    mac,
    protocol,
    start: (onFrame) => sock.start((frame) => onFrame(frame)),
    send: (frame) => sock.send(frame),
    joinGroup: (group) => sock.addMembership(macToBytes(group)),
    leaveGroup: (group) => sock.dropMembership(macToBytes(group)),
    kernelDrops: () => sock.statistics().kernelDrops,
    close: () => sock.close(),
  };
}
