import { endianness } from 'node:os';

/**
 * Classic BPF (linux/filter.h) for SO_ATTACH_FILTER: instruction codes and an assembler into
 * the kernel's `struct sock_filter` array (u16 code, u8 jt, u8 jf, u32 k; host byte order).
 * Protocol packages build their own programs from these; this package only encodes them.
 */
export const Bpf = {
  // classes
  LD: 0x00,
  LDX: 0x01,
  ALU: 0x04,
  JMP: 0x05,
  RET: 0x06,
  // sizes
  W: 0x00,
  H: 0x08,
  B: 0x10,
  // modes
  IMM: 0x00,
  ABS: 0x20,
  IND: 0x40,
  MSH: 0xa0,
  // ALU / jumps
  AND: 0x50,
  RSH: 0x70,
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  K: 0x00,
  X: 0x08,
  A: 0x10,
  /** Offset base for loads relative to the network header (SKF_NET_OFF). */
  NET_OFF: -0x100000,
} as const;

/** One instruction: [code, jt, jf, k]. */
export type BpfInstruction = readonly [code: number, jt: number, jf: number, k: number];

/** `ret #k`: accept k bytes (0 drops). */
export const bpfRet = (k: number): BpfInstruction => [Bpf.RET | Bpf.K, 0, 0, k >>> 0];
/** `ld{b,h,} [k]`: load from the packet at an absolute offset. */
export const bpfLoad = (size: number, offset: number): BpfInstruction => [
  Bpf.LD | size | Bpf.ABS,
  0,
  0,
  offset >>> 0,
];
/** `jeq/jge/jgt/jset #k, jt, jf`. */
export const bpfJump = (op: number, k: number, jt: number, jf: number): BpfInstruction => [
  Bpf.JMP | op | Bpf.K,
  jt,
  jf,
  k >>> 0,
];

/** Encodes a program for `AfPacketSocket.open({ filter })`, `setFilter` or `setMinTtl`. */
export function bpfProgram(instructions: readonly BpfInstruction[]): Uint8Array {
  const out = new Uint8Array(instructions.length * 8);
  const view = new DataView(out.buffer);
  const le = endianness() === 'LE';
  instructions.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, le);
    view.setUint8(i * 8 + 2, jt);
    view.setUint8(i * 8 + 3, jf);
    view.setUint32(i * 8 + 4, k >>> 0, le);
  });
  return out;
}

/**
 * Accepts IP packets whose TTL (IPv4) or hop limit (IPv6) is at least `min`, reading the IP
 * header through SKF_NET_OFF, so it works on UDP sockets whatever the family of the packet
 * (IPv4-mapped traffic on a dual-stack socket included). Used by `setMinTtl` on datagram
 * sockets, where Linux does not enforce IP_MINTTL.
 */
export function minTtlFilter(min: number): Uint8Array {
  const net = Bpf.NET_OFF;
  return bpfProgram([
    bpfLoad(Bpf.B, net), // A = version/IHL (IPv4) or version/traffic class (IPv6)
    [Bpf.ALU | Bpf.RSH | Bpf.K, 0, 0, 4], // A >>= 4: IP version
    bpfJump(Bpf.JEQ, 4, 0, 2), // IPv4 ? next : IPv6 branch
    bpfLoad(Bpf.B, net + 8), // IPv4 TTL
    bpfJump(Bpf.JGE, min, 2, 3), // >= min ? accept : drop
    bpfLoad(Bpf.B, net + 7), // IPv6 hop limit
    bpfJump(Bpf.JGE, min, 0, 1),
    bpfRet(0xffffffff),
    bpfRet(0),
  ]);
}
