import { endianness } from 'node:os';
import { native } from './binding.js';
import { FdWatcher, PollEvent } from './fd-watcher.js';
import { SystemError } from './system-error.js';

/** One network interface as rtnetlink (RTM_NEWLINK) reports it. */
export interface LinkInfo {
  readonly ifindex: number;
  readonly name: string;
  /** ifi_flags: IFF_* bits, all 32 (IFF_LOWER_UP = 0x10000 included). */
  readonly flags: number;
  /** ARPHRD_* (1 = Ethernet, 772 = loopback). */
  readonly hwtype: number;
  /** IFLA_ADDRESS: the link-layer address, when the link has one. */
  readonly mac: Uint8Array | undefined;
  readonly mtu: number | undefined;
  /** IFLA_MASTER: ifindex of the bridge or bond this link is a port of. */
  readonly master: number | undefined;
  /** IFLA_INFO_KIND: 'veth', 'bridge', 'bond', 'macvlan', ...; undefined for physical NICs. */
  readonly kind: string | undefined;
}

const NLMSG_HDR = 16;
const IFINFOMSG = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_GETLINK = 18;
const RTM_NEWLINK = 16;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const RTMGRP_LINK = 1;
const LE = endianness() === 'LE';
const align4 = (n: number) => (n + 3) & ~3;

/**
 * Lists interfaces through rtnetlink (RTM_GETLINK dump). The socket is created when this
 * object is, so it keeps the network namespace it was opened in for its whole life (open it
 * inside `runInNetns` to watch another namespace). Netlink messages are parsed here, in
 * TypeScript; the addon only moves bytes.
 */
export class LinkLister {
  readonly #fd: number;
  readonly #buf = new Uint8Array(65536);
  #seq = 1;
  #busy: Promise<LinkInfo[]> | undefined;
  #closed = false;

  constructor() {
    const fd = native().netlinkOpen(0);
    if (fd < 0) throw new SystemError(fd, 'socket', { netlink: 'route' });
    this.#fd = fd;
  }

  /** Every interface, in ifindex order. Concurrent calls share one dump. */
  list(timeoutMs = 2000): Promise<LinkInfo[]> {
    this.#busy ??= this.#dump(timeoutMs).finally(() => (this.#busy = undefined));
    return this.#busy;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    native().closeFd(this.#fd);
  }

  async #dump(timeoutMs: number): Promise<LinkInfo[]> {
    if (this.#closed) throw new SystemError(9, 'sendto', { netlink: 'route' });
    const b = native();
    const seq = this.#seq++;
    const req = new Uint8Array(NLMSG_HDR + IFINFOMSG);
    const v = new DataView(req.buffer);
    v.setUint32(0, req.length, LE);
    v.setUint16(4, RTM_GETLINK, LE);
    v.setUint16(6, NLM_F_REQUEST | NLM_F_DUMP, LE);
    v.setUint32(8, seq, LE);
    const sent = b.netlinkSend(this.#fd, req);
    if (sent < 0) throw new SystemError(sent, 'sendto', { netlink: 'route' });
    const links: LinkInfo[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = b.recvBytes(this.#fd, this.#buf);
      if (n < 0) {
        if (n !== -b.constants.EAGAIN && n !== -b.constants.EINTR)
          throw new SystemError(n, 'recv', { netlink: 'route' });
        if (Date.now() > deadline) throw new SystemError(b.constants.ETIMEDOUT, 'recv', { netlink: 'route' });
        await this.#readable(deadline - Date.now());
        continue;
      }
      if (parseMessages(this.#buf.subarray(0, n), seq, links)) break;
    }
    return links.sort((a, c) => a.ifindex - c.ifindex);
  }

  #readable(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const w = new FdWatcher(this.#fd, PollEvent.readable, () => {
        clearTimeout(t);
        w.stop();
        resolve();
      });
      const t = setTimeout(
        () => {
          w.stop();
          resolve();
        },
        Math.max(1, ms),
      );
    });
  }
}

/** Parses one datagram of a dump; returns true at NLMSG_DONE. Throws on NLMSG_ERROR. */
function parseMessages(data: Uint8Array, seq: number, out: LinkInfo[]): boolean {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  while (off + NLMSG_HDR <= data.length) {
    const len = v.getUint32(off, LE);
    const type = v.getUint16(off + 4, LE);
    const msgSeq = v.getUint32(off + 8, LE);
    if (len < NLMSG_HDR || off + len > data.length) break;
    if (msgSeq === seq) {
      if (type === NLMSG_DONE) return true;
      if (type === NLMSG_ERROR) {
        const err = v.getInt32(off + NLMSG_HDR, LE);
        if (err !== 0) throw new SystemError(err, 'RTM_GETLINK', { netlink: 'route' });
      }
      if (type === RTM_NEWLINK && len >= NLMSG_HDR + IFINFOMSG) out.push(parseLink(data, v, off, len));
    }
    off += align4(len);
  }
  return false;
}

function parseLink(data: Uint8Array, v: DataView, off: number, len: number): LinkInfo {
  const base = off + NLMSG_HDR;
  const link = {
    ifindex: v.getInt32(base + 4, LE),
    hwtype: v.getUint16(base + 2, LE),
    flags: v.getUint32(base + 8, LE),
    name: '',
    mac: undefined as Uint8Array | undefined,
    mtu: undefined as number | undefined,
    master: undefined as number | undefined,
    kind: undefined as string | undefined,
  };
  forEachAttr(data, v, base + IFINFOMSG, off + len, (type, start, end) => {
    if (type === IFLA_IFNAME) link.name = cString(data, start, end);
    else if (type === IFLA_ADDRESS) link.mac = data.slice(start, end);
    else if (type === IFLA_MTU && end - start >= 4) link.mtu = v.getUint32(start, LE);
    else if (type === IFLA_MASTER && end - start >= 4) link.master = v.getUint32(start, LE);
    else if (type === IFLA_LINKINFO) {
      forEachAttr(data, v, start, end, (t, s, e) => {
        if (t === IFLA_INFO_KIND) link.kind = cString(data, s, e);
      });
    }
  });
  return link;
}

function forEachAttr(
  data: Uint8Array,
  v: DataView,
  from: number,
  to: number,
  fn: (type: number, start: number, end: number) => void,
): void {
  let a = from;
  while (a + 4 <= to) {
    const alen = v.getUint16(a, LE);
    if (alen < 4 || a + alen > to) return;
    fn(v.getUint16(a + 2, LE) & 0x3fff, a + 4, a + alen);
    a += align4(alen);
  }
}

function cString(data: Uint8Array, start: number, end: number): string {
  let e = start;
  while (e < end && data[e] !== 0) e++;
  return new TextDecoder().decode(data.subarray(start, e));
}

/**
 * Calls `onChange` (at most once per event-loop turn) when any link is added, removed or
 * changes state (RTMGRP_LINK notifications). Callers then list the links again; the messages
 * themselves are drained and not parsed. Does not keep the process alive.
 */
export class LinkMonitor {
  readonly #fd: number;
  readonly #watcher: FdWatcher;
  readonly #buf = new Uint8Array(65536);
  #pending = false;
  #closed = false;

  constructor(onChange: () => void) {
    const b = native();
    const fd = b.netlinkOpen(RTMGRP_LINK);
    if (fd < 0) throw new SystemError(fd, 'socket', { netlink: 'route' });
    this.#fd = fd;
    this.#watcher = new FdWatcher(fd, PollEvent.readable, () => {
      // Drain; ENOBUFS (overrun) also means "something changed".
      for (let i = 0; i < 64 && b.recvBytes(fd, this.#buf) !== -b.constants.EAGAIN; i++);
      if (this.#pending || this.#closed) return;
      this.#pending = true;
      setImmediate(() => {
        this.#pending = false;
        if (!this.#closed) onChange();
      });
    }).unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watcher.stop();
    native().closeFd(this.#fd);
  }
}
