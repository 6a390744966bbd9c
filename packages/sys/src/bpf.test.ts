import { describe, expect, it } from 'vitest';
import { Bpf, bpfJump, bpfLoad, bpfProgram, bpfRet, minTtlFilter } from './bpf.js';

describe('bpfProgram', () => {
  it('encodes struct sock_filter in host (little-endian) order', () => {
    // ldh [12]; jeq #0x806, 0, 1; ret #-1; ret #0  (tcpdump -dd arp)
    const prog = bpfProgram([
      bpfLoad(Bpf.H, 12),
      bpfJump(Bpf.JEQ, 0x806, 0, 1),
      bpfRet(0xffffffff),
      bpfRet(0),
    ]);
    expect(Buffer.from(prog).toString('hex')).toBe(
      [
        '28000000' + '0c000000',
        '15000001' + '06080000',
        '06000000' + 'ffffffff',
        '06000000' + '00000000',
      ].join(''),
    );
  });

  it('writes negative (SKF_NET_OFF) offsets as u32', () => {
    const prog = bpfProgram([bpfLoad(Bpf.B, Bpf.NET_OFF + 8)]);
    expect(new DataView(prog.buffer).getUint32(4, true)).toBe(0xfff00008);
  });

  it('minTtlFilter checks IPv4 TTL and IPv6 hop limit', () => {
    const prog = minTtlFilter(255);
    expect(prog.length).toBe(9 * 8);
    const view = new DataView(prog.buffer);
    const k = (i: number) => view.getUint32(i * 8 + 4, true);
    expect(k(3)).toBe(0xfff00008); // IPv4 TTL
    expect(k(5)).toBe(0xfff00007); // IPv6 hop limit
    expect(k(4)).toBe(255);
    expect(k(6)).toBe(255);
  });
});
