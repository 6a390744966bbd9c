import { Reader, type Codec, type Writer } from '@ironlb/wire';
import { NotificationCode, UpdateMessageSubcode } from '../constants.js';
import { BgpDecodeError, worstHandling, type ErrorHandling } from '../errors.js';
import { decodeAttributes, encodeAttribute } from './attributes.js';
import type { AttributeContext, PathAttribute } from './attribute-types.js';
import { decodePrefixes, encodePrefix, type BgpPrefix } from './prefix.js';

/*
 * RFC 4271 §4.3 UPDATE Message Format (after the header):
 *
 *   +-----------------------------------------------------+
 *   |   Withdrawn Routes Length (2 octets)                |
 *   +-----------------------------------------------------+
 *   |   Withdrawn Routes (variable)                       |
 *   +-----------------------------------------------------+
 *   |   Total Path Attribute Length (2 octets)            |
 *   +-----------------------------------------------------+
 *   |   Path Attributes (variable)                        |
 *   +-----------------------------------------------------+
 *   |   Network Layer Reachability Information (variable) |
 *   +-----------------------------------------------------+
 *
 * Withdrawn Routes and NLRI are IPv4 prefixes (see prefix.ts); other families travel in
 * MP_REACH_NLRI / MP_UNREACH_NLRI attributes (RFC 4760).
 */
export interface UpdateMessage {
  readonly type: 'update';
  readonly withdrawnRoutes: readonly BgpPrefix[];
  readonly pathAttributes: readonly PathAttribute[];
  readonly nlri: readonly BgpPrefix[];
  /**
   * RFC 7606 errors that did not reset the session, set only by the decoder and only when
   * there are any. With a `treatAsWithdraw` among them, every NLRI of this UPDATE counts as
   * withdrawn.
   */
  readonly errors?: readonly BgpDecodeError[];
}

function malformedList(message: string, offset: number): BgpDecodeError {
  return new BgpDecodeError(message, {
    code: NotificationCode.UpdateMessageError,
    subcode: UpdateMessageSubcode.MalformedAttributeList,
    offset,
  });
}

/** The UPDATE body codec for a session context (ASN width). */
export function updateMessageCodec(ctx: AttributeContext): Codec<UpdateMessage> {
  return {
    encode(m: UpdateMessage, w: Writer): void {
      const wAt = w.reserveU16();
      const wStart = w.length;
      for (const p of m.withdrawnRoutes) encodePrefix(p, w);
      w.patchU16(wAt, w.length - wStart);
      const aAt = w.reserveU16();
      const aStart = w.length;
      for (const a of m.pathAttributes) encodeAttribute(a, w, ctx);
      w.patchU16(aAt, w.length - aStart);
      for (const p of m.nlri) encodePrefix(p, w);
    },

    decode(r: Reader): UpdateMessage {
      // RFC 4271 §6.3: lengths that do not fit the message are Malformed Attribute List.
      const at = r.offset;
      const withdrawnLength = r.u16('withdrawn routes length');
      if (withdrawnLength + 2 > r.remaining) {
        throw malformedList(`withdrawn routes length ${withdrawnLength} exceeds the message`, at);
      }
      const withdrawnRoutes = decodePrefixes(r.sub(withdrawnLength), 4);
      const aAt = r.offset;
      const attributesLength = r.u16('total path attribute length');
      if (attributesLength > r.remaining) {
        throw malformedList(`total path attribute length ${attributesLength} exceeds the message`, aAt);
      }
      const { attributes, errors } = decodeAttributes(r.sub(attributesLength), ctx);
      const nlri = decodePrefixes(r, 4);
      const m: UpdateMessage = { type: 'update', withdrawnRoutes, pathAttributes: attributes, nlri };
      return errors.length > 0 ? { ...m, errors } : m;
    },
  };
}

/** Decodes an UPDATE body from `bytes[start, end)`. */
export function decodeUpdateBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  ctx: AttributeContext,
): UpdateMessage {
  return updateMessageCodec(ctx).decode(new Reader(bytes, start, end));
}

/** The most severe RFC 7606 handling among an UPDATE's recorded errors. */
export function updateHandling(m: UpdateMessage): ErrorHandling | undefined {
  let h: ErrorHandling | undefined;
  for (const e of m.errors ?? []) h = worstHandling(h, e.handling);
  return h;
}
