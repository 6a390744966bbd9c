import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { fromLabelSelectorObject, matchesLabels, parseLabelSelector } from './label-selector.js';

const labels = { app: 'web', tier: 'front', 'kubernetes.io/service-name': 'web' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=db', false],
    ['app in (web,db)', true],
    ['app notin (web, db)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['kubernetes.io/service-name=web', true],
    ['missing!=x', true],
  ])('%j matches: %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it.each(['app=', 'app==', '=web', 'app in web', 'a b'])('rejects or accepts %j consistently', (sel) => {
    try {
      parseLabelSelector(sel);
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).status.code).toBe(400);
    }
  });

  it('rejects invalid keys with 400', () => {
    expect(() => parseLabelSelector('-bad=x')).toThrow(StatusError);
    expect(() => parseLabelSelector('a=b c')).toThrow(StatusError);
  });

  it('converts a LabelSelector object', () => {
    const sel = fromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }],
    });
    expect(matchesLabels(sel, labels)).toBe(true);
    expect(matchesLabels(sel, { app: 'web' })).toBe(false);
  });
});
