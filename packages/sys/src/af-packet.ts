import { native } from './binding.js';
import { FdWatcher, PollEvent } from './fd-watcher.js';
import { interfaceInfo } from './interface-info.js';
import { SystemError } from './system-error.js';

/** Ethertypes this project opens packet sockets for (IEEE 802 numbers). */
export const EtherType = { IPv4: 0x0800, ARP: 0x0806, IPv6: 0x86dd, all: 0x0003 } as const;

/** `sll_pkttype` of a received frame (linux/if_packet.h). */
export const PacketType = { host: 0, broadcast: 1, multicast: 2, otherHost: 3, outgoing: 4 } as const;

/** What the kernel says about a received frame besides its bytes. */
export interface FrameInfo {
  /** PacketType: to us (unicast), broadcast, multicast, ... */
  readonly pkttype: number;
  /** The interface it arrived on. */
  readonly ifindex: number;
  /** Length on the wire; larger than the frame passed when the receive buffer was too small. */
  readonly wireLength: number;
}

/**
 * Called for each received frame. `frame` is a view into a buffer that is reused for the next
 * frame: copy it to keep it.
 */
export type FrameHandler = (frame: Uint8Array, info: FrameInfo) => void;

export interface AfPacketOptions {
  /** Interface to bind to. */
  readonly ifname: string;
  /** Ethertype to receive (EtherType.ARP, EtherType.IPv6). */
  readonly ethertype: number;
  /** Classic BPF program (see `bpfProgram`), attached before the socket is bound. */
  readonly filter?: Uint8Array;
  /** Do not receive our own transmitted frames (PACKET_IGNORE_OUTGOING). Default true. */
  readonly ignoreOutgoing?: boolean;
  /** Frames read per event-loop iteration at most (bounded work per tick). Default 64. */
  readonly readBudget?: number;
  /** Receive buffer size (SO_RCVBUF) in bytes; the kernel drops (and counts) beyond it. */
  readonly receiveBufferBytes?: number;
  /** Largest frame read whole; longer ones are truncated and reported by `wireLength`. */
  readonly maxFrameBytes?: number;
}

/** Receive-side counters: the kernel's (PACKET_STATISTICS) and this socket's. */
export interface AfPacketStatistics {
  /** Frames the kernel queued to this socket. */
  readonly kernelPackets: number;
  /** Frames the kernel dropped because the receive buffer was full. */
  readonly kernelDrops: number;
  /** Loop iterations in which the read budget ran out with frames still queued. */
  readonly budgetExhausted: number;
  /** Receive errors other than EAGAIN. */
  readonly receiveErrors: number;
}

/**
 * An AF_PACKET (SOCK_RAW) socket bound to one interface and ethertype, read on the event loop.
 * Frames include the Ethernet header, both ways. Needs CAP_NET_RAW.
 */
export class AfPacketSocket {
  readonly ifname: string;
  readonly ifindex: number;
  readonly mac: Uint8Array;
  readonly fd: number;
  readonly readBudget: number;
  #watcher: FdWatcher | undefined;
  #closed = false;
  readonly #buf: Uint8Array;
  readonly #meta = new Int32Array(3);
  #kernelPackets = 0;
  #kernelDrops = 0;
  #budgetExhausted = 0;
  #receiveErrors = 0;

  private constructor(options: AfPacketOptions, ifindex: number, mac: Uint8Array, fd: number) {
    this.ifname = options.ifname;
    this.ifindex = ifindex;
    this.mac = mac;
    this.fd = fd;
    this.readBudget = options.readBudget ?? 64;
    this.#buf = new Uint8Array(options.maxFrameBytes ?? 65536);
  }

  /** Opens the socket (socket, SO_ATTACH_FILTER, PACKET_IGNORE_OUTGOING, bind). Throws SystemError. */
  static open(options: AfPacketOptions): AfPacketSocket {
    const info = interfaceInfo(options.ifname);
    const b = native();
    const r = b.packetOpen(
      info.ifindex,
      options.ethertype,
      options.filter ?? null,
      options.ignoreOutgoing ?? true,
    );
    if (!('fd' in r)) throw new SystemError(r.errno, r.syscall, { ifname: options.ifname });
    const sock = new AfPacketSocket(options, info.ifindex, info.mac, r.fd);
    if (options.receiveBufferBytes !== undefined) {
      const rc = b.setsockoptInt(
        r.fd,
        b.constants.SOL_SOCKET,
        b.constants.SO_RCVBUF,
        options.receiveBufferBytes,
      );
      if (rc < 0) {
        b.closeFd(r.fd);
        throw new SystemError(rc, 'setsockopt', { ifname: options.ifname });
      }
    }
    return sock;
  }

  /** Starts delivering frames to `handler` on the event loop. */
  start(handler: FrameHandler): void {
    this.#assertOpen();
    if (this.#watcher) throw new Error('AfPacketSocket.start: already started');
    this.#watcher = new FdWatcher(this.fd, PollEvent.readable, () => this.#drain(handler));
  }

  /** Stops delivering frames (the kernel keeps queueing up to the buffer size). */
  stop(): void {
    this.#watcher?.stop();
    this.#watcher = undefined;
  }

  /** Whether the watcher keeps the process alive. */
  ref(ref = true): void {
    this.#watcher?.ref(ref);
  }

  /** Sends one frame (Ethernet header included; pad to 60 bytes). Throws SystemError. */
  send(frame: Uint8Array): void {
    this.#assertOpen();
    const n = native().packetSend(this.fd, this.ifindex, frame);
    if (n < 0) throw new SystemError(n, 'sendto', { ifname: this.ifname });
  }

  /** Reads one queued frame now, or returns undefined when none is queued. */
  receiveNow(): { frame: Uint8Array; info: FrameInfo } | undefined {
    this.#assertOpen();
    const n = native().packetRecv(this.fd, this.#buf, this.#meta);
    if (n < 0) {
      if (isAgain(n)) return undefined;
      throw new SystemError(n, 'recvfrom', { ifname: this.ifname });
    }
    return { frame: this.#buf.slice(0, n), info: this.#info() };
  }

  /** Receives frames sent to a link-layer multicast address (PACKET_ADD_MEMBERSHIP). */
  addMembership(mac: Uint8Array): void {
    this.#membership(mac, true);
  }

  dropMembership(mac: Uint8Array): void {
    this.#membership(mac, false);
  }

  /** Replaces the socket's BPF filter (null removes it). */
  setFilter(program: Uint8Array | null): void {
    this.#assertOpen();
    const rc = native().attachFilter(this.fd, program);
    if (rc < 0) throw new SystemError(rc, 'setsockopt', { ifname: this.ifname });
  }

  statistics(): AfPacketStatistics {
    if (!this.#closed) this.#pollKernelStats();
    return {
      kernelPackets: this.#kernelPackets,
      kernelDrops: this.#kernelDrops,
      budgetExhausted: this.#budgetExhausted,
      receiveErrors: this.#receiveErrors,
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.stop();
    this.#pollKernelStats();
    this.#closed = true;
    native().closeFd(this.fd);
  }

  #drain(handler: FrameHandler): void {
    const b = native();
    for (let i = 0; i < this.readBudget; i++) {
      if (this.#closed || !this.#watcher) return;
      const n = b.packetRecv(this.fd, this.#buf, this.#meta);
      if (n < 0) {
        if (!isAgain(n)) this.#receiveErrors++;
        return;
      }
      handler(this.#buf.subarray(0, n), this.#info());
    }
    this.#budgetExhausted++;
  }

  #info(): FrameInfo {
    return { pkttype: this.#meta[0]!, ifindex: this.#meta[1]!, wireLength: this.#meta[2]! };
  }

  #membership(mac: Uint8Array, add: boolean): void {
    this.#assertOpen();
    const rc = native().packetMembership(this.fd, this.ifindex, mac, add);
    if (rc < 0) throw new SystemError(rc, 'setsockopt', { ifname: this.ifname });
  }

  #pollKernelStats(): void {
    const r = native().packetStats(this.fd);
    if ('packets' in r) {
      this.#kernelPackets += r.packets;
      this.#kernelDrops += r.drops;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SystemError(9, 'use', { ifname: this.ifname }); // EBADF
  }
}

function isAgain(n: number): boolean {
  const c = native().constants;
  return n === -c.EAGAIN || n === -c.EWOULDBLOCK || n === -c.EINTR;
}
