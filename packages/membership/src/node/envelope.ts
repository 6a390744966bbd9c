import { DecodeError, Reader, Writer, concatBytes } from '@ironlb/wire';
import type { Message, Packet } from '../core/codec/packet.js';
import { packetCodec } from '../core/codec/packet.js';
import { sealedPacketCodec } from '../core/codec/sealed-packet.js';
import type { Keyring } from './keyring.js';

/**
 * The authenticated envelope around protocol messages: `seal` encodes and signs one message,
 * `open` checks a received datagram in the order that exposes the least to a stranger:
 * framing and key id, then the MAC, and only then the full decode.
 */

/** Why a datagram was dropped before reaching the detector. These strings are metric labels. */
export const EnvelopeDrop = {
  malformed: 'malformed',
  unsupportedVersion: 'unsupportedVersion',
  unknownKey: 'unknownKey',
  badMac: 'badMac',
} as const;
export type EnvelopeDrop = (typeof EnvelopeDrop)[keyof typeof EnvelopeDrop];

export function seal(
  message: Message,
  options: { keyring: Keyring; epoch: number; seq: number; timestamp: number },
): Uint8Array {
  const writer = new Writer(512);
  const header = {
    keyId: options.keyring.currentKeyId,
    epoch: options.epoch,
    seq: options.seq,
    timestamp: options.timestamp,
  };
  packetCodec.encode({ header, message }, writer);
  const signed = writer.finish();
  return concatBytes(signed, options.keyring.sign(signed));
}

export type OpenResult = { ok: true; packet: Packet } | { ok: false; reason: EnvelopeDrop };

export function open(datagram: Uint8Array, keyring: Keyring): OpenResult {
  let sealed;
  try {
    sealed = sealedPacketCodec.decode(new Reader(datagram));
  } catch (err) {
    return { ok: false, reason: dropFor(err) };
  }
  const verdict = keyring.verify(sealed.keyId, sealed.signed, sealed.tag);
  if (verdict !== 'ok') return { ok: false, reason: verdict };
  try {
    const reader = new Reader(sealed.signed);
    const packet = packetCodec.decode(reader);
    reader.expectEnd('packet');
    return { ok: true, packet };
  } catch (err) {
    return { ok: false, reason: dropFor(err) };
  }
}

function dropFor(err: unknown): EnvelopeDrop {
  if (err instanceof DecodeError) return err.failure === 'unsupported' ? 'unsupportedVersion' : 'malformed';
  throw err;
}
