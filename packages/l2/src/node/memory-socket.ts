import { EtherType } from '../core/ethernet.js';
import type { MacAddress } from '../core/mac.js';
import type { PacketProtocol, PacketSocket } from './packet-socket.js';

/** A frame as a segment carried it. */
export interface SegmentFrame {
  readonly from: string;
  readonly frame: Uint8Array;
}

/**
 * An in-memory Ethernet segment (a hub): every frame sent by one attached socket is delivered,
 * synchronously, to every other socket whose protocol matches, like an AF_PACKET socket with
 * the announcer's filters. Tests attach announcers and play clients on it, and read `log`.
 */
export class MemorySegment {
  readonly log: SegmentFrame[] = [];
  readonly #sockets = new Set<MemoryPacketSocket>();

  /** A socket on this segment for interface `ifname` with MAC `mac`. */
  attach(ifname: string, mac: MacAddress, protocol: PacketProtocol): MemoryPacketSocket {
    const s = new MemoryPacketSocket(this, ifname, mac, protocol);
    this.#sockets.add(s);
    return s;
  }

  /** Puts a frame on the segment as if a host `from` had sent it. */
  inject(frame: Uint8Array, from = 'host'): void {
    this.#deliver(frame.slice(), from, undefined);
  }

  /** A PacketSocketFactory over this segment: interface name -> MAC. */
  factory(
    macs: Readonly<Record<string, MacAddress>>,
  ): (ifname: string, protocol: PacketProtocol) => PacketSocket {
    return (ifname, protocol) => {
      const mac = macs[ifname];
      if (mac === undefined)
        throw Object.assign(new Error(`no such interface ${ifname}`), { code: 'ENODEV' });
      return this.attach(ifname, mac, protocol);
    };
  }

  /** @internal */
  send(from: MemoryPacketSocket, frame: Uint8Array): void {
    this.#deliver(frame.slice(), from.ifname, from);
  }

  /** @internal */
  detach(s: MemoryPacketSocket): void {
    this.#sockets.delete(s);
  }

  #deliver(frame: Uint8Array, from: string, sender: MemoryPacketSocket | undefined): void {
    this.log.push({ from, frame });
    const protocol = protocolOf(frame);
    for (const s of [...this.#sockets]) {
      if (s !== sender && s.protocol === protocol) s.receive(frame);
    }
  }
}

function protocolOf(frame: Uint8Array): PacketProtocol | undefined {
  if (frame.length < 14) return undefined;
  const type = (frame[12]! << 8) | frame[13]!;
  if (type === EtherType.ARP) return 'arp';
  // As the native socket's BPF filter: ICMPv6 NS (135) or NA (136) only.
  if (type === EtherType.IPv6 && frame[20] === 58 && (frame[54] === 135 || frame[54] === 136)) return 'ndp';
  return undefined;
}

/** A PacketSocket on a MemorySegment; records what was sent and which groups are joined. */
export class MemoryPacketSocket implements PacketSocket {
  readonly sent: Uint8Array[] = [];
  readonly groups = new Set<MacAddress>();
  #onFrame: ((frame: Uint8Array) => void) | undefined;
  #closed = false;
  /** When set, `send` throws it (to test send failures). */
  failSends: Error | undefined;
  /** Reported by kernelDrops(). */
  drops = 0;

  constructor(
    readonly segment: MemorySegment,
    readonly ifname: string,
    readonly mac: MacAddress,
    readonly protocol: PacketProtocol,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  start(onFrame: (frame: Uint8Array) => void): void {
    this.#onFrame = onFrame;
  }

  send(frame: Uint8Array): void {
    if (this.#closed) throw Object.assign(new Error('socket closed'), { code: 'EBADF' });
    if (this.failSends) throw this.failSends;
    this.sent.push(frame.slice());
    this.segment.send(this, frame);
  }

  /** @internal delivery from the segment */
  receive(frame: Uint8Array): void {
    if (!this.#closed) this.#onFrame?.(frame);
  }

  joinGroup(mac: MacAddress): void {
    this.groups.add(mac);
  }

  leaveGroup(mac: MacAddress): void {
    this.groups.delete(mac);
  }

  kernelDrops(): number {
    return this.drops;
  }

  close(): void {
    this.#closed = true;
    this.segment.detach(this);
  }
}
