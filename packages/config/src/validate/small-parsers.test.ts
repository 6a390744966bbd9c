import { describe, expect, it } from 'vitest';
import { parseCommunity, parseLargeCommunity } from './communities.js';
import { parseDuration } from './duration.js';
import { matchesAnySelector, matchesSelector, selectorErrors } from './selectors.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
    ['0s', 0],
    ['2us', 0.002],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '90', 's', '1m 30s', '-1s', '1d'])('%j is not a duration', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('communities', () => {
  it.each([
    ['0:0', 0],
    ['65535:65535', 0xffffffff],
    ['64512:100', 64512 * 65536 + 100],
    ['no-export', 0xffffff01],
    ['no-advertise', 0xffffff02],
    ['no-export-subconfed', 0xffffff03],
    ['no-peer', 0xffffff04],
    ['blackhole', 0xffff029a],
    ['graceful-shutdown', 0xffff0000],
  ])('%s is %d', (text, value) => expect(parseCommunity(text)).toEqual({ kind: 'standard', value }));
  it('reads large communities in both spellings', () => {
    const v = { globalAdministrator: 4294967295, localData1: 0, localData2: 7 };
    expect(parseLargeCommunity('4294967295:0:7')).toEqual({ kind: 'large', value: v });
    expect(parseCommunity('large:4294967295:0:7')).toEqual({ kind: 'large', value: v });
  });
  it.each(['65536:1', '1:65536', 'toString', '1:2:3', 'large:4294967296:0:0'])('rejects %s', (text) =>
    expect(parseCommunity(text).kind).toBe('invalid'),
  );
});

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn' as const, values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' as const }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' as const }] }, true],
    [{ matchExpressions: [{ key: 'constructor', operator: 'Exists' as const }] }, false],
  ])('%j matches: %s', (selector, expected) => expect(matchesSelector(selector, labels)).toBe(expected));

  it('an empty list matches everything; a list is an OR', () => {
    expect(matchesAnySelector([], labels)).toBe(true);
    expect(
      matchesAnySelector([{ matchLabels: { app: 'db' } }, { matchLabels: { tier: 'front' } }], labels),
    ).toBe(true);
  });

  it('finds malformed keys, values and operator misuse', () => {
    expect(
      selectorErrors(
        {
          matchLabels: { 'example.com/ok': 'v', '-bad': 'v', k: 'bad value' },
          matchExpressions: [
            { key: 'a', operator: 'Exists', values: ['x'] },
            { key: 'b', operator: 'In', values: [] },
          ],
        },
        's',
      ).map((e) => e.field),
    ).toEqual([
      's.matchLabels',
      's.matchLabels["k"]',
      's.matchExpressions[0].values',
      's.matchExpressions[1].values',
    ]);
  });
});
