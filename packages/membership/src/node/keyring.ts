import { createHmac, timingSafeEqual } from 'node:crypto';
import { IronLbError } from '@ironlb/wire';
import { TAG_BYTES } from '../core/codec/constants.js';

/** Shortest key accepted: 128 bits. The Secret the controller creates holds 256. */
export const MIN_KEY_BYTES = 16;

export interface MembershipKeys {
  /** Signs everything we send; also accepted on receive. */
  current: Uint8Array;
  /** Accepted on receive only, for rotation (docs/failure-detection.md "Key rotation"). */
  previous?: Uint8Array;
}

export class MembershipKeyError extends IronLbError {
  constructor(message: string) {
    super('ERR_IRONLB_MEMBERSHIP_KEY', message);
  }
}

/**
 * The key id carried in every datagram: the first 4 bytes of HMAC-SHA256(key, label). It
 * lets a receiver pick the right key without trying each, and tells operators which key a
 * stranger used (`unknownKey` drops) without revealing anything about the key.
 */
export function keyIdOf(key: Uint8Array): number {
  return createHmac('sha256', key).update('ironlb-membership key id v1').digest().readUInt32BE(0);
}

export type VerifyResult = 'ok' | 'unknownKey' | 'badMac';

/**
 * HMAC-SHA256 over the authenticated bytes of a datagram, under the current key, with the
 * previous key accepted on receive so that a rotation never drops traffic. Keys are copied
 * and never logged.
 */
export class Keyring {
  #current!: { id: number; key: Buffer };
  #byId = new Map<number, Buffer>();

  constructor(keys: MembershipKeys) {
    this.set(keys);
  }

  get currentKeyId(): number {
    return this.#current.id;
  }

  /** Replaces the keys (Secret updated). Throws `MembershipKeyError` for unusable keys. */
  set(keys: MembershipKeys): void {
    const current = checkKey(keys.current, 'current');
    const byId = new Map<number, Buffer>([[keyIdOf(current), current]]);
    if (keys.previous !== undefined && keys.previous.length > 0) {
      const previous = checkKey(keys.previous, 'previous');
      const id = keyIdOf(previous);
      if (!byId.has(id)) byId.set(id, previous);
    }
    this.#current = { id: keyIdOf(current), key: current };
    this.#byId = byId;
  }

  sign(signed: Uint8Array): Uint8Array {
    return createHmac('sha256', this.#current.key).update(signed).digest();
  }

  verify(keyId: number, signed: Uint8Array, tag: Uint8Array): VerifyResult {
    const key = this.#byId.get(keyId);
    if (!key) return 'unknownKey';
    const want = createHmac('sha256', key).update(signed).digest();
    return tag.length === TAG_BYTES && timingSafeEqual(want, tag) ? 'ok' : 'badMac';
  }
}

function checkKey(key: Uint8Array, which: string): Buffer {
  if (!(key instanceof Uint8Array)) throw new MembershipKeyError(`the ${which} key must be bytes`);
  if (key.length < MIN_KEY_BYTES)
    throw new MembershipKeyError(
      `the ${which} key has ${key.length} bytes; at least ${MIN_KEY_BYTES} are needed`,
    );
  return Buffer.from(key);
}
