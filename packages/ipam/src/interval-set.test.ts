import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from './interval-set.js';

type Op = { kind: 'add' | 'delete'; value: number };
const op = fc.record({
  kind: fc.constantFrom<'add' | 'delete'>('add', 'delete'),
  value: fc.integer({ min: 0, max: 80 }),
});

function runsOf(values: Set<number>): Array<[bigint, bigint]> {
  const sorted = [...values].sort((a, b) => a - b);
  const runs: Array<[bigint, bigint]> = [];
  for (const v of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] + 1n === BigInt(v)) last[1] = BigInt(v);
    else runs.push([BigInt(v), BigInt(v)]);
  }
  return runs;
}

describe('IntervalSet', () => {
  test.prop([fc.array(op, { maxLength: 300 })])(
    'behaves like a set of values kept as maximal runs',
    (ops: Op[]) => {
      const set = new IntervalSet();
      const model = new Set<number>();
      for (const { kind, value } of ops) {
        if (kind === 'add') {
          set.add(BigInt(value));
          model.add(value);
        } else {
          set.delete(BigInt(value));
          model.delete(value);
        }
      }
      expect(set.toRuns()).toEqual(runsOf(model));
      expect(set.size).toBe(BigInt(model.size));
      expect(set.runs).toBe(runsOf(model).length);
      for (let v = 0; v <= 82; v++) {
        expect(set.has(BigInt(v))).toBe(model.has(v));
        let gap = v;
        while (model.has(gap)) gap++;
        expect(set.firstGapFrom(BigInt(v))).toBe(BigInt(gap));
      }
    },
  );

  it('stays shallow for many runs (every other value of 200k)', () => {
    const set = new IntervalSet();
    for (let v = 0n; v < 200_000n; v += 2n) set.add(v);
    expect(set.runs).toBe(100_000);
    expect(set.firstGapFrom(0n)).toBe(1n);
    set.add(1n);
    expect(set.firstGapFrom(0n)).toBe(3n);
    expect(set.toRuns()[0]).toEqual([0n, 2n]);
  });

  it('handles values beyond 2^64', () => {
    const set = new IntervalSet();
    const big = 1n << 100n;
    set.add(big);
    set.add(big + 1n);
    expect(set.firstGapFrom(big)).toBe(big + 2n);
    set.delete(big);
    expect(set.firstGapFrom(big)).toBe(big);
  });
});
