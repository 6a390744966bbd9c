import type { Codec } from '@ironlb/wire';
import { CeaseSubcode, NotificationCode, notificationName } from '../constants.js';

/*
 * RFC 4271 §4.5 NOTIFICATION Message Format (after the header):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Error code    | Error subcode |   Data (variable)             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 9003 §2: for Cease / Administrative Shutdown and Administrative Reset the data may be a
 * Shutdown Communication: Length (1 octet, 0..255) then that many octets of UTF-8.
 */
export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export const notificationMessageCodec: Codec<NotificationMessage> = {
  encode(m, w): void {
    w.u8(m.code).u8(m.subcode).bytes(m.data);
  },
  decode(r): NotificationMessage {
    const code = r.u8('error code');
    const subcode = r.u8('error subcode');
    return { type: 'notification', code, subcode, data: r.rest().slice() };
  },
};

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** A Cease NOTIFICATION, with an RFC 9003 Shutdown Communication when `text` is given. */
export function ceaseNotification(subcode: number, text?: string): NotificationMessage {
  let data = new Uint8Array(0);
  const carriesText =
    subcode === CeaseSubcode.AdministrativeShutdown || subcode === CeaseSubcode.AdministrativeReset;
  if (text !== undefined && carriesText) {
    let bytes = utf8.encode(text);
    // Truncate to 255 octets without cutting a UTF-8 sequence in half.
    if (bytes.length > 255) {
      let end = 255;
      while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
      bytes = bytes.slice(0, end);
    }
    data = new Uint8Array(1 + bytes.length);
    data[0] = bytes.length;
    data.set(bytes, 1);
  }
  return { type: 'notification', code: NotificationCode.Cease, subcode, data };
}

/** The RFC 9003 Shutdown Communication of a NOTIFICATION, if it carries a valid one. */
export function shutdownCommunication(m: NotificationMessage): string | undefined {
  if (m.code !== NotificationCode.Cease) return undefined;
  if (m.subcode !== CeaseSubcode.AdministrativeShutdown && m.subcode !== CeaseSubcode.AdministrativeReset) {
    return undefined;
  }
  if (m.data.length === 0 || m.data[0] !== m.data.length - 1) return undefined;
  try {
    return utf8Strict.decode(m.data.subarray(1));
  } catch {
    return undefined;
  }
}

/** `"Cease/AdministrativeShutdown"` plus the shutdown text when present, for logs. */
export function describeNotification(m: NotificationMessage): string {
  const text = shutdownCommunication(m);
  return text === undefined
    ? notificationName(m.code, m.subcode)
    : `${notificationName(m.code, m.subcode)}: ${text}`;
}
