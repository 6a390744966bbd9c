import { AuthType } from '../constants.js';
import type { AuthenticationSection, DigestAuth } from '../codec/auth-section.js';
import { DIGEST_OFFSET_IN_SECTION, digestLength } from '../codec/auth-section.js';
import { BfdConstants } from '../constants.js';
import { md5 } from './md5.js';
import { sha1 } from './sha1.js';

/**
 * What a session is configured with when the profile asks for authentication
 * (RFC 5880 section 6.7). `key` is the password for Simple Password (1-16 bytes), the MD5 key
 * (1-16 bytes) or the SHA1 key (1-20 bytes).
 */
export interface AuthConfig {
  readonly type: Exclude<AuthType, typeof AuthType.Reserved>;
  readonly keyId: number;
  readonly key: Uint8Array;
}

/** bfd.RcvAuthSeq, bfd.XmitAuthSeq and bfd.AuthSeqKnown (RFC 5880 section 6.8.1). */
export interface AuthSequenceState {
  readonly rcvAuthSeq: number;
  readonly xmitAuthSeq: number;
  readonly authSeqKnown: boolean;
}

export type AuthDropReason =
  | 'authMissing'
  | 'authUnexpected'
  | 'authTypeMismatch'
  | 'authKeyIdMismatch'
  | 'authPasswordMismatch'
  | 'authSequenceOutOfWindow'
  | 'authDigestMismatch';

/** Returns a problem with the config, or undefined when it is usable. */
export function authConfigProblem(auth: AuthConfig): string | undefined {
  if (!Number.isInteger(auth.keyId) || auth.keyId < 0 || auth.keyId > 255) return 'keyId must be 0-255';
  const max = auth.type === AuthType.KeyedSHA1 || auth.type === AuthType.MeticulousKeyedSHA1 ? 20 : 16;
  if (auth.key.length < 1 || auth.key.length > max)
    return `key must be 1-${max} bytes for auth type ${auth.type}`;
  return undefined;
}

export function isMeticulous(type: number): boolean {
  return type === AuthType.MeticulousKeyedMD5 || type === AuthType.MeticulousKeyedSHA1;
}

function hashFor(type: DigestAuth['type']): (bytes: Uint8Array) => Uint8Array {
  return digestLength(type) === 16 ? md5 : sha1;
}

function paddedKey(key: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(key.subarray(0, length));
  return out;
}

/**
 * The authentication section to encode into an outgoing packet, before signing: for digest
 * types the digest field carries the key padded with zeros (RFC 5880 sections 6.7.3, 6.7.4),
 * and `signEncodedPacket` then replaces it with the hash over the whole packet.
 */
export function outgoingAuthSection(auth: AuthConfig, sequenceNumber: number): AuthenticationSection {
  if (auth.type === AuthType.SimplePassword)
    return { type: auth.type, keyId: auth.keyId, password: auth.key };
  return {
    type: auth.type,
    keyId: auth.keyId,
    sequenceNumber,
    digest: paddedKey(auth.key, digestLength(auth.type)),
  };
}

/**
 * Signs an encoded packet in place: "the MD5 digest / SHA1 hash MUST be calculated over the
 * entire BFD control packet" with the key in the digest field, and the result written into that
 * field (RFC 5880 sections 6.7.3 and 6.7.4). Simple Password needs nothing.
 */
export function signEncodedPacket(bytes: Uint8Array, auth: AuthConfig): void {
  if (auth.type === AuthType.SimplePassword) return;
  const at = BfdConstants.MandatoryLength + DIGEST_OFFSET_IN_SECTION;
  bytes.set(hashFor(auth.type)(bytes), at);
}

/**
 * The receive side of RFC 5880 section 6.7: checks a packet (decoded, plus its own bytes) against
 * the session's configuration and sequence state. On success returns the new sequence state.
 * `receivedDetectMult` is the packet's Detect Mult, which sizes the replay window.
 */
export function verifyAuthentication(
  received: { auth: AuthenticationSection | undefined; bytes: Uint8Array; detectMult: number },
  options: { config: AuthConfig | undefined; sequence: AuthSequenceState },
): { ok: true; sequence: AuthSequenceState } | { ok: false; reason: AuthDropReason } {
  const { config, sequence } = options;
  const auth = received.auth;
  // RFC 5880 section 6.8.6: A bit set and bfd.AuthType zero, or A bit clear and auth in use.
  if (!config) return auth ? { ok: false, reason: 'authUnexpected' } : { ok: true, sequence };
  if (!auth) return { ok: false, reason: 'authMissing' };
  if (auth.type !== config.type) return { ok: false, reason: 'authTypeMismatch' };
  if (auth.keyId !== config.keyId) return { ok: false, reason: 'authKeyIdMismatch' };
  if (auth.type === AuthType.SimplePassword) {
    return constantTimeEqual(auth.password, config.key)
      ? { ok: true, sequence }
      : { ok: false, reason: 'authPasswordMismatch' };
  }
  if (sequence.authSeqKnown) {
    // The window is read in "an unsigned 32-bit circular number space" (sections 6.7.3, 6.7.4).
    const ahead = (auth.sequenceNumber - sequence.rcvAuthSeq) >>> 0;
    const lowest = isMeticulous(auth.type) ? 1 : 0;
    if (ahead < lowest || ahead > 3 * received.detectMult)
      return { ok: false, reason: 'authSequenceOutOfWindow' };
  }
  const n = digestLength(auth.type);
  const copy = received.bytes.slice();
  const at = BfdConstants.MandatoryLength + DIGEST_OFFSET_IN_SECTION;
  copy.set(paddedKey(config.key, n), at);
  const want = hashFor(auth.type)(copy);
  if (!constantTimeEqual(want, auth.digest)) return { ok: false, reason: 'authDigestMismatch' };
  return {
    ok: true,
    sequence: { ...sequence, authSeqKnown: true, rcvAuthSeq: auth.sequenceNumber },
  };
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
