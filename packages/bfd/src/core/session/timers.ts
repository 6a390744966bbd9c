import type { SessionState } from './session-types.js';

/**
 * Timer arithmetic of RFC 5880 sections 6.8.2, 6.8.4 and 6.8.7. All values are microseconds.
 */

/**
 * The periodic transmit interval before jitter (section 6.8.7): the larger of
 * bfd.DesiredMinTxInterval (the value in effect, see section 6.8.3) and
 * bfd.RemoteMinRxInterval. Undefined when the remote asked for no packets
 * (bfd.RemoteMinRxInterval zero).
 */
export function transmitInterval(s: SessionState): number | undefined {
  if (s.remoteMinRxInterval === 0) return undefined;
  return Math.max(s.txDesiredInEffect, s.remoteMinRxInterval);
}

/**
 * The Detection Time in asynchronous mode (section 6.8.4): the remote's Detect Mult times
 * the larger of bfd.RequiredMinRxInterval (in effect) and the remote's last Desired Min TX
 * Interval. Undefined until a packet has been received.
 */
export function detectionTime(s: SessionState): number | undefined {
  if (s.lastRxAt === undefined || s.remoteDetectMult === 0) return undefined;
  return s.remoteDetectMult * Math.max(s.rxRequiredInEffect, s.remoteDesiredMinTxInterval);
}

/** One step of xorshift32; returns the next state and a number in [0, 1). */
export function nextRandom(rng: number): { rng: number; value: number } {
  let x = rng >>> 0 || 0x9e3779b9;
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  return { rng: x, value: x / 0x100000000 };
}

/**
 * Applies the jitter of section 6.8.7: the interval "MUST be reduced by a random value of 0
 * to 25%", and when bfd.DetectMult is 1 the interval "MUST be no more than 90% ... and MUST be
 * no less than 75%". Returns a whole number of microseconds.
 */
export function jitter(interval: number, detectMult: number, rng: number): { interval: number; rng: number } {
  const r = nextRandom(rng);
  const span = detectMult === 1 ? 0.15 : 0.25;
  const top = detectMult === 1 ? 0.9 : 1;
  return { interval: Math.floor(interval * (top - span * r.value)), rng: r.rng };
}
