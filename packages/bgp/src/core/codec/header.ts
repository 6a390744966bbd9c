import { MessageHeaderSubcode, MessageLength, MessageType, NotificationCode } from '../constants.js';
import { BgpDecodeError } from '../errors.js';
import { DecodeFailure } from '@ironlb/wire';

/*
 * RFC 4271 §4.1 Message Header Format:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +                                                               +
 *   |                           Marker (16 octets of all ones)      |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Length               |      Type     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Length counts the whole message, header included: 19..4096, or 19..65535 once the Extended
 * Message capability (RFC 8654) was exchanged.
 */

export interface MessageHeader {
  readonly length: number;
  readonly type: number;
}

/** Minimum (and for KEEPALIVE, exact) length per message type, RFC 4271 §6.1. */
const minLength: Record<number, number> = {
  [MessageType.OPEN]: MessageLength.minOpen,
  [MessageType.UPDATE]: MessageLength.minUpdate,
  [MessageType.NOTIFICATION]: MessageLength.minNotification,
  [MessageType.KEEPALIVE]: MessageLength.keepalive,
  [MessageType.ROUTE_REFRESH]: MessageLength.routeRefresh,
};

/**
 * Checks the 19-byte header at `offset` (RFC 4271 §6.1) and returns its length and type.
 * Errors carry the NOTIFICATION: a marker that is not all ones is Connection Not
 * Synchronized; a bad length is Bad Message Length with the length field as data; an unknown
 * type is Bad Message Type with the type octet as data.
 */
export function checkHeader(bytes: Uint8Array, offset: number, maxLength: number): MessageHeader {
  if (bytes.length - offset < MessageLength.header) {
    throw new BgpDecodeError(`message header truncated at offset ${offset}`, {
      code: NotificationCode.MessageHeaderError,
      subcode: MessageHeaderSubcode.BadMessageLength,
      offset,
      failure: DecodeFailure.truncated,
    });
  }
  for (let i = 0; i < MessageLength.marker; i++) {
    if (bytes[offset + i] !== 0xff) {
      throw new BgpDecodeError(`marker is not all ones at offset ${offset + i}`, {
        code: NotificationCode.MessageHeaderError,
        subcode: MessageHeaderSubcode.ConnectionNotSynchronized,
        offset: offset + i,
      });
    }
  }
  const length = (bytes[offset + 16]! << 8) | bytes[offset + 17]!;
  const type = bytes[offset + 18]!;
  const min = minLength[type];
  if (min === undefined) {
    throw new BgpDecodeError(`unknown message type ${type}`, {
      code: NotificationCode.MessageHeaderError,
      subcode: MessageHeaderSubcode.BadMessageType,
      data: Uint8Array.of(type),
      offset: offset + 18,
    });
  }
  const tooLong =
    length > maxLength || (type === MessageType.KEEPALIVE && length !== MessageLength.keepalive);
  if (length < min || tooLong) {
    throw new BgpDecodeError(`bad length ${length} for message type ${type}`, {
      code: NotificationCode.MessageHeaderError,
      subcode: MessageHeaderSubcode.BadMessageLength,
      data: bytes.slice(offset + 16, offset + 18),
      offset: offset + 16,
    });
  }
  return { length, type };
}

/** Writes a header into `out` at `offset`. */
export function writeHeader(out: Uint8Array, offset: number, length: number, type: number): void {
  out.fill(0xff, offset, offset + MessageLength.marker);
  out[offset + 16] = length >> 8;
  out[offset + 17] = length & 0xff;
  out[offset + 18] = type;
}
