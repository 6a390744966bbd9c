import { fc, test } from '@fast-check/vitest';
import { IPAddress, IPRange } from '@ironlb/netaddr';
import { describe, expect, it } from 'vitest';
import { FamilySpace } from './family-space.js';
import { OrdinalMap } from './ordinal-map.js';

function space(size: number, minReleaseMemory?: number): FamilySpace {
  const range = IPRange.from(IPAddress.fromBigInt(4, 0n), IPAddress.fromBigInt(4, BigInt(size - 1)));
  return new FamilySpace(new OrdinalMap(4, [range], false), minReleaseMemory);
}

function allocate(s: FamilySpace): bigint {
  const ordinal = s.peekFree();
  if (ordinal === undefined) throw new Error('full');
  s.take(ordinal);
  return ordinal;
}

describe('FamilySpace reuse order', () => {
  it('hands out never-used addresses first, lowest first', () => {
    const s = space(8);
    expect([allocate(s), allocate(s), allocate(s)]).toEqual([0n, 1n, 2n]);
    s.release(1n);
    expect(allocate(s)).toBe(3n); // not the just-released 1
  });

  it('then the address released longest ago', () => {
    const s = space(4);
    for (let i = 0; i < 4; i++) allocate(s);
    s.release(2n);
    s.release(0n);
    s.release(3n);
    expect([allocate(s), allocate(s), allocate(s)]).toEqual([2n, 0n, 3n]);
    expect(s.peekFree()).toBeUndefined();
  });

  it('skips addresses taken explicitly ahead of the cursor, and treats them as used once released', () => {
    const s = space(6);
    s.take(2n);
    expect([allocate(s), allocate(s), allocate(s)]).toEqual([0n, 1n, 3n]);
    s.release(2n);
    expect([allocate(s), allocate(s), allocate(s)]).toEqual([4n, 5n, 2n]);
  });

  it('re-taking a released address explicitly removes it from the queue', () => {
    const s = space(3);
    for (let i = 0; i < 3; i++) allocate(s);
    s.release(0n);
    s.release(1n);
    s.take(0n);
    expect(allocate(s)).toBe(1n);
    expect(s.peekFree()).toBeUndefined();
  });

  it('forgets the oldest releases beyond its memory and still finds them', () => {
    const s = space(100, 2);
    for (let i = 0; i < 100; i++) allocate(s);
    for (let i = 0; i < 10; i++) s.release(BigInt(i));
    expect(s.rememberedReleases).toBeLessThanOrEqual(Math.max(2, s.allocated));
    for (let i = 10; i < 100; i++) s.release(BigInt(i));
    expect(s.rememberedReleases).toBe(2);
    expect(s.allocated).toBe(0);
    // forgotten ones first (lowest first), the remembered ones (98, 99) last
    const order: bigint[] = [];
    for (let i = 0; i < 100; i++) order.push(allocate(s));
    expect(order.slice(0, 3)).toEqual([0n, 1n, 2n]);
    expect(order.slice(-2)).toEqual([98n, 99n]);
  });

  test.prop([fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 200 }), fc.integer({ min: 1, max: 6 })])(
    'never hands out an allocated address, and finds a free one whenever one exists',
    (ops, memory) => {
      const size = 12;
      const s = space(size, memory);
      const allocated = new Set<bigint>();
      const releasedAt = new Map<bigint, number>();
      let clock = 0;
      for (const [doAllocate, pick] of ops) {
        clock++;
        if (doAllocate || allocated.size === 0) {
          const ordinal = s.peekFree();
          if (allocated.size === size) {
            expect(ordinal).toBeUndefined();
            continue;
          }
          expect(ordinal).toBeDefined();
          expect(allocated.has(ordinal!)).toBe(false);
          // never the most recent release while an older or never-used one is free
          if (releasedAt.has(ordinal!) && size - allocated.size > 1) {
            const newest = Math.max(
              ...[...releasedAt.entries()].filter(([o]) => !allocated.has(o)).map(([, t]) => t),
            );
            expect(releasedAt.get(ordinal!)).not.toBe(newest);
          }
          s.take(ordinal!);
          allocated.add(ordinal!);
        } else {
          const victim = [...allocated][pick % allocated.size]!;
          s.release(victim);
          allocated.delete(victim);
          releasedAt.set(victim, clock);
        }
        expect(s.allocated).toBe(allocated.size);
        expect(s.available).toBe(BigInt(size - allocated.size));
      }
    },
  );
});
