import { native } from './binding.js';
import { SystemError } from './system-error.js';

/** What the kernel reports about one interface (ioctl SIOCGIFFLAGS/SIOCGIFMTU/SIOCGIFHWADDR). */
export interface InterfaceInfo {
  readonly name: string;
  readonly ifindex: number;
  /** IFF_* bits (the 16 bits of SIOCGIFFLAGS): see `InterfaceFlag`. */
  readonly flags: number;
  readonly mtu: number;
  /** ARPHRD_* of the hardware address (1 = Ethernet, 772 = loopback). */
  readonly hwtype: number;
  /** The interface's hardware address (6 bytes for Ethernet). */
  readonly mac: Uint8Array;
}

/** IFF_* flag bits (linux/if.h). */
export const InterfaceFlag = {
  up: 0x1,
  broadcast: 0x2,
  loopback: 0x8,
  running: 0x40,
  noarp: 0x80,
  promisc: 0x100,
  master: 0x400,
  slave: 0x800,
  multicast: 0x1000,
} as const;

export const ARPHRD_ETHER = 1;

/** Interface details by name, in the network namespace of the calling thread. */
export function interfaceInfo(name: string): InterfaceInfo {
  const r = native().ifInfo(name);
  if (!('ifindex' in r)) throw new SystemError(r.errno, r.syscall, { ifname: name });
  return { name, ifindex: r.ifindex, flags: r.flags, mtu: r.mtu, hwtype: r.hwtype, mac: r.mac };
}

/** Names and indexes of every interface (if_nameindex), in the calling thread's namespace. */
export function interfaceNames(): { name: string; ifindex: number }[] {
  const r = native().ifList();
  if (!Array.isArray(r)) throw new SystemError(r.errno, r.syscall);
  return r;
}
