import type { ControlPacket } from './codec/control-packet.js';
import { BfdState } from './constants.js';

/** Why a decoded packet is discarded before it reaches a session. Stable strings. */
export type HeaderDropReason =
  'zeroDetectMult' | 'multipointSet' | 'zeroMyDiscriminator' | 'zeroYourDiscriminatorNotDown';

/**
 * The receive rules of RFC 5880 section 6.8.6 that need no session, in the RFC's order after
 * the structural ones the decoder applies (version, Length):
 *
 * - "If the Detect Mult field is zero, the packet MUST be discarded."
 * - "If the Multipoint (M) bit is nonzero, the packet MUST be discarded."
 * - "If the My Discriminator field is zero, the packet MUST be discarded."
 * - "If the Your Discriminator field is zero and the State field is not Down or AdminDown, the
 *   packet MUST be discarded."
 *
 * Returns the reason to discard, or undefined when the packet may be demultiplexed.
 */
export function checkControlPacket(p: ControlPacket): HeaderDropReason | undefined {
  if (p.detectMult === 0) return 'zeroDetectMult';
  if (p.multipoint) return 'multipointSet';
  if (p.myDiscriminator === 0) return 'zeroMyDiscriminator';
  if (p.yourDiscriminator === 0 && p.state !== BfdState.Down && p.state !== BfdState.AdminDown)
    return 'zeroYourDiscriminatorNotDown';
  return undefined;
}
