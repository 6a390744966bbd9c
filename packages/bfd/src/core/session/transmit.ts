import { isMeticulous, outgoingAuthSection, signEncodedPacket } from '../auth/authenticate.js';
import { encodeControlPacket, type ControlPacket } from '../codec/control-packet.js';
import type { SendReason, SessionAction, SessionState } from './session-types.js';

/**
 * Builds the next Control packet of a session (RFC 5880 section 6.8.7, "the contents of
 * transmitted BFD Control packets"), signs it when authentication is in use, and returns the
 * `send` action with the session's new sequence state.
 *
 * - Poll is set while a Poll Sequence is being transmitted, never together with Final.
 * - C (Control Plane Independent) is clear: the speaker shares fate with its control plane.
 * - D is clear: Demand mode is not implemented. M is clear.
 * - Required Min Echo RX Interval is zero: this system does not receive Echo packets.
 * - bfd.XmitAuthSeq goes up by one for every packet with Meticulous auth, and for Keyed auth
 *   whenever the content differs from the previous packet (sections 6.7.3, 6.7.4).
 */
export function buildSend(
  s: SessionState,
  reason: SendReason,
): { state: SessionState; action: SessionAction & { type: 'send' } } {
  const final = reason === 'final';
  const unsigned: ControlPacket = {
    diagnostic: s.localDiag,
    state: s.sessionState,
    poll: s.pollActive && !final,
    final,
    controlPlaneIndependent: false,
    demand: false,
    multipoint: false,
    detectMult: s.detectMult,
    myDiscriminator: s.localDiscr,
    yourDiscriminator: s.remoteDiscr,
    desiredMinTxInterval: s.desiredMinTxInterval,
    requiredMinRxInterval: s.requiredMinRxInterval,
    requiredMinEchoRxInterval: 0,
  };
  const auth = s.config.auth;
  if (!auth)
    return {
      state: s,
      action: { type: 'send', packet: unsigned, bytes: encodeControlPacket(unsigned), reason },
    };

  const content = contentKey(unsigned);
  let seq = s.authSequence.xmitAuthSeq;
  if (isMeticulous(auth.type) || content !== s.lastSentContent) seq = (seq + 1) >>> 0;
  const packet: ControlPacket = { ...unsigned, authentication: outgoingAuthSection(auth, seq) };
  const bytes = encodeControlPacket(packet).slice();
  signEncodedPacket(bytes, auth);
  const signed: ControlPacket =
    packet.authentication && 'digest' in packet.authentication
      ? { ...packet, authentication: { ...packet.authentication, digest: bytes.slice(32) } }
      : packet;
  return {
    state: { ...s, authSequence: { ...s.authSequence, xmitAuthSeq: seq }, lastSentContent: content },
    action: { type: 'send', packet: signed, bytes, reason },
  };
}

function contentKey(p: ControlPacket): string {
  return [
    p.diagnostic,
    p.state,
    p.poll,
    p.final,
    p.detectMult,
    p.yourDiscriminator,
    p.desiredMinTxInterval,
    p.requiredMinRxInterval,
  ].join(',');
}
