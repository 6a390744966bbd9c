import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { setCondition } from './conditions.js';
import { isSatisfied } from './status-diff.js';
import { mergePatch } from './testing/fake-status-writer.js';

describe('isSatisfied', () => {
  it.each([
    [{ a: 1 }, { a: 1, b: 2 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: null }, {}, true],
    [{ a: null }, { a: 1 }, false],
    [{ l: [{ ip: 'x' }] }, { l: [{ ip: 'x', ipMode: 'VIP' }] }, true],
    [{ l: [{ ip: 'x' }] }, { l: [{ ip: 'x' }, { ip: 'y' }] }, false],
    [{ l: [] }, {}, false],
    [{ o: {} }, {}, false],
    [{ o: {} }, { o: { z: 1 } }, true],
    [{ a: 1 }, undefined, false],
  ])('%j against %j is %s', (desired, actual, expected) => {
    expect(isSatisfied(desired, actual)).toBe(expected);
  });

  test.prop([fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())])(
    'a merge patch always satisfies what it set',
    (target, patch) => {
      const result = mergePatch(target, patch);
      expect(isSatisfied(patch, result)).toBe(true);
    },
  );
});

describe('setCondition', () => {
  const t0 = Date.UTC(2025, 0, 1);
  it('keeps lastTransitionTime when the status does not change', () => {
    const a = setCondition([], { type: 'Valid', status: 'True', reason: 'ok', message: 'm' }, t0);
    const b = setCondition(a, { type: 'Valid', status: 'True', reason: 'ok2', message: 'm2' }, t0 + 60_000);
    expect(b).toEqual([
      {
        type: 'Valid',
        status: 'True',
        reason: 'ok2',
        message: 'm2',
        lastTransitionTime: '2025-01-01T00:00:00Z',
      },
    ]);
    const c = setCondition(b, { type: 'Valid', status: 'False', reason: 'bad', message: 'm' }, t0 + 60_000);
    expect(c[0]!.lastTransitionTime).toBe('2025-01-01T00:01:00Z');
  });
  it('keeps other conditions in order and does not mutate its input', () => {
    const list = Object.freeze([
      Object.freeze({
        type: 'A',
        status: 'True' as const,
        reason: 'r',
        message: '',
        lastTransitionTime: 'x',
      }),
    ]);
    const out = setCondition(list, { type: 'B', status: 'False', reason: 'r', message: '' }, t0);
    expect(out.map((c) => c.type)).toEqual(['A', 'B']);
    expect(list).toHaveLength(1);
  });
});
