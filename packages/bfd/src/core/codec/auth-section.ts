import { DecodeError, DecodeFailure, type Codec, type Reader, type Writer } from '@ironlb/wire';
import { AuthType } from '../constants.js';

/** Code of every decode error this package throws itself (the Reader's own are `ERR_IRONLB_DECODE`). */
export const BFD_DECODE_ERROR = 'ERR_IRONLB_BFD_DECODE';

/** Simple Password authentication section (RFC 5880 section 4.2). */
export interface SimplePasswordAuth {
  readonly type: typeof AuthType.SimplePassword;
  readonly keyId: number;
  /** 1 to 16 bytes. */
  readonly password: Uint8Array;
}

/** Keyed / Meticulous Keyed MD5 (section 4.3, 16-byte digest) or SHA1 (section 4.4, 20 bytes). */
export interface DigestAuth {
  readonly type:
    | typeof AuthType.KeyedMD5
    | typeof AuthType.MeticulousKeyedMD5
    | typeof AuthType.KeyedSHA1
    | typeof AuthType.MeticulousKeyedSHA1;
  readonly keyId: number;
  readonly sequenceNumber: number;
  /** "Auth Key/Digest" (MD5, 16 bytes) or "Auth Key/Hash" (SHA1, 20 bytes). */
  readonly digest: Uint8Array;
}

export type AuthenticationSection = SimplePasswordAuth | DigestAuth;

/** Bytes of the digest field for a digest auth type. */
export function digestLength(type: DigestAuth['type']): 16 | 20 {
  return type === AuthType.KeyedMD5 || type === AuthType.MeticulousKeyedMD5 ? 16 : 20;
}

/** Value of the Auth Len field for a section. */
export function authSectionLength(auth: AuthenticationSection): number {
  return auth.type === AuthType.SimplePassword ? 3 + auth.password.length : 8 + digestLength(auth.type);
}

/** Offset of the digest field from the start of the authentication section. */
export const DIGEST_OFFSET_IN_SECTION = 8;

function fail(failure: DecodeFailure, message: string, offset: number): DecodeError {
  return new DecodeError(failure, message, { offset, code: BFD_DECODE_ERROR });
}

/*
 * RFC 5880 section 4.2, Simple Password Authentication Section Format:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   Auth Type   |   Auth Len    |  Auth Key ID  |  Password...  |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                              ...                              |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Sections 4.3 (Keyed MD5, Auth Len 24) and 4.4 (Keyed SHA1, Auth Len 28):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   Auth Type   |   Auth Len    |  Auth Key ID  |   Reserved    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                        Sequence Number                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                 Auth Key/Digest (16) or Auth Key/Hash (20)... |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Reserved is written as zero and ignored on receipt (sections 4.3, 4.4).
 */
export const authSectionCodec: Codec<AuthenticationSection> = {
  encode(auth, w: Writer): void {
    w.u8(auth.type).u8(authSectionLength(auth)).u8(auth.keyId);
    if (auth.type === AuthType.SimplePassword) {
      if (auth.password.length < 1 || auth.password.length > 16)
        throw new RangeError(`simple password must be 1-16 bytes, got ${auth.password.length}`);
      w.bytes(auth.password);
      return;
    }
    const n = digestLength(auth.type);
    if (auth.digest.length !== n)
      throw new RangeError(`digest must be ${n} bytes, got ${auth.digest.length}`);
    w.u8(0).u32(auth.sequenceNumber).bytes(auth.digest);
  },

  decode(r: Reader): AuthenticationSection {
    const at = r.offset;
    const type = r.u8('Auth Type');
    const len = r.u8('Auth Len');
    if (type === AuthType.Reserved || type > AuthType.MeticulousKeyedSHA1)
      throw fail(DecodeFailure.unsupported, `unknown Auth Type ${type}`, at);
    if (type === AuthType.SimplePassword) {
      if (len < 4 || len > 19) throw fail(DecodeFailure.malformed, `simple password Auth Len ${len}`, at + 1);
      const body = r.sub(len - 2, 'simple password section');
      const keyId = body.u8('Auth Key ID');
      return { type, keyId, password: body.rest().slice() };
    }
    const digestType = type as DigestAuth['type'];
    const want = 8 + digestLength(digestType);
    if (len !== want)
      throw fail(DecodeFailure.malformed, `Auth Len ${len} for Auth Type ${type}, expected ${want}`, at + 1);
    const body = r.sub(len - 2, 'authentication section');
    const keyId = body.u8('Auth Key ID');
    body.skip(1, 'Reserved');
    const sequenceNumber = body.u32('Sequence Number');
    const digest = body.bytes(want - 8, 'digest').slice();
    return { type: digestType, keyId, sequenceNumber, digest };
  },
};
