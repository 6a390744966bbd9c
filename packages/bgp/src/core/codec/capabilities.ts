import type { Codec, Reader, Writer } from '@ironlb/wire';
import { CapabilityCode, NotificationCode } from '../constants.js';
import { BgpDecodeError } from '../errors.js';

/*
 * RFC 5492 §4 Capability encoding, inside an Optional Parameter of type 2:
 *
 *   +------------------------------+
 *   | Capability Code (1 octet)    |
 *   +------------------------------+
 *   | Capability Length (1 octet)  |
 *   +------------------------------+
 *   | Capability Value (variable)  |
 *   +------------------------------+
 *
 * Values (one row per capability we understand):
 *   1  Multiprotocol (RFC 4760 §8):   AFI (2) | Reserved (1) | SAFI (1)
 *   2  Route Refresh (RFC 2918 §2):   empty
 *   6  Extended Message (RFC 8654):   empty
 *   64 Graceful Restart (RFC 4724 §3): R|N|res (4 bits) Restart Time (12 bits),
 *                                     then per family: AFI (2) | SAFI (1) | F|res (1)
 *   65 4-octet AS (RFC 6793 §3):      AS number (4)
 *   70 Enhanced Route Refresh (RFC 7313): empty
 * Anything else is kept as raw bytes.
 */

export interface GracefulRestartFamily {
  readonly afi: number;
  readonly safi: number;
  /** F bit: forwarding state was preserved for this family across the restart. */
  readonly forwardingState: boolean;
}

export type Capability =
  | { readonly kind: 'multiprotocol'; readonly afi: number; readonly safi: number }
  | { readonly kind: 'routeRefresh' }
  | { readonly kind: 'extendedMessage' }
  | { readonly kind: 'enhancedRouteRefresh' }
  | {
      readonly kind: 'gracefulRestart';
      /** R bit: the sender has restarted. */
      readonly restartState: boolean;
      /** N bit (RFC 8538): the sender supports graceful restart on NOTIFICATION. */
      readonly notification: boolean;
      /** Seconds (0..4095) the receiver should keep our routes while we come back. */
      readonly restartTime: number;
      readonly families: readonly GracefulRestartFamily[];
    }
  | { readonly kind: 'fourOctetAs'; readonly asn: number }
  | { readonly kind: 'unknown'; readonly code: number; readonly value: Uint8Array };

const emptyCapabilities = {
  [CapabilityCode.RouteRefresh]: 'routeRefresh',
  [CapabilityCode.ExtendedMessage]: 'extendedMessage',
  [CapabilityCode.EnhancedRouteRefresh]: 'enhancedRouteRefresh',
} as const;

function malformed(message: string, offset: number): BgpDecodeError {
  // RFC 4271 §6.2: a recognised optional parameter that is malformed is an OPEN Message
  // Error with subcode 0 (Unspecific).
  return new BgpDecodeError(message, { code: NotificationCode.OpenMessageError, subcode: 0, offset });
}

export const capabilityCodec: Codec<Capability> = {
  encode(cap, w: Writer): void {
    switch (cap.kind) {
      case 'multiprotocol':
        w.u8(CapabilityCode.MultiprotocolExtensions).u8(4).u16(cap.afi).u8(0).u8(cap.safi);
        return;
      case 'routeRefresh':
        w.u8(CapabilityCode.RouteRefresh).u8(0);
        return;
      case 'extendedMessage':
        w.u8(CapabilityCode.ExtendedMessage).u8(0);
        return;
      case 'enhancedRouteRefresh':
        w.u8(CapabilityCode.EnhancedRouteRefresh).u8(0);
        return;
      case 'gracefulRestart': {
        if (cap.restartTime < 0 || cap.restartTime > 4095) throw new RangeError('restartTime is 0..4095');
        w.u8(CapabilityCode.GracefulRestart).u8(2 + 4 * cap.families.length);
        const flags = (cap.restartState ? 0x8 : 0) | (cap.notification ? 0x4 : 0);
        w.u16((flags << 12) | cap.restartTime);
        for (const f of cap.families)
          w.u16(f.afi)
            .u8(f.safi)
            .u8(f.forwardingState ? 0x80 : 0);
        return;
      }
      case 'fourOctetAs':
        w.u8(CapabilityCode.FourOctetAs).u8(4).u32(cap.asn);
        return;
      case 'unknown':
        w.u8(cap.code).u8(cap.value.length).bytes(cap.value);
        return;
    }
  },

  decode(r: Reader): Capability {
    const at = r.offset;
    const code = r.u8('capability code');
    const length = r.u8('capability length');
    if (length > r.remaining)
      throw malformed(`capability ${code} length ${length} overruns its parameter`, at);
    const v = r.sub(length);
    const expect = (n: number) => {
      if (length !== n) throw malformed(`capability ${code} has length ${length}, expected ${n}`, at);
    };
    switch (code) {
      case CapabilityCode.MultiprotocolExtensions: {
        expect(4);
        const afi = v.u16();
        v.u8();
        return { kind: 'multiprotocol', afi, safi: v.u8() };
      }
      case CapabilityCode.RouteRefresh:
      case CapabilityCode.ExtendedMessage:
      case CapabilityCode.EnhancedRouteRefresh:
        expect(0);
        return { kind: emptyCapabilities[code] };
      case CapabilityCode.GracefulRestart: {
        if (length < 2 || (length - 2) % 4 !== 0)
          throw malformed(`graceful restart capability length ${length}`, at);
        const word = v.u16();
        const families: GracefulRestartFamily[] = [];
        while (!v.atEnd)
          families.push({ afi: v.u16(), safi: v.u8(), forwardingState: (v.u8() & 0x80) !== 0 });
        return {
          kind: 'gracefulRestart',
          restartState: (word & 0x8000) !== 0,
          notification: (word & 0x4000) !== 0,
          restartTime: word & 0x0fff,
          families,
        };
      }
      case CapabilityCode.FourOctetAs:
        expect(4);
        return { kind: 'fourOctetAs', asn: v.u32() };
      default:
        return { kind: 'unknown', code, value: v.rest().slice() };
    }
  },
};
