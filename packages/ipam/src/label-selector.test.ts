import { describe, expect, it } from 'vitest';
import { matchesAny, matchesSelector } from './label-selector.js';

describe('label selectors (Kubernetes semantics)', () => {
  const labels = { app: 'web', tier: 'gold' };
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'web', tier: 'silver' } }, false],
    [{ matchLabels: { missing: '' } }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In' as const, values: ['web', 'api'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'In' as const, values: ['api'] }] }, false],
    [{ matchExpressions: [{ key: 'nope', operator: 'In' as const, values: ['x'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn' as const, values: ['api'] }] }, true],
    [{ matchExpressions: [{ key: 'nope', operator: 'NotIn' as const, values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn' as const, values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'nope', operator: 'Exists' as const }] }, false],
    [{ matchExpressions: [{ key: 'nope', operator: 'DoesNotExist' as const }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' as const }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Bogus' as 'In' }] }, false],
    [
      {
        matchLabels: { tier: 'gold' },
        matchExpressions: [{ key: 'app', operator: 'Exists' as const }],
      },
      true,
    ],
  ])('%j -> %s', (selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });

  it('does not read inherited properties as labels', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {})).toBe(false);
  });

  it('matchesAny is OR over the list; an empty list matches nothing', () => {
    expect(matchesAny([{ matchLabels: { app: 'db' } }, { matchLabels: { app: 'web' } }], labels)).toBe(true);
    expect(matchesAny([], labels)).toBe(false);
  });
});
