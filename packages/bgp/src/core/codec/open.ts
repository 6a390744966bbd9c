import { Writer, type Codec } from '@ironlb/wire';
import { NotificationCode, OptionalParameterType } from '../constants.js';
import { BgpDecodeError } from '../errors.js';
import { capabilityCodec, type Capability } from './capabilities.js';

/*
 * RFC 4271 §4.2 OPEN Message Format (after the 19-byte header):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+
 *   |    Version    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     My Autonomous System      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Hold Time           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         BGP Identifier                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Opt Parm Len  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |             Optional Parameters (variable)                    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Each Optional Parameter: Parm. Type (1) | Parm. Length (1) | Parm. Value.
 * RFC 9072 extended form: Opt Parm Len = 255, then Non-Ext OP Type = 255, then a 2-octet
 * Extended Opt. Parm. Length, and each parameter has a 2-octet length.
 * Type 2 (RFC 5492) holds one or more capabilities. FRR sends one capability per parameter,
 * BIRD all in one; the structure is kept so that both round-trip exactly.
 */

export type OptionalParameter =
  | { readonly type: 'capabilities'; readonly capabilities: readonly Capability[] }
  | { readonly type: 'unknown'; readonly parameterType: number; readonly value: Uint8Array };

export interface OpenMessage {
  readonly type: 'open';
  readonly version: number;
  /** 2 octets: the real ASN, or AS_TRANS (23456) when it does not fit (RFC 6793). */
  readonly myAutonomousSystem: number;
  readonly holdTime: number;
  /** The BGP Identifier as an unsigned 32-bit integer (conventionally an IPv4 address). */
  readonly bgpIdentifier: number;
  readonly optionalParameters: readonly OptionalParameter[];
  /** Set when the parameters use (or must use) the RFC 9072 extended length form. */
  readonly extendedParameters?: true;
}

function openError(message: string, offset: number): BgpDecodeError {
  return new BgpDecodeError(message, { code: NotificationCode.OpenMessageError, subcode: 0, offset });
}

function encodeParameterValue(p: OptionalParameter, w: Writer): void {
  if (p.type === 'unknown') w.bytes(p.value);
  else for (const c of p.capabilities) capabilityCodec.encode(c, w);
}

export const openMessageCodec: Codec<OpenMessage> = {
  encode(m, w): void {
    w.u8(m.version).u16(m.myAutonomousSystem).u16(m.holdTime).u32(m.bgpIdentifier);
    const params = new Writer();
    const extended = m.extendedParameters === true || needsExtended(m.optionalParameters);
    for (const p of m.optionalParameters) {
      params.u8(p.type === 'unknown' ? p.parameterType : OptionalParameterType.Capabilities);
      const lengthAt = extended ? params.reserveU16() : params.reserveU8();
      const start = params.length;
      encodeParameterValue(p, params);
      if (extended) params.patchU16(lengthAt, params.length - start);
      else params.patchU8(lengthAt, params.length - start);
    }
    const body = params.finish();
    if (extended) w.u8(255).u8(255).u16(body.length);
    else w.u8(body.length);
    w.bytes(body);
  },

  decode(r): OpenMessage {
    const version = r.u8('version');
    const myAutonomousSystem = r.u16('my autonomous system');
    const holdTime = r.u16('hold time');
    const bgpIdentifier = r.u32('bgp identifier');
    const lenAt = r.offset;
    let optLen = r.u8('optional parameters length');
    let extended = false;
    if (optLen === 255 && r.remaining > 0 && r.peekU8() === 255) {
      r.u8();
      optLen = r.u16('extended optional parameters length');
      extended = true;
    }
    if (optLen !== r.remaining) {
      throw openError(`optional parameters length ${optLen} but ${r.remaining} bytes follow`, lenAt);
    }
    const optionalParameters: OptionalParameter[] = [];
    while (!r.atEnd) {
      const at = r.offset;
      const parameterType = r.u8('parameter type');
      const length = extended ? r.u16('parameter length') : r.u8('parameter length');
      if (length > r.remaining)
        throw openError(`optional parameter length ${length} overruns the message`, at);
      const v = r.sub(length);
      if (parameterType === OptionalParameterType.Capabilities) {
        const capabilities: Capability[] = [];
        while (!v.atEnd) capabilities.push(capabilityCodec.decode(v));
        optionalParameters.push({ type: 'capabilities', capabilities });
      } else {
        optionalParameters.push({ type: 'unknown', parameterType, value: v.rest().slice() });
      }
    }
    const open: OpenMessage = {
      type: 'open',
      version,
      myAutonomousSystem,
      holdTime,
      bgpIdentifier,
      optionalParameters,
    };
    return extended && !needsExtended(optionalParameters) ? { ...open, extendedParameters: true } : open;
  },
};

/** True when the parameters do not fit the 1-octet length fields of RFC 4271. */
function needsExtended(params: readonly OptionalParameter[]): boolean {
  let total = 0;
  for (const p of params) {
    const len =
      p.type === 'unknown' ? p.value.length : p.capabilities.reduce((n, c) => n + capabilityLength(c), 0);
    if (len > 255) return true;
    total += 2 + len;
  }
  return total > 255;
}

function capabilityLength(c: Capability): number {
  switch (c.kind) {
    case 'multiprotocol':
    case 'fourOctetAs':
      return 6;
    case 'gracefulRestart':
      return 4 + 4 * c.families.length;
    case 'unknown':
      return 2 + c.value.length;
    default:
      return 2;
  }
}

/** All capabilities of an OPEN, flattened over its parameters. */
export function capabilitiesOf(open: OpenMessage): Capability[] {
  const out: Capability[] = [];
  for (const p of open.optionalParameters) if (p.type === 'capabilities') out.push(...p.capabilities);
  return out;
}
