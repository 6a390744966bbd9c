import { DecodeError, DecodeFailure, Reader, Writer, type Codec } from '@ironlb/wire';
import { BfdConstants, type BfdState } from '../constants.js';
import {
  authSectionCodec,
  authSectionLength,
  BFD_DECODE_ERROR,
  type AuthenticationSection,
} from './auth-section.js';

/**
 * A BFD Control packet (RFC 5880 section 4.1). Field names follow the RFC. The A bit is not a
 * field: it is set exactly when `authentication` is present. The version is always 1.
 * Intervals are in microseconds, as on the wire.
 */
export interface ControlPacket {
  /** Diag, 0..31 (RFC 5880 section 4.1; codes in `Diagnostic`). */
  readonly diagnostic: number;
  /** Sta. */
  readonly state: BfdState;
  /** P: Poll. */
  readonly poll: boolean;
  /** F: Final. */
  readonly final: boolean;
  /** C: Control Plane Independent. */
  readonly controlPlaneIndependent: boolean;
  /** D: Demand. */
  readonly demand: boolean;
  /** M: Multipoint, reserved; must be zero (a set bit makes the receiver discard the packet). */
  readonly multipoint: boolean;
  readonly detectMult: number;
  readonly myDiscriminator: number;
  readonly yourDiscriminator: number;
  readonly desiredMinTxInterval: number;
  readonly requiredMinRxInterval: number;
  readonly requiredMinEchoRxInterval: number;
  readonly authentication?: AuthenticationSection;
}

const Bit = {
  Poll: 0x20,
  Final: 0x10,
  ControlPlaneIndependent: 0x08,
  Auth: 0x04,
  Demand: 0x02,
  Multipoint: 0x01,
} as const;

/*
 * RFC 5880 section 4.1, Generic BFD Control Packet Format:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                       My Discriminator                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                      Your Discriminator                       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Desired Min TX Interval                    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                   Required Min RX Interval                    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                 Required Min Echo RX Interval                 |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *    An optional Authentication Section MAY be present:
 *
 *    |   Auth Type   |   Auth Len    |    Authentication Data...     |
 *
 * Length covers the whole packet including the authentication section. The decoder applies
 * the structural receive rules of RFC 5880 section 6.8.6 (version 1; Length at least 24, or
 * 26 with the A bit; Length not beyond the datagram) and, stricter than the RFC, requires
 * Length to be exactly 24 without the A bit and 24 + Auth Len with it. The semantic receive
 * rules (Detect Mult zero, M bit, discriminators) are `checkControlPacket`'s.
 */
export const controlPacketCodec: Codec<ControlPacket> = {
  encode(p, w: Writer): void {
    if (!Number.isInteger(p.diagnostic) || p.diagnostic < 0 || p.diagnostic > 31)
      throw new RangeError(`diagnostic out of range: ${p.diagnostic}`);
    if (!Number.isInteger(p.state) || p.state < 0 || p.state > 3)
      throw new RangeError(`state out of range: ${p.state}`);
    const auth = p.authentication;
    const length = BfdConstants.MandatoryLength + (auth ? authSectionLength(auth) : 0);
    let flags = p.state << 6;
    if (p.poll) flags |= Bit.Poll;
    if (p.final) flags |= Bit.Final;
    if (p.controlPlaneIndependent) flags |= Bit.ControlPlaneIndependent;
    if (auth) flags |= Bit.Auth;
    if (p.demand) flags |= Bit.Demand;
    if (p.multipoint) flags |= Bit.Multipoint;
    w.u8((BfdConstants.Version << 5) | p.diagnostic)
      .u8(flags)
      .u8(p.detectMult)
      .u8(length)
      .u32(p.myDiscriminator)
      .u32(p.yourDiscriminator)
      .u32(p.desiredMinTxInterval)
      .u32(p.requiredMinRxInterval)
      .u32(p.requiredMinEchoRxInterval);
    if (auth) authSectionCodec.encode(auth, w);
  },

  decode(r: Reader): ControlPacket {
    const start = r.offset;
    const b0 = r.u8('Vers/Diag');
    const version = b0 >> 5;
    if (version !== BfdConstants.Version)
      throw fail(DecodeFailure.unsupported, `BFD version ${version}`, start);
    const flags = r.u8('Sta/flags');
    const detectMult = r.u8('Detect Mult');
    const length = r.u8('Length');
    const hasAuth = (flags & Bit.Auth) !== 0;
    const minimum = hasAuth ? 26 : 24;
    if (length < minimum) throw fail(DecodeFailure.malformed, `Length ${length} below ${minimum}`, start + 3);
    if (length - 4 > r.remaining)
      throw fail(
        DecodeFailure.truncated,
        `Length ${length} beyond the ${r.remaining + 4} bytes received`,
        start + 3,
      );
    const body = r.sub(length - 4, 'control packet');
    const packet: ControlPacket = {
      diagnostic: b0 & 0x1f,
      state: (flags >> 6) as BfdState,
      poll: (flags & Bit.Poll) !== 0,
      final: (flags & Bit.Final) !== 0,
      controlPlaneIndependent: (flags & Bit.ControlPlaneIndependent) !== 0,
      demand: (flags & Bit.Demand) !== 0,
      multipoint: (flags & Bit.Multipoint) !== 0,
      detectMult,
      myDiscriminator: body.u32('My Discriminator'),
      yourDiscriminator: body.u32('Your Discriminator'),
      desiredMinTxInterval: body.u32('Desired Min TX Interval'),
      requiredMinRxInterval: body.u32('Required Min RX Interval'),
      requiredMinEchoRxInterval: body.u32('Required Min Echo RX Interval'),
    };
    if (!hasAuth) {
      body.expectEnd('control packet without authentication');
      return packet;
    }
    const authentication = authSectionCodec.decode(body);
    body.expectEnd('authentication section (Length disagrees with Auth Len)');
    return { ...packet, authentication };
  },
};

function fail(failure: DecodeFailure, message: string, offset: number): DecodeError {
  return new DecodeError(failure, message, { offset, code: BFD_DECODE_ERROR });
}

/** Encodes one control packet into a fresh byte array. */
export function encodeControlPacket(packet: ControlPacket): Uint8Array {
  const w = new Writer(64);
  controlPacketCodec.encode(packet, w);
  return w.finish();
}

/**
 * Decodes the control packet at the start of a UDP payload. Bytes after `Length` are
 * ignored: RFC 5880 section 6.8.6 only discards packets whose Length exceeds the payload.
 * Also returns the packet's own bytes (for authentication, which hashes exactly them).
 * Throws only `DecodeError`.
 */
export function decodeControlPacket(datagram: Uint8Array): { packet: ControlPacket; bytes: Uint8Array } {
  const r = new Reader(datagram);
  const packet = controlPacketCodec.decode(r);
  return { packet, bytes: datagram.subarray(0, r.offset) };
}
