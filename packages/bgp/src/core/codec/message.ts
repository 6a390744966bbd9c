import { DecodeError, Reader, Writer, type Codec } from '@ironlb/wire';
import { MessageLength, MessageType, NotificationCode, UpdateMessageSubcode } from '../constants.js';
import { BgpDecodeError, BgpError, BgpErrorCode } from '../errors.js';
import { checkHeader } from './header.js';
import { notificationMessageCodec, type NotificationMessage } from './notification.js';
import { openMessageCodec, type OpenMessage } from './open.js';
import { routeRefreshMessageCodec, type RouteRefreshMessage } from './route-refresh.js';
import { updateMessageCodec, type UpdateMessage } from './update.js';

/** RFC 4271 §4.4: a KEEPALIVE is the header alone. */
export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

export type BgpMessage =
  OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

/** What the encoding of a message depends on, fixed once the OPENs are exchanged. */
export interface MessageContext {
  /** RFC 6793: 4-octet ASNs in AS_PATH and AGGREGATOR. */
  readonly fourOctetAs: boolean;
  /** RFC 8654: messages up to 65535 octets. */
  readonly extendedMessage: boolean;
}

/** Before the OPENs are exchanged: 2-octet AS_PATH, 4096-octet messages. */
export const initialContext: MessageContext = { fourOctetAs: false, extendedMessage: false };

const typeOf = {
  open: MessageType.OPEN,
  update: MessageType.UPDATE,
  notification: MessageType.NOTIFICATION,
  keepalive: MessageType.KEEPALIVE,
  routeRefresh: MessageType.ROUTE_REFRESH,
} as const;

export function maxMessageLength(ctx: MessageContext): number {
  return ctx.extendedMessage ? MessageLength.maxExtended : MessageLength.max;
}

/** Appends one whole message (header included) to the writer. */
export function writeMessage(m: BgpMessage, w: Writer, ctx: MessageContext = initialContext): void {
  const start = w.length;
  for (let i = 0; i < MessageLength.marker; i++) w.u8(0xff);
  const lengthAt = w.reserveU16();
  w.u8(typeOf[m.type]);
  switch (m.type) {
    case 'open':
      openMessageCodec.encode(m, w);
      break;
    case 'update':
      updateMessageCodec(ctx).encode(m, w);
      break;
    case 'notification':
      notificationMessageCodec.encode(m, w);
      break;
    case 'routeRefresh':
      routeRefreshMessageCodec.encode(m, w);
      break;
    case 'keepalive':
      break;
  }
  const length = w.length - start;
  // RFC 8654 §4: OPEN and KEEPALIVE never exceed 4096 octets.
  const max = m.type === 'open' || m.type === 'keepalive' ? MessageLength.max : maxMessageLength(ctx);
  if (length > max) {
    throw new BgpError(BgpErrorCode.encode, `${m.type} message of ${length} octets exceeds ${max}`);
  }
  w.patchU16(lengthAt, length);
}

/** One message as bytes, header included. */
export function encodeMessage(m: BgpMessage, ctx: MessageContext = initialContext): Uint8Array {
  const w = new Writer(m.type === 'keepalive' ? 19 : 128);
  writeMessage(m, w, ctx);
  return w.finish();
}

/** The NOTIFICATION a structurally broken body calls for, per message type. */
const bodyError: Record<number, { code: number; subcode: number }> = {
  [MessageType.OPEN]: { code: NotificationCode.OpenMessageError, subcode: 0 },
  [MessageType.UPDATE]: {
    code: NotificationCode.UpdateMessageError,
    subcode: UpdateMessageSubcode.MalformedAttributeList,
  },
  [MessageType.NOTIFICATION]: { code: NotificationCode.MessageHeaderError, subcode: 0 },
  [MessageType.ROUTE_REFRESH]: { code: NotificationCode.RouteRefreshMessageError, subcode: 1 },
};

/**
 * Decodes one whole message (`frame` holds exactly one, as the framer yields them). Throws
 * only `BgpDecodeError`, which says which NOTIFICATION to send.
 */
export function decodeMessage(frame: Uint8Array, ctx: MessageContext = initialContext): BgpMessage {
  const { length, type } = checkHeader(frame, 0, maxMessageLength(ctx));
  if (length !== frame.length) {
    throw new BgpDecodeError(`frame of ${frame.length} octets but header says ${length}`, {
      code: NotificationCode.MessageHeaderError,
      subcode: 2,
      data: frame.slice(16, 18),
      offset: 16,
    });
  }
  const r = new Reader(frame, MessageLength.header, length);
  try {
    switch (type) {
      case MessageType.OPEN: {
        const m = openMessageCodec.decode(r);
        r.expectEnd('OPEN');
        return m;
      }
      case MessageType.UPDATE:
        return updateMessageCodec(ctx).decode(r);
      case MessageType.NOTIFICATION:
        return notificationMessageCodec.decode(r);
      case MessageType.ROUTE_REFRESH:
        return routeRefreshMessageCodec.decode(r);
      default:
        return { type: 'keepalive' };
    }
  } catch (err) {
    if (err instanceof BgpDecodeError || !(err instanceof DecodeError)) throw err;
    const spec = bodyError[type]!;
    throw new BgpDecodeError(err.message, { ...spec, offset: err.offset, failure: err.failure, cause: err });
  }
}

/**
 * The whole-message codec for a context, as a `Codec` (header included), for harnesses and
 * tools that work on readers; the session uses `createFramer` + `decodeMessage` instead.
 */
export function messageCodec(ctx: MessageContext = initialContext): Codec<BgpMessage> {
  return {
    encode: (m, w) => writeMessage(m, w, ctx),
    decode(r) {
      const head = r.bytes(MessageLength.header, 'message header');
      const { length } = checkHeader(head, 0, maxMessageLength(ctx));
      const frame = new Uint8Array(length);
      frame.set(head);
      frame.set(r.bytes(length - MessageLength.header, 'message body'), MessageLength.header);
      return decodeMessage(frame, ctx);
    },
  };
}
