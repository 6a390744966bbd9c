import type { AuthConfig } from './auth/authenticate.js';
import { authConfigProblem } from './auth/authenticate.js';

/**
 * A BFD profile as users write it (the `BFDProfile` resource; field names and ranges follow
 * MetalLB's BFDProfile). Intervals are milliseconds here and microseconds on the wire.
 */
export interface BfdProfile {
  /** Lowest interval at which this system wants to receive packets, ms (10-60000, default 300). */
  readonly receiveInterval?: number;
  /** Lowest interval at which this system wants to send packets, ms (10-60000, default 300). */
  readonly transmitInterval?: number;
  /** Packets that may be missed before the session goes Down (2-255, default 3). */
  readonly detectMultiplier?: number;
  /** Wait for the peer's first packet before sending (RFC 5880 section 6.1). Default false. */
  readonly passiveMode?: boolean;
  /** Echo function: not implemented; `true` is reported as a problem. */
  readonly echoMode?: boolean;
  readonly echoInterval?: number;
  /** Multi-hop only (RFC 5883), not implemented; single hop always requires TTL 255. */
  readonly minimumTtl?: number;
  /** Optional authentication (RFC 5880 section 6.7). */
  readonly authentication?: AuthConfig;
}

/** A profile with defaults filled in, in microseconds, ready for a session. */
export interface ResolvedProfile {
  readonly desiredMinTxInterval: number;
  readonly requiredMinRxInterval: number;
  readonly detectMult: number;
  readonly passive: boolean;
  readonly auth?: AuthConfig;
}

export const ProfileDefaults = {
  receiveInterval: 300,
  transmitInterval: 300,
  detectMultiplier: 3,
  passiveMode: false,
} as const;

export interface ProfileProblem {
  readonly field: keyof BfdProfile;
  readonly reason: 'outOfRange' | 'notSupported' | 'invalid';
  /** An error makes the profile unusable; a warning names something that is ignored. */
  readonly severity: 'error' | 'warning';
  readonly detail: string;
}

/**
 * Validates a profile; returns every problem found. The profile is usable when none of them
 * is an error (`echoMode` is only a warning: sessions run without the Echo function).
 */
export function validateProfile(profile: BfdProfile): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const range = (field: keyof BfdProfile, value: number | undefined, min: number, max: number): void => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push({
        field,
        reason: 'outOfRange',
        severity: 'error',
        detail: `${field} must be an integer in ${min}-${max}, got ${value}`,
      });
  };
  range('receiveInterval', profile.receiveInterval, 10, 60000);
  range('transmitInterval', profile.transmitInterval, 10, 60000);
  range('detectMultiplier', profile.detectMultiplier, 2, 255);
  range('echoInterval', profile.echoInterval, 10, 60000);
  range('minimumTtl', profile.minimumTtl, 1, 254);
  if (profile.echoMode)
    problems.push({
      field: 'echoMode',
      reason: 'notSupported',
      severity: 'warning',
      detail: 'the Echo function is not implemented: the session runs with control packets only',
    });
  if (profile.authentication) {
    const problem = authConfigProblem(profile.authentication);
    if (problem)
      problems.push({ field: 'authentication', reason: 'invalid', severity: 'error', detail: problem });
  }
  return problems;
}

/** Fills in defaults and converts to microseconds. Call `validateProfile` first. */
export function resolveProfile(profile: BfdProfile): ResolvedProfile {
  return {
    desiredMinTxInterval: (profile.transmitInterval ?? ProfileDefaults.transmitInterval) * 1000,
    requiredMinRxInterval: (profile.receiveInterval ?? ProfileDefaults.receiveInterval) * 1000,
    detectMult: profile.detectMultiplier ?? ProfileDefaults.detectMultiplier,
    passive: profile.passiveMode ?? ProfileDefaults.passiveMode,
    ...(profile.authentication ? { auth: profile.authentication } : {}),
  };
}
