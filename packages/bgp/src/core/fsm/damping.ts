import type { DampingConfig } from './types.js';

/**
 * Idle hold time before the next automatic start (RFC 4271 §8.1.1 DampPeerOscillations):
 * doubles with each consecutive failure, from `initialIdleHoldTime` up to `maxIdleHoldTime`.
 * A peer that keeps answering with a NOTIFICATION (MetalLB #780) is retried after 1, 2, 4 ...
 * seconds instead of in a tight loop.
 */
export function idleHoldTime(failures: number, damping: DampingConfig): number {
  if (failures <= 0) return 0;
  const t = damping.initialIdleHoldTime * 2 ** Math.min(failures - 1, 30);
  return Math.min(t, damping.maxIdleHoldTime);
}
