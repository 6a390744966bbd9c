import { connect, type Socket } from 'node:net';

/**
 * A minimal BGP-4 sender (RFC 4271) for the BFD interop tests and benchmark, standing in for
 * `@ironlb/bgp`'s session until that lands: OPEN with the multiprotocol IPv4 unicast
 * (RFC 4760) and 4-octet AS (RFC 6793) capabilities, KEEPALIVEs, UPDATEs packed with up to
 * ~800 /32 NLRI each, incoming messages read and ignored. `close()` tears the session down at
 * once (TCP RST), which is what a BFD Down does to the BGP session.
 */
export interface MinimalBgpOptions {
  readonly peer: string;
  readonly localAddress: string;
  readonly localAs: number;
  readonly routerId: string;
  readonly holdTime: number;
  readonly nextHop: string;
  readonly prefixes: readonly string[];
}

const MARKER = new Uint8Array(16).fill(0xff);

function message(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(19 + body.length);
  out.set(MARKER);
  new DataView(out.buffer).setUint16(16, out.length);
  out[18] = type;
  out.set(body, 19);
  return out;
}

function ipv4(text: string): number[] {
  return text.split('.').map(Number);
}

function open(o: MinimalBgpOptions): Uint8Array {
  const caps = [1, 4, 0, 1, 0, 1, 65, 4, ...u32(o.localAs)]; // MP IPv4 unicast, 4-octet AS
  const params = [2, caps.length, ...caps];
  const myAs = o.localAs > 0xffff ? 23456 : o.localAs;
  return message(
    1,
    new Uint8Array([
      4,
      myAs >> 8,
      myAs & 0xff,
      o.holdTime >> 8,
      o.holdTime & 0xff,
      ...ipv4(o.routerId),
      params.length,
      ...params,
    ]),
  );
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** UPDATEs announcing `prefixes` (each `a.b.c.d/len`), packed under the 4096-byte limit. */
export function buildUpdates(
  o: Pick<MinimalBgpOptions, 'localAs' | 'nextHop'>,
  prefixes: readonly string[],
): Uint8Array[] {
  const attrs = [
    0x40,
    1,
    1,
    0, // ORIGIN IGP
    0x40,
    2,
    6,
    2,
    1,
    ...u32(o.localAs), // AS_PATH: AS_SEQUENCE [localAs], 4-octet
    0x40,
    3,
    4,
    ...ipv4(o.nextHop), // NEXT_HOP
  ];
  const out: Uint8Array[] = [];
  let nlri: number[] = [];
  const flush = () => {
    if (nlri.length === 0) return;
    out.push(message(2, new Uint8Array([0, 0, attrs.length >> 8, attrs.length & 0xff, ...attrs, ...nlri])));
    nlri = [];
  };
  for (const p of prefixes) {
    const [addr, len] = p.split('/');
    const bits = Number(len);
    const bytes = ipv4(addr!).slice(0, Math.ceil(bits / 8));
    if (19 + 4 + attrs.length + nlri.length + 1 + bytes.length > 4096) flush();
    nlri.push(bits, ...bytes);
  }
  flush();
  return out;
}

/** UPDATEs withdrawing `prefixes`, packed under the 4096-byte limit. */
export function buildWithdrawals(prefixes: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let withdrawn: number[] = [];
  const flush = () => {
    if (withdrawn.length === 0) return;
    out.push(
      message(2, new Uint8Array([withdrawn.length >> 8, withdrawn.length & 0xff, ...withdrawn, 0, 0])),
    );
    withdrawn = [];
  };
  for (const p of prefixes) {
    const [addr, len] = p.split('/');
    const bits = Number(len);
    const bytes = ipv4(addr!).slice(0, Math.ceil(bits / 8));
    if (19 + 4 + withdrawn.length + 1 + bytes.length > 4096) flush();
    withdrawn.push(bits, ...bytes);
  }
  flush();
  return out;
}

export class MinimalBgpSender {
  readonly #socket: Socket;
  #keepalive: NodeJS.Timeout | undefined;
  #established = false;
  #done = false;
  onEstablished: () => void = () => {};
  onClosed: (why: string) => void = () => {};

  constructor(readonly options: MinimalBgpOptions) {
    this.#socket = connect({ host: options.peer, port: 179, localAddress: options.localAddress });
    this.#socket.setNoDelay(true);
    this.#socket.on('connect', () => this.#socket.write(open(options)));
    let buffer = new Uint8Array(0);
    this.#socket.on('data', (chunk: Uint8Array) => {
      const next = new Uint8Array(buffer.length + chunk.length);
      next.set(buffer);
      next.set(chunk, buffer.length);
      buffer = next;
      while (buffer.length >= 19) {
        const len = (buffer[16]! << 8) | buffer[17]!;
        if (buffer.length < len) break;
        this.#onMessage(buffer[18]!);
        buffer = buffer.slice(len);
      }
    });
    this.#socket.on('error', () => {});
    this.#socket.on('close', () => this.#closed('tcpClosed'));
  }

  get established(): boolean {
    return this.#established;
  }

  #onMessage(type: number): void {
    if (type === 1) {
      this.#socket.write(message(4, new Uint8Array()));
      const every = Math.max(1, Math.floor(this.options.holdTime / 3)) * 1000;
      this.#keepalive = setInterval(() => this.#socket.write(message(4, new Uint8Array())), every);
    } else if (type === 4 && !this.#established) {
      this.#established = true;
      for (const u of buildUpdates(this.options, this.options.prefixes)) this.#socket.write(u);
      this.onEstablished();
    } else if (type === 3) {
      this.close('notificationReceived');
    }
  }

  /** Sends more UPDATEs on the established session (for load). */
  announce(prefixes: readonly string[]): void {
    if (!this.#established) return;
    for (const u of buildUpdates(this.options, prefixes)) this.#socket.write(u);
  }

  /** Withdraws prefixes on the established session (for load). */
  withdraw(prefixes: readonly string[]): void {
    if (!this.#established) return;
    for (const u of buildWithdrawals(prefixes)) this.#socket.write(u);
  }

  /** Tears the session down at once: no NOTIFICATION, a TCP reset. */
  close(why = 'closed'): void {
    this.#socket.resetAndDestroy();
    this.#closed(why);
  }

  /** Reports the end of the session once, whether or not it was established (for a retry). */
  #closed(why: string): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#keepalive) clearInterval(this.#keepalive);
    this.#keepalive = undefined;
    this.#established = false;
    this.onClosed(why);
  }
}
