import { describe, expect, it } from 'vitest';
import {
  announceTime,
  defaultAnnounceSchedule,
  probeTime,
  resolveAnnounceSchedule,
} from './announce-schedule.js';

describe('announce schedule', () => {
  it('defaults: 4 rounds over 5 s, 3 probes 200 ms apart and a 300 ms wait', () => {
    const s = resolveAnnounceSchedule();
    expect(s).toEqual(defaultAnnounceSchedule);
    expect([0, 1, 2, 3, 4].map((r) => announceTime(s, 1000, r))).toEqual([1000, 1500, 3000, 6000, undefined]);
    expect([0, 1, 2, 3].map((n) => probeTime(s, 0, n))).toEqual([0, 200, 400, 700]);
  });

  it('takes partial overrides', () => {
    const s = resolveAnnounceSchedule({ gratuitousOffsetsMs: [0, 100], probe: false });
    expect(announceTime(s, 0, 1)).toBe(100);
    expect(probeTime(s, 5, 3)).toBe(5);
  });

  it.each([
    [{ gratuitousOffsetsMs: [] }],
    [{ gratuitousOffsetsMs: [0, -1] }],
    [{ gratuitousOffsetsMs: [500, 100] }],
    [{ gratuitousOffsetsMs: [0, Number.NaN] }],
    [{ probe: { count: 0, intervalMs: 1, waitMs: 1 } }],
    [{ probe: { count: 1, intervalMs: -1, waitMs: 1 } }],
    [{ conflictRetryMs: 0 }],
  ])('rejects %j', (partial) => {
    expect(() => resolveAnnounceSchedule(partial)).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_L2_INVALID_SCHEDULE' }),
    );
  });
});
