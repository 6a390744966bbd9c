import { describe, expect, it } from 'vitest';
import { humanDuration } from './human-duration.js';

describe('humanDuration (apimachinery HumanDuration)', () => {
  it.each([
    [0, '0s'],
    [59_000, '59s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3600_000, '3h'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [9 * 3600_000, '9h'],
    [50 * 3600_000, '2d2h'],
    [10 * 86400_000, '10d'],
    [3 * 365 * 86400_000, '3y'],
    [-5000, '<invalid>'],
  ])('%i ms -> %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});
